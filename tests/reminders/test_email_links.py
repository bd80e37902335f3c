"""Staff email a patient's form link from the chart: the email arrives with the link and no health information,
a refused address is said in words with the link still usable, and every message is audited."""

import re
from urllib.parse import urlsplit

import pytest

from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire.models import Intake, IntakeAccess
from intake.reminders.models import FAILED, INTAKE_LINK, SENT, LinkMessage
from tests.reminders.smtp_server import smtp_server

#: Words of the patient's chart that must never travel in an email (their intake answers and the note's plan).
HEALTH_WORDS = (
    "back",
    "pain",
    "Garden",
    "Lifting boxes",
    "Sitting",
    "warfarin",
    "pacemaker",
    "anticoagulant",
    "blood thinner",
    "red flag",
    "numbness",
    "R.Ac",
    "Mei Chen",
)
LINK = re.compile(r"https?://\S+/i/[A-Za-z0-9_-]{43}")


@pytest.fixture
def mail_server(app):
    """Start a real SMTP server and point the app at it; yield its mailbox."""
    with smtp_server() as (mailbox, settings):
        app.config.update(settings)
        yield mailbox


@pytest.fixture
def patient_with_history(make_patient, make_submitted_intake):
    """A patient whose chart holds a complaint, pain, a blood thinner, a pacemaker and a red flag."""
    patient = make_patient(first_name="Ana", last_name="Song", email="ana.song@example.org")
    make_submitted_intake(
        patient, anticoagulant=True, anticoagulant_name="warfarin", pacemaker=True, saddle_numbness=True
    )
    return patient


def send(client, patient, **data):
    values = {"purpose": INTAKE_LINK, "address": patient.email, **data}
    return client.post(f"/patients/{patient.id}/links/email", data=values)


def link_in(text: str) -> str:
    match = LINK.search(text)
    assert match, "no form link in the text"
    return match.group(0)


def assert_opens_the_form(app, url: str) -> None:
    """A patient's browser (no staff session) opens the link onto the questionnaire."""
    patient_browser = app.test_client()
    response = patient_browser.get(urlsplit(url).path, follow_redirects=True)
    assert response.status_code == 200
    assert "This link cannot be used" not in response.get_data(as_text=True)


def test_a_practitioner_emails_an_intake_link_that_opens_the_form(
    app, client, login, mail_server, patient_with_history
):
    login("practitioner", full_name="Mei Chen", designation="R.Ac")
    response = send(client, patient_with_history)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email sent to ana.song@example.org." in page

    [email] = mail_server.messages
    assert email["To"] == "ana.song@example.org"
    assert email["Subject"] == f"Your form for {app.config['CLINIC_NAME']}"
    body = email.get_content()
    assert app.config["CLINIC_NAME"] in body
    assert app.config["CLINIC_PHONE"] in body
    assert "This link works until" in body
    url = link_in(body)
    assert url in page  # shown on the page too, to copy
    assert_opens_the_form(app, url)


def test_the_email_carries_no_health_information(app, client, login, mail_server, patient_with_history):
    login("practitioner", full_name="Mei Chen", designation="R.Ac")
    send(client, patient_with_history)
    [email] = mail_server.messages
    text = f"{email['Subject']}\n{email.get_content()}".lower()
    for word in HEALTH_WORDS:
        assert word.lower() not in text, word


def test_front_desk_can_send_and_the_message_is_recorded_and_audited(
    app, client, login, mail_server, patient_with_history, audit_events
):
    clerk = login("front_desk")
    assert send(client, patient_with_history).status_code == 200
    with app.app_context():
        [message] = db.session.scalars(db.select(LinkMessage)).all()
        grant = db.session.get(IntakeAccess, message.grant_id)
        assert (message.outcome, message.channel, message.address) == (SENT, "email", "ana.song@example.org")
        assert message.sent_by_id == clerk.id
        assert grant is not None and grant.revoked_at is None
        token_hash = grant.token_hash
    [event] = audit_events(action="message_sent")
    assert event.user_id == clerk.id
    assert event.record_type == "link_message" and event.record_id == message.id
    assert "ana.song@example.org" in event.detail and f"grant {message.grant_id}" in event.detail
    token = link_in(mail_server.bodies()[0]).rsplit("/", 1)[1]
    for any_event in audit_events():
        assert token not in any_event.detail and token not in any_event.path
        assert token_hash not in any_event.detail


