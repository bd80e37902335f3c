"""Alerts for the practitioner, derived from the patient's latest submitted intake and the check-ins since.

Red flags ("danger") mean: refer before treating. Precautions ("warning") change how to treat.
The chart and every visit note show them in one banner (templates/questionnaire/_alert_banner.html), each red
flag with the practitioner's decision on it (intake.questionnaire.decisions lists the ones still open).
A return-visit check-in adds what changed since (a new pacemaker, a pregnancy, a blood thinner, an injury …) and
its own red flags, each decided on that check-in; a later intake starts afresh.
"""

from dataclasses import dataclass, field, replace

from sqlalchemy import Integer, bindparam

from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire import check_in_steps as c
from intake.questionnaire import steps as q
from intake.questionnaire.models import CHECK_IN_FORM, INTAKE_FORM, SUBMITTED, Intake, RedFlagDecision

DANGER = "danger"
WARNING = "warning"
AGE_ADVICE = "screen for serious causes before treating"

#: Cauda-equina signs: a patient answering yes is told to go to an emergency department now.
EMERGENCY_RED_FLAGS = ("bladder_bowel", "saddle_numbness", "leg_weakness")
EMERGENCY = "emergency"
SEE_A_DOCTOR = "see_a_doctor"


@dataclass(frozen=True)
class Alert:
    code: str
    message: str
    severity: str  # "danger" (red flag) or "warning" (precaution)
    #: The intake that raised it (red flags are decided per intake).
    intake_id: int | None = None
    #: The practitioner's latest decision on this red flag of this intake, when there is one.
    decision: RedFlagDecision | None = field(default=None, compare=False)

    @property
    def is_red_flag(self) -> bool:
        return self.severity == DANGER

    @property
    def needs_decision(self) -> bool:
        return self.is_red_flag and self.decision is None

    def decided(self, decision: RedFlagDecision | None) -> "Alert":
        """Return this alert with its decision (or still open, with None)."""
        return replace(self, decision=decision)


def urgent_advice_level(red_flag_answers: dict) -> str | None:
    """Return what to tell a patient who answered the red-flag step: emergency, see a doctor, or nothing."""
    if any(red_flag_answers.get(key) for key in EMERGENCY_RED_FLAGS):
        return EMERGENCY
    if any(red_flag_answers.get(key) for key in q.RED_FLAG_KEYS):
        return SEE_A_DOCTOR
    return None


# The alerts are read on every chart, visit note and signed note: their statements are built once, the patient
# (and the time after which check-ins count, the forms whose decisions are read) bound by name.
_PATIENT = bindparam("patient_id", type_=Integer)
_LATEST_SUBMITTED_INTAKE = (
    db.select(Intake)
    .where(Intake.patient_id == _PATIENT, Intake.form_kind == INTAKE_FORM, Intake.status == SUBMITTED)
    .order_by(Intake.submitted_at.desc(), Intake.id.desc())
    .limit(1)
)
_CHECK_INS = db.select(Intake).where(
    Intake.patient_id == _PATIENT, Intake.form_kind == CHECK_IN_FORM, Intake.status == SUBMITTED
)
_EVERY_CHECK_IN = _CHECK_INS.order_by(Intake.submitted_at, Intake.id)
_CHECK_INS_AFTER = _CHECK_INS.where(Intake.submitted_at > bindparam("after")).order_by(
    Intake.submitted_at, Intake.id
)
_LATEST_DECISIONS = (
    db.select(RedFlagDecision)
    .where(RedFlagDecision.intake_id.in_(bindparam("intake_ids", expanding=True)))
    .order_by(RedFlagDecision.intake_id, RedFlagDecision.flag_code, RedFlagDecision.id)
)


def latest_submitted_intake(patient_id: int) -> Intake | None:
    """Return the patient's most recently submitted intake (the intake form, never a check-in), or None."""
    return db.session.scalar(_LATEST_SUBMITTED_INTAKE, {"patient_id": patient_id})


def check_ins_since(patient_id: int, intake: Intake | None) -> list[Intake]:
    """Return the patient's check-ins submitted after this intake (all of them without one), oldest first."""
    if intake is not None and intake.submitted_at is not None:
        return list(
            db.session.scalars(_CHECK_INS_AFTER, {"patient_id": patient_id, "after": intake.submitted_at})
        )
    return list(db.session.scalars(_EVERY_CHECK_IN, {"patient_id": patient_id}))


def screened_forms(patient_id: int) -> list[Intake]:
    """Return the forms the alerts come from: the latest submitted intake, then the check-ins since (3 queries)."""
    intake = latest_submitted_intake(patient_id)
    return ([intake] if intake else []) + check_ins_since(patient_id, intake)


