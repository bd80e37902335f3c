"""``flask --app wsgi send-check-ins --for-date YYYY-MM-DD``: email a check-in link to each patient due one.

Meant for cron, once a day for the next day's visits. Run twice for the same day, it sends each patient one
email: a reminder sent for that visit date is on record and the patient is no longer due. Each patient is
committed on its own, so a run stopped half-way keeps what it sent.
"""

from datetime import date

import click
from flask import current_app

from intake.extensions import db
from intake.mail import EMAIL
from intake.reminders import bp
from intake.reminders.due import due_for
from intake.reminders.operations import channel_sender, deliver, send_check_in_reminder


def parse_day(typed: str) -> date:
    """Return the day of ``YYYY-MM-DD``, or raise a plain error."""
    try:
        day = date.fromisoformat(typed.strip())
    except ValueError:
        raise click.BadParameter(
            f"{typed!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-12-09."
        ) from None
    if not 2000 <= day.year <= 2100:
        raise click.BadParameter(f"{typed} is out of range: a visit date between 2000 and 2100.")
    return day


@bp.cli.command("send-check-ins")
@click.option("--for-date", "for_date", required=True, help="The clinic day of the visits, YYYY-MM-DD.")
def send_check_ins_command(for_date: str) -> None:
    """Email a check-in link to every patient with a visit planned that day who has not filled one."""
    day = parse_day(for_date)
    sender = channel_sender(EMAIL)
    if not sender.is_set_up:
        raise click.ClickException(f"{sender.not_set_up_reason} No check-in links were sent.")
    base_url = current_app.config.get("PUBLIC_BASE_URL") or ""
    if not base_url.startswith(("https://", "http://")):
        raise click.ClickException(
            "PUBLIC_BASE_URL must be the address patients open their links at (e.g. https://intake.example.ca). "
            "No check-in links were sent."
        )
    sent = failed = 0
    # The links are built as a patient will open them, from the public address.
    with current_app.test_request_context(base_url=base_url):
        for due in due_for(day):
            outgoing = send_check_in_reminder(due.patient, day)
            db.session.commit()  # the link first; then the email, with no transaction open while it is sent
            delivery = deliver(outgoing, sender=sender, by=None)
            db.session.commit()
            who = f"{due.patient.chart_number} <{delivery.message.address}>"
            if delivery.was_sent:
                sent += 1
                click.echo(f"Sent: {who}")
            else:
                failed += 1
                click.echo(f"Not sent: {who}: {delivery.message.error}")
    click.echo(f"Check-ins for {day.isoformat()}: {sent} sent, {failed} not sent.")
    if failed:
        raise SystemExit(1)
