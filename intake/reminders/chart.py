"""The chart's "Messages and next visit" section: email a form link, the messages sent, the planned visit."""

from functools import cache

from flask import current_app
from sqlalchemy import Integer, bindparam
from sqlalchemy.orm import joinedload

from intake.extensions import db
from intake.mail import EMAIL, sender_for
from intake.questionnaire.chart import chart_forms
from intake.reminders.forms import PlanVisitForm, SendLinkForm
from intake.reminders.models import CHECK_IN_LINK, INTAKE_LINK, LinkMessage
from intake.reminders.operations import planned_visit

#: How many of the patient's latest messages the chart lists.
MESSAGES_SHOWN = 5


@cache
def _latest_messages():
    """Return the statement of the patient's latest messages with who sent each, in one read.

    Built once, on first use (its loader option maps every model), the patient and how many bound by name.
    """
    return (
        db.select(LinkMessage)
        .where(LinkMessage.patient_id == bindparam("patient_id", type_=Integer))
        .order_by(LinkMessage.sent_at.desc(), LinkMessage.id.desc())
        .options(joinedload(LinkMessage.sent_by))
        .limit(bindparam("shown", type_=Integer))
    )


def latest_messages(patient_id: int, limit: int = MESSAGES_SHOWN) -> list[LinkMessage]:
    """Return the patient's latest link messages, newest first."""
    return list(db.session.scalars(_latest_messages(), {"patient_id": patient_id, "shown": limit}))


def messages_section(patient) -> dict:
    """Load the section: whether email is set up, the send and plan forms, the latest messages, the plan."""
    sender = sender_for(EMAIL, current_app.config)
    # A patient who has filled the intake is sent the check-in before each return visit (the intake as the
    # chart's intake sections read it, once for the chart).
    purpose = CHECK_IN_LINK if chart_forms(patient).latest_intake is not None else INTAKE_LINK
    # The forms are only shown here: each posts the page's CSRF token, which the view's own form checks.
    shown = {"csrf": False}
    send_form = SendLinkForm(formdata=None, meta=shown, purpose=purpose, address=patient.email or "")
    plan = planned_visit(patient.id)
    return {
        "email_ready": sender.is_set_up,
        "email_not_set_up": sender.not_set_up_reason,
        "send_form": send_form,
        "plan_form": PlanVisitForm(formdata=None, meta=shown, visit_on=plan.visit_on if plan else None),
        "messages": latest_messages(patient.id),
        "planned": plan,
    }
