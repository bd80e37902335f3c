"""Staff account administration."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth import two_step
from intake.auth.access import roles_required
from intake.auth.models import User
from intake.auth.roles import ADMIN, ROLE_LABELS
from intake.auth.sessions import describe_duration, start_session
from intake.extensions import db
from intake.forms import ConfirmForm
from intake.staff import bp, operations
from intake.staff.forms import EditStaffForm, NewStaffForm, ResetPasswordForm, SignInSecurityForm

STAFF_ACCOUNT = "staff_account"


def _get_user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _record(action: str, user: User, detail: str = "") -> None:
    record_event(action, record_type=STAFF_ACCOUNT, record_id=user.id, detail=detail)


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
        user = operations.create_user(
            email=form.email.data,
            full_name=form.full_name.data,
            role=form.role.data,
            password=form.password.data,
            designation=form.designation.data,
        )
        db.session.flush()
        _record(audit.CREATE, user, f"{user.full_name}, {user.role_label}")
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
        if user.id == current_user.id and form.role.data != ADMIN:
            form.role.errors.append("You cannot remove your own administrator role.")
        else:
            old_role = operations.update_details(
                user,
                email=form.email.data,
                full_name=form.full_name.data,
                role=form.role.data,
                designation=form.designation.data,
            )
            _record(audit.EDIT, user)
            if old_role is not None:
                _record(audit.ROLE_CHANGE, user, f"{ROLE_LABELS[old_role]} → {user.role_label}")
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
        operations.set_password(user, form.password.data)
        _record(audit.PASSWORD_RESET, user)
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
    if user.id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
        return redirect(url_for("staff.index"))
    if operations.set_active(user, False):
        _record(audit.DEACTIVATE, user)
    db.session.commit()
    flash(f"{user.full_name} can no longer sign in.", "success")
    return redirect(url_for("staff.index"))


@bp.route("/<int:user_id>/activate", methods=["POST"])
@roles_required(ADMIN)
def activate(user_id: int):
    user = _get_user(user_id)
    _confirmed_or_400()
    if operations.set_active(user, True):
        _record(audit.ACTIVATE, user)
    db.session.commit()
    flash(f"{user.full_name} can sign in again.", "success")
    return redirect(url_for("staff.index"))


@bp.route("/<int:user_id>/end-sessions", methods=["POST"])
@roles_required(ADMIN)
def end_sessions(user_id: int):
    user = _get_user(user_id)
    _confirmed_or_400()
    if user.id == current_user.id:
        flash("To end your own sessions, sign out: that signs you out everywhere.", "error")
        return redirect(url_for("staff.index"))
    user.end_sessions()
    _record(audit.END_SESSIONS, user)
    db.session.commit()
    flash(f"{user.full_name} was signed out on every device.", "success")
    return redirect(url_for("staff.index"))


@bp.route("/<int:user_id>/reset-two-step", methods=["POST"])
@roles_required(ADMIN)
def reset_two_step(user_id: int):
    user = _get_user(user_id)
    _confirmed_or_400()
    if user.id == current_user.id:
        flash("Turn your own 2-step sign-in off or on from your account page.", "error")
        return redirect(url_for("staff.index"))
    if user.has_two_step:
        operations.reset_two_step(user)
        _record(audit.TWO_STEP_RESET, user)
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
        if wanted != required:
            two_step.set_two_step_required(wanted)
            record_event(audit.SETTING_CHANGE, detail=f"require 2-step sign-in: {'on' if wanted else 'off'}")
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