def test_a_refused_address_is_said_in_words_and_the_link_still_works(
    app, client, login, patient_with_history, audit_events
):
    login("front_desk")
    with smtp_server(refuse=True) as (mailbox, settings):
        app.config.update(settings)
        response = send(client, patient_with_history)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The email to ana.song@example.org was not sent." in page
    assert "The mail server refused the address ana.song@example.org: 550 5.1.1 Mailbox unavailable." in page
    assert mailbox.messages == []
    assert_opens_the_form(app, link_in(page))
    with app.app_context():
        [message] = db.session.scalars(db.select(LinkMessage)).all()
        assert message.outcome == FAILED
        assert "550 5.1.1 Mailbox unavailable" in message.error
    [event] = audit_events(action="message_failed")
    assert "550 5.1.1 Mailbox unavailable" in event.detail
    chart = client.get(f"/patients/{patient_with_history.id}").get_data(as_text=True)
    assert "Not sent" in chart and "Mailbox unavailable" in chart


def test_a_server_that_is_down_is_said_and_the_link_is_still_shown(app, client, login, patient_with_history):
    from tests.reminders.smtp_server import free_port

    login("front_desk")
    port = free_port()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="desk@clinic.example", MAIL_USE_TLS=False
    )
    page = send(client, patient_with_history).get_data(as_text=True)
    assert f"The mail server at 127.0.0.1:{port} refused the connection (is it running?)." in page
    assert_opens_the_form(app, link_in(page))


def test_without_mail_settings_the_button_says_email_is_not_set_up(app, client, login, patient_with_history):
    login("front_desk")
    chart = client.get(f"/patients/{patient_with_history.id}").get_data(as_text=True)
    assert "Send by email — email is not set up" in chart
    assert "Email is not set up (MAIL_SERVER is not set)." in chart
    assert "Send intake link" in chart  # the link can still be made and copied
    response = send(client, patient_with_history)
    assert response.status_code == 422
    assert "Email is not set up" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(LinkMessage.id))) == 0


def test_the_chart_prefills_the_address_from_the_chart(client, login, mail_server, patient_with_history):
    login("front_desk")
    chart = client.get(f"/patients/{patient_with_history.id}").get_data(as_text=True)
    assert 'value="ana.song@example.org"' in chart
    assert "Send link by email" in chart


@pytest.mark.parametrize(
    "typed, message",
    [
        ("ana.song", "This is not an email address"),
        ("", "Enter the patient&#39;s email address."),
        ("x" * 300 + "@example.org", "An email address has at most 254 characters."),
    ],
)
def test_a_malformed_address_is_said_beside_the_field_and_nothing_is_sent(
    app, client, login, mail_server, make_patient, typed, message
):
    patient = make_patient(email="ana.song@example.org")
    login("front_desk")
    response = send(client, patient, address=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<p class="field__error" id="address-error">' + re.escape(message), page), page
    if typed:
        assert f'value="{typed}"' in page  # what was typed is kept
    assert mail_server.messages == []
    with app.app_context():
        assert db.session.scalars(db.select(IntakeAccess)).all() == []
        assert db.session.scalars(db.select(Intake)).all() == []


def test_an_address_changed_for_one_message_is_saved_on_the_chart_only_when_asked(
    app, client, login, mail_server, make_patient, audit_events
):
    patient = make_patient(email="old@example.org")
    login("front_desk")
    send(client, patient, address="once@example.org")
    with app.app_context():
        assert db.session.get(Patient, patient.id).email == "old@example.org"
    send(client, patient, address="New.Address@Example.org", save_address="y")
    assert mail_server.recipients == [["once@example.org"], ["New.Address@example.org"]]
    with app.app_context():
        assert db.session.get(Patient, patient.id).email == "new.address@example.org"
    assert audit_events(action="edit", record_type="patient")


def test_an_archived_patient_gets_no_link(app, client, login, mail_server, make_patient):
    patient = make_patient(email="ana@example.org", is_archived=True)
    login("front_desk")
    response = send(client, patient)
    assert response.status_code == 422
    assert "is archived" in response.get_data(as_text=True)
    assert mail_server.messages == []


def test_sending_again_replaces_the_earlier_link(app, client, login, mail_server, make_patient):
    patient = make_patient(email="ana@example.org")
    login("front_desk")
    send(client, patient)
    send(client, patient)
    first, second = (link_in(body) for body in mail_server.bodies())
    assert first != second
    assert "This link cannot be used" in app.test_client().get(urlsplit(first).path).get_data(as_text=True)
    assert_opens_the_form(app, second)


def test_another_patients_chart_does_not_send(app, client, login, mail_server, make_patient):
    login("front_desk")
    response = client.post(
        "/patients/999999/links/email", data={"purpose": INTAKE_LINK, "address": "a@b.example"}
    )
    assert response.status_code == 404
    assert mail_server.messages == []
