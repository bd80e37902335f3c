"""The audit log between dates is read along the time index, not by walking back through every later event."""

from datetime import timedelta

from intake.audit.operations import record_event
from intake.clinic_time import to_clinic_time
from intake.database import utcnow
from intake.extensions import db
from intake.patients.models import Patient
from tests.test_query_plans import assert_uses_index, captured_statements, query_plan, the_statement


def test_a_date_range_is_read_along_the_time_index_newest_first(app, client, login):
    login("admin")
    with app.app_context():
        for n in range(30):
            record_event("view", detail=f"event number {n:02d}")
        db.session.commit()
        if db.session.connection().dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE audit_event"))
            db.session.commit()
        today = to_clinic_time(utcnow()).date()
    with captured_statements(app) as statements:
        response = client.get("/audit/", query_string={"date_to": today.isoformat()})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("event number 29") < html.index("event number 28") < html.index("event number 00")
    sql, params = the_statement(statements, "FROM audit_event", "ORDER BY audit_event.occurred_at DESC")
    plan = query_plan(app, sql, params)
    assert_uses_index(plan, "audit_event", "ix_audit_event_occurred_at")
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        assert "TEMP B-TREE" not in plan, plan  # read in the index's order, never sorted


def test_oldest_first_between_dates_starts_from_the_first_day(app, client, login):
    login("admin")
    with app.app_context():
        for n in range(3):
            record_event("view", detail=f"event number {n:02d}")
        db.session.commit()
        yesterday = (to_clinic_time(utcnow()) - timedelta(days=1)).date()
    html = client.get(
        "/audit/", query_string={"date_from": yesterday.isoformat(), "order": "oldest", "action": "view"}
    ).get_data(as_text=True)
    assert html.index("event number 00") < html.index("event number 01") < html.index("event number 02")


def test_one_staff_members_events_are_read_along_their_index_newest_first(app, client, login, make_patient):
    admin = login("admin")
    first, second = make_patient(last_name="Okafor"), make_patient(last_name="Bergstrom")
    client.get(f"/patients/{first.id}")
    client.get(f"/patients/{second.id}")
    with app.app_context():
        for n in range(30):
            record_event("view", detail=f"event number {n:02d}")  # nobody's: not listed for the admin
        db.session.commit()
        if db.session.connection().dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE audit_event"))
            db.session.commit()
    with captured_statements(app) as statements:
        response = client.get("/audit/", query_string={"user_id": admin.id})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "event number" not in html
    assert html.index(second.chart_number) < html.index(first.chart_number)
    sql, params = the_statement(statements, "FROM audit_event", "ORDER BY audit_event.occurred_at DESC")
    plan = query_plan(app, sql, params)
    assert_uses_index(plan, "audit_event", "ix_audit_event_user_time")
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        assert "TEMP B-TREE" not in plan, plan  # a practitioner's half a million events are not sorted


#: PostgreSQL sorts twenty exports rather than read them in index order; at a clinic's size (a year of views is
#: 30,000 events) it reads the index, as these plans show with sorting priced out.
ONE_ACTION_PRICED_OUT = ("enable_seqscan", "enable_bitmapscan", "enable_sort")


def _views_and_a_few_exports(app):
    """Many views and a few exports today, with (PostgreSQL) fresh statistics: one action is worth an index."""
    with app.app_context():
        for n in range(300):
            record_event("view", detail=f"view number {n:03d}")
            if n % 15 == 0:
                record_event("export", detail=f"export number {n // 15:02d}")
        db.session.commit()
        if db.session.connection().dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE audit_event"))
            db.session.commit()
        return to_clinic_time(utcnow()).date()


