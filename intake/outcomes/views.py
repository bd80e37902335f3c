"""Episodes of care and progress pages (clinical staff only): start, close, the printable progress summary."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.access import roles_required
from intake.auth.roles import CLINICAL
from intake.clinic_time import clinic_today
from intake.extensions import db
from intake.outcomes import bp, operations
from intake.outcomes.complaints import area_label
from intake.outcomes.episodes import patient_episodes
from intake.outcomes.forms import CloseEpisodeForm, StartEpisodeForm
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
