"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from intake import create_app
from intake.extensions import db
from tests.conftest import TEST_DATABASE_URL

SCHEMA = "migration_check"


def _empty_database_url(tmp_path):
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    # A schema of its own in the test database, emptied first.
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    url = make_url(TEST_DATABASE_URL)
    return url.update_query_dict({"options": f"-csearch_path={SCHEMA}"}).render_as_string(hide_password=False)


def test_upgrade_on_empty_database_matches_the_models(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=_empty_database_url(tmp_path))
    with app.app_context():
        upgrade()  # one head: feature branches must be joined
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            chart_counter = connection.execute(
                text("SELECT value FROM counter WHERE name = 'chart_number'")
            ).scalar()
        db.engine.dispose()
    assert differences == []
    assert chart_counter == 1000
