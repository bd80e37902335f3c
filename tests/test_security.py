"""Headers, CSRF (kind to long forms), size limits, malformed ids and error pages."""

import re
import secrets
import time
from functools import partial

import flask_wtf.csrf
import pytest
from flask import g
from flask_wtf.csrf import CSRFError
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from intake import create_app
from intake.auth.access import public
from intake.extensions import db
from intake.patients.models import Patient
from intake.security_headers import CONTENT_SECURITY_POLICY

# --- Headers -----------------------------------------------------------------------------------


def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_with_patient_data_are_never_cached(client, login, make_patient):
    login("front_desk")
    patient = make_patient()
    for url in (f"/patients/{patient.id}", "/patients/", f"/patients/{patient.id}/edit"):
        assert client.get(url).headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


@pytest.fixture
def production_app(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))  # production refuses a non-random key
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1:1/intake")
    return create_app("production")


def test_production_sends_hsts_and_secure_host_only_cookies(production_app):
    response = production_app.test_client().get("/login", base_url="https://clinic.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert production_app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    assert production_app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production_app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production_app.debug is False


def test_production_reads_the_client_ip_from_one_trusted_proxy(production_app):
    seen = {}

    @production_app.route("/_ip")
    @public
    def show_ip():
        from flask import request

        seen["ip"], seen["secure"] = request.remote_addr, request.is_secure
        return "ok"

    production_app.test_client().get(
        "/_ip",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert seen == {"ip": "203.0.113.9", "secure": True}


def test_without_a_proxy_forwarded_headers_are_ignored(app):
    seen = {}

    @app.route("/_ip")
    @public
    def show_ip():
        from flask import request

        seen["ip"] = request.remote_addr
        return "ok"

    app.test_client().get("/_ip", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen["ip"] == "127.0.0.1"


def test_production_refuses_to_run_with_the_debugger(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))  # production refuses a non-random key
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1:1/intake")
    with pytest.raises(RuntimeError, match="debugger"):
        create_app("production", DEBUG=True)


# --- CSRF --------------------------------------------------------------------------------------

TYPED = {
    "first_name": "Margaret",
    "last_name": "Okafor",
    "date_of_birth": "1961-04-12",
    "phone": "780-555-0142",
    "province": "AB",
    "staff_notes": "Prefers the quiet room; allergic to lavender oil.",
}


def _token(html: str) -> str:
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html).group(0)
    return re.search(r'value="([^"]+)"', field).group(1)


@pytest.fixture
def signed_in_with_csrf(app, login):
    """Sign in as front desk (tests sign in without tokens), then require CSRF tokens."""
    login("front_desk")
    app.config["WTF_CSRF_ENABLED"] = True
    return app


class _SignedNineHoursAgo(TimestampSigner):
    def get_timestamp(self):
        return int(time.time()) - 9 * 3600


def _old_token(client, url, monkeypatch):
    """Load ``url`` with its CSRF token dated nine hours ago (past the 8-hour limit); return the token."""
    with monkeypatch.context() as clock:
        clock.setattr(
            flask_wtf.csrf,
            "URLSafeTimedSerializer",
            partial(URLSafeTimedSerializer, signer=_SignedNineHoursAgo),
        )
        return _token(client.get(url).get_data(as_text=True))


def test_an_expired_token_on_a_long_form_shows_it_again_with_everything_typed(
    signed_in_with_csrf, client, monkeypatch
):
    old_token = _old_token(client, "/patients/new", monkeypatch)
    response = client.post("/patients/new", data={**TYPED, "csrf_token": old_token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your session&#39;s security token expired; check the form and save again." in html
    assert 'value="Margaret"' in html and "allergic to lavender oil." in html
    with signed_in_with_csrf.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Patient)) == 0
    response = client.post("/patients/new", data={**TYPED, "csrf_token": _token(html)})
    assert response.status_code == 302  # the fresh token on the re-shown form saves it


def test_an_expired_token_on_a_button_is_refused(signed_in_with_csrf, client, make_patient, monkeypatch):
    patient = make_patient()
    old_token = _old_token(client, f"/patients/{patient.id}", monkeypatch)
    response = client.post(f"/patients/{patient.id}/archive", data={"csrf_token": old_token})
    assert response.status_code == 400
    assert b"security token was missing or has expired" in response.data
    with signed_in_with_csrf.app_context():
        assert db.session.get(Patient, patient.id).is_archived is False


def test_a_missing_or_forged_token_is_refused_even_on_a_form(signed_in_with_csrf, client):
    assert client.post("/patients/new", data=TYPED).status_code == 400
    assert client.post("/patients/new", data={**TYPED, "csrf_token": "forged.token.value"}).status_code == 400
    assert client.post("/logout").status_code == 400


def test_nothing_is_saved_while_the_token_is_expired(app):
    with app.test_request_context("/patients/new", method="POST"):
        g.csrf_token_expired = True
        db.session.add(Patient(chart_number="C-999999", first_name="A", last_name="B", date_of_birth=None))
        with pytest.raises(CSRFError):
            db.session.commit()
        db.session.rollback()


# --- Bad input ---------------------------------------------------------------------------------


def test_a_request_over_the_size_limit_gets_a_clear_413_page(app, client, login):
    login("front_desk")
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    response = client.post("/patients/new", data={**TYPED, "staff_notes": "x" * (2 * 1024 * 1024 + 1)})
    assert response.status_code == 413
    assert b"That was too large to send" in response.data
    assert b"Riverbend Acupuncture" in response.data


@pytest.mark.parametrize(
    "url",
    [
        "/patients/abc",
        "/patients/-1",
        "/patients/1.5",
        "/patients/99999999999999999999999",
        "/patients/2147483648",
        "/staff/1e3/edit",
        "/patients/%00",
    ],
)
def test_malformed_or_impossible_ids_are_404(client, login, url):
    login("admin")
    response = client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.data


def test_an_unexpected_error_shows_a_branded_page_without_a_trace(database_template, tmp_path):
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite3'}", PROPAGATE_EXCEPTIONS=False
    )

    @app.route("/_boom")
    @public
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    assert "Traceback" not in body and "hunter2" not in body and "RuntimeError" not in body
    assert app.debug is False
