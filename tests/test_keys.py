"""Keys outside the database: generated once into instance/ (0600) or refused, never a published default."""

import os
import secrets
import shutil
import socket
import stat
import subprocess
import sys

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.debug import DebuggedApplication
from werkzeug.test import Client

from config import BASE_DIR, KEY_FILES
from intake import create_app
from intake.extensions import db
from intake.instance_keys import looks_random
from tests.conftest import PASSWORD, TEST_DATABASE_URL, _reset_postgres, sign_in

PUBLISHED_KEY = "development-only-secret-key"  # the signing key config.py once shipped with
POSTGRES_URL = "postgresql+psycopg://u:p@127.0.0.1:1/intake"


def _without_keys(monkeypatch):
    for name in (*KEY_FILES, "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def _random_keys() -> dict[str, str]:
    """Every key production reads, random, so no test generates a key file into the project's instance/."""
    return {name: secrets.token_urlsafe(48) for name in KEY_FILES}


def _production_environment(monkeypatch, **values):
    _without_keys(monkeypatch)
    for name, key in _random_keys().items():
        monkeypatch.setenv(name, key)
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    for name, value in values.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def development_app(database_template, tmp_path, monkeypatch):
    """The development configuration (as `make run` and a forgotten INTAKE_CONFIG give) on the test database."""
    _without_keys(monkeypatch)
    if TEST_DATABASE_URL:
        _reset_postgres(TEST_DATABASE_URL)
        url = TEST_DATABASE_URL
    else:
        shutil.copy(database_template, tmp_path / "intake.sqlite3")
        url = f"sqlite:///{tmp_path / 'intake.sqlite3'}"
    app = create_app(
        "development", instance_path=str(tmp_path / "instance"), SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.db_independent
def test_development_generates_a_random_secret_key_into_instance_once(tmp_path, monkeypatch):
    _without_keys(monkeypatch)
    folder = tmp_path / "instance"
    first = create_app("development", instance_path=str(folder), SQLALCHEMY_DATABASE_URI="sqlite://")
    key_file = folder / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == key_file.read_text().strip()
    assert looks_random(first.config["SECRET_KEY"]) and first.config["SECRET_KEY"] != PUBLISHED_KEY
    second = create_app("development", instance_path=str(folder), SQLALCHEMY_DATABASE_URI="sqlite://")
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]  # a restart keeps everyone signed in
    elsewhere = create_app("development", instance_path=str(tmp_path / "other"), SQLALCHEMY_DATABASE_URI="sqlite://")
    assert elsewhere.config["SECRET_KEY"] != first.config["SECRET_KEY"]


@pytest.mark.db_independent
def test_no_configuration_but_testing_has_a_key_written_in_the_code():
    from config import CONFIGS

    for name, config_class in CONFIGS.items():
        if name != "testing":
            assert {key: getattr(config_class, key, None) for key in KEY_FILES} == dict.fromkeys(KEY_FILES)


@pytest.mark.db_independent
def test_development_refuses_the_published_key_from_the_environment(tmp_path, monkeypatch):
    _without_keys(monkeypatch)
    monkeypatch.setenv("SECRET_KEY", PUBLISHED_KEY)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("development", instance_path=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://")


def _staff_list_status(app, payload, key):
    """Send a session cookie holding ``payload``, signed with ``key``, to the staff list; return the status."""
    signer = Flask("forger")
    signer.config.update(SECRET_KEY=key)
    cookie = SecureCookieSessionInterface().get_signing_serializer(signer).dumps(payload)
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    response = client.get("/staff/")
    return response.status_code, response.headers.get("Location", "")


def test_a_cookie_forged_with_the_published_key_opens_nothing(development_app):
    from intake.auth.operations import create_user

    with development_app.app_context():
        create_user(email="owner@clinic.example", full_name="Clinic Owner", role="admin", password=PASSWORD)
        db.session.commit()
    client = development_app.test_client()
    assert sign_in(client, "owner@clinic.example").status_code == 302
    cookie = client.get_cookie(development_app.config["SESSION_COOKIE_NAME"])
    serializer = SecureCookieSessionInterface().get_signing_serializer(development_app)
    admin_session = serializer.loads(cookie.value)  # what an attacker would write into a forged cookie

    signed_with_the_app_key = _staff_list_status(
        development_app, admin_session, development_app.config["SECRET_KEY"]
    )
    assert signed_with_the_app_key[0] == 200  # the payload itself is an administrator's session
    status, location = _staff_list_status(development_app, admin_session, PUBLISHED_KEY)
    assert status == 302 and location.startswith("/login")


@pytest.mark.db_independent
@pytest.mark.parametrize(
    "key",
    ["", "short-but-random-Zq8", "a" * 32, "x" * 48, "abcdef" * 8, PUBLISHED_KEY],
    ids=["missing", "short", "32-a", "48-x", "repeated", "published"],
)
def test_production_refuses_a_missing_short_or_non_random_secret_key(monkeypatch, key):
    _production_environment(monkeypatch, SECRET_KEY=key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


@pytest.mark.db_independent
def test_production_refuses_a_non_random_totp_key(monkeypatch):
    _production_environment(monkeypatch, TOTP_ENCRYPTION_KEY="a" * 40)
    with pytest.raises(RuntimeError, match="TOTP_ENCRYPTION_KEY"):
        create_app("production")


@pytest.mark.db_independent
def test_production_starts_with_random_keys(monkeypatch):
    _production_environment(monkeypatch)
    app = create_app("production")
    assert app.config["SECRET_KEY"] == os.environ["SECRET_KEY"]
    assert app.debug is False


@pytest.mark.db_independent
def test_production_refuses_flask_debug_in_the_environment(monkeypatch):
    _production_environment(monkeypatch, FLASK_DEBUG="1")
    with pytest.raises(RuntimeError, match="debugger"):
        create_app("production")


@pytest.mark.db_independent
def test_production_refuses_the_debugger_switched_on_after_it_was_built(monkeypatch):
    _production_environment(monkeypatch)
    app = create_app("production")
    with pytest.raises(RuntimeError, match="debugger"):
        app.debug = True  # what `flask run` does with FLASK_DEBUG=1, after the factory ran
    assert app.debug is False


@pytest.mark.db_independent
def test_production_answers_nothing_under_the_interactive_debugger(monkeypatch):
    _production_environment(monkeypatch)
    app = create_app("production")
    response = Client(DebuggedApplication(app.wsgi_app, evalex=True)).get("/login", base_url="https://clinic.example")
    assert response.status_code == 503
    assert b"debugger must never run in production" in response.data


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.db_independent
@pytest.mark.parametrize("switch", ["FLASK_DEBUG=1", "--debug"])
def test_flask_run_in_production_with_the_debugger_exits_with_an_error(tmp_path, switch):
    environment = {
        **os.environ,
        "INTAKE_CONFIG": "production",
        "INTAKE_INSTANCE_PATH": str(tmp_path),
        **_random_keys(),
        "DATABASE_URL": POSTGRES_URL,
    }
    environment.pop("FLASK_DEBUG", None)
    command = [sys.executable, "-m", "flask", "--app", "wsgi"]
    if switch == "--debug":
        command.append("--debug")
    else:
        environment["FLASK_DEBUG"] = "1"
    command += ["run", "--no-reload", "--host", "127.0.0.1", "--port", str(_free_port())]
    # A server that starts would run until the timeout, which fails the test.
    result = subprocess.run(
        command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "debugger must never run in production" in result.stderr
