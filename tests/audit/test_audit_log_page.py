"""The administrators' audit log page, its CSV export, and "Who has looked at this chart"."""

import csv
import io
from datetime import timedelta

import pytest

from intake.audit.models import AuditEvent
from intake.audit.operations import record_event
from intake.clinic_time import to_clinic_time
from intake.database import utcnow
from intake.extensions import db


@pytest.mark.parametrize("role", ["practitioner", "front_desk"])
def test_only_administrators_open_the_audit_log(client, login, role):
    login(role)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_admin_searches_by_patient_user_and_action(client, login, make_user, make_patient):
    login("admin")
    viewer = make_user(role="practitioner", full_name="Mei Chen")
    first, second = make_patient(last_name="Okafor"), make_patient(last_name="Bergstrom")
    tablet = client.application.test_client()
    tablet.post("/login", data={"email": viewer.email, "password": "correct-horse-battery-staple"})
    tablet.get(f"/patients/{first.id}")
    tablet.get(f"/patients/{second.id}")

    page = client.get("/audit/", query_string={"chart_number": first.chart_number.lower().replace("-", "")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert first.chart_number in html and second.chart_number not in html
    assert "1 event matches these filters." in html

    html = client.get("/audit/", query_string={"user_id": viewer.id, "action": "view"}).get_data(as_text=True)
    assert "2 events match these filters." in html
    html = client.get("/audit/", query_string={"action": "login"}).get_data(as_text=True)
    assert "Mei Chen" in html and "Signed in" in html


def test_date_filters_use_the_clinics_days(app, client, login):
    login("admin")
    with app.app_context():
        event = record_event("view", detail="the one to find")
        db.session.commit()
        clinic_day = to_clinic_time(event.occurred_at).date()
    day = clinic_day.isoformat()
    html = client.get("/audit/", query_string={"date_from": day, "date_to": day}).get_data(as_text=True)
    assert "the one to find" in html
    next_day = (clinic_day + timedelta(days=1)).isoformat()
    html = client.get("/audit/", query_string={"date_from": next_day}).get_data(as_text=True)
    assert "No events match these filters." in html
    day_before = (clinic_day - timedelta(days=1)).isoformat()
    html = client.get("/audit/", query_string={"date_to": day_before}).get_data(as_text=True)
    assert "the one to find" not in html


def test_results_are_paginated(app, client, login):
    app.config["AUDIT_EVENTS_PER_PAGE"] = 5
    login("admin")
    with app.app_context():
        for n in range(12):
            record_event("view", detail=f"event number {n:02d}")
        db.session.commit()
    html = client.get("/audit/", query_string={"action": "view"}).get_data(as_text=True)
    assert "Page 1 of 3" in html and "event number 11" in html and "event number 06" not in html
    assert "page=2" in html and "action=view" in html
    html = client.get("/audit/", query_string={"action": "view", "page": 3}).get_data(as_text=True)
    assert "event number 00" in html
    html = client.get("/audit/", query_string={"action": "view", "order": "oldest"}).get_data(as_text=True)
    assert "event number 00" in html and "event number 11" not in html


def test_counts_stop_at_the_cap_and_the_pager_still_walks_every_page(app, client, login):
    app.config["AUDIT_EVENTS_PER_PAGE"] = 5
    app.config["AUDIT_COUNT_CAP"] = 10  # a trail of a million rows is counted up to a cap, not on every page
    login("admin")
    with app.app_context():
        for n in range(12):
            record_event("view", detail=f"event number {n:02d}")
        db.session.commit()
    html = client.get("/audit/", query_string={"action": "view"}).get_data(as_text=True)
    assert "More than 10 events match these filters." in html
    assert "Page 1</span>" in html and "Page 1 of" not in html
    assert "Next page" in html and "Previous page" not in html
    html = client.get("/audit/", query_string={"action": "view", "page": 3}).get_data(as_text=True)
    assert "event number 00" in html and "event number 01" in html
    assert "Previous page" in html and "Next page" not in html
    app.config["AUDIT_COUNT_CAP"] = 12
    html = client.get("/audit/", query_string={"action": "view"}).get_data(as_text=True)
    assert "12 events match these filters." in html and "Page 1 of 3" in html


@pytest.mark.parametrize(
    "args, message",
    [
        ({"action": "drop table"}, "Not a valid choice"),
        ({"user_id": "1 OR 1=1"}, "Not a valid choice"),
        ({"order": "occurred_at; DROP TABLE audit_event"}, "Not a valid choice"),
        ({"chart_number": "'; --"}, "Enter a chart number like C-001001."),
        ({"date_from": "2026-13-45"}, "Not a valid date value"),
        ({"date_to": "9999-12-31"}, "Enter a date between the years 2000 and 2999."),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "on or after the"),
    ],
)
def test_filters_outside_the_allowed_values_are_refused_with_a_message(client, login, args, message):
    login("admin")
    for url in ("/audit/", "/audit/export.csv"):
        response = client.get(url, query_string=args)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)


