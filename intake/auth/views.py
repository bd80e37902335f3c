"""Signing in and out, the session timer's endpoints, and each staff member's own account page."""

from typing import TypeGuard
from urllib.parse import urlsplit

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import bindparam

from intake.auth import bp, operations, signin, two_step
from intake.auth.access import public, roles_required
from intake.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    NewRecoveryCodesForm,
    TurnOffTwoStepForm,
    TwoStepCodeForm,
    TwoStepSetupForm,
)
from intake.auth.models import User
from intake.auth.roles import STAFF
from intake.auth.sessions import end_session, seconds_left, start_session
from intake.extensions import db, login_manager
from intake.forms import ConfirmForm
from intake.refused import Refused

SETUP_SECRET = "setup_totp_secret"


#: The signed-in account of a session, by its id and session version: one statement, built once.
_SIGNED_IN_USER = db.select(User).where(
    User.id == bindparam("user_id"),
    User.session_version == bindparam("version"),
    User.is_active_account.is_(True),
)


@login_manager.user_loader
def load_user(session_id: str):
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit() or len(user_id) > 18 or len(version) > 18:
        return None
    return db.session.scalar(_SIGNED_IN_USER, {"user_id": int(user_id), "version": int(version)})


def is_safe_next(target: str | None) -> TypeGuard[str]:
    """Return True when ``target`` is a path on this site (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _landing_page() -> str:
    """Return where a signed-in member of staff starts: Today, whatever the role."""
    return url_for("home.index")


def _after_sign_in(next_url: str | None):
    return redirect(next_url if is_safe_next(next_url) else _landing_page())


def _status(form) -> int:
    return 422 if form.errors else 200


# --- Signing in ---------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(_landing_page())
    pending = signin.pending_sign_in()
    if pending is None:
        return _password_step()
    if request.method == "POST" and "start_over" in request.form:
        if not ConfirmForm().validate_on_submit():
            abort(400)
        signin.cancel_pending()
        return redirect(url_for("auth.login"))
    if pending.user.has_two_step:
        return _code_step(pending)
    return _setup_step(pending)


def _password_step():
    form = LoginForm()
    next_url = request.args.get("next")
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), _status(form)
    if signin.sign_in_throttled(form.email.data):
        signin.record_throttled(form.email.data)
        db.session.commit()
        form.password.errors.append(signin.too_many_attempts_message())
        return render_template("auth/login.html", form=form), 429
    user = signin.authenticate(form.email.data, form.password.data)
    if user is None:
        signin.record_failure(form.email.data, reason="wrong email or password")
        db.session.commit()
        form.password.errors.append(signin.WRONG_CREDENTIALS)
        return render_template("auth/login.html", form=form), 422
    if user.has_two_step or two_step.two_step_required():
        signin.begin_second_step(user, next_url)
        db.session.commit()  # a rehashed password
        return redirect(url_for("auth.login"))
    signin.complete(user)
    db.session.commit()
    flash(f"Signed in as {user.full_name}.", "success")
    return _after_sign_in(next_url)


def _code_step(pending: signin.PendingSignIn):
    user = pending.user
    form = TwoStepCodeForm()
    if not form.validate_on_submit():
        return render_template("auth/two_step_code.html", form=form, start_over=ConfirmForm()), _status(form)
    if signin.sign_in_throttled(user.email):
        signin.record_throttled(user.email)
        db.session.commit()
        form.code.errors.append(signin.too_many_attempts_message())
        return render_template("auth/two_step_code.html", form=form, start_over=ConfirmForm()), 429
    method = two_step.check_sign_in_code(user, form.code.data)
    if method is None:
        signin.record_failure(user.email, user=user, reason="wrong 2-step code")
        db.session.commit()
        form.code.errors.append(signin.WRONG_CODE)
        return render_template("auth/two_step_code.html", form=form, start_over=ConfirmForm()), 422
    signin.complete_second_step(user, method)
    db.session.commit()
    flash(f"Signed in as {user.full_name}.", "success")
    if method == "recovery":
        left = two_step.unused_recovery_codes(user)
        flash(f"You used a recovery code; {left} left. Make new ones on your account page.", "warning")
    return _after_sign_in(pending.next_url)


def _setup_step(pending: signin.PendingSignIn):
    """The clinic requires 2-step sign-in and this account has none yet: set it up now."""
    user = pending.user
    secret = signin.secret_being_set_up()
    form = TwoStepSetupForm()
    if form.validate_on_submit():
        try:
            codes = operations.turn_on_two_step(user, secret=secret, code=form.code.data)
        except Refused as refused:
            form.code.errors.append(refused.errors["code"])
        else:
            signin.complete(user, method="password and authenticator app")
            db.session.commit()
            next_url = pending.next_url if is_safe_next(pending.next_url) else _landing_page()
            return render_template("auth/recovery_codes.html", codes=codes, continue_url=next_url)
    return render_template(
        "auth/two_step_setup.html",
        form=form,
        during_sign_in=True,
        start_over=ConfirmForm(),
        **_setup_context(secret, user),
    ), _status(form)


def _setup_context(secret: str, user: User) -> dict:
    uri = two_step.provisioning_uri(secret, user.email, current_app.config["CLINIC_NAME"])
    return {"qr_code": two_step.qr_code_data_uri(uri), "manual_key": two_step.grouped_secret(secret)}


@bp.route("/logout", methods=["POST"])
@roles_required(*STAFF)
def logout():
    user = current_user._get_current_object()
    operations.sign_out(user)
    db.session.commit()
    end_session()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


# --- The idle-timeout timer (static/js/session-timeout.js) -------------------------------


@bp.route("/session/status")
@roles_required(*STAFF)
def session_status():
    """Report the seconds left without counting as activity."""
    return jsonify(signed_in=True, seconds_left=seconds_left())


@bp.route("/session/ping", methods=["POST"])
@roles_required(*STAFF)
def session_ping():
    """Count as activity ("Stay signed in"); the before-request hook already moved the clock."""
    return jsonify(signed_in=True, seconds_left=seconds_left())


# --- A staff member's own account ----------------------------------------------------------


@bp.route("/account")
@roles_required(*STAFF)
def account():
    user = current_user
    return render_template(
        "auth/account.html",
        user=user,
        two_step_required=two_step.two_step_required(),
        recovery_codes_left=two_step.unused_recovery_codes(user) if user.has_two_step else 0,
        turn_off_form=TurnOffTwoStepForm(prefix="off"),
        new_codes_form=NewRecoveryCodesForm(prefix="codes"),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(*STAFF)
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:  # ends every session, this one included
            operations.change_own_password(
                user, current_password=form.current_password.data, new_password=form.password.data
            )
        except Refused as refused:
            form.current_password.errors.append(refused.errors["current_password"])
        else:
            db.session.commit()
            start_session(user)  # ...so sign this tablet back in under the new session version
            flash("Password changed. You were signed out everywhere else.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form), _status(form)


@bp.route("/account/two-step", methods=["GET", "POST"])
@roles_required(*STAFF)
def two_step_setup():
    user = current_user._get_current_object()
    if user.has_two_step:
        flash("2-step sign-in is already on for your account.", "info")
        return redirect(url_for("auth.account"))
    secret = signin.secret_being_set_up(SETUP_SECRET)
    form = TwoStepSetupForm()
    if form.validate_on_submit():
        try:
            codes = operations.turn_on_two_step(user, secret=secret, code=form.code.data)
        except Refused as refused:
            form.code.errors.append(refused.errors["code"])
        else:
            db.session.commit()
            session.pop(SETUP_SECRET, None)
            return render_template(
                "auth/recovery_codes.html", codes=codes, continue_url=url_for("auth.account")
            )
    return render_template(
        "auth/two_step_setup.html", form=form, during_sign_in=False, **_setup_context(secret, user)
    ), _status(form)


@bp.route("/account/two-step/off", methods=["POST"])
@roles_required(*STAFF)
def two_step_disable():
    user = current_user._get_current_object()
    form = TurnOffTwoStepForm(prefix="off")
    password = form.password.data if form.validate_on_submit() else None
    try:
        operations.turn_off_two_step(user, password=password)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("auth.account"))
    db.session.commit()
    flash("2-step sign-in is off for your account.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/recovery-codes", methods=["POST"])
@roles_required(*STAFF)
def new_recovery_codes():
    user = current_user._get_current_object()
    form = NewRecoveryCodesForm(prefix="codes")
    if not user.has_two_step:
        return redirect(url_for("auth.account"))
    password = form.password.data if form.validate_on_submit() else None
    try:
        codes = operations.replace_own_recovery_codes(user, password=password)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("auth.account"))
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, continue_url=url_for("auth.account"))
