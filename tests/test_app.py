"""The application skeleton: health check, production settings, SQLite tuning."""

import secrets
import threading
import time

import pytest
from sqlalchemy import text

from intake import create_app
from intake.extensions import db
from tests.conftest import PASSWORD


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody:x@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["database"] == "unreachable"
    assert body["reason"]


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1/intake")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_to_start_with_the_development_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "development-only-secret-key")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1/intake")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_to_start_without_database_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("AUDIT_KEY", secrets.token_urlsafe(48))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production")


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("AUDIT_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1/intake")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert app.debug is False


def test_unknown_page_shows_branded_404(client, login):
    login("practitioner")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"Riverbend Acupuncture" in response.data


def test_clinic_name_comes_from_config(app, client):
    app.config["CLINIC_NAME"] = "Whyte Avenue Wellness"
    assert b"Whyte Avenue Wellness" in client.get("/login").data


def _sqlite_only(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite connection settings")


def test_sqlite_runs_with_wal_full_sync_foreign_keys_and_busy_timeout(app):
    _sqlite_only(app)
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_two_tablets_saving_at_once_wait_instead_of_failing(app, make_patient):
    """A second writer waits for the first (BEGIN IMMEDIATE + busy timeout), no 'database is locked'."""
    _sqlite_only(app)
    patient = make_patient()
    errors, first_has_lock = [], threading.Event()

    def slow_writer():
        with app.app_context():
            try:
                with db.engine.begin() as connection:
                    connection.execute(
                        text("UPDATE patient SET city = 'First' WHERE id = :id"), {"id": patient.id}
                    )
                    first_has_lock.set()
                    time.sleep(0.6)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    def second_writer():
        first_has_lock.wait(5)
        with app.app_context():
            try:
                with db.engine.begin() as connection:
                    # Read first, then write: without BEGIN IMMEDIATE this upgrade would fail.
                    connection.execute(text("SELECT city FROM patient WHERE id = :id"), {"id": patient.id})
                    connection.execute(
                        text("UPDATE patient SET city = city || ' then second' WHERE id = :id"),
                        {"id": patient.id},
                    )
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    with app.app_context():
        city = db.session.execute(
            text("SELECT city FROM patient WHERE id = :id"), {"id": patient.id}
        ).scalar()
    assert city == "First then second"


def test_wsgi_module_imports_in_a_fresh_interpreter(tmp_path):
    """What gunicorn and `flask --app wsgi` do first: import order must not hide a circular import."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "INTAKE_CONFIG": "development",
        "INTAKE_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = subprocess.run([sys.executable, "-c", "import wsgi; print(wsgi.app.name)"],
                            capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


# --- Behind a proxy: forwarded addresses are trusted only from configured proxies ---------

GUNICORN_PEER = "198.51.100.7"  # the address the app sees: the client's own, or the proxy's


def _failed_sign_in(client, email, forwarded_for):
    return client.post(
        "/login",
        data={"email": email, "password": "not-the-password"},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": GUNICORN_PEER},
    )


def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_neither_audit_ip_nor_ip_limit(
    app, client, make_user, audit_events
):
    assert app.config["TRUSTED_PROXY_COUNT"] == 0
    app.config.update(LOGIN_IP_LIMIT=3, LOGIN_ACCOUNT_LIMIT=100)
    for n in range(3):  # a different account each time, so only the per-IP limit can stop it
        assert _failed_sign_in(client, f"guess{n}@clinic.example", f"203.0.113.{n}").status_code == 422
    user = make_user()
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.99"},
        environ_base={"REMOTE_ADDR": GUNICORN_PEER},
    )
    assert response.status_code == 429  # a fresh forged address does not reset the per-IP limit
    assert {event.client_ip for event in audit_events(action="login_failed")} == {GUNICORN_PEER}


def test_the_account_limit_holds_when_the_forwarded_address_rotates_behind_one_proxy(
    app, make_user, audit_events
):
    behind_proxy = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXY_COUNT=1
    )
    behind_proxy.config.update(LOGIN_ACCOUNT_LIMIT=5, LOGIN_IP_LIMIT=1000)
    client = behind_proxy.test_client()
    user = make_user()
    for n in range(5):
        assert _failed_sign_in(client, user.email, f"203.0.113.{n}").status_code == 422
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.250"},
        environ_base={"REMOTE_ADDR": GUNICORN_PEER},
    )
    assert response.status_code == 429  # the right password from a new address still waits
    assert client.get("/patients/").status_code == 302
    seen = [event.client_ip for event in audit_events(action="login_failed")]
    assert seen[:5] == [f"203.0.113.{n}" for n in range(5)]  # behind the proxy, the client's address is kept
    with behind_proxy.app_context():
        db.session.remove()
        db.engine.dispose()
