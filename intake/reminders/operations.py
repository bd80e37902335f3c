"""Sending a patient a form link by email, and planning the next visit on the chart, each with its audit event.

Sending always issues a new link first (earlier links stop working; the token exists in clear only now), which
the caller commits; then ``deliver`` tries the message with no transaction open and records it. A message that
could not be sent is recorded with the reason in words, and the new link stays usable so staff can copy it.
Every function adds to the session; the caller commits.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, url_for
from sqlalchemy import Date, Integer, bindparam

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.clinic_time import clinic_today, format_date
from intake.database import utcnow
from intake.extensions import db
from intake.mail import EMAIL, OutgoingMessage, Sender, SendFailed, sender_for
from intake.patients.models import Patient
from intake.patients.operations import PossibleDuplicates, edit_patient
from intake.questionnaire import grants
from intake.questionnaire import operations as questionnaire
from intake.questionnaire.models import Intake, IntakeAccess
from intake.refused import FORM, Refused
from intake.reminders.messages import compose
from intake.reminders.models import (
    CHECK_IN_LINK,
    FAILED,
    PURPOSE_LABELS,
    SENT,
    LinkMessage,
    PlannedVisit,
)

#: How far ahead staff may plan a visit on the chart.
PLANNING_HORIZON = timedelta(days=366)
#: The audit trail's detail is bounded; an SMTP error is cut to fit beside the address and the grant.
DETAIL_LIMIT = 300


def channel_sender(channel: str = EMAIL) -> Sender:
    """Return the clinic's sender for a channel, from the settings."""
    return sender_for(channel, current_app.config)


@dataclass(frozen=True)
class Delivery:
    """What sending a link did: the new link (shown once), its grant and form, and the message's record."""

    form: Intake
    grant: IntakeAccess
    link_url: str
    message: LinkMessage

    @property
    def was_sent(self) -> bool:
        return self.message.was_sent


def _link_url(token: str) -> str:
    return url_for("intake_link.link_resume", token=token, _external=True)


def _checked_address(sender: Sender, address: str) -> str:
    try:
        return sender.check_address(address)
    except ValueError as problem:
        raise Refused({"address": str(problem)}) from None


def _save_address(patient: Patient, address: str) -> None:
    if address.lower() == (patient.email or "").lower():
        return
    try:
        edit_patient(patient, {"email": address})
    except PossibleDuplicates as duplicates:
        names = ", ".join(
            f"{match.patient.display_name} ({match.patient.chart_number})" for match in duplicates.matches
        )
        raise Refused(
            {
                "save_address": f"Another chart has this address or looks like the same person ({names}): "
                "send without saving it, or check the charts first."
            }
        ) from None


@dataclass(frozen=True)
class Outgoing:
    """A link just issued and the message that carries it, ready to send once the link is committed.

    It holds plain values only, so sending touches no database row: on SQLite no write lock is held while the
    clinic's mail server answers (or does not), and the other tablets' saves go on.
    """

    patient_id: int
    form_id: int
    grant_id: int
    link_url: str
    purpose: str
    address: str
    visit_date: date | None
    message: OutgoingMessage


def _outgoing(
    patient: Patient,
    *,
    form: Intake,
    token: str,
    grant: IntakeAccess | None,
    purpose: str,
    address: str,
    visit_date: date | None,
) -> Outgoing:
    """Write the message for a newly issued link (nothing is sent yet)."""
    if grant is None:  # issue_link reads back the grant it just made; only a closed form has none
        raise Refused({FORM: "The form could not be opened for a new link. Reload the chart and try again."})
    link_url = _link_url(token)
    return Outgoing(
        patient_id=patient.id,
        form_id=form.id,
        grant_id=grant.id,
        link_url=link_url,
        purpose=purpose,
        address=address,
        visit_date=visit_date,
        message=compose(
            to=address,
            purpose=purpose,
            link_url=link_url,
            expires_at=grant.expires_at,
            visit_date=visit_date,
        ),
    )


def deliver(outgoing: Outgoing, *, sender: Sender, by) -> Delivery:
    """Send a committed link's message, then record the message and its event; return what happened.

    Call it after committing what made ``outgoing`` (the link and its events), and commit again after it. A
    message the server would not take is recorded as not sent, with the reason; the link stays usable.
    """
    outcome, error = SENT, ""
    try:
        sender.send(outgoing.message)  # no database access before this returns
    except SendFailed as failed:
        outcome, error = FAILED, failed.reason
    message = LinkMessage(
        patient_id=outgoing.patient_id,
        intake_id=outgoing.form_id,
        grant_id=outgoing.grant_id,
        channel=sender.channel,
        address=outgoing.address,
        purpose=outgoing.purpose,
        visit_date=outgoing.visit_date,
        sent_by_id=by.id if by is not None else None,
        outcome=outcome,
        error=error,
    )
    db.session.add(message)
    db.session.flush()
    what = (
        f"{PURPOSE_LABELS[outgoing.purpose].lower()} (grant {outgoing.grant_id}) by {sender.label} "
        f"to {outgoing.address}"
    )
    if outgoing.visit_date is not None:
        what += f" for the visit of {outgoing.visit_date.isoformat()}"
    detail = what if outcome == SENT else f"{what}: {error}"
    record_event(
        audit.MESSAGE_SENT if outcome == SENT else audit.MESSAGE_FAILED,
        patient=db.session.get(Patient, outgoing.patient_id),
        record_type="link_message",
        record_id=message.id,
        user=by,
        detail=detail[:DETAIL_LIMIT],
    )
    return Delivery(
        form=db.session.get_one(Intake, outgoing.form_id),
        grant=db.session.get_one(IntakeAccess, outgoing.grant_id),
        link_url=outgoing.link_url,
        message=message,
    )


