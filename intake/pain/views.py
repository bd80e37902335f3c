"""Pain history and check-in pages (clinical staff only)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.access import roles_required
from intake.auth.roles import CLINICAL
from intake.clinic_time import clinic_today, clinic_zone, to_clinic_time
from intake.database import utcnow
from intake.extensions import db
from intake.pain import bp, operations
from intake.pain.bodymap import parse_region_scores
from intake.pain.export import export_filename, pain_scores_csv
from intake.pain.forms import CheckInForm, HistoryPeriodForm
from intake.pain.history import (
    MONTHLY_FROM,
    Period,
    latest_score_at,
    load_occasion_page,
    load_pain_history,
    load_score_records,
    regions_in_order,
)
from intake.pain.peg import PEG_MEANINGFUL_CHANGE, peg_trend
from intake.pain.progress import MEANINGFUL_CHANGE_WORDS
from intake.pain.report import build_history_report, unsigned_visits
from intake.pain.score_table import effect_row_markup, table_row_markup, table_rows
from intake.patients.models import Patient
from intake.patients.records import get_patient
from intake.refused import Refused

CHECK_IN_PREFIX = "pain"


# The default period is the 12 months up to the patient's latest score: the last 12 months for a patient
# seen this year, and still the latest year of care (not an empty page) for one who comes back after a while.
#: ``?period=all`` asks for the whole history.
ALL_TIME = "all"
TABLE_PAGE_SIZE = 50


@dataclass(frozen=True)
class ShownPeriod:
    """The period a pain page shows, and how its links keep it."""

    period: Period
    valid: bool
    args: dict[str, str] = field(default_factory=dict)
    #: The default period's first clinic date (None when the page shows a chosen period or all time).
    default_from: date | None = None

    @property
    def is_all_time(self) -> bool:
        return self.period.start is None and self.period.end is None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), clinic_zone())


def _year_before(day: date) -> date:
    if day.year == date.min.year:  # a score stored at the calendar's very start: nothing is older
        return date.min
    try:
        return day.replace(year=day.year - 1) + timedelta(days=1)
    except ValueError:  # February 29th
        return day.replace(year=day.year - 1, day=28) + timedelta(days=1)


def _shown_period(form: HistoryPeriodForm, patient_id: int) -> ShownPeriod:
    """Return the period asked for: the dates typed, all time, or by default the last 12 months."""
    if not form.validate():
        return ShownPeriod(Period(), False)  # the message is shown beside the field, over the whole history
    if form.start.data or form.end.data:
        start = _midnight(form.start.data) if form.start.data else None
        end = _midnight(form.end.data + timedelta(days=1)) if form.end.data else None
        return ShownPeriod(Period(start, end), True, _period_args(form, True))
    if request.args.get("period") == ALL_TIME:
        return ShownPeriod(Period(), True, {"period": ALL_TIME})
    latest = latest_score_at(patient_id)
    anchor = min(to_clinic_time(latest).date(), clinic_today()) if latest else clinic_today()
    first_day = _year_before(anchor)
    return ShownPeriod(Period(_midnight(first_day), None, is_default=True), True, {}, first_day)


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


def _viewed_history(patient_id: int, screen: str, *, with_scores: bool = True):
    """Read the period asked for, audit the view (committed before loading), and load the history."""
    patient = get_patient(patient_id)
    form = HistoryPeriodForm(request.args)
    shown = _shown_period(form, patient.id)
    _record(audit.VIEW, patient, "pain_history", f"{screen}, {_describe_period(form, shown.valid)}")
    db.session.commit()
    return patient, form, shown, load_pain_history(patient.id, shown.period, with_scores=with_scores)


@bp.route("/")
@roles_required(*CLINICAL)
def history(patient_id: int):
    patient, form, shown, pain_history = _viewed_history(patient_id, "charts")
    period = shown.period
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
        peg=peg_trend(
            patient.id, period, start=period.start, end=min(period.end, utcnow()) if period.end else None
        ),
        peg_meaningful=PEG_MEANINGFUL_CHANGE,
        meaningful=MEANINGFUL_CHANGE_WORDS,
        shown=shown,
        monthly_from=MONTHLY_FROM,
        period_args=shown.args,
    ), (200 if shown.valid else 422)


def _page_number() -> int:
    """Return the table page asked for (from 1); anything else is the first page."""
    typed = request.args.get("page", "")
    return int(typed) if typed.isascii() and typed.isdigit() and 0 < len(typed) < 7 and int(typed) > 0 else 1


@bp.route("/table")
@roles_required(*CLINICAL)
def table(patient_id: int):
    patient, form, shown, pain_history = _viewed_history(patient_id, "table", with_scores=False)
    page = load_occasion_page(patient.id, shown.period, _page_number(), TABLE_PAGE_SIZE)
    visits_on_page = {o.visit_id for o in page.occasions if o.visit_id is not None}
    # The period's regions, and any scored on this page only after treatment (no baseline, no pair).
    codes = {item.region.code for item in pain_history.regions}
    codes |= {code for occasion in page.occasions for code in occasion.scores}
    columns = regions_in_order(codes)
    page_effects = [e for e in pain_history.visit_effects if e.visit_id in visits_on_page]
    return render_template(
        "pain/table.html",
        patient=patient,
        form=form,
        history=pain_history,
        page=page,
        columns=columns,
        row_markup=table_row_markup(table_rows(page.occasions, columns, unsigned_visits(visits_on_page))),
        page_effects=page_effects,
        effect_rows=effect_row_markup(page_effects),
        shown=shown,
        period_args=shown.args,
    ), (200 if shown.valid else 422)


@bp.route("/export.csv")
@roles_required(*CLINICAL)
def export(patient_id: int):
    patient = get_patient(patient_id)
    form = HistoryPeriodForm(request.args)
    shown = _shown_period(form, patient.id)
    if not shown.valid:
        flash("Fix the dates to export the pain history.", "error")
        period_args: dict[str, Any] = form.period_args()  # only the period: other arguments are dropped
        return redirect(url_for("pain.history", patient_id=patient.id, **period_args))
    # The file name says the period exported: the dates chosen, or the default's first date; none for all time.
    filename = export_filename(patient.chart_number, form.start.data or shown.default_from, form.end.data)
    csv_text = pain_scores_csv(load_score_records(patient.id, shown.period))
    exported = (
        f"{shown.default_from.isoformat()} to today" if shown.default_from else _describe_period(form, True)
    )
    _record(audit.EXPORT, patient, "pain_history", f"CSV, {exported}")
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
