"""The life of an intake or a return-visit check-in: start, save each step, consent, submit, review, cancel.

A submitted intake is never changed (only its review stamp is added); new information is a new intake.
Every function adds to the session; the caller commits once. The pages call the operations at the
end of this module, which apply the clinic's rules and record their own audit events.
"""

from datetime import date, timedelta

from flask import current_app

from intake import throttle
from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.operations import sign_out
from intake.auth.roles import PRACTITIONER
from intake.clinic_time import clinic_today, format_date, to_clinic_time
from intake.database import utcnow
from intake.extensions import db
from intake.pain.models import PATIENT_CHECK_IN
from intake.pain.operations import record_scores
from intake.patients.models import Patient
from intake.patients.operations import apply_demographics
from intake.questionnaire import check_in_steps as c
from intake.questionnaire import grants, identity
from intake.questionnaire import steps as q
from intake.questionnaire.alerts import red_flag_alerts
from intake.questionnaire.models import (
    CHECK_IN_FORM,
    CLEARED,
    DECISION_KINDS,
    IN_PROGRESS,
    INTAKE_FORM,
    LINK,
    NOT_APPLICABLE,
    REFERRED,
    REVOKED,
    SUBMITTED,
    Intake,
    IntakeAccess,
    RedFlagDecision,
)
from intake.refused import Refused

REVIEW_COMMENT_LIMIT = 2000
DECISION_TEXT_LIMIT = 2000
REFERRED_TO_LIMIT = 160
#: A referral recorded for an intake may predate it by this much (the family doctor referred first) …
REFERRAL_BEFORE_INTAKE = timedelta(days=365)
#: … and may be dated ahead by this much (an appointment booked for the patient).
REFERRAL_AHEAD = timedelta(days=365)


class IntakeClosed(Refused):
    """The intake was submitted or cancelled; its answers can no longer change."""


class IdentityNotConfirmed(Refused):
    """The date of birth given does not match the chart, or too many were tried."""


class IdentityTriesExhausted(IdentityNotConfirmed):
    """Too many wrong dates of birth for this grant lately; it must wait."""


class IntakeIncomplete(Refused):
    """Some steps are not saved yet."""

    def __init__(self, missing: list[str]):
        super().__init__(f"steps not saved yet: {', '.join(missing)}")
        self.missing = missing


def _in_progress(patient_id: int, form_kind: str) -> Intake | None:
    return db.session.scalar(
        db.select(Intake)
        .where(Intake.patient_id == patient_id, Intake.form_kind == form_kind, Intake.status == IN_PROGRESS)
        .order_by(Intake.created_at.desc(), Intake.id.desc())
        .limit(1)
    )


def in_progress_intake(patient_id: int) -> Intake | None:
    """Return the patient's intake that is still being filled, if any."""
    return _in_progress(patient_id, INTAKE_FORM)


def in_progress_check_in(patient_id: int) -> Intake | None:
    """Return the patient's return-visit check-in that is still being filled, if any."""
    return _in_progress(patient_id, CHECK_IN_FORM)


def _start(patient: Patient, form_kind: str, started_by_id: int | None) -> Intake:
    form = _in_progress(patient.id, form_kind)
    if form is None:
        form = Intake(
            patient_id=patient.id,
            form_kind=form_kind,
            status=IN_PROGRESS,
            answers={},
            started_by_id=started_by_id,
        )
        db.session.add(form)
        db.session.flush()
    return form


def start_intake(patient: Patient, *, started_by_id: int | None = None) -> Intake:
    """Return the patient's intake in progress, or start a new one."""
    return _start(patient, INTAKE_FORM, started_by_id)


def start_check_in(patient: Patient, *, started_by_id: int | None = None) -> Intake:
    """Return the patient's return-visit check-in in progress, or start a new one (records nothing)."""
    return _start(patient, CHECK_IN_FORM, started_by_id)


def answer_steps(intake: Intake) -> tuple[str, ...]:
    """Return the keys of the steps a form of this kind saves answers in, in order."""
    return c.ANSWER_STEPS if intake.is_check_in else q.ANSWER_STEPS


def _require_open(intake: Intake) -> None:
    if intake.status != IN_PROGRESS:
        raise IntakeClosed(f"intake {intake.id} is {intake.status}")


