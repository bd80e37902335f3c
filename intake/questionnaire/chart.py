"""The patient chart's intake sections: the alert banner, the intake and check-in actions, and the latest answers
(the latest intake beside the latest check-in)."""

from flask_login import current_user

from intake.auth.roles import CLINICAL
from intake.questionnaire import check_in_steps as c
from intake.questionnaire import grants, operations
from intake.questionnaire import steps as q
from intake.questionnaire.alerts import forms_alerts, latest_submitted_intake, screened_forms
from intake.questionnaire.check_ins import latest_check_in, previous_peg_score, summarise_check_in
from intake.questionnaire.models import INTAKE_FORM, SUBMITTED
from intake.questionnaire.summary import summarise


def load_alerts(patient) -> dict:
    """Red flags (with their decisions) and precautions, above everything else on the chart.

    Front desk learns only that there are alerts for the practitioner, and whether one waits for a decision:
    never their wording.
    """
    forms = screened_forms(patient.id)  # the latest intake and the check-ins since it
    latest = next((form for form in forms if form.form_kind == INTAKE_FORM), None)
    alerts = forms_alerts(forms)
    clinical = current_user.role in CLINICAL
    needs_practitioner = any(alert.needs_decision for alert in alerts)
    return {
        "alerts": alerts if clinical else [],
        "alerts_for_practitioner": bool(alerts),
        "needs_practitioner": needs_practitioner,
        "screened": latest is not None,
        # The chart's header shows the alerts as this one line, which opens to the banner.
        "headline": _alerts_headline(alerts, clinical, screened=latest is not None),
        "headline_severity": "danger" if needs_practitioner else ("warning" if alerts else "quiet"),
    }


def _alerts_headline(alerts: list, clinical: bool, *, screened: bool) -> str:
    """Say the alerts in one line: how many red flags (and how many wait) and precautions; front desk, no wording."""
    if not screened:
        return "Not screened yet: no intake submitted"
    if not alerts:
        return ""
    waiting = sum(1 for alert in alerts if alert.needs_decision)
    if not clinical:
        return "Alerts for the practitioner" + (": needs a practitioner before treatment" if waiting else "")
    red_flags = sum(1 for alert in alerts if alert.is_red_flag)
    precautions = len(alerts) - red_flags
    words = []
    if red_flags:
        words.append(f"{red_flags} red flag{'' if red_flags == 1 else 's'}")
        if waiting:
            words[-1] += f" ({waiting} not decided)"
    if precautions:
        words.append(f"{precautions} precaution{'' if precautions == 1 else 's'}")
    return "Alerts: " + ", ".join(words)


def load_intake_actions(patient) -> dict:
    """Where the patient's intake stands, and the buttons to start, send, revoke or cancel one."""
    intake = operations.in_progress_intake(patient.id)
    check_in = operations.in_progress_check_in(patient.id)
    return {
        "in_progress": intake,
        "steps_saved": len(q.ANSWER_STEPS) - len(operations.missing_steps(intake)) if intake else 0,
        "steps_total": len(q.ANSWER_STEPS),
        "link": grants.active_link(intake) if intake else None,
        "latest_submitted": latest_submitted_intake(patient.id),
        # Every staff role sees where the check-in stands (no answers: front desk reads no clinical words).
        "check_in_in_progress": check_in,
        "check_in_steps_saved": len(c.ANSWER_STEPS) - len(operations.missing_steps(check_in))
        if check_in
        else 0,
        "check_in_steps_total": len(c.ANSWER_STEPS),
        "check_in_link": grants.active_link(check_in) if check_in else None,
        "latest_check_in": latest_check_in(patient.id),
    }


def load_latest_answers(patient) -> dict:
    """The latest submitted intake at a glance, and the older ones."""
    intakes = [i for i in operations.patient_intakes(patient.id) if i.status == SUBMITTED]
    latest = latest_submitted_intake(patient.id)
    check_in = latest_check_in(patient.id)
    return {
        "latest": latest,
        "summary": summarise(latest, patient) if latest else None,
        "older": [i for i in intakes if latest is None or i.id != latest.id],
        "check_in": check_in,
        "check_in_summary": (
            summarise_check_in(check_in, peg_previous=previous_peg_score(check_in)) if check_in else None
        ),
        "peg_meaningful_change": c.PEG_MEANINGFUL_CHANGE,
    }