def test_page_numbers_out_of_range_show_an_empty_page(client, login):
    login("admin")
    assert client.get("/audit/?page=999999").status_code == 200
    assert client.get("/audit/?page=-4").status_code == 200
    assert client.get("/audit/?page=abc").status_code == 200


def test_csv_export_is_itself_recorded_and_safe_to_open_in_a_spreadsheet(
    app, client, login, make_patient, audit_events
):
    admin = login("admin")
    patient = make_patient()
    with app.app_context():
        record_event("view", patient=patient, detail='=HYPERLINK("http://evil.example")')
        db.session.commit()
    response = client.get("/audit/export.csv", query_string={"chart_number": patient.chart_number})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["action"] for row in rows] == ["export", "view"]  # the export itself comes first
    assert rows[1]["detail"] == '\'=HYPERLINK("http://evil.example")'
    assert {row["chart_number"] for row in rows} == {patient.chart_number}
    export = audit_events(action="export")[0]
    assert (export.user_id, export.patient_id, export.record_type) == (admin.id, patient.id, "audit_log")
    assert export.detail == f"chart_number={patient.chart_number}"


def test_audit_log_shows_stored_text_escaped(app, client, login):
    login("admin")
    with app.app_context():
        record_event("view", detail="<script>alert('x')</script>")
        db.session.commit()
    html = client.get("/audit/").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_chart_shows_who_has_looked_at_it_to_every_role(app, client, login, make_user, make_patient):
    patient = make_patient()
    practitioner = make_user(role="practitioner", full_name="Mei Chen")
    tablet = app.test_client()
    tablet.post("/login", data={"email": practitioner.email, "password": "correct-horse-battery-staple"})
    tablet.get(f"/patients/{patient.id}")
    tablet.get(f"/patients/{patient.id}")
    login("front_desk", full_name="Jordan Lee")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Who has looked at this chart" in html
    section = html.split("Who has looked at this chart")[1]
    assert "Jordan Lee" in section and "Mei Chen" in section
    assert "2 views, last" in section and "1 view, last" in section
    assert section.index("Jordan Lee") < section.index("Mei Chen")  # most recent first
    assert "Full audit log for this chart" not in section  # administrators only


def test_views_of_another_patient_are_not_listed(app, client, login, make_patient):
    login("practitioner", full_name="Mei Chen")
    first, second = make_patient(), make_patient()
    client.get(f"/patients/{first.id}")
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count()).select_from(AuditEvent).where(AuditEvent.patient_id == second.id)
            )
            == 0
        )
    section = (
        client.get(f"/patients/{second.id}").get_data(as_text=True).split("Who has looked at this chart")[1]
    )
    assert "1 view, last" in section and "2 views" not in section


def test_events_are_never_recorded_in_the_future(app):
    with app.app_context():
        event = record_event("view")
        db.session.commit()
        assert event.occurred_at <= utcnow()