def test_one_action_between_dates_is_read_along_its_time_index_newest_first(app, client, login):
    login("admin")
    today = _views_and_a_few_exports(app)
    query = {
        "action": "export",
        "date_from": (today - timedelta(days=1)).isoformat(),
        "date_to": today.isoformat(),
    }
    with captured_statements(app) as statements:
        response = client.get("/audit/", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "view number" not in html
    assert html.index("export number 19") < html.index("export number 10") < html.index("export number 00")
    assert html.count("export number") == 20  # every export, each once
    sql, params = the_statement(statements, "FROM audit_event", "ORDER BY audit_event.occurred_at DESC")
    plan = query_plan(app, sql, params, price_out=ONE_ACTION_PRICED_OUT)
    assert_uses_index(plan, "audit_event", "ix_audit_event_action_time")
    assert "TEMP B-TREE" not in plan, plan  # SQLite: read in the index's order, never sorted
    assert "Sort" not in plan, plan  # nor PostgreSQL


def test_one_action_from_a_date_oldest_first_is_read_along_its_time_index(app, client, login):
    login("admin")
    today = _views_and_a_few_exports(app)
    query = {"action": "export", "date_from": today.isoformat(), "order": "oldest"}
    with captured_statements(app) as statements:
        response = client.get("/audit/", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "view number" not in html
    assert html.index("export number 00") < html.index("export number 01") < html.index("export number 19")
    sql, params = the_statement(statements, "FROM audit_event", "ORDER BY audit_event.occurred_at ASC")
    plan = query_plan(app, sql, params, price_out=ONE_ACTION_PRICED_OUT)
    assert_uses_index(plan, "audit_event", "ix_audit_event_action_time")
    assert "TEMP B-TREE" not in plan, plan
    assert "Sort" not in plan, plan


def test_a_charts_events_are_read_along_the_patients_time_index_newest_first(
    app, client, login, make_patient
):
    login("admin")
    patient, other = make_patient(last_name="Okafor"), make_patient(last_name="Bergstrom")
    with app.app_context():
        for n in range(30):
            record_event("view", patient=db.session.get(Patient, patient.id), detail=f"chart event {n:02d}")
            record_event("view", patient=db.session.get(Patient, other.id), detail=f"other chart {n:02d}")
        db.session.commit()
        if db.session.connection().dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE audit_event"))
            db.session.commit()
    with captured_statements(app) as statements:
        response = client.get("/audit/", query_string={"chart_number": patient.chart_number})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "other chart" not in html and other.chart_number not in html
    assert html.index("chart event 29") < html.index("chart event 28") < html.index("chart event 00")
    assert html.count("chart event") == 30
    assert "30 events match these filters." in html
    sql, params = the_statement(statements, "FROM audit_event", "ORDER BY audit_event.occurred_at DESC")
    plan = query_plan(app, sql, params, price_out=("enable_seqscan", "enable_bitmapscan"))
    # Not the chart number's index: on PostgreSQL it does not hold the id, so every event of the chart was read
    # from the table and sorted to show its newest fifty.
    assert_uses_index(plan, "audit_event", "ix_audit_event_patient_time")
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        assert "TEMP B-TREE" not in plan, plan  # read in the index's order, never sorted


def test_a_charts_events_oldest_first_start_from_its_first_event(app, client, login, make_patient):
    login("admin")
    patient = make_patient(last_name="Okafor")
    with app.app_context():
        for n in range(3):
            record_event("view", patient=db.session.get(Patient, patient.id), detail=f"chart event {n:02d}")
        db.session.commit()
    html = client.get(
        "/audit/", query_string={"chart_number": patient.chart_number, "order": "oldest"}
    ).get_data(as_text=True)
    assert html.index("chart event 00") < html.index("chart event 01") < html.index("chart event 02")


def test_a_chart_number_no_chart_has_shows_no_events(app, client, login, make_patient):
    login("admin")
    patient = make_patient()
    client.get(f"/patients/{patient.id}")
    html = client.get("/audit/", query_string={"chart_number": "C-999999"}).get_data(as_text=True)
    assert "0 events match these filters." in html
    assert patient.chart_number not in html
