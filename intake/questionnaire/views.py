"""Staff pages for a patient's intakes and check-ins: start (link or clinic tablet), revoke, read, review, decide on
red flags."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.access import roles_required
from intake.auth.roles import CLINICAL, PRACTITIONER, STAFF
from intake.extensions import db
from intake.forms import ConfirmForm
from intake.patients.records import get_patient
from intake.questionnaire import bp, operations
from intake.questionnaire.alerts import (
    latest_decisions,
    latest_submitted_intake,
    red_flag_alerts,
    with_decisions,
)
from intake.questionnaire.check_ins import previous_peg_score, summarise_check_in
from intake.questionnaire.decisions import KIND_LABELS, decision_history
from intake.questionnaire.forms import RedFlagDecisionForm, ReviewForm
from intake.questionnaire.models import Intake
from intake.questionnaire.patient_views import start_kiosk_session
from intake.questionnaire.qr import qr_data_uri
from intake.questionnaire.summary import summarise
from intake.refused import Refused


def get_intake(patient_id: int, intake_id: int) -> Intake:
    """Fetch one of this patient's intakes, or 404 (an intake of another patient is not found here)."""
    intake = db.session.get(Intake, intake_id)
    if intake is None or intake.patient_id != patient_id:
        abort(404)
    return intake


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _back_to_chart(patient_id: int, refused: Refused):
    flash(refused.message, "error")
    return redirect(url_for("patients.chart", patient_id=patient_id))


def _start_page(patient_id: int, *, check_in: bool):
    patient = get_patient(patient_id)
    form = (operations.in_progress_check_in if check_in else operations.in_progress_intake)(patient.id)
    record_event(
        audit.VIEW,
        patient=patient,
        record_type="intake" if form else "patient",
        record_id=form.id if form else patient.id,
        detail="check-in start page" if check_in else "intake start page",
    )
    db.session.commit()
    return render_template(
        "questionnaire/start.html",
        patient=patient,
        intake=form,
        check_in=check_in,
        confirm_form=ConfirmForm(),
    )


@bp.route("/start")
@roles_required(*STAFF)
def start(patient_id: int):
    return _start_page(patient_id, check_in=False)


@bp.route("/check-in/start")
@roles_required(*STAFF)
def start_check_in(patient_id: int):
    return _start_page(patient_id, check_in=True)


def _link_page(patient_id: int, *, check_in: bool):
    patient = get_patient(patient_id)
    _confirmed()
    send = operations.send_check_in_link if check_in else operations.send_link
    try:
        intake, token, grant = send(patient, by=current_user)
    except Refused as refused:
        return _back_to_chart(patient.id, refused)
    db.session.commit()
    url = url_for("intake_link.link_resume", token=token, _external=True)
    # The token exists in clear only in this response: it is shown once and never stored.
    return render_template(
        "questionnaire/link.html",
        patient=patient,
        intake=intake,
        grant=grant,
        link_url=url,
        qr_uri=qr_data_uri(url),
        check_in=check_in,
    )


@bp.route("/link", methods=["POST"])
@roles_required(*STAFF)
def send_link(patient_id: int):
    return _link_page(patient_id, check_in=False)


@bp.route("/check-in/link", methods=["POST"])
@roles_required(*STAFF)
def send_check_in_link(patient_id: int):
    return _link_page(patient_id, check_in=True)


@bp.route("/kiosk", methods=["POST"])
@roles_required(*STAFF)
def open_kiosk(patient_id: int):
    return _hand_over(patient_id, check_in=False)


@bp.route("/check-in/kiosk", methods=["POST"])
@roles_required(*STAFF)
def open_check_in_kiosk(patient_id: int):
    return _hand_over(patient_id, check_in=True)


def _hand_over(patient_id: int, *, check_in: bool):
    patient = get_patient(patient_id)
    _confirmed()
    hand_over = operations.hand_over_check_in_tablet if check_in else operations.hand_over_tablet
    try:
        token = hand_over(patient, by=current_user)
    except Refused as refused:
        return _back_to_chart(patient.id, refused)
    db.session.commit()
    # Hand-over: the staff session ended on the server (hand_over_tablet signs out everywhere) and ends
    # in this browser here; the tablet's session holds only this intake's grant and its activity clock.
    logout_user()
    session.clear()
    start_kiosk_session(token)
    return redirect(url_for("intake_link.kiosk_resume"))


@bp.route("/<int:intake_id>/revoke-link", methods=["POST"])
@roles_required(*STAFF)
def revoke_link(patient_id: int, intake_id: int):
    intake = get_intake(patient_id, intake_id)
    _confirmed()
    revoked = operations.revoke_link(intake)
    db.session.commit()
    what = "check-in" if intake.is_check_in else "intake"
    flash(
        f"The {what} link no longer works." if revoked else "There was no working link to revoke.", "success"
    )
    return redirect(url_for("patients.chart", patient_id=patient_id))


