"""A link's email is sent after the link is committed, with no transaction open while the mail server answers.

So a slow or hung mail server never holds SQLite's one write lock (the other tablets' saves go on), and the link
the message carries is already usable when the patient opens it.
"""

import email
import email.policy

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from intake.reminders.models import INTAKE_LINK
from tests.reminders.smtp_server import free_port


class WatchingMailbox:
    """Before accepting a message, look at the database from a connection of its own, as another tablet would."""

    def __init__(self, url: str, patient_id: int):
        self.engine = create_engine(url)
        self.patient_id = patient_id
        self.seen: list[dict] = []

    async def handle_DATA(self, server, session, envelope):
        with self.engine.connect() as other:
            if self.engine.dialect.name == "sqlite":
                # Another writer takes the write lock at once: the request sending the email holds none.
                other.exec_driver_sql("PRAGMA busy_timeout = 0")
                other.exec_driver_sql("BEGIN IMMEDIATE")
                other.exec_driver_sql("ROLLBACK")
            open_links = other.execute(
                text(
                    "SELECT count(*) FROM intake_access JOIN patient_intake ON patient_intake.id = intake_id "
                    "WHERE patient_intake.patient_id = :patient AND revoked_at IS NULL"
                ),
                {"patient": self.patient_id},
            ).scalar_one()
            messages = other.execute(
                text("SELECT count(*) FROM link_message WHERE patient_id = :patient"),
                {"patient": self.patient_id},
            ).scalar_one()
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.seen.append({"open_links": open_links, "messages": messages, "to": parsed["To"]})
        return "250 Message accepted"


def test_the_link_is_committed_and_no_lock_held_while_the_email_is_sent(app, client, login, make_patient):
    login("front_desk")
    patient = make_patient(email="ana.song@example.org")
    mailbox = WatchingMailbox(app.config["SQLALCHEMY_DATABASE_URI"], patient.id)
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
            MAIL_USE_TLS=False,
            MAIL_USE_SSL=False,
            MAIL_FROM="frontdesk@riverbend.example",
            MAIL_TIMEOUT_SECONDS=5,
        )
        response = client.post(
            f"/patients/{patient.id}/links/email", data={"purpose": INTAKE_LINK, "address": patient.email}
        )
    finally:
        controller.stop()
        mailbox.engine.dispose()
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    assert "Email sent to ana.song@example.org." in response.get_data(as_text=True)
    # While the server held the message: the new link was already in the database, the message not yet recorded.
    assert mailbox.seen == [{"open_links": 1, "messages": 0, "to": "ana.song@example.org"}]