def save_step(intake: Intake, step: str, values: dict) -> None:
    """Store the cleaned answers of one step (replacing what that step held)."""
    if step not in answer_steps(intake) or step == q.CONSENT:
        raise ValueError(f"not an answer step: {step!r}")
    _require_open(intake)
    # Assign a new dict: the JSON column notices replacement, not changes inside it.
    intake.answers = {**(intake.answers or {}), step: dict(values)}
    intake.updated_at = utcnow()


def record_consent(
    intake: Intake,
    *,
    full_name: str,
    signature_path: str | None,
    signature_typed: str | None,
    version: str,
    text: str,
    client_ip: str | None,
) -> None:
    """Record informed consent: the text and version agreed to, name, signature, time and client IP."""
    _require_open(intake)
    if not (full_name or "").strip():
        raise ValueError("consent needs the patient's full name")
    if not signature_path and not (signature_typed or "").strip():
        raise ValueError("consent needs a drawn or typed signature")
    now = utcnow()
    intake.consent_name = full_name.strip()
    # A drawn signature wins; the typed one is the fallback for patients who cannot draw.
    intake.signature_path = signature_path or None
    intake.signature_typed = None if signature_path else (signature_typed or "").strip()
    intake.consent_version = version
    intake.consent_text = text
    intake.consent_signed_at = now
    intake.consent_ip = client_ip
    intake.privacy_acknowledged_at = now
    intake.answers = {**(intake.answers or {}), q.CONSENT: {"agreed": True, "privacy_acknowledged": True}}
    intake.updated_at = now


def missing_steps(intake: Intake) -> list[str]:
    """Return the keys of answer steps not saved yet, in order."""
    saved = intake.answers or {}
    missing = [key for key in answer_steps(intake) if key not in saved]
    if intake.is_check_in:
        return missing
    if q.CONSENT not in missing and intake.consent_signed_at is None:
        missing.append(q.CONSENT)
    return missing


def first_unfinished_step(intake: Intake) -> str:
    """Return where a returning patient carries on: the first unsaved step, else the review."""
    missing = missing_steps(intake)
    return missing[0] if missing else (c.REVIEW if intake.is_check_in else q.REVIEW)


#: What an intake's submission also starts, handed down by the factory (the episode of care it opens).
ON_SUBMIT = "intake.questionnaire.on_submit"


def submit_intake(intake: Intake) -> None:
    """Submit: update the patient's contact details, record pain scores and ODI, close every grant."""
    if intake.is_check_in:
        raise ValueError("a check-in is submitted by submit_check_in")
    _require_open(intake)
    missing = missing_steps(intake)
    if missing:
        raise IntakeIncomplete(missing)
    now = utcnow()
    patient = intake.patient
    changes = apply_contact_details(patient, intake.step_answers(q.CONTACT))
    answers = dict(intake.answers)
    answers["contact_changes"] = changes
    intake.answers = answers
    pain = intake.step_answers(q.PAIN)
    record_scores(
        patient.id,
        {code: int(score) for code, score in (pain.get("regions") or {}).items()},
        context="intake",
        recorded_at=now,
        intake_id=intake.id,
    )
    intake.odi_percent = q.odi_percent(intake.step_answers(q.ODI))
    intake.status = SUBMITTED
    intake.submitted_at = now
    intake.updated_at = now
    intake.red_flag_count = len(red_flag_alerts(intake, patient))
    grants.revoke_grants(intake)
    for follow_up in current_app.extensions.get(ON_SUBMIT, ()):
        follow_up(intake)


def submit_check_in(check_in: Intake) -> None:
    """Submit a check-in: record its pain scores ("check-in by patient"), PEG and red flags; close every grant.

    A check-in opens no episode of care (the intake's ON_SUBMIT follow-ups do not run).
    """
    if not check_in.is_check_in:
        raise ValueError("an intake is submitted by submit_intake")
    _require_open(check_in)
    missing = missing_steps(check_in)
    if missing:
        raise IntakeIncomplete(missing)
    now = utcnow()
    pain_now = check_in.step_answers(c.PAIN_NOW)
    record_scores(
        check_in.patient_id,
        {code: int(score) for code, score in (pain_now.get("regions") or {}).items()},
        context=PATIENT_CHECK_IN,
        recorded_at=now,
        intake_id=check_in.id,
    )
    check_in.peg_score = c.peg_score(check_in.step_answers(c.PEG))
    check_in.status = SUBMITTED
    check_in.submitted_at = now
    check_in.updated_at = now
    check_in.red_flag_count = len(red_flag_alerts(check_in, check_in.patient))
    grants.revoke_grants(check_in)


