"""Episodes of care and progress pages (clinical staff only): start, close, the printable progress summary."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.access import roles_required
from intake.auth.roles import CLINICAL
from intake.clinic_time import clinic_today
from intake.database import utcnow
from intake.extensions import db
from intake.outcomes import bp, operations
from intake.outcomes.complaints import area_label
from intake.outcomes.episodes import patient_episodes
from intake.outcomes.export import outcomes_csv
from intake.outcomes.forms import CloseEpisodeForm, ReportFilterForm, StartEpisodeForm
from intake.outcomes.report import (
    SMALLEST_GROUP,
    TOO_FEW,
    ReportFilter,
    build_report,
    clinical_staff,
    cumulative_curve,
    cumulative_in_words,
    flare_up_rate_chart,
    load_outcomes,
    monthly_flare_ups,
)
from intake.outcomes.summary import load_progress
from intake.patients.records import get_patient
from intake.refused import Refused


def _show_errors(form, refused: Refused) -> None:
    for name, message in refused.errors.items():
        getattr(form, name).errors = [message]


@bp.route("/patients/<int:patient_id>/episodes/new", methods=["GET", "POST"])
@roles_required(*CLINICAL)
def start(patient_id: int):
    patient = get_patient(patient_id)
    form = StartEpisodeForm()
    if form.validate_on_submit():
        try:
            episode = operations.start_episode(
                patient, form.complaint_area.data, form.started_on.data, by=current_user
            )
        except Refused as refused:
            _show_errors(form, refused)
        else:
            db.session.commit()
            flash(f"Started an episode for {area_label(episode.complaint_area).lower()}.", "success")
            return redirect(url_for("outcomes.progress", patient_id=patient.id, episode_id=episode.id))
    elif not form.is_submitted():
        form.started_on.data = clinic_today()
    failed = form.is_submitted()
    return render_template("outcomes/start.html", patient=patient, form=form), (422 if failed else 200)


def _progress_page(patient, episode_id: int, close_form: CloseEpisodeForm, status: int = 200):
    episodes = patient_episodes(patient.id)
    state = next((s for s in episodes if s.episode.id == episode_id), None)
    if state is None:
        abort(404)
    record_event(
        audit.VIEW,
        patient=patient,
        record_type="progress_summary",
        record_id=episode_id,
        detail=f"{state.complaint_label} episode",
    )
    db.session.commit()
    return render_template(
        "outcomes/progress.html",
        patient=patient,
        episodes=episodes,
        progress=load_progress(state),
        close_form=close_form,
    ), status


@bp.route("/patients/<int:patient_id>/episodes/<int:episode_id>")
@roles_required(*CLINICAL)
def progress(patient_id: int, episode_id: int):
    patient = get_patient(patient_id)
    close_form = CloseEpisodeForm(formdata=None)
    close_form.closed_on.data = clinic_today()
    return _progress_page(patient, episode_id, close_form)


@bp.route("/patients/<int:patient_id>/episodes/<int:episode_id>/close", methods=["POST"])
@roles_required(*CLINICAL)
def close(patient_id: int, episode_id: int):
    patient = get_patient(patient_id)
    episodes = {s.episode.id: s for s in patient_episodes(patient.id)}
    if episode_id not in episodes:
        abort(404)
    episode = episodes[episode_id].episode
    form = CloseEpisodeForm()
    if form.validate_on_submit():
        try:
            operations.close_episode(
                episode, form.reason.data, form.closed_on.data, form.note.data or "", by=current_user
            )
        except Refused as refused:
            _show_errors(form, refused)
        else:
            db.session.commit()
            flash(f"Closed the {area_label(episode.complaint_area).lower()} episode.", "success")
            return redirect(url_for("outcomes.progress", patient_id=patient.id, episode_id=episode.id))
    db.session.rollback()
    return _progress_page(patient, episode_id, form, 422)


def _report_filter(form: ReportFilterForm) -> ReportFilter:
    return ReportFilter(
        start=form.start.data,
        end=form.end.data,
        practitioner_id=int(form.practitioner.data) if form.practitioner.data else None,
        complaint=form.complaint.data or None,
        kind=form.kind.data or None,
        electro={"yes": True, "no": False}.get(form.electro.data or ""),
    )


def _filter_form() -> ReportFilterForm:
    form = ReportFilterForm(request.args)
    practitioners = clinical_staff()
    form.practitioner.choices = [("", "Any")] + [(str(user_id), name) for user_id, name in practitioners]
    return form


def _describe(form: ReportFilterForm) -> str:
    return ", ".join(f"{name}={value}" for name, value in form.query_args().items()) or "no filters"


@bp.route("/outcomes/")
@roles_required(*CLINICAL)
def report():
    form = _filter_form()
    valid = form.validate()
    clinic_report = flare_up_chart = None
    curves: list[tuple[str, dict | None, str]] = []
    if valid:
        report_filter = _report_filter(form)
        now = utcnow()
        clinic_report = build_report(load_outcomes(report_filter), monthly_flare_ups(report_filter), now)
        curves = [
            (measure, cumulative_curve(points), cumulative_in_words(points, measure))
            for measure, points in (("pain", clinic_report.cumulative), ("ODI", clinic_report.odi_cumulative))
            if points
        ]
        flare_up_chart = flare_up_rate_chart(clinic_report)
    record_event(audit.VIEW, record_type="outcomes_report", detail=_describe(form))
    db.session.commit()
    return render_template(
        "outcomes/report.html",
        form=form,
        report=clinic_report,
        curves=curves,
        flare_up_chart=flare_up_chart,
        smallest_group=SMALLEST_GROUP,
        too_few=TOO_FEW,
        csv_args=form.query_args(),
    ), (200 if valid else 422)


@bp.route("/outcomes/export.csv")
@roles_required(*CLINICAL)
def export():
    form = _filter_form()
    if not form.validate():
        flash("Fix the filters to export the outcome data.", "error")
        args: dict = form.query_args()
        return redirect(url_for("outcomes.report", **args))
    outcomes = load_outcomes(_report_filter(form))
    record_event(
        audit.EXPORT,
        record_type="outcomes_report",
        detail=f"de-identified CSV, {len(outcomes)} episodes, {_describe(form)}",
    )
    db.session.commit()
    filename = f"outcomes-{clinic_today().isoformat()}.csv"
    return Response(
        outcomes_csv(outcomes, utcnow()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