def forms_alerts(forms: list[Intake]) -> list[Alert]:
    """Return the alerts of these forms (oldest first), each red flag with its decision, red flags first.

    A precaution declared again later replaces the earlier wording (a pregnancy's trimester moves on); red flags
    stay per form, as each needs its own decision.
    """
    if not forms:
        return []
    red_flags: list[Alert] = []
    precautions: dict[str, Alert] = {}
    for form in forms:
        for alert in intake_alerts(form, form.patient):
            if alert.is_red_flag:
                red_flags.append(alert)
            else:
                precautions.pop(alert.code, None)
                precautions[alert.code] = alert
    alerts = red_flags + list(precautions.values())
    return with_decisions(alerts, latest_decisions([form.id for form in forms]))


def patient_alerts(patient_id: int) -> list[Alert]:
    """Return the red flags (each with its decision) and precautions of the latest intake and the check-ins since."""
    return forms_alerts(screened_forms(patient_id))


def latest_decisions(intake_ids: list[int]) -> dict[tuple[int | None, str], RedFlagDecision]:
    """Return the latest decision on each red flag of these intakes, by (intake id, flag code), in one query."""
    if not intake_ids:
        return {}
    decisions = db.session.scalars(_LATEST_DECISIONS, {"intake_ids": list(intake_ids)})
    return {(decision.intake_id, decision.flag_code): decision for decision in decisions}


def with_decisions(
    alerts: list[Alert], decisions: dict[tuple[int | None, str], RedFlagDecision]
) -> list[Alert]:
    """Attach to each red flag its latest decision (precautions are returned as they are)."""
    return [
        alert.decided(decisions.get((alert.intake_id, alert.code))) if alert.is_red_flag else alert
        for alert in alerts
    ]


def intake_alerts(intake: Intake, patient: Patient) -> list[Alert]:
    """Derive the alerts of one intake or check-in: red flags first, then precautions."""
    if intake.is_check_in:
        return red_flag_alerts(intake, patient) + check_in_precaution_alerts(intake.step_answers(c.CHANGES))
    return red_flag_alerts(intake, patient) + precaution_alerts(intake.step_answers(q.HEALTH))


def _red_flag(intake: Intake, name: str, what: str, advice: str = "refer before treating") -> Alert:
    return Alert(f"red_flag_{name}", f"Red flag: {what} — {advice}", DANGER, intake_id=intake.id)


def red_flag_alerts(intake: Intake, patient: Patient) -> list[Alert]:
    """Return the red flags of one intake (undecided: see with_decisions)."""
    answers = intake.step_answers(q.RED_FLAGS)
    alerts = [_red_flag(intake, flag.key, flag.alert) for flag in q.RED_FLAGS_ASKED if answers.get(flag.key)]
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
        return _red_flag(intake, q.AGE_RED_FLAG, f"new back pain at age {age} (under 20)", AGE_ADVICE)
    if age > q.OLDEST_WITHOUT_FLAG:
        return _red_flag(intake, q.AGE_RED_FLAG, f"new back pain at age {age} (over 50)", AGE_ADVICE)
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


def check_in_precaution_alerts(changes: dict) -> list[Alert]:
    """Turn what changed since the last visit (a check-in's answers) into precaution alerts.

    They carry the intake's codes where the risk is the same (a pacemaker blocks electro-acupuncture as at intake).
    A medicine stopped is shown in the check-in's words, never as an alert taken away: the practitioner confirms.
    """
    alerts = []
    thinners = [
        c.BLOOD_THINNER_LABELS[key]
        for key in changes.get("blood_thinners") or []
        if key in c.BLOOD_THINNER_LABELS
    ]
    if changes.get("medicines") and thinners:
        alerts.append(
            Alert("anticoagulant", f"Anticoagulant ({', '.join(thinners)}) — bleeding risk", WARNING)
        )
    if changes.get("pregnancy") in ("yes", "possibly"):
        alerts.extend(
            _pregnancy_alerts({"pregnant": changes["pregnancy"], "trimester": changes.get("trimester")})
        )
    detail = (changes.get("device_detail") or "").strip()
    if changes.get("device") and changes.get("device_kind") in c.ELECTRICAL_DEVICES:
        what = "Pacemaker" if changes["device_kind"] == c.PACEMAKER_DEVICE else "Implanted electrical device"
        alerts.append(
            Alert("pacemaker", f"{what}{f' ({detail})' if detail else ''} — no electro-acupuncture", WARNING)
        )
    elif changes.get("device"):
        alerts.append(
            Alert(
                "implant", f"New implant{f' ({detail})' if detail else ''} — avoid needling over it", WARNING
            )
        )
    worded = (
        ("injury", "New injury or fall", "assess before treating; avoid the injured area"),
        ("surgery", "Recent surgery", "avoid the surgical site"),
        ("diagnosis", "New diagnosis", "review before treating"),
    )
    codes = {"injury": "new_injury", "surgery": "recent_surgery", "diagnosis": "new_diagnosis"}
    for key, head, advice in worded:
        if changes.get(key):
            text = (changes.get(f"{key}_detail") or "").strip()
            alerts.append(Alert(codes[key], f"{head}{f' ({text})' if text else ''} — {advice}", WARNING))
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
