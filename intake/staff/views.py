"""Staff account administration."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth import two_step
from intake.auth.access import roles_required
from intake.auth.models import User
from intake.auth.roles import ADMIN
from intake.auth.sessions import describe_duration, start_session
from intake.extensions import db
from intake.forms import ConfirmForm
from intake.patients.models import Patient
from intake.refused import Refused
from intake.staff import bp, operations
from intake.staff.chart_merge import find_chart, merge_problems, preview_merge
from intake.staff.forms import (
    EditStaffForm,
    MergeChartsForm,
    NewStaffForm,
    ResetPasswordForm,
    SignInSecurityForm,
)


def _get_user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _me() -> User:
    return current_user._get_current_object()


def _confirmed_or_400() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.route("/")
@roles_required(ADMIN)
def index():
    users = db.session.scalars(db.select(User).order_by(User.is_active_account.desc(), User.full_name)).all()
    return render_template(
        "staff/index.html",
        users=users,
        confirm_form=ConfirmForm(),
        two_step_required=two_step.two_step_required(),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def create():
    form = NewStaffForm()
    if form.validate_on_submit():
        user = operations.create_account(
            email=form.email.data,
            full_name=form.full_name.data,
            role=form.role.data,
            password=form.password.data,
            designation=form.designation.data,
        )
        db.session.commit()
        flash(f"Staff account for {user.full_name} created.", "success")
        return redirect(url_for("staff.index"))
    return render_template("staff/form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit(user_id: int):
    user = _get_user(user_id)
    form = EditStaffForm(obj=user, editing=user)
    if form.validate_on_submit():
        try:
            operations.edit_account(
                user,
                by=_me(),
                email=form.email.data,
                full_name=form.full_name.data,
                role=form.role.data,
                designation=form.designation.data,
            )
        except Refused as refused:
            form.role.errors.append(refused.errors["role"])
        else:
            db.session.commit()
            flash(f"Saved changes to {user.full_name}.", "success")
            return redirect(url_for("staff.index"))
    return render_template("staff/form.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(ADMIN)
def reset_password(user_id: int):
    user = _get_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        operations.reset_password(user, form.password.data)
        db.session.commit()
        if user.id == current_user.id:
            start_session(user)  # keep this tablet signed in under the new session version
        flash(f"New password set for {user.full_name}; their sessions were ended.", "success")
        return redirect(url_for("staff.index"))
    return render_template("staff/password.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@roles_required(ADMIN)
def deactivate(user_id: int):
    user = _get_user(user_id)
    _confirmed_or_400()
    try:
        operations.deactivate(user, by=_me())
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("staff.index"))
    db.session.commit()
    flash(f"{user.full_name} can no longer sign in.", "success")
    return redirect(url_for("staff.index"))


@bp.route("/<int:user_id>/activate", methods=["POST"])
@roles_required(ADMIN)
def activate(user_id: int):
    user = _get_user(user_id)
    _confirmed_or_400()
    operations.activate(user)
    db.session.commit()
    flash(f"{user.full_name} can sign in again.", "success")
    return redirect(url_for("staff.index"))


@bp.route("/<int:user_id>/end-sessions", methods=["POST"])
@roles_required(ADMIN)
def end_sessions(user_id: int):
    user = _get_user(user_id)
    _confirmed_or_400()
    try:
        operations.end_sessions(user, by=_me())
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("staff.index"))
    db.session.commit()
    flash(f"{user.full_name} was signed out on every device.", "success")
    return redirect(url_for("staff.index"))


@bp.route("/<int:user_id>/reset-two-step", methods=["POST"])
@roles_required(ADMIN)
def reset_two_step(user_id: int):
    user = _get_user(user_id)
    _confirmed_or_400()
    try:
        operations.reset_two_step(user, by=_me())
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("staff.index"))
    db.session.commit()
    then = "at their next sign-in" if two_step.two_step_required() else "from their account page"
    flash(f"2-step sign-in turned off for {user.full_name}; they can set it up again {then}.", "success")
    return redirect(url_for("staff.index"))


@bp.route("/sign-in-security", methods=["GET", "POST"])
@roles_required(ADMIN)
def sign_in_security():
    required = two_step.two_step_required()
    form = SignInSecurityForm(data={"require_two_step": required})
    if form.validate_on_submit():
        wanted = bool(form.require_two_step.data)
        operations.require_two_step(wanted)
        db.session.commit()
        flash(
            "Every staff member now needs 2-step sign-in; those without it set it up at their next sign-in."
            if wanted
            else "2-step sign-in is now each staff member's choice.",
            "success",
        )
        return redirect(url_for("staff.index"))
    config = current_app.config
    limits = {
        "idle": describe_duration(config["SESSION_IDLE_TIMEOUT"]),
        "warning": describe_duration(config["SESSION_IDLE_WARNING"]),
        "longest": describe_duration(config["SESSION_ABSOLUTE_TIMEOUT"]),
    }
    return render_template("staff/security.html", form=form, limits=limits), 422 if form.errors else 200


@bp.route("/charts/merge")
@roles_required(ADMIN)
def merge_charts():
    """Choose the duplicate and the chart to keep; once both are valid, preview what the merge moves."""
    form = MergeChartsForm(request.args)
    if not request.args:
        return render_template("staff/merge.html", form=form, preview=None)
    if not form.validate():
        return render_template("staff/merge.html", form=form, preview=None), 422
    duplicate, kept = find_chart(form.duplicate.data), find_chart(form.kept.data)
    problems = merge_problems(duplicate, kept)
    if problems:
        for name, message in problems.items():
            form[name].errors = [*form[name].errors, message]
        return render_template("staff/merge.html", form=form, preview=None), 422
    assert duplicate is not None and kept is not None  # noqa: S101 (merge_problems refused the missing ones)
    for patient in (duplicate, kept):  # the preview shows both charts' names and records
        record_event(
            audit.VIEW, patient=patient, record_type="patient", record_id=patient.id, detail="merge preview"
        )
    db.session.commit()
    preview = preview_merge(duplicate, kept)
    return render_template("staff/merge.html", form=form, preview=preview, confirm_form=ConfirmForm())


@bp.route("/charts/merge", methods=["POST"])
@roles_required(ADMIN)
def merge_charts_confirmed():
    _confirmed_or_400()
    duplicate_id = request.form.get("duplicate_id", type=int)
    kept_id = request.form.get("kept_id", type=int)
    if duplicate_id is None or kept_id is None:  # not from the preview: choose the two charts there
        flash("Choose the duplicate and the chart to keep, then check what the merge moves.", "error")
        return redirect(url_for("staff.merge_charts"))
    try:
        moved = operations.merge_charts(duplicate_id, kept_id)
    except Refused:
        db.session.rollback()  # the choice is shown again, each reason beside its chart number
        duplicate, kept = db.session.get(Patient, duplicate_id), db.session.get(Patient, kept_id)
        return redirect(
            url_for(
                "staff.merge_charts",
                duplicate=duplicate.chart_number if duplicate else str(duplicate_id),
                kept=kept.chart_number if kept else str(kept_id),
            )
        )
    db.session.commit()
    flash(
        f"Chart {moved.duplicate.chart_number} was merged into {moved.kept.chart_number} and archived; "
        f"moved {moved.summary()}.",
        "success",
    )
    return redirect(url_for("patients.chart", patient_id=kept_id))
