"""send-check-ins: each patient with a visit planned that day gets one check-in link by email, however often it runs."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from intake.clinic_time import clinic_today
from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire.models import CHECK_IN_FORM, Intake
from intake.reminders.models import CHECK_IN_LINK, FAILED, SENT, LinkMessage, PlannedVisit
from intake.visits.models import Amendment
from tests.reminders.smtp_server import smtp_server
from tests.reminders.test_email_links import HEALTH_WORDS, link_in

PUBLIC = "https://intake.riverbend.example"


@pytest.fixture
def tomorrow(app):
    with app.app_context():
        return clinic_today() + timedelta(days=1)


@pytest.fixture
def mail_server(app):
    with smtp_server() as (mailbox, settings):
        app.config.update(settings, PUBLIC_BASE_URL=PUBLIC)
        yield mailbox


@pytest.fixture
def plan(app, make_user):
    """Plan a patient's visit on the chart: ``plan(patient, day)``."""
    clerk = make_user(role="front_desk")

    def factory(patient, day):
        with app.app_context():
            db.session.add(PlannedVisit(patient_id=patient.id, visit_on=day, set_by_id=clerk.id))
            db.session.commit()

    return factory


def run(runner, day):
    return runner.invoke(args=["send-check-ins", "--for-date", day.isoformat()])


def test_each_patient_due_gets_one_email_however_often_the_run_is_repeated(
    app, runner, mail_server, make_patient, make_user, make_visit, plan, tomorrow, audit_events
):
    practitioner = make_user(role="practitioner", full_name="Mei Chen", designation="R.Ac")
    planned = make_patient(last_name="Planned", email="planned@example.org")
    plan(planned, tomorrow)
    in_note = make_patient(last_name="Noted", email="noted@example.org")
    make_visit(in_note, practitioner, signed=True, next_visit=f"{tomorrow.isoformat()} — lower back, 1 week")

    first = run(runner, tomorrow)
    assert first.exit_code == 0, first.output
    assert f"Check-ins for {tomorrow.isoformat()}: 2 sent, 0 not sent." in first.output
    assert f"Sent: {planned.chart_number} <planned@example.org>" in first.output
    assert f"Sent: {in_note.chart_number} <noted@example.org>" in first.output

    second = run(runner, tomorrow)
    assert second.exit_code == 0, second.output
    assert f"Check-ins for {tomorrow.isoformat()}: 0 sent, 0 not sent." in second.output
    assert sorted(r[0] for r in mail_server.recipients) == ["noted@example.org", "planned@example.org"]

    with app.app_context():
        messages = db.session.scalars(db.select(LinkMessage)).all()
        assert {(m.purpose, m.visit_date, m.outcome, m.sent_by_id) for m in messages} == {
            (CHECK_IN_LINK, tomorrow, SENT, None)
        }
        check_ins = db.session.scalars(db.select(Intake).where(Intake.form_kind == CHECK_IN_FORM)).all()
        assert len(check_ins) == 2
    sent_events = audit_events(action="message_sent")
    assert len(sent_events) == 2
    assert all(event.user_id is None and event.user_name == "" for event in sent_events)  # the system
    assert all(tomorrow.isoformat() in event.detail for event in sent_events)
    verified = runner.invoke(args=["audit-verify"])
    assert verified.exit_code == 0 and "Audit trail intact" in verified.output


def test_the_reminder_opens_the_check_in_and_says_nothing_clinical(
    app, runner, mail_server, make_patient, make_user, make_visit, make_submitted_intake, tomorrow
):
    practitioner = make_user(role="practitioner", full_name="Mei Chen", designation="R.Ac")
    patient = make_patient(email="ana@example.org")
    make_submitted_intake(patient, anticoagulant=True, anticoagulant_name="warfarin", pacemaker=True)
    make_visit(patient, practitioner, signed=True, next_visit=tomorrow.isoformat())
    assert run(runner, tomorrow).exit_code == 0
    [email] = mail_server.messages
    assert email["Subject"] == f"Your check-in form for {app.config['CLINIC_NAME']}"
    body = email.get_content()
    assert app.config["CLINIC_PHONE"] in body
    text = f"{email['Subject']}\n{body}".lower()
    for word in HEALTH_WORDS:
        assert word.lower() not in text, word
    url = link_in(body)
    assert url.startswith(f"{PUBLIC}/i/")
    response = app.test_client().get(urlsplit(url).path, follow_redirects=True)
    assert response.status_code == 200
    assert "This link cannot be used" not in response.get_data(as_text=True)


def test_who_is_not_due_is_skipped(
    app, runner, mail_server, make_patient, make_user, make_visit, make_submitted_check_in, plan, tomorrow
):
    practitioner = make_user(role="practitioner")
    archived = make_patient(email="archived@example.org", is_archived=True)
    plan(archived, tomorrow)
    no_email = make_patient(email="")
    plan(no_email, tomorrow)
    checked_in = make_patient(email="checked@example.org")
    plan(checked_in, tomorrow)
    make_submitted_check_in(checked_in)
    other_day = make_patient(email="other@example.org")
    plan(other_day, tomorrow + timedelta(days=1))
    superseded = make_patient(email="superseded@example.org")  # a later note plans something else
    make_visit(superseded, practitioner, signed=True, next_visit=tomorrow.isoformat())
    make_visit(superseded, practitioner, signed=True, next_visit="in two weeks")
    draft = make_patient(email="draft@example.org")  # an unsigned note plans nothing
    make_visit(draft, practitioner, signed=False, next_visit=tomorrow.isoformat())
    lookalike = make_patient(email="lookalike@example.org")  # a longer number is not the date
    make_visit(lookalike, practitioner, signed=True, next_visit=f"1{tomorrow.isoformat()}7")

    result = run(runner, tomorrow)
    assert result.exit_code == 0, result.output
    assert "0 sent, 0 not sent" in result.output
    assert mail_server.messages == []


