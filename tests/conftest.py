"""Fixtures: a fresh app and database per test, callable factories, a signed-in client,
and a live server for browser tests.

The schema is built once per run (per pytest-xdist worker) by the migrations, so the suite runs
against what production runs, audit triggers included. On PostgreSQL each xdist worker has a
database of its own, named after the one TEST_DATABASE_URL names (intake_test_gw0, …; the role
needs CREATEDB to create them the first time).
"""

import atexit
import logging
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from datetime import date
from functools import cache
from itertools import count

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

# Keys an app generates (secret, audit, 2-step) and its audit checkpoints go to a folder of the run's own,
# never the project's instance/ (read by config.py at import, so set before the app package is imported).
if "INTAKE_INSTANCE_PATH" not in os.environ:  # xdist workers inherit the run's folder
    os.environ["INTAKE_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="intake-test-instance-")
    atexit.register(shutil.rmtree, os.environ["INTAKE_INSTANCE_PATH"], ignore_errors=True)

from intake import create_app  # noqa: E402
from intake.extensions import db  # noqa: E402

# Each feature keeps its own factories in tests/fixtures/<feature>.py.
pytest_plugins = [
    "tests.fixtures.questionnaire",
    "tests.fixtures.pain",
    "tests.fixtures.visits",
    "tests.fixtures.audit",
    "tests.fixtures.security",
    "tests.fixtures.migrations",
]

#: The PostgreSQL database named by the environment; under xdist, each worker's is named after it.
SHARED_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
#: "gw0", "gw1"… under pytest-xdist, "" in a plain run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PASSWORD = "correct-horse-battery-staple"
_sequence = count(1)


def _database_of_this_worker(url: str | None) -> str | None:
    if not url or not WORKER:
        return url
    shared = make_url(url)
    return shared.set(database=f"{shared.database}_{WORKER}").render_as_string(hide_password=False)


#: The PostgreSQL database this process's tests use (None: SQLite files).
TEST_DATABASE_URL = _database_of_this_worker(SHARED_DATABASE_URL)


def _migrate(url: str) -> None:
    """Build the schema in an empty database with the migrations (one head, triggers included)."""
    # Alembic's env.py calls logging.config.fileConfig, which disables every logger that exists by then.
    loggers = [each for each in logging.root.manager.loggerDict.values() if isinstance(each, logging.Logger)]
    disabled_before = {each: each.disabled for each in loggers}
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    for each, disabled in disabled_before.items():
        each.disabled = disabled


def _rebuild_postgres(url: str) -> None:
    """Drop everything in the database's public schema and migrate it from scratch."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    _migrate(url)


def _create_database_if_missing(url: str) -> None:
    """Create the database ``url`` names unless it exists (kept between runs: dropping one forces a checkpoint)."""
    name = make_url(url).database
    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if exists.first() is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.fail(
            f"Cannot create {name} for xdist worker {WORKER}: {exc}\n"
            "The test role needs CREATEDB (ALTER ROLE … CREATEDB), or run with -n 0.",
            pytrace=False,
        )
    finally:
        engine.dispose()


@cache
def _engine(url: str):
    return create_engine(url)


def _reset_postgres(url: str) -> None:
    """Empty every table (schema built once per run) and restore the chart counter."""
    with _engine(url).begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        # The audit table refuses TRUNCATE; the tests' role owns it and may switch that off (the app's may not).
        connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_truncate"))
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_truncate"))
        connection.execute(text("INSERT INTO counter (name, value) VALUES ('chart_number', 1000)"))


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Build the schema once: a SQLite file to copy per test, or this worker's PostgreSQL database."""
    if TEST_DATABASE_URL:
        if WORKER:
            _create_database_if_missing(TEST_DATABASE_URL)
        _rebuild_postgres(TEST_DATABASE_URL)
        return None
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def app(database_template, tmp_path):
    if TEST_DATABASE_URL:
        _reset_postgres(TEST_DATABASE_URL)
        url = TEST_DATABASE_URL
    else:
        path = tmp_path / "intake.sqlite3"
        shutil.copy(database_template, path)
        url = f"sqlite:///{path}"
    # Each test's trail gets its own signed checkpoints (they describe one database).
    checkpoint_file = str(tmp_path / "audit-checkpoints.jsonl")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, AUDIT_CHECKPOINT_FILE=checkpoint_file)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a staff account: ``make_user(role="practitioner", full_name="Mei Chen")``."""
    from intake.auth.operations import create_user

    def factory(**overrides):
        n = next(_sequence)
        values = dict(
            email=f"staff{n}@clinic.example",
            full_name=f"Staff Member {n}",
            role="practitioner",
            password=PASSWORD,
            designation="",
        )
        active = overrides.pop("is_active_account", True)
        values.update(overrides)
        with app.app_context():
            user = create_user(**values)
            user.is_active_account = active
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return factory


@pytest.fixture
def make_patient(app):
    """Create a patient: ``make_patient(last_name="Song")``."""
    from intake.patients.operations import create_patient

    def factory(**overrides):
        n = next(_sequence)
        values = dict(
            first_name=f"Pat{n}",
            last_name="Testpatient",
            date_of_birth=date(1970, 1, 1),
            phone="780-555-0100",
        )
        archived = overrides.pop("is_archived", False)
        values.update(overrides)
        with app.app_context():
            patient = create_patient(values)
            patient.is_archived = archived
            db.session.commit()
            db.session.refresh(patient)
            db.session.expunge(patient)
        return patient

    return factory


@contextmanager
def counting_queries(app):
    """Collect the SQL statements the app sends while the block runs (query counts per page)."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries_of(app, client, url: str, *, data=None, status: int = 200):
    """Return how many SQL statements one request sends (a GET, or a POST of ``data``) and its answer."""
    with counting_queries(app) as statements:
        response = client.get(url) if data is None else client.post(url, data=data)
    assert response.status_code == status, url
    return len(statements), response


def query_count(app, client, url: str) -> int:
    """Return how many SQL statements a GET of ``url`` sends (it must answer 200)."""
    return queries_of(app, client, url)[0]


def sign_in(client, email, password=PASSWORD):
    """Sign the test client in through the login form."""
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def login(client, make_user):
    """Create a user with ``role`` and sign the client in: ``user = login("front_desk")``."""

    def do_login(role="practitioner", **overrides):
        user = make_user(role=role, **overrides)
        response = sign_in(client, user.email)
        assert response.status_code == 302, "test sign-in failed"
        return user

    return do_login


# --- Browser tests -------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 768, "height": 1024}, "has_touch": True}


@pytest.fixture
def live_server(app):
    """Serve the test's app on 127.0.0.1 in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
