"""The chart's messages section: the next visit planned and cancelled, a check-in link emailed, constant queries."""

import re
from datetime import timedelta

import pytest

from intake.clinic_time import clinic_today, format_date
from intake.extensions import db
from intake.questionnaire.models import CHECK_IN_FORM, Intake
from intake.reminders.models import CHECK_IN_LINK, LinkMessage, PlannedVisit
from tests.conftest import query_count
from tests.reminders.smtp_server import smtp_server
from tests.reminders.test_email_links import HEALTH_WORDS, assert_opens_the_form, link_in


@pytest.fixture
def today(app):
    with app.app_context():
        return clinic_today()


def plan(client, patient, typed):
    return client.post(f"/patients/{patient.id}/planned-visit", data={"visit_on": typed})


def test_front_desk_plans_the_next_visit_and_the_chart_shows_it(
    app, client, login, make_patient, today, audit_events
):
    clerk = login("front_desk")
    patient = make_patient()
    day = today + timedelta(days=7)
    response = plan(client, patient, day.isoformat())
    assert response.status_code == 302
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert f"Planned for <strong>{format_date(day)}</strong> by {clerk.full_name}" in chart
    [event] = audit_events(action="create", record_type="planned_visit")
    assert event.user_id == clerk.id and day.isoformat() in event.detail