def test_a_cancelled_plan_sends_nothing_and_an_amended_note_is_read_as_it_stands(
    app, runner, mail_server, make_patient, make_user, make_visit, plan, tomorrow
):
    practitioner = make_user(role="practitioner")
    cancelled = make_patient(email="cancelled@example.org")
    plan(cancelled, tomorrow)
    with app.app_context():
        row = db.session.scalar(db.select(PlannedVisit).where(PlannedVisit.patient_id == cancelled.id))
        row.cancelled_at, row.cancelled_by_id = row.set_at, row.set_by_id
        db.session.commit()
    amended = make_patient(email="amended@example.org")
    visit = make_visit(amended, practitioner, signed=True, next_visit="next week")
    amended_away = make_patient(email="away@example.org")
    visit_away = make_visit(amended_away, practitioner, signed=True, next_visit=tomorrow.isoformat())
    with app.app_context():
        for row_visit, next_visit in ((visit, tomorrow.isoformat()), (visit_away, "no visit planned")):
            db.session.add(
                Amendment(
                    visit_id=row_visit.id,
                    amended_by_id=practitioner.id,
                    amended_by_name=practitioner.full_name,
                    reason="Booked the date",
                    changes=[["Next visit", "", next_visit]],
                    note_after={"next_visit": next_visit},
                )
            )
        db.session.commit()
    result = run(runner, tomorrow)
    assert result.exit_code == 0, result.output
    assert mail_server.recipients == [["amended@example.org"]]


def test_a_refused_email_is_reported_and_sent_on_the_next_run(
    app, runner, make_patient, plan, tomorrow, audit_events
):
    patient = make_patient(email="ana@example.org")
    plan(patient, tomorrow)
    with smtp_server(refuse=True) as (_refusing, settings):
        app.config.update(settings, PUBLIC_BASE_URL=PUBLIC)
        failed = run(runner, tomorrow)
    assert failed.exit_code == 1
    assert (
        f"Not sent: {patient.chart_number} <ana@example.org>: The mail server refused the address"
        in failed.output
    )
    assert "0 sent, 1 not sent" in failed.output
    assert audit_events(action="message_failed")
    with smtp_server() as (mailbox, settings):
        app.config.update(settings)
        again = run(runner, tomorrow)
    assert again.exit_code == 0 and "1 sent, 0 not sent" in again.output
    assert len(mailbox.messages) == 1
    with app.app_context():
        outcomes = [m.outcome for m in db.session.scalars(db.select(LinkMessage).order_by(LinkMessage.id))]
    assert outcomes == [FAILED, SENT]


@pytest.mark.parametrize("typed", ["2026-13-01", "tomorrow", "12/09/2026", "1999-12-31", ""])
def test_a_bad_date_is_a_plain_error(runner, mail_server, typed):
    result = runner.invoke(args=["send-check-ins", "--for-date", typed])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "YYYY-MM-DD" in result.output or "out of range" in result.output


def test_without_email_settings_nothing_is_sent_and_it_says_why(app, runner, make_patient, plan, tomorrow):
    plan(make_patient(email="ana@example.org"), tomorrow)
    result = run(runner, tomorrow)
    assert result.exit_code == 1
    assert "Email is not set up (MAIL_SERVER is not set). No check-in links were sent." in result.output
    with app.app_context():
        assert db.session.scalars(db.select(LinkMessage)).all() == []


def test_without_the_public_address_nothing_is_sent(app, runner, mail_server, make_patient, plan, tomorrow):
    app.config["PUBLIC_BASE_URL"] = ""
    plan(make_patient(email="ana@example.org"), tomorrow)
    result = run(runner, tomorrow)
    assert result.exit_code == 1
    assert "PUBLIC_BASE_URL must be the address patients open their links at" in result.output
    assert mail_server.messages == []


def test_patients_due_are_found_in_a_constant_number_of_queries(
    app, make_patient, make_user, make_visit, plan, tomorrow
):
    from intake.reminders.due import due_for
    from tests.conftest import counting_queries

    practitioner = make_user(role="practitioner")

    def count() -> tuple[int, int]:
        with counting_queries(app) as statements, app.app_context():
            found = len(due_for(tomorrow))
        return found, len(statements)

    for n in range(2):
        patient = make_patient(email=f"p{n}@example.org")
        plan(patient, tomorrow)
        make_visit(patient, practitioner, signed=True, next_visit=tomorrow.isoformat())
    few = count()
    for n in range(2, 8):
        patient = make_patient(email=f"p{n}@example.org")
        make_visit(patient, practitioner, signed=True, next_visit=tomorrow.isoformat())
    many = count()
    assert (few[0], many[0]) == (2, 8)
    assert few[1] == many[1]
    with app.app_context():
        assert db.session.get(Patient, patient.id) is not None