def apply_contact_details(patient: Patient, contact: dict) -> dict:
    """Copy the confirmed contact details to the patient; return {field: [before, after]} for what changed."""
    before = {name: getattr(patient, name) or "" for name in q.CONTACT_FIELDS}
    apply_demographics(patient, {name: contact.get(name, before[name]) or "" for name in q.CONTACT_FIELDS})
    after = {name: getattr(patient, name) or "" for name in q.CONTACT_FIELDS}
    return {name: [before[name], after[name]] for name in q.CONTACT_FIELDS if before[name] != after[name]}


def mark_reviewed(intake: Intake, reviewer_id: int, comment: str = "") -> bool:
    """Stamp who reviewed a submitted intake, when, and what they noted; return False if it was already reviewed."""
    if intake.status != SUBMITTED:
        raise ValueError("only a submitted intake can be reviewed")
    if intake.reviewed_at is not None:
        return False
    intake.reviewed_at = utcnow()
    intake.reviewed_by_id = reviewer_id
    intake.review_comment = comment.strip() or None
    return True


def cancel_intake(intake: Intake) -> None:
    """Cancel an intake in progress (its link and tablet grant stop working)."""
    _require_open(intake)
    intake.status = REVOKED
    intake.cancelled_at = utcnow()
    grants.revoke_grants(intake)


def patient_intakes(patient_id: int) -> list[Intake]:
    """Return all of a patient's intakes (not their check-ins), newest first."""
    return list(
        db.session.scalars(
            db.select(Intake)
            .where(Intake.patient_id == patient_id, Intake.form_kind == INTAKE_FORM)
            .order_by(Intake.created_at.desc(), Intake.id.desc())
        )
    )


# --- What staff do from the chart, each with its audit event ------------------------------------


def _record(action: str, intake: Intake, detail: str = "") -> None:
    record_event(action, patient=intake.patient, record_type="intake", record_id=intake.id, detail=detail)


def _require_active_patient(patient: Patient, what: str = "an intake") -> None:
    if patient.is_archived:
        raise Refused(f"{patient.spoken_name} is archived. Restore the patient before starting {what}.")


def _started(patient: Patient, by, form_kind: str = INTAKE_FORM) -> Intake:
    """Return the patient's form of this kind in progress, or a new one (recording that it was created)."""
    form = _in_progress(patient.id, form_kind)
    if form is None:
        form = _start(patient, form_kind, by.id)
        _record(audit.CREATE, form, "check-in" if form_kind == CHECK_IN_FORM else "")
    return form


def send_link(patient: Patient, *, by) -> tuple[Intake, str, IntakeAccess | None]:
    """Give an active patient a new intake link; return the intake, the raw token (shown once) and its grant."""
    _require_active_patient(patient)
    intake = _started(patient, by)
    token, grant = grants.issue_link(intake, created_by_id=by.id)
    _record(audit.ISSUE_LINK, intake)
    return intake, token, grant


def hand_over_tablet(patient: Patient, *, by) -> str:
    """Open an active patient's intake on this clinic tablet and sign the staff member out everywhere.

    Return the raw token for the tablet's session. Signing out on the server (as "Sign out" does)
    means a copy of the staff cookie taken before the hand-over opens nothing afterwards.
    """
    _require_active_patient(patient)
    intake = _started(patient, by)
    token = grants.issue_kiosk_grant(intake, created_by_id=by.id)
    _record(audit.KIOSK_HANDOVER, intake)  # by the staff member, before their session ends
    sign_out(by)
    return token


def send_check_in_link(patient: Patient, *, by) -> tuple[Intake, str, IntakeAccess | None]:
    """Give an active patient a new check-in link; return the check-in, the raw token (shown once) and its grant."""
    _require_active_patient(patient, "a check-in")
    check_in = _started(patient, by, CHECK_IN_FORM)
    token, grant = grants.issue_link(check_in, created_by_id=by.id)
    _record(audit.ISSUE_LINK, check_in, "check-in link")
    return check_in, token, grant


def hand_over_check_in_tablet(patient: Patient, *, by) -> str:
    """Open an active patient's check-in on this clinic tablet and sign the staff member out everywhere.

    Return the raw token for the tablet's session (see ``hand_over_tablet``).
    """
    _require_active_patient(patient, "a check-in")
    check_in = _started(patient, by, CHECK_IN_FORM)
    token = grants.issue_kiosk_grant(check_in, created_by_id=by.id)
    _record(audit.KIOSK_HANDOVER, check_in, "check-in")
    sign_out(by)
    return token


