"""Email to patients goes through a real SMTP server; every failure comes back as one plain sentence."""

import pytest

from intake.mail import CHANNELS, EMAIL, OutgoingMessage, SendFailed, check_email_address, sender_for
from tests.reminders.smtp_server import free_port, silent_server, smtp_server

pytestmark = pytest.mark.db_independent

MESSAGE = OutgoingMessage(
    to="ana.song@example.org", subject="Your form for Riverbend", body="Open https://x.example/i/abc"
)


def test_a_message_arrives_with_its_sender_subject_and_body():
    with smtp_server() as (mailbox, settings):
        sender_for(EMAIL, settings).send(MESSAGE)
    [received] = mailbox.messages
    assert received["From"] == "frontdesk@riverbend.example"
    assert received["To"] == "ana.song@example.org"
    assert received["Subject"] == "Your form for Riverbend"
    assert received["Message-ID"].endswith("@riverbend.example>")
    assert "https://x.example/i/abc" in received.get_content()
    assert mailbox.recipients == [["ana.song@example.org"]]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_signing_in_to_the_mail_server_with_the_clinic_account():
    with smtp_server(login=("clinic", "right")) as (mailbox, settings):
        sender_for(EMAIL, {**settings, "MAIL_USERNAME": "clinic", "MAIL_PASSWORD": "right"}).send(MESSAGE)
        with pytest.raises(SendFailed) as refused:
            sender_for(EMAIL, {**settings, "MAIL_USERNAME": "clinic", "MAIL_PASSWORD": "wrong"}).send(MESSAGE)
    assert len(mailbox.messages) == 1
    assert refused.value.reason.startswith("The mail server refused the clinic's user name or password")


def test_a_refused_address_is_said_with_the_server_reply():
    with smtp_server(refuse=True) as (mailbox, settings):
        with pytest.raises(SendFailed) as failed:
            sender_for(EMAIL, settings).send(MESSAGE)
    assert mailbox.messages == []
    assert failed.value.reason == (
        "The mail server refused the address ana.song@example.org: 550 5.1.1 Mailbox unavailable."
    )


def test_a_server_that_is_not_running_is_said_plainly():
    port = free_port()
    settings = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_FROM": "a@b.example",
        "MAIL_USE_TLS": False,
    }
    with pytest.raises(SendFailed) as failed:
        sender_for(EMAIL, settings).send(MESSAGE)
    assert (
        failed.value.reason == f"The mail server at 127.0.0.1:{port} refused the connection (is it running?)."
    )


def test_a_server_that_never_answers_is_given_up_on_after_the_timeout():
    with silent_server() as port:
        settings = {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_FROM": "a@b.example",
            "MAIL_TIMEOUT_SECONDS": 1,
        }
        with pytest.raises(SendFailed) as failed:
            sender_for(EMAIL, settings).send(MESSAGE)
    assert failed.value.reason == f"The mail server at 127.0.0.1:{port} did not answer within 1 second."


def test_starttls_asked_of_a_server_without_it_is_said():
    with smtp_server() as (mailbox, settings):
        with pytest.raises(SendFailed) as failed:
            sender_for(EMAIL, {**settings, "MAIL_USE_TLS": True}).send(MESSAGE)
    assert "does not offer what the settings ask for (STARTTLS" in failed.value.reason
    assert mailbox.messages == []


def test_without_a_server_email_is_not_set_up():
    sender = sender_for(EMAIL, {"MAIL_SERVER": "", "MAIL_FROM": "a@b.example"})
    assert not sender.is_set_up
    assert sender.not_set_up_reason == "Email is not set up (MAIL_SERVER is not set)."
    with pytest.raises(SendFailed, match="Email is not set up"):
        sender.send(MESSAGE)
    assert not sender_for(EMAIL, {"MAIL_SERVER": "smtp.example", "MAIL_FROM": ""}).is_set_up


@pytest.mark.parametrize("seconds, bounded", [(0, 1), (-5, 1), (1, 1), (60, 60), (3600, 60), ("soon", 10)])
def test_the_timeout_stays_within_bounds(seconds, bounded):
    assert sender_for(EMAIL, {"MAIL_TIMEOUT_SECONDS": seconds}).timeout == bounded  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Enter the patient's email address."),
        ("ana.song", "This is not an email address"),
        ("ana song@example.org", "This is not an email address"),
        ("ana@example.org\r\nBcc: x@y.example", "This is not an email address"),
        ("a" * 250 + "@example.org", "An email address has at most 254 characters."),
    ],
)
def test_a_malformed_address_is_refused_with_what_to_fix(typed, message):
    with pytest.raises(ValueError) as refused:
        check_email_address(typed)
    assert str(refused.value).startswith(message)


def test_a_good_address_is_kept_as_typed_with_its_domain_in_lower_case():
    assert check_email_address("  Ana.Song@Example.ORG ") == "Ana.Song@example.org"


def test_email_is_the_one_channel_offered_today():
    assert list(CHANNELS) == ["email"]