def send_link_by_message(
    patient: Patient,
    *,
    purpose: str,
    address: str,
    by,
    channel: str = EMAIL,
    save_address: bool = False,
) -> Outgoing:
    """Issue a new intake or check-in link for the patient and write its message to ``address`` by ``channel``.

    Refused, with nothing changed, when the channel is not set up, the address is malformed, or the address is
    to be saved on a chart it would make look like another. The caller commits the link, then sends the message
    with ``deliver`` (which records it, sent or not, the link staying usable either way) and commits again.
    """
    sender = channel_sender(channel)
    if purpose not in PURPOSE_LABELS:
        raise Refused({"purpose": "Choose the intake or the check-in."})
    if not sender.is_set_up:
        raise Refused({FORM: f"{sender.not_set_up_reason} Copy the link from the chart instead."})
    address = _checked_address(sender, address)
    if patient.is_archived:
        raise Refused(
            {FORM: f"{patient.spoken_name} is archived. Restore the patient before sending a link."}
        )
    if save_address:
        _save_address(patient, address)
    if purpose == CHECK_IN_LINK:
        form, token, grant = questionnaire.send_check_in_link(patient, by=by)
    else:
        form, token, grant = questionnaire.send_link(patient, by=by)
    return _outgoing(
        patient, form=form, token=token, grant=grant, purpose=purpose, address=address, visit_date=None
    )


def send_check_in_reminder(patient: Patient, visit_date: date) -> Outgoing:
    """Issue the patient a new check-in link for a planned visit and write its email, as the reminder run.

    The run's own events name no one: the system opened the check-in, issued its link and (``deliver``) sent it.
    """
    form = questionnaire.in_progress_check_in(patient.id)
    if form is None:
        form = questionnaire.start_check_in(patient)
        db.session.flush()
        record_event(
            audit.CREATE,
            patient=patient,
            record_type="intake",
            record_id=form.id,
            detail="check-in, by the reminder run",
        )
    token, grant = grants.issue_link(form)
    record_event(
        audit.ISSUE_LINK,
        patient=patient,
        record_type="intake",
        record_id=form.id,
        detail=f"check-in link, by the reminder run for the visit of {visit_date.isoformat()}",
    )
    return _outgoing(
        patient,
        form=form,
        token=token,
        grant=grant,
        purpose=CHECK_IN_LINK,
        address=patient.email,
        visit_date=visit_date,
    )


# --- The next visit planned on the chart ---------------------------------------------------------------------


#: The patient's next planned visit, built once (the chart asks on every view): the patient and today bound.
_PLANNED_VISIT = (
    db.select(PlannedVisit)
    .where(
        PlannedVisit.patient_id == bindparam("patient_id", type_=Integer),
        PlannedVisit.cancelled_at.is_(None),
        PlannedVisit.visit_on >= bindparam("today", type_=Date),
    )
    .order_by(PlannedVisit.set_at.desc(), PlannedVisit.id.desc())
    .limit(1)
)


def planned_visit(patient_id: int) -> PlannedVisit | None:
    """Return the patient's next visit planned on the chart (today or later, not cancelled), if any."""
    return db.session.scalar(_PLANNED_VISIT, {"patient_id": patient_id, "today": clinic_today()})


def _open_plans(patient_id: int) -> list[PlannedVisit]:
    return list(
        db.session.scalars(
            db.select(PlannedVisit).where(
                PlannedVisit.patient_id == patient_id, PlannedVisit.cancelled_at.is_(None)
            )
        )
    )


def _record_plan(action: str, plan: PlannedVisit, patient: Patient, detail: str, by) -> None:
    record_event(
        action, patient=patient, record_type="planned_visit", record_id=plan.id, user=by, detail=detail
    )


def plan_visit(patient: Patient, visit_on: date | None, *, by) -> PlannedVisit:
    """Plan the patient's next visit for a clinic day (an earlier plan is replaced) and record it."""
    today = clinic_today()
    if visit_on is None:
        raise Refused({"visit_on": "Enter the date of the next visit."})
    if visit_on < today:
        raise Refused({"visit_on": f"The next visit cannot be before today ({format_date(today)})."})
    if visit_on > today + PLANNING_HORIZON:
        raise Refused(
            {"visit_on": f"Plan a visit within a year (by {format_date(today + PLANNING_HORIZON)})."}
        )
    if patient.is_archived:
        raise Refused(
            {"visit_on": f"{patient.spoken_name} is archived. Restore the patient to plan a visit."}
        )
    now = utcnow()
    for earlier in _open_plans(patient.id):
        earlier.cancelled_at, earlier.cancelled_by_id = now, by.id
    plan = PlannedVisit(patient_id=patient.id, visit_on=visit_on, set_at=now, set_by_id=by.id)
    db.session.add(plan)
    db.session.flush()
    _record_plan(audit.CREATE, plan, patient, f"next visit planned for {visit_on.isoformat()}", by)
    return plan


def cancel_planned_visit(patient: Patient, *, by) -> PlannedVisit:
    """Cancel the patient's planned next visit and record it (refused when none is planned)."""
    plan = planned_visit(patient.id)
    if plan is None:
        raise Refused({FORM: "No visit is planned for this patient."})
    plan.cancelled_at, plan.cancelled_by_id = utcnow(), by.id
    _record_plan(audit.REVOKE, plan, patient, f"planned visit of {plan.visit_on.isoformat()} cancelled", by)
    return plan
