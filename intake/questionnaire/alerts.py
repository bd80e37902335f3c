"""Alerts for the practitioner, derived from the patient's latest submitted intake.

Red flags ("danger") mean: refer before treating. Precautions ("warning") change how to treat.
The chart and every visit note show them in one banner (templates/intake/_alert_banner.html).
"""

from dataclasses import dataclass

from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire import steps as q
from intake.questionnaire.models import SUBMITTED, Intake

DANGER = "danger"
WARNING = "warning"
AGE_ADVICE = "screen for serious causes before treating"


@dataclass(frozen=True)
class Alert:
    code: str
    message: str
    severity: str  # "danger" (red flag) or "warning" (precaution)


def latest_submitted_intake(patient_id: int) -> Intake | None:
    """Return the patient's most recently submitted intake, or None."""
    return db.session.scalar(
        db.select(Intake)
        .where(Intake.patient_id == patient_id, Intake.status == SUBMITTED)
        .order_by(Intake.submitted_at.desc(), Intake.id.desc())
        .limit(1)
    )


def patient_alerts(patient_id: int) -> list[Alert]:
    """Return the red flags and precautions from the patient's latest submitted intake."""
    intake = latest_submitted_intake(patient_id)
    if intake is None:
        return []
    return intake_alerts(intake, intake.patient)


def intake_alerts(intake: Intake, patient: Patient) -> list[Alert]:
    """Derive the alerts of one intake: red flags first, then precautions."""
    return red_flag_alerts(intake, patient) + precaution_alerts(intake.step_answers(q.HEALTH))


def _red_flag(name: str, what: str, advice: str = "refer before treating") -> Alert:
    return Alert(f"red_flag_{name}", f"Red flag: {what} — {advice}", DANGER)


def red_flag_alerts(intake: Intake, patient: Patient) -> list[Alert]:
    answers = intake.step_answers(q.RED_FLAGS)
    alerts = [_red_flag(flag.key, flag.alert) for flag in q.RED_FLAGS_ASKED if answers.get(flag.key)]
    age_flag = age_red_flag(intake, patient)
    if age_flag:
        alerts.append(age_flag)
    return alerts


def age_red_flag(intake: Intake, patient: Patient) -> Alert | None:
    """Flag new back pain under 20 or over 50 (age on the day the intake was filled)."""
    started = intake.step_answers(q.COMPLAINT).get("started")
    if patient is None or started not in q.NEW_ONSETS:
        return None
    day = (intake.submitted_at or intake.created_at).date()
    age = patient.age_on(day)
    if age < q.YOUNGEST_WITHOUT_FLAG:
        return _red_flag(q.AGE_RED_FLAG, f"new back pain at age {age} (under 20)", AGE_ADVICE)
    if age > q.OLDEST_WITHOUT_FLAG:
        return _red_flag(q.AGE_RED_FLAG, f"new back pain at age {age} (over 50)", AGE_ADVICE)
    return None


def precaution_alerts(health: dict) -> list[Alert]:
    """Turn the health-history answers into precaution alerts."""
    alerts = []
    alerts.extend(_pregnancy_alerts(health))
    if health.get("anticoagulant"):
        name = (health.get("anticoagulant_name") or "").strip()
        label = f"Anticoagulant ({name})" if name else "Anticoagulant"
        alerts.append(Alert("anticoagulant", f"{label} — bleeding risk", WARNING))
    for precaution in q.PRECAUTIONS_ASKED:
        if health.get(precaution.key):
            alerts.append(Alert(precaution.key, precaution.alert, WARNING))
    for precaution in q.DETAILED_PRECAUTIONS:
        if health.get(precaution.key):
            detail = (health.get(f"{precaution.key}_detail") or "").strip()
            message = precaution.alert
            if detail:
                head, _, advice = message.partition(" — ")
                message = f"{head} ({detail}) — {advice}"
            alerts.append(Alert(precaution.key, message, WARNING))
    for key, _label, message in q.ALLERGIES:
        if health.get(key):
            alerts.append(Alert(key, message, WARNING))
    other = (health.get("allergy_other") or "").strip()
    if other:
        alerts.append(Alert("allergy_other", f"Allergy: {other}", WARNING))
    return alerts


def _pregnancy_alerts(health: dict) -> list[Alert]:
    pregnant = health.get("pregnant")
    avoid = "avoid lumbosacral and lower-abdominal points"
    if pregnant == "possibly":
        # Early pregnancy is when it is least known and most sensitive: treat as the first trimester.
        return [
            Alert(
                "pregnancy_first_trimester", f"Possibly pregnant (treat as 1st trimester) — {avoid}", WARNING
            )
        ]
    if pregnant != "yes":
        return []
    trimester = health.get("trimester")
    if trimester == "1":
        return [Alert("pregnancy_first_trimester", f"Pregnant (1st trimester) — {avoid}", WARNING)]
    label = q.TRIMESTER_LABELS.get(trimester or "", "trimester unknown")
    return [Alert("pregnancy", f"Pregnant ({label}) — {avoid}", WARNING)]
