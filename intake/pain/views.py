"""Pain history and check-in pages (clinical staff only)."""

from datetime import datetime, timedelta
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.access import roles_required
from intake.auth.roles import CLINICAL
from intake.clinic_time import clinic_zone
from intake.database import utcnow
from intake.extensions import db
from intake.pain import bp, operations
from intake.pain.bodymap import parse_region_scores
from intake.pain.export import export_filename, pain_scores_csv
from intake.pain.forms import CheckInForm, HistoryPeriodForm
from intake.pain.history import Period, load_pain_history, load_score_records
from intake.pain.progress import MEANINGFUL_CHANGE_WORDS
from intake.pain.report import build_history_report
from intake.patients.models import Patient
from intake.patients.records import get_patient
from intake.refused import Refused

CHECK_IN_PREFIX = "pain"


def _period(form: HistoryPeriodForm) -> tuple[Period, bool]:
    """Return the chosen period (clinic dates, inclusive) and whether the form was valid."""
    if not form.validate():
        return Period(), False
    start = end = None
    if form.start.data:
        start = datetime.combine(form.start.data, datetime.min.time(), clinic_zone())
    if form.end.data:
        end = datetime.combine(form.end.data + timedelta(days=1), datetime.min.time(), clinic_zone())
    return Period(start, end), True


def _record(action: str, patient: Patient, record_type: str, detail: str = "") -> None:
    record_event(action, patient=patient, record_type=record_type, detail=detail)


def _describe_period(form: HistoryPeriodForm, valid: bool) -> str:
    args = _period_args(form, valid)
    return f"{args.get('start', 'first score')} to {args.get('end', 'today')}"


def _period_args(form: HistoryPeriodForm, valid: bool) -> dict:
    if not valid:
        return {}
    return {
        name: getattr(form, name).data.isoformat() for name in ("start", "end") if getattr(form, name).data
    }


def _viewed_history(patient_id: int, screen: str):
    """Read the period asked for, audit the view (committed before loading), and load the history."""
    patient = get_patient(patient_id)
    form = HistoryPeriodForm(request.args)
    period, valid = _period(form)
    _record(audit.VIEW, patient, "pain_history", f"{screen}, {_describe_period(form, valid)}")
    db.session.commit()
    return patient, form, period, valid, load_pain_history(patient.id, period)


@bp.route("/")
@roles_required(*CLINICAL)
def history(patient_id: int):
    patient, form, period, valid, pain_history = _viewed_history(patient_id, "charts")
    report = None
    if not pain_history.is_empty:
        axis_end = min(period.end, utcnow()) if period.end else None
        report = build_history_report(pain_history, start=period.start, end=axis_end)
    return render_template(
        "pain/history.html",
        patient=patient,
        form=form,
        history=pain_history,
        report=report,
        meaningful=MEANINGFUL_CHANGE_WORDS,
        period_args=_period_args(form, valid),
    ), (200 if valid else 422)


@bp.route("/table")
@roles_required(*CLINICAL)
def table(patient_id: int):
    patient, form, _, valid, pain_history = _viewed_history(patient_id, "table")
    return render_template(
        "pain/table.html",
        patient=patient,
        form=form,
        history=pain_history,
        period_args=_period_args(form, valid),
    ), (200 if valid else 422)


@bp.route("/export.csv")
@roles_required(*CLINICAL)
def export(patient_id: int):
    patient = get_patient(patient_id)
    form = HistoryPeriodForm(request.args)
    period, valid = _period(form)
    if not valid:
        flash("Fix the dates to export the pain history.", "error")
        period_args: dict[str, Any] = form.period_args()  # only the period: other arguments are dropped
        return redirect(url_for("pain.history", patient_id=patient.id, **period_args))
    filename = export_filename(patient.chart_number, form.start.data, form.end.data)
    csv_text = pain_scores_csv(load_score_records(patient.id, period))
    _record(audit.EXPORT, patient, "pain_history", f"CSV, {_describe_period(form, valid)}")
    db.session.commit()
    return Response(
        csv_text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/check-in", methods=["GET", "POST"])
@roles_required(*CLINICAL)
def check_in(patient_id: int):
    patient = get_patient(patient_id)
    form = CheckInForm()
    scores: dict[str, int] = {}
    score_errors: dict[str, str] = {}
    missing_scores = None
    if request.method == "POST":
        scores, score_errors = parse_region_scores(request.form, CHECK_IN_PREFIX)
        if form.validate_on_submit() and not score_errors:
            try:
                operations.check_in(patient, scores, recorded_at=form.recorded_at.data, by=current_user)
            except Refused as refused:
                missing_scores = refused.errors[operations.SCORES_FIELD]
            else:
                db.session.commit()
                flash(f"Saved {patient.spoken_name}'s check-in ({len(scores)} regions).", "success")
                return redirect(url_for("pain.history", patient_id=patient.id))
        elif not score_errors:  # other fields are wrong too: show every message at once
            missing_scores = operations.check_in_problems(scores).get(operations.SCORES_FIELD)
    else:
        form.recorded_at.data = utcnow().astimezone(clinic_zone()).replace(second=0, microsecond=0)
        _record(audit.VIEW, patient, "pain_check_in", "check-in form")
        db.session.commit()
    failed = request.method == "POST"
    return render_template(
        "pain/check_in.html",
        patient=patient,
        form=form,
        prefix=CHECK_IN_PREFIX,
        scores=scores,
        score_errors=score_errors,
        missing_scores=missing_scores,
    ), (422 if failed else 200)