def revoke_link(intake: Intake) -> bool:
    """Stop the intake's link and record it; return whether a working link was revoked."""
    revoked = grants.revoke_grants(intake, kind=LINK)
    what = "check-in" if intake.is_check_in else "intake"
    _record(audit.REVOKE, intake, f"{what} link revoked" if revoked else "no working link to revoke")
    return bool(revoked)


def withdraw_intake(intake: Intake) -> None:
    """Cancel an intake in progress from the chart and record it."""
    what = "check-in" if intake.is_check_in else "intake"
    try:
        cancel_intake(intake)
    except IntakeClosed:
        raise IntakeClosed(f"That {what} was already submitted or cancelled.") from None
    _record(audit.REVOKE, intake, f"{what} cancelled")


def review_intake(intake: Intake, *, by, comment: str = "") -> bool:
    """Mark a submitted intake reviewed, with an optional comment, and record it; return False if it already was."""
    if not intake.is_submitted:
        raise Refused("Only a submitted intake can be marked reviewed.")
    if len(comment.strip()) > REVIEW_COMMENT_LIMIT:
        raise Refused({"comment": f"Keep the comment under {REVIEW_COMMENT_LIMIT} characters."})
    if not mark_reviewed(intake, by.id, comment):
        return False
    _record(audit.REVIEW, intake, "with a comment" if intake.review_comment else "")
    return True


def _decision_problems(intake: Intake, decision: dict) -> dict[str, str]:
    """Return what is missing or out of bounds in a red-flag decision (empty when it can be recorded)."""
    problems = {}
    open_codes = {alert.code for alert in red_flag_alerts(intake, intake.patient)}
    if decision["flag_code"] not in open_codes:
        problems["flag_code"] = "Choose one of this intake's red flags."
    kind, reason = decision["kind"], decision["reason"].strip()
    if kind not in DECISION_KINDS:
        problems["kind"] = "Choose referred, cleared to treat, or not applicable."
    if kind in (CLEARED, NOT_APPLICABLE) and not reason:
        problems["reason"] = (
            "Write why it is safe to treat." if kind == CLEARED else "Write why this red flag does not apply."
        )
    if len(reason) > DECISION_TEXT_LIMIT:
        problems["reason"] = f"Keep the reason under {DECISION_TEXT_LIMIT} characters."
    if kind == REFERRED:
        problems.update(_referral_problems(intake, decision))
    return problems


def _referral_problems(intake: Intake, decision: dict) -> dict[str, str]:
    problems = {}
    referred_to = (decision.get("referred_to") or "").strip()
    if not referred_to:
        problems["referred_to"] = "Write to whom the patient was referred (a doctor, a clinic, emergency)."
    elif len(referred_to) > REFERRED_TO_LIMIT:
        problems["referred_to"] = f"Keep this under {REFERRED_TO_LIMIT} characters."
    day = decision.get("referred_on")
    earliest = to_clinic_time(intake.submitted_at or intake.created_at).date() - REFERRAL_BEFORE_INTAKE
    latest = clinic_today() + REFERRAL_AHEAD
    if day is None:
        problems["referred_on"] = "Give the date of the referral."
    elif day < earliest:
        problems["referred_on"] = f"A referral for this intake cannot be before {format_date(earliest)}."
    elif day > latest:
        problems["referred_on"] = f"A referral cannot be dated after {format_date(latest)}."
    return problems


def decide_red_flag(intake: Intake, decision: dict, *, by) -> RedFlagDecision:
    """Record a practitioner's decision on one red flag of a submitted intake (a later one supersedes it)."""
    if by.role != PRACTITIONER:
        raise Refused({"kind": "Only a practitioner can decide on a red flag."})
    if not intake.is_submitted:
        raise Refused({"flag_code": "Only a submitted intake's red flags can be decided."})
    problems = _decision_problems(intake, decision)
    if problems:
        raise Refused(problems)
    referral = decision["kind"] == REFERRED
    recorded = RedFlagDecision(
        intake_id=intake.id,
        flag_code=decision["flag_code"],
        kind=decision["kind"],
        reason=decision["reason"].strip(),
        referred_to=decision["referred_to"].strip() if referral else None,
        referred_on=decision["referred_on"] if referral else None,
        decided_by_id=by.id,
        decided_by_name=by.signature_name,
        decided_at=utcnow(),
    )
    db.session.add(recorded)
    db.session.flush()
    record_event(
        audit.CREATE,
        patient=intake.patient,
        record_type="red_flag_decision",
        record_id=recorded.id,
        detail=f"intake {intake.id} · {recorded.flag_code}: {recorded.kind}",
    )
    return recorded


