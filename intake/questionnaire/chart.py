"""The patient chart's intake sections: the alert banner, the intake and check-in actions, and the latest answers
(the latest intake beside the latest check-in).

The sections (and the chart's messages) show the same few forms: they are read once per chart, shared through
``chart_forms`` — the patient's intakes, the check-ins since the latest one, the latest check-in, the check-in in
progress — in one statement built once.
"""

from dataclasses import dataclass
from functools import cache

from flask import g
from flask_login import current_user
from sqlalchemy import Integer, and_, bindparam, func, or_
from sqlalchemy.orm import aliased, joinedload

from intake.auth.roles import CLINICAL
from intake.extensions import db
from intake.questionnaire import check_in_steps as c
from intake.questionnaire import grants, operations
from intake.questionnaire import steps as q
from intake.questionnaire.alerts import forms_alerts
from intake.questionnaire.check_ins import previous_peg_score, summarise_check_in
from intake.questionnaire.models import CHECK_IN_FORM, IN_PROGRESS, INTAKE_FORM, SUBMITTED, Intake
from intake.questionnaire.summary import summarise

_PATIENT = bindparam("patient_id", type_=Integer)


@cache
def _chart_forms_statement():
    """Return the statement of the patient's forms the chart shows, newest first, in one read.

    Every intake of the patient — a handful, one per course of care — with who started and who reviewed each,
    which the intake card and the latest intake name; the check-in being filled (one at a time: starting one
    carries on the one in progress); the check-ins submitted after the latest submitted intake (every one without
    an intake, or when no intake has a time: ``alerts.check_ins_since``); and the latest submitted check-in, the
    one the answers show when none is since. Built on first use: its loader options map every model.
    """
    other = aliased(Intake)
    latest_intake_time = (
        db.select(func.max(other.submitted_at))
        .where(other.patient_id == _PATIENT, other.form_kind == INTAKE_FORM, other.status == SUBMITTED)
        .scalar_subquery()
    )
    latest_check_in = (
        db.select(other.id)
        .where(other.patient_id == _PATIENT, other.form_kind == CHECK_IN_FORM, other.status == SUBMITTED)
        .order_by(other.submitted_at.desc(), other.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    check_in = Intake.form_kind == CHECK_IN_FORM
    return (
        db.select(Intake)
        .where(
            Intake.patient_id == _PATIENT,
            or_(
                Intake.form_kind == INTAKE_FORM,
                and_(check_in, Intake.status == IN_PROGRESS),
                and_(
                    check_in,
                    Intake.status == SUBMITTED,
                    or_(latest_intake_time.is_(None), Intake.submitted_at > latest_intake_time),
                ),
                Intake.id == latest_check_in,
            ),
        )
        .order_by(Intake.created_at.desc(), Intake.id.desc())
        .options(joinedload(Intake.started_by), joinedload(Intake.reviewed_by))
    )


@dataclass(frozen=True)
class ChartForms:
    """The patient's forms the chart shows, read once per chart."""

    #: Every intake form, newest first (started, submitted or withdrawn).
    intakes: list[Intake]
    #: The latest submitted intake, as ``alerts.latest_submitted_intake`` finds it.
    latest_intake: Intake | None
    intake_in_progress: Intake | None
    #: The check-ins submitted after the latest intake (every one without an intake), oldest first.
    check_ins_since: list[Intake]
    latest_check_in: Intake | None
    check_in_in_progress: Intake | None

    @property
    def screened(self) -> list[Intake]:
        """The forms the alerts come from: the latest intake, then the check-ins since."""
        return ([self.latest_intake] if self.latest_intake else []) + self.check_ins_since


def chart_forms(patient) -> ChartForms:
    """Return the patient's forms for this chart, read on the first call of the request (one query)."""
    shared = g.setdefault("questionnaire_chart_forms", {})
    if patient.id not in shared:
        shared[patient.id] = _read_forms(patient.id)
    return shared[patient.id]


def _read_forms(patient_id: int) -> ChartForms:
    forms = list(db.session.scalars(_chart_forms_statement(), {"patient_id": patient_id}))
    intakes = [form for form in forms if form.form_kind == INTAKE_FORM]
    submitted = [intake for intake in intakes if intake.status == SUBMITTED]
    # Newest submitted first, ties by id, a missing time last: the order latest_submitted_intake reads.
    latest = max(
        submitted, key=lambda i: (i.submitted_at is not None, i.submitted_at or 0, i.id), default=None
    )
    after = latest.submitted_at if latest else None
    check_ins = [form for form in forms if form.form_kind == CHECK_IN_FORM and form.status == SUBMITTED]
    # The check-ins since the latest intake, oldest first (as alerts.check_ins_since reads them); any other
    # submitted check-in read is the latest one, when none is since.
    since = sorted(
        (
            check_in
            for check_in in check_ins
            if after is None or (check_in.submitted_at is not None and check_in.submitted_at > after)
        ),
        key=lambda check_in: (check_in.submitted_at is not None, check_in.submitted_at or 0, check_in.id),
    )
    return ChartForms(
        intakes=intakes,
        latest_intake=latest,
        intake_in_progress=next((intake for intake in intakes if intake.status == IN_PROGRESS), None),
        check_ins_since=since,
        latest_check_in=since[-1] if since else next(iter(check_ins), None),
        check_in_in_progress=next(
            (form for form in forms if form.form_kind == CHECK_IN_FORM and form.status == IN_PROGRESS), None
        ),
    )


def load_alerts(patient) -> dict:
    """Red flags (with their decisions) and precautions, above everything else on the chart.

    Front desk learns only that there are alerts for the practitioner, and whether one waits for a decision:
    never their wording.
    """
    forms = chart_forms(patient)
    latest = forms.latest_intake
    alerts = forms_alerts(forms.screened)
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
    forms = chart_forms(patient)
    intake = forms.intake_in_progress
    check_in = forms.check_in_in_progress
    return {
        "in_progress": intake,
        "steps_saved": len(q.ANSWER_STEPS) - len(operations.missing_steps(intake)) if intake else 0,
        "steps_total": len(q.ANSWER_STEPS),
        "link": grants.active_link(intake) if intake else None,
        "latest_submitted": forms.latest_intake,
        # Every staff role sees where the check-in stands (no answers: front desk reads no clinical words).
        "check_in_in_progress": check_in,
        "check_in_steps_saved": len(c.ANSWER_STEPS) - len(operations.missing_steps(check_in))
        if check_in
        else 0,
        "check_in_steps_total": len(c.ANSWER_STEPS),
        "check_in_link": grants.active_link(check_in) if check_in else None,
        "latest_check_in": forms.latest_check_in,
    }


def load_latest_answers(patient) -> dict:
    """The latest submitted intake at a glance, and the older ones."""
    forms = chart_forms(patient)
    intakes = [i for i in forms.intakes if i.status == SUBMITTED]
    latest = forms.latest_intake
    check_in = forms.latest_check_in
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
