"""The chart's "Who has looked at this chart": each staff member's looks counted, newest first, read by seeks along
the covering index so that a chart looked at for years costs what a new one does."""

import re

from sqlalchemy import event, func

from intake.audit.models import PATIENT_ROLE, VIEW, AuditEvent
from intake.audit.operations import record_event
from intake.auth.models import User
from intake.extensions import db
from intake.patients.models import Patient
from tests.conftest import query_count

VIEWER = re.compile(
    r"<strong>(?P<name>[^<]*)</strong> <small class=\"muted\">(?P<role>[^<]*)</small></span>\s*"
    r"<span class=\"muted\">(?P<views>\d+) views?, last"
)


def shown_viewers(client, patient_id: int) -> list[tuple[str, str, int]]:
    html = client.get(f"/patients/{patient_id}").get_data(as_text=True)
    section = html.split("Who has looked at this chart")[1]
    return [(m["name"], m["role"], int(m["views"])) for m in VIEWER.finditer(section)]


def looks(app, patient_id: int, user_id: int | None, times: int = 1, *, action: str = VIEW) -> None:
    """Record ``times`` looks at the chart by the staff member (or by no one signed in)."""
    with app.app_context():
        patient = db.session.get(Patient, patient_id)
        user = db.session.get(User, user_id) if user_id is not None else None
        for _ in range(times):
            record_event(action, patient=patient, record_type="patient", record_id=patient_id, user=user)
        db.session.commit()


def every_view_grouped(app, patient_id: int) -> list[tuple[str, int]]:
    """Group every look at the chart, as the section did before it stepped along the index: (name, views)."""
    with app.app_context():
        last = func.max(AuditEvent.id)
        rows = db.session.execute(
            db.select(AuditEvent.user_name, func.count())
            .where(
                AuditEvent.patient_id == patient_id,
                AuditEvent.action == VIEW,
                AuditEvent.user_role != PATIENT_ROLE,
            )
            .group_by(AuditEvent.user_id, AuditEvent.user_name, AuditEvent.user_role)
            .order_by(last.desc())
        ).all()
    return [(name or "Unknown", views) for name, views in rows]


def test_each_staff_member_is_counted_as_grouping_every_look_would(
    app, client, login, make_user, make_patient
):
    patient, other = make_patient(), make_patient()
    chen = make_user(role="practitioner", full_name="Mei Chen")
    park = make_user(role="practitioner", full_name="Lin Park")
    desk = make_user(role="front_desk", full_name="Jordan Lee")
    looks(app, patient.id, chen.id, 5)
    looks(app, patient.id, park.id, 2)
    looks(app, patient.id, None)  # a look recorded with no one signed in: "Unknown", as before
    looks(app, patient.id, desk.id, 3)
    looks(app, patient.id, chen.id, 4, action="edit")  # not a look
    looks(app, other.id, park.id, 7)  # another chart
    with app.app_context():  # the patient on their own link: filling in a form, not a look at the chart
        record_event(VIEW, patient=db.session.get(Patient, patient.id), by_patient="link", grant_id=1)
        db.session.commit()
    login("admin", full_name="Ada Admin")
    shown = shown_viewers(client, patient.id)
    assert shown == [
        ("Ada Admin", "Administrator", 1),
        ("Jordan Lee", "Front desk", 3),
        ("Unknown", "", 1),
        ("Lin Park", "Practitioner", 2),
        ("Mei Chen", "Practitioner", 5),
    ]
    assert [(name, views) for name, _, views in shown] == every_view_grouped(app, patient.id)


def test_a_renamed_staff_member_is_listed_under_each_name_they_looked_as(
    app, client, login, make_user, make_patient
):
    patient = make_patient()
    staff = make_user(role="practitioner", full_name="Mei Chen")
    looks(app, patient.id, staff.id, 2)
    with app.app_context():
        db.session.get(User, staff.id).full_name = "Mei Chen-Park"
        db.session.commit()
    looks(app, patient.id, staff.id, 3)
    login("front_desk", full_name="Jordan Lee")
    shown = shown_viewers(client, patient.id)
    assert shown == [
        ("Jordan Lee", "Front desk", 1),
        ("Mei Chen-Park", "Practitioner", 3),
        ("Mei Chen", "Practitioner", 2),
    ]
    assert [(name, views) for name, _, views in shown] == every_view_grouped(app, patient.id)


def test_the_twenty_latest_viewers_are_shown(app, client, login, make_user, make_patient):
    patient = make_patient()
    staff = [make_user(role="practitioner", full_name=f"Viewer {n:02d}") for n in range(22)]
    for member in staff:
        looks(app, patient.id, member.id)
    login("practitioner", full_name="Mei Chen")
    names = [name for name, _, _ in shown_viewers(client, patient.id)]
    assert names == ["Mei Chen"] + [f"Viewer {n:02d}" for n in range(21, 2, -1)]


def test_many_looks_cost_the_statements_one_does(app, client, login, make_user, make_patient):
    login("practitioner")
    seldom, often = make_patient(), make_patient()
    colleague = make_user(role="front_desk")
    looks(app, often.id, colleague.id, 60)
    client.get(f"/patients/{seldom.id}")
    client.get(f"/patients/{often.id}")
    assert query_count(app, client, f"/patients/{seldom.id}") == query_count(
        app, client, f"/patients/{often.id}"
    )


def test_the_viewers_are_found_by_seeks_along_the_covering_index(app, client, login, make_user, make_patient):
    login("practitioner")
    patient = make_patient()
    looks(app, patient.id, make_user(role="front_desk").id, 3)
    client.get(f"/patients/{patient.id}")
    with app.app_context():
        engine = db.engine
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "WITH RECURSIVE viewer" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert client.get(f"/patients/{patient.id}").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    [(sql, params)] = statements
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
            plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + sql, params))
        else:
            plan = "\n".join(
                row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
            )
        db.session.rollback()
    assert "ix_audit_event_chart_viewers" in plan, plan
    assert "Seq Scan on audit_event" not in plan, plan
    searches = [line.strip() for line in plan.splitlines() if "audit_event" in line]
    # SQLite: every read of the trail is a seek on the index or the row by its id, never a walk of the table,
    # and no viewer's range is grouped by sorting.
    for line in searches:
        if line.startswith(("SEARCH", "SCAN")):
            assert "COVERING INDEX ix_audit_event_chart_viewers" in line or "PRIMARY KEY" in line, plan
    assert "TEMP B-TREE FOR GROUP BY" not in plan, plan


def test_looks_beyond_the_counted_ones_say_more_than(app, client, login, make_user, make_patient):
    from intake.audit.chart import VIEWS_COUNTED

    patient = make_patient()
    often = make_user(role="practitioner", full_name="Mei Chen")
    exactly = make_user(role="front_desk", full_name="Jordan Lee")
    looks(app, patient.id, often.id, VIEWS_COUNTED + 1)
    looks(app, patient.id, exactly.id, VIEWS_COUNTED)
    login("practitioner", full_name="Lin Park")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    section = html.split("Who has looked at this chart")[1]
    assert f"more than {VIEWS_COUNTED} views, last" in section.split("Mei Chen")[1].split("</li>")[0]
    assert f">{VIEWS_COUNTED} views, last" in section.split("Jordan Lee")[1].split("</li>")[0]
    assert shown_viewers(client, patient.id)[0] == ("Lin Park", "Practitioner", 2)