def test_a_new_plan_replaces_the_earlier_one_and_a_plan_can_be_cancelled(
    app, client, login, make_patient, today, audit_events
):
    login("practitioner")
    patient = make_patient()
    plan(client, patient, (today + timedelta(days=3)).isoformat())
    plan(client, patient, (today + timedelta(days=5)).isoformat())
    with app.app_context():
        rows = db.session.scalars(db.select(PlannedVisit).order_by(PlannedVisit.id)).all()
        assert [(row.visit_on - today).days for row in rows] == [3, 5]
        assert rows[0].is_cancelled and not rows[1].is_cancelled
    assert client.post(f"/patients/{patient.id}/planned-visit/cancel").status_code == 302
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "No visit planned here." in chart
    assert audit_events(action="revoke", record_type="planned_visit")
    again = client.post(f"/patients/{patient.id}/planned-visit/cancel", follow_redirects=True)
    assert "No visit is planned for this patient." in again.get_data(as_text=True)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Enter the date of the next visit."),
        ("next tuesday", "Enter the date as YYYY-MM-DD."),
        ("2026-02-30", "Enter the date as YYYY-MM-DD."),
        ("1999-01-01", "The next visit cannot be before today"),
        ("9999-01-01", "Plan a visit within a year"),
    ],
)
def test_a_bad_date_is_said_beside_the_field_and_kept(app, client, login, make_patient, typed, message):
    login("front_desk")
    patient = make_patient()
    response = plan(client, patient, typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<p class="field__error" id="visit_on-error">' + re.escape(message), page), page
    if typed:
        assert f'value="{typed}"' in page
    with app.app_context():
        assert db.session.scalars(db.select(PlannedVisit)).all() == []


def test_a_check_in_link_is_emailed_from_the_chart_and_opens_the_check_in(
    app, client, login, make_patient, make_submitted_intake
):
    patient = make_patient(email="ana@example.org")
    make_submitted_intake(patient, anticoagulant=True, anticoagulant_name="warfarin", pacemaker=True)
    login("front_desk")
    with smtp_server() as (mailbox, settings):
        app.config.update(settings)
        response = client.post(
            f"/patients/{patient.id}/links/email",
            data={"purpose": CHECK_IN_LINK, "address": "ana@example.org"},
        )
    assert response.status_code == 200
    [email] = mailbox.messages
    assert email["Subject"] == f"Your check-in form for {app.config['CLINIC_NAME']}"
    text = email.get_content().lower()
    for word in HEALTH_WORDS:
        assert word.lower() not in text, word
    assert_opens_the_form(app, link_in(email.get_content()))
    with app.app_context():
        [message] = db.session.scalars(db.select(LinkMessage)).all()
        form = db.session.get(Intake, message.intake_id)
        assert form is not None and form.form_kind == CHECK_IN_FORM
        assert message.purpose == CHECK_IN_LINK


def test_the_section_shows_no_clinical_words_to_front_desk(
    app, client, login, make_patient, make_user, make_visit, make_submitted_intake
):
    patient = make_patient(email="ana@example.org")
    make_submitted_intake(patient, anticoagulant=True, anticoagulant_name="warfarin")
    make_visit(patient, make_user(role="practitioner"), signed=True, next_visit="lumbar flare, see in 1 week")
    login("front_desk")
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    start = chart.index('aria-labelledby="reminders-heading"')
    section = chart[start : chart.index("</section>", start)]
    for word in ("warfarin", "lumbar", "flare"):
        assert word not in section


def test_the_chart_costs_the_same_queries_for_two_messages_or_many(app, client, login, make_patient, today):
    clerk = login("front_desk")
    patient = make_patient(email="ana@example.org")
    plan(client, patient, (today + timedelta(days=2)).isoformat())
    url = f"/patients/{patient.id}"

    def add_messages(count: int) -> None:
        with app.app_context():
            intake = Intake(patient_id=patient.id, answers={})
            db.session.add(intake)
            db.session.flush()
            for n in range(count):
                db.session.add(
                    LinkMessage(
                        patient_id=patient.id,
                        intake_id=intake.id,
                        channel="email",
                        address=f"a{n}@example.org",
                        purpose="intake_link",
                        sent_by_id=clerk.id if n % 2 else None,
                        outcome="sent" if n % 3 else "failed",
                        error="" if n % 3 else "The mail server refused the address.",
                    )
                )
            db.session.commit()

    add_messages(2)  # one sent by staff, so the senders' query is made from the start
    client.get(url)
    one = query_count(app, client, url)
    add_messages(9)
    many = query_count(app, client, url)
    assert one == many


def test_the_check_in_is_offered_first_once_the_intake_is_in(
    client, login, make_patient, make_submitted_intake
):
    login("front_desk")
    new_patient = make_patient(email="new@example.org")
    returning = make_patient(email="back@example.org")
    make_submitted_intake(returning)
    checked = re.compile(
        r'<input checked id="purpose-\d" name="purpose" required type="radio" value="(\w+)">'
    )
    assert checked.findall(client.get(f"/patients/{new_patient.id}").get_data(as_text=True)) == [
        "intake_link"
    ]
    assert checked.findall(client.get(f"/patients/{returning.id}").get_data(as_text=True)) == [
        "check_in_link"
    ]


def test_the_messages_are_read_with_who_sent_them_in_the_statement_that_finds_them(
    app, client, login, make_user, make_patient
):
    login("front_desk")
    colleague = make_user(role="front_desk", full_name="Ana Colleague")
    none_sent, sent = make_patient(email="none@example.org"), make_patient(email="sent@example.org")
    with app.app_context():
        intakes = [Intake(patient_id=patient.id, answers={}) for patient in (none_sent, sent)]
        db.session.add_all(intakes)
        db.session.flush()
        intake = intakes[-1]
        db.session.add(
            LinkMessage(
                patient_id=sent.id,
                intake_id=intake.id,
                channel="email",
                address=sent.email,
                purpose="intake_link",
                sent_by_id=colleague.id,
                outcome="sent",
                error="",
            )
        )
        db.session.commit()
    for patient in (none_sent, sent):
        client.get(f"/patients/{patient.id}")
    section = client.get(f"/patients/{sent.id}").get_data(as_text=True)
    section = section[section.index('id="reminders-heading"') :]
    assert "Ana Colleague" in section and "sent@example.org" in section
    assert query_count(app, client, f"/patients/{sent.id}") == query_count(
        app, client, f"/patients/{none_sent.id}"
    )