@bp.route("/<int:intake_id>/cancel", methods=["POST"])
@roles_required(*STAFF)
def cancel(patient_id: int, intake_id: int):
    intake = get_intake(patient_id, intake_id)
    _confirmed()
    try:
        operations.withdraw_intake(intake)
    except Refused as refused:
        return _back_to_chart(patient_id, refused)
    db.session.commit()
    what = "Check-in" if intake.is_check_in else "Intake"
    flash(f"{what} cancelled; its link and tablet session no longer work.", "success")
    return redirect(url_for("patients.chart", patient_id=patient_id))


def _show_intake(intake: Intake, review_form: ReviewForm, status: int = 200):
    patient = intake.patient
    if intake.is_check_in:
        return (
            render_template(
                "questionnaire/check_in_show.html",
                patient=patient,
                intake=intake,
                form_label="Check-in",
                summary=summarise_check_in(intake, peg_previous=previous_peg_score(intake)),
                red_flags=with_decisions(red_flag_alerts(intake, patient), latest_decisions([intake.id])),
                review_form=review_form,
            ),
            status,
        )
    summary = summarise(intake, patient)
    decisions = latest_decisions([intake.id])
    return (
        render_template(
            "questionnaire/show.html",
            patient=patient,
            intake=intake,
            summary=summary,
            red_flags=with_decisions(summary.red_flags, decisions),
            review_form=review_form,
        ),
        status,
    )


@bp.route("/<int:intake_id>")
@roles_required(*CLINICAL)
def show(patient_id: int, intake_id: int):
    intake = get_intake(patient_id, intake_id)
    record_event(audit.VIEW, patient=intake.patient, record_type="intake", record_id=intake.id)
    db.session.commit()
    return _show_intake(intake, ReviewForm())


@bp.route("/<int:intake_id>/reviewed", methods=["POST"])
@roles_required(*CLINICAL)
def mark_reviewed(patient_id: int, intake_id: int):
    intake = get_intake(patient_id, intake_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _show_intake(intake, form, 422)
    try:
        reviewed = operations.review_intake(intake, by=current_user, comment=form.comment.data or "")
    except Refused as refused:
        if "comment" in refused.errors:
            form.comment.errors = [refused.errors["comment"]]
            return _show_intake(intake, form, 422)
        return _back_to_chart(patient_id, refused)
    if reviewed:
        db.session.commit()
        flash("Check-in reviewed." if intake.is_check_in else "Intake reviewed.", "success")
    else:
        flash(f"That {'check-in' if intake.is_check_in else 'intake'} was already reviewed.", "info")
    return redirect(url_for("intake.show", patient_id=patient_id, intake_id=intake.id))


def _decision_page(intake: Intake, form: RedFlagDecisionForm, status: int = 200):
    patient = intake.patient
    flags = with_decisions(red_flag_alerts(intake, patient), latest_decisions([intake.id]))
    form.flag_code.choices = [(flag.code, flag.message) for flag in flags]
    if not form.flag_code.data:
        wanted = request.args.get("flag", "")
        first_open = next((flag.code for flag in flags if flag.needs_decision), "")
        form.flag_code.data = wanted if wanted in {flag.code for flag in flags} else first_open
    return (
        render_template(
            "questionnaire/red_flags.html",
            patient=patient,
            intake=intake,
            flags=flags,
            history=decision_history(intake.id),
            kind_labels=KIND_LABELS,
            is_latest=latest_submitted_intake(patient.id) == intake,
            may_decide=current_user.role == PRACTITIONER and intake.is_submitted,
            form=form,
        ),
        status,
    )


@bp.route("/<int:intake_id>/red-flags")
@roles_required(*CLINICAL)
def red_flags(patient_id: int, intake_id: int):
    intake = get_intake(patient_id, intake_id)
    record_event(
        audit.VIEW,
        patient=intake.patient,
        record_type="intake",
        record_id=intake.id,
        detail="red-flag decisions",
    )
    db.session.commit()
    return _decision_page(intake, RedFlagDecisionForm())


@bp.route("/<int:intake_id>/red-flags/decide", methods=["POST"])
@roles_required(PRACTITIONER)
def decide_red_flag(patient_id: int, intake_id: int):
    intake = get_intake(patient_id, intake_id)
    form = RedFlagDecisionForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _decision_page(intake, form, 422)
    try:
        decision = operations.decide_red_flag(intake, form.decision(), by=current_user)
    except Refused as refused:
        for name, message in refused.errors.items():
            form[name].errors = [*form[name].errors, message] if name in form else [message]
        return _decision_page(intake, form, 422)
    db.session.commit()
    flash(f"Decision recorded: {KIND_LABELS[decision.kind].lower()}.", "success")
    return redirect(url_for("intake.red_flags", patient_id=patient_id, intake_id=intake.id))
