"""When the patient must confirm their date of birth before their saved answers are shown.

Front desk may send a new link or hand over a tablet for an intake already in progress, but may
not read clinical answers. So a grant issued by non-clinical staff shows nothing saved through an
earlier grant until whoever holds it confirms the patient's date of birth; the answers stay saved.
A clinic tablet left alone for ``INTAKE_KIOSK_IDLE_MINUTES`` asks the same before it goes on.
Which grant saved a step is read from the audit trail, where every patient row names its grant.
"""

import time
from datetime import timedelta

from flask import current_app

from intake.audit import models as audit
from intake.audit.operations import grant_of_actor
from intake.auth.roles import CLINICAL
from intake.extensions import db
from intake.questionnaire import check_in_steps as c
from intake.questionnaire import steps as q
from intake.questionnaire.models import KIOSK, IntakeAccess

#: Wrong dates of birth one intake may be given within INTAKE_TOKEN_WINDOW_MINUTES before it must wait
#: (counted per intake, not per grant, so sending a new link does not buy more guesses).
IDENTITY_ATTEMPTS = 5
#: The inactivity limit of a clinic tablet when the setting is missing.
DEFAULT_KIOSK_IDLE_MINUTES = 10


def attempt_key(grant: IntakeAccess) -> str:
    return f"intake-identity:intake:{grant.intake_id}"


def attempt_window() -> timedelta:
    return timedelta(minutes=current_app.config["INTAKE_TOKEN_WINDOW_MINUTES"])


def issued_by_clinical_staff(grant: IntakeAccess) -> bool:
    """Return whether the grant was issued by someone who may read intake answers anyway."""
    return grant.created_by is not None and grant.created_by.role in CLINICAL


def kiosk_idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config.get("INTAKE_KIOSK_IDLE_MINUTES", DEFAULT_KIOSK_IDLE_MINUTES))


def kiosk_left_idle(grant: IntakeAccess, last_activity: float | None) -> bool:
    """Return whether a clinic tablet has gone without activity for longer than the inactivity limit.

    ``last_activity``: the time (epoch seconds) of the tablet's last request that went through, kept
    in its signed session cookie; None counts as idle.
    """
    if grant.kind != KIOSK:
        return False
    if last_activity is None:
        return True
    return time.time() - last_activity >= kiosk_idle_limit().total_seconds()


def saved_steps(grant: IntakeAccess) -> list[str]:
    """Return the answer steps the intake (or check-in) holds, in order."""
    intake = grant.intake
    answers = intake.answers or {}
    steps = [step for step in (c.ANSWER_STEPS if intake.is_check_in else q.ANSWER_STEPS) if step in answers]
    if intake.consent_signed_at is not None and q.CONSENT not in steps:
        steps.append(q.CONSENT)
    return steps


def answers_saved_under_other_grants(grant: IntakeAccess) -> bool:
    """Return whether any saved step was last saved through another grant (or by no recorded grant)."""
    steps = saved_steps(grant)
    if not steps:
        return False
    rows = db.session.execute(
        db.select(audit.AuditEvent.detail, audit.AuditEvent.user_name)
        .where(
            audit.AuditEvent.patient_id == grant.intake.patient_id,  # the trail's patient index finds them
            audit.AuditEvent.record_type == "intake",
            audit.AuditEvent.record_id == grant.intake_id,
            audit.AuditEvent.user_role == audit.PATIENT_ROLE,
            audit.AuditEvent.action.in_((audit.EDIT, audit.SIGN)),
        )
        .order_by(audit.AuditEvent.id)
    ).all()
    last_saved_by: dict[str, int | None] = {}
    for detail, user_name in rows:
        step = q.CONSENT if detail == "consent" else detail.removeprefix("step ")
        last_saved_by[step] = grant_of_actor(user_name)
    return any(last_saved_by.get(step) != grant.id for step in steps)


def confirmation_needed(grant: IntakeAccess, *, confirmed: bool, last_activity: float | None) -> bool:
    """Return whether whoever holds the grant must confirm the date of birth before going on.

    ``confirmed``: this browser already confirmed it for this grant; ``last_activity``: see
    ``kiosk_left_idle``.
    """
    if kiosk_left_idle(grant, last_activity):
        return True
    if confirmed or issued_by_clinical_staff(grant):
        return False
    return answers_saved_under_other_grants(grant)
