"""A live intake-link token is never written down: not in the audit trail (any column), not in the
administrator's CSV export, not in gunicorn's access log. Refused tokens leave an access_denied event."""

import importlib.util
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from intake.audit import models as audit
from intake.audit.models import HASHED_COLUMNS
from tests.conftest import sign_in
from tests.questionnaire.answers import fill_every_step, start_link

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def every_value(event) -> list[str]:
    return [str(getattr(event, name)) for name in ("id", "row_hash", *HASHED_COLUMNS)]


def test_filling_an_intake_through_a_link_writes_no_token_into_the_trail_or_its_export(
    app, client, login, make_patient, make_user, audit_events
):
    login("front_desk")
    patient = make_patient()
    link = start_link(client, patient)
    token = token_of(link)
    phone = app.test_client()
    phone.get(link)
    phone.get(f"{link}/contact")
    fill_every_step(phone, link)
    assert phone.post(f"{link}/submit").status_code == 302

    events = audit_events()
    patient_rows = [e for e in events if e.user_role == "patient"]
    assert len(patient_rows) > 8
    assert {e.path for e in patient_rows} >= {"/i/…/contact", "/i/…/submit"}
    for event in events:
        assert not any(token in value for value in every_value(event)), event.id

    admin = app.test_client()
    sign_in(admin, make_user(role="admin").email)
    export = admin.get("/audit/export.csv")
    csv = export.get_data(as_text=True)
    assert export.status_code == 200 and "/i/…/contact" in csv
    assert token not in csv


def test_unknown_and_refused_tokens_leave_an_access_denied_event_without_the_token(
    app, client, login, make_patient, audit_events
):
    login("front_desk")
    patient = make_patient()
    link = start_link(client, patient)
    revoked = token_of(link)
    client.post(
        f"/patients/{patient.id}/intakes/{audit_events(action=audit.CREATE)[0].record_id}/revoke-link"
    )
    unknown = "x" * 43
    stranger = app.test_client()
    assert stranger.get(f"/i/{unknown}/contact").status_code == 404
    assert stranger.get(f"/i/{revoked}").status_code == 404
    assert stranger.get("/i/short/odi").status_code == 404

    denied = audit_events(action=audit.ACCESS_DENIED)
    assert [e.path for e in denied] == ["/i/…/contact", "/i/…", "/i/…/odi"]
    for event in denied:
        assert event.client_ip == "127.0.0.1" and event.endpoint.startswith("intake_link.")
        assert event.detail.startswith("intake link refused")
        assert not any(t in value for t in (unknown, revoked) for value in every_value(event))


def test_a_refused_tablet_grant_leaves_an_access_denied_event(app, client, login, make_patient, audit_events):
    login("front_desk")
    client.post(f"/patients/{make_patient().id}/intakes/kiosk")
    with client.session_transaction() as session:
        session["intake_kiosk"] = "y" * 43  # a grant that does not exist (or no longer does)
    assert client.get("/kiosk/contact").headers["Location"].startswith("/login")
    [event] = audit_events(action=audit.ACCESS_DENIED)
    assert event.path == "/kiosk/contact" and event.detail.startswith("clinic tablet grant refused")


def _gunicorn_logger_class():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", GUNICORN_CONF)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.logger_class


def _access_line(logger_class, tmp_path, token: str) -> str:
    cfg = Config()
    log_file = tmp_path / f"access-{logger_class.__name__}.log"
    cfg.set("accesslog", str(log_file))
    cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %({location}o)s %({referer}i)s')
    logger = logger_class(cfg)
    referrer = f"https://clinic.example/i/{token}/pain"
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/i/{token}/contact?step=2",
        "PATH_INFO": f"/i/{token}/contact",
        "QUERY_STRING": "step=2",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_REFERER": referrer,
    }
    response = SimpleNamespace(status="302 FOUND", sent=0, headers=[("Location", f"/i/{token}/complaint")])
    request = SimpleNamespace(headers=[("REFERER", referrer)])
    logger.access(response, request, environ, timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log_file.read_text()


@pytest.mark.db_independent
def test_gunicorns_access_log_replaces_intake_tokens_in_every_part_of_the_line(tmp_path):
    token = "Abc_def-0123456789abcdefghijklmnopqrstuvwxy"
    logger_class = _gunicorn_logger_class()
    assert issubclass(logger_class, Logger)
    line = _access_line(logger_class, tmp_path, token)
    assert token not in line
    assert '"POST /i/…/contact?step=2 HTTP/1.1" 302' in line
    assert "https://clinic.example/i/…/pain" in line and "/i/…/complaint" in line
    # gunicorn's own logger writes the token: the line above is what the config changes.
    assert token in _access_line(Logger, tmp_path, token)
