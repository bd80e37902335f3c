"""The words of a link message: the clinic's name, the link, its expiry and the clinic's phone — nothing clinical.

A message may be read by anyone who sees the patient's inbox, so it never names a complaint, a practitioner, a
treatment or a score; only that the clinic has a form for the patient to fill.
"""

from datetime import date, datetime

from flask import current_app

from intake.clinic_time import format_date, format_datetime
from intake.mail import OutgoingMessage
from intake.reminders.models import CHECK_IN_LINK


def subject_for(purpose: str) -> str:
    """Return the subject line: which form, from which clinic."""
    clinic = current_app.config["CLINIC_NAME"]
    if purpose == CHECK_IN_LINK:
        return f"Your check-in form for {clinic}"
    return f"Your form for {clinic}"


def compose(
    *, to: str, purpose: str, link_url: str, expires_at: datetime, visit_date: date | None = None
) -> OutgoingMessage:
    """Return the message carrying one form link."""
    clinic = current_app.config["CLINIC_NAME"]
    phone = current_app.config["CLINIC_PHONE"]
    if purpose == CHECK_IN_LINK:
        when = f" on {format_date(visit_date)}" if visit_date else ""
        what = f"{clinic} asks you to fill a short check-in form before your next visit{when}."
        how_long = "It takes about two minutes."
    else:
        what = f"{clinic} asks you to fill a form before your first visit."
        how_long = "It takes about ten minutes; you can stop and finish it later with the same link."
    body = "\n".join(
        (
            "Hello,",
            "",
            what,
            how_long,
            "",
            "Open your form here:",
            link_url,
            "",
            f"This link works until {format_datetime(expires_at)}. It opens your form only, so please do not "
            "forward it.",
            "",
            f"If the link does not work, or you have a question, call us at {phone}.",
            "",
            clinic,
        )
    )
    return OutgoingMessage(to=to, subject=subject_for(purpose), body=body)