# --- What the patient does through their link or the clinic tablet ------------------------------


def record_by_patient(grant: IntakeAccess, action: str, detail: str = "") -> None:
    """Audit what the patient did on their intake (the actor is their link or the tablet, and its grant)."""
    intake = grant.intake
    record_event(
        action,
        patient=intake.patient,
        record_type="intake",
        record_id=intake.id,
        detail=detail,
        by_patient=grant.kind,
        grant_id=grant.id,
    )


def record_refused_grant(kind: str, *, used: bool = False) -> None:
    """Audit a refused intake link or tablet grant (unknown, expired, revoked, or its form closed; or used)."""
    what = "intake link" if kind == LINK else "clinic tablet grant"
    why = "its form was already submitted" if used else "unknown, expired, revoked or closed"
    record_event(audit.ACCESS_DENIED, detail=f"{what} refused: {why}")


def record_step_viewed(grant: IntakeAccess, step: str) -> None:
    """Audit the patient opening a step."""
    record_by_patient(grant, audit.VIEW, f"step {step}")


def record_urgent_advice_shown(grant: IntakeAccess, level: str) -> None:
    """Audit the patient being shown the urgent advice their red-flag answers call for."""
    record_by_patient(grant, audit.VIEW, f"urgent advice shown ({level})")


def confirm_identity(grant: IntakeAccess, date_of_birth: date | None) -> None:
    """Accept the patient's date of birth if it matches the chart, and record it.

    A wrong date is counted against the grant and recorded as refused access before
    ``IdentityNotConfirmed`` is raised; the caller commits in both cases, so the limit holds.
    """
    key = identity.attempt_key(grant)
    if throttle.is_throttled(key, limit=identity.IDENTITY_ATTEMPTS, window=identity.attempt_window()):
        raise IdentityTriesExhausted(
            {"date_of_birth": "Too many tries. Please wait a few minutes, or ask the front desk for help."}
        )
    if date_of_birth is None or date_of_birth != grant.intake.patient.date_of_birth:
        throttle.record_attempt(key)
        record_by_patient(grant, audit.ACCESS_DENIED, "date of birth did not match")
        raise IdentityNotConfirmed(
            {
                "date_of_birth": "That date of birth does not match our records. "
                "Check it and try again, or ask the front desk."
            }
        )
    throttle.clear_attempts(key)
    record_by_patient(grant, audit.VIEW, "date of birth confirmed")
    _used(grant)


def answers_to_show(intake: Intake, step: str) -> dict:
    """Return a step's saved answers; an unsaved contact step starts from the chart's details."""
    saved = intake.step_answers(step)
    if step == q.CONTACT and not saved:
        patient = intake.patient
        saved = {name: getattr(patient, name) or "" for name in q.CONTACT_FIELDS}
    return saved


def _used(grant: IntakeAccess) -> None:
    grant.last_used_at = utcnow()


def save_answers(grant: IntakeAccess, step: str, values: dict) -> None:
    """Save one step the patient filled in, and record it."""
    save_step(grant.intake, step, values)
    record_by_patient(grant, audit.EDIT, f"step {step}")
    _used(grant)


def sign_consent(grant: IntakeAccess, **consent) -> None:
    """Record the patient's consent (see ``record_consent``), and the signing."""
    record_consent(grant.intake, **consent)
    record_by_patient(grant, audit.SIGN, "consent")
    _used(grant)


def submit_answers(grant: IntakeAccess) -> None:
    """Submit the patient's intake or check-in (``IntakeIncomplete`` if steps are missing) and record it."""
    intake = grant.intake
    if intake.is_check_in:
        submit_check_in(intake)
        record_by_patient(grant, audit.SUBMIT, "check-in")
        return
    submit_intake(intake)
    changed = sorted((intake.answers or {}).get("contact_changes") or {})
    record_by_patient(
        grant, audit.SUBMIT, f"contact details changed: {', '.join(changed)}" if changed else ""
    )
