"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

Autogenerate compares tables, columns, types, indexes and foreign keys, but not CHECK constraints,
server defaults or triggers; those are compared here against a schema the models build with
``create_all``, as the same database reflects both (PostgreSQL rewrites a CHECK's text its own way).
"""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import CheckConstraint, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from intake import create_app
from intake.audit.models import GENESIS_HASH, AuditEvent
from intake.database import utcnow
from intake.extensions import db
from intake.patients.models import is_name_search_object
from tests.conftest import TEST_DATABASE_URL
from tests.fixtures.migrations import empty_database_url

#: PostgreSQL schemas of their own in the test database, emptied first: one migrated, one built by the models.
MIGRATED_SCHEMA = "migration_check"
MODELS_SCHEMA = "models_check"


@pytest.fixture(scope="module")
def migrated_app(tmp_path_factory):
    """Return an app whose empty database ``flask db upgrade`` has built."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=empty_database_url(tmp_path_factory.mktemp("migrated"), MIGRATED_SCHEMA),
    )
    with app.app_context():
        upgrade()  # one head: feature branches must be joined
        db.engine.dispose()
    return app


@pytest.fixture(scope="module")
def models_app(tmp_path_factory):
    """Return an app whose empty database the models' metadata has built (``create_all``)."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=empty_database_url(tmp_path_factory.mktemp("models"), MODELS_SCHEMA),
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return app


def _reflect(app, reader):
    """Return what ``reader(connection)`` finds in the app's database."""
    with app.app_context():
        with db.engine.connect() as connection:
            found = reader(connection)
        db.engine.dispose()
    return found


def _check_constraints(connection: Connection) -> dict[str, dict[str, str]]:
    inspector = inspect(connection)
    return {
        table: {
            check["name"]: " ".join(check["sqltext"].split())
            for check in inspector.get_check_constraints(table)
        }
        for table in sorted(db.metadata.tables)
    }


def _server_defaults(connection: Connection) -> dict[str, dict[str, str | None]]:
    inspector = inspect(connection)
    return {
        table: {column["name"]: column["default"] for column in inspector.get_columns(table)}
        for table in sorted(db.metadata.tables)
    }


def _audit_triggers(connection: Connection) -> set[str]:
    if connection.dialect.name == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
    return set(connection.execute(text(query)).scalars())


def test_upgrade_on_empty_database_matches_the_models(migrated_app):
    with migrated_app.app_context():
        with db.engine.connect() as connection:
            # The trigram name search's table and indexes are made by DDL, as the audit triggers are (env.py).
            include = lambda name, type_, parents: not is_name_search_object(name, type_)  # noqa: E731
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include}
            )
            differences = compare_metadata(context, db.metadata)
            chart_counter = connection.execute(
                text("SELECT value FROM counter WHERE name = 'chart_number'")
            ).scalar()
        db.engine.dispose()
    assert differences == []
    assert chart_counter == 1000


def test_every_check_constraint_of_the_models_is_migrated(migrated_app, models_app):
    declared = {
        table.name: sorted(
            str(constraint.name)
            for constraint in table.constraints
            if isinstance(constraint, CheckConstraint)
        )
        for table in db.metadata.tables.values()
    }
    migrated = _reflect(migrated_app, _check_constraints)
    assert {table: sorted(checks) for table, checks in migrated.items()} == declared
    assert migrated == _reflect(models_app, _check_constraints)


def test_migrations_and_models_agree_on_server_defaults(migrated_app, models_app):
    assert _reflect(migrated_app, _server_defaults) == _reflect(models_app, _server_defaults)


def test_upgrade_creates_the_audit_trails_append_only_triggers(migrated_app, models_app):
    triggers = _reflect(migrated_app, _audit_triggers)
    # The SQLite and PostgreSQL sets are named in intake.audit.models; PostgreSQL also refuses TRUNCATE.
    expected = {"audit_event_no_update", "audit_event_no_delete"}
    if TEST_DATABASE_URL:
        expected = {"audit_event_append_only", "audit_event_no_truncate"}
    assert triggers == expected
    assert triggers == _reflect(models_app, _audit_triggers)


def test_migrated_audit_trail_refuses_update_and_delete(migrated_app):
    audit_event = AuditEvent.__table__
    with migrated_app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                audit_event.insert().values(
                    occurred_at=utcnow(), action="view", previous_hash=GENESIS_HASH, row_hash="f" * 64
                )
            )
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(audit_event.update().values(detail="changed behind the trail's back"))
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(audit_event.delete())
        with db.engine.connect() as connection:
            details = connection.execute(select(audit_event.c.detail)).scalars().all()
        db.engine.dispose()
    assert details == [""]
