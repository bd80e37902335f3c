"""Fixtures: a fresh app and database per test, callable factories, a signed-in client,
and a live server for browser tests."""

import os
import shutil
import threading
from datetime import date
from itertools import count

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from intake import create_app
from intake.extensions import db

# Each feature keeps its own factories in tests/fixtures/<feature>.py.
pytest_plugins = [
    "tests.fixtures.questionnaire",
    "tests.fixtures.pain",
    "tests.fixtures.visits",
    "tests.fixtures.audit",
    "tests.fixtures.security",
]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct-horse-battery-staple"
_sequence = count(1)


def _reset_postgres(url: str) -> None:
    """Empty every table (schema built once per run) and restore the chart counter."""
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(text("INSERT INTO counter (name, value) VALUES ('chart_number', 1000)"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Build the schema once: a SQLite file to copy per test, or the PostgreSQL tables."""
    if TEST_DATABASE_URL:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=TEST_DATABASE_URL)
        with app.app_context():
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            db.create_all()
            db.engine.dispose()
        return None
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        db.engine.dispose()
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
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
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
