"""Sign-in and sign-out pages."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from intake.auth import bp
from intake.auth.access import public, roles_required
from intake.auth.forms import LoginForm
from intake.auth.models import User, normalize_email
from intake.auth.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from intake.auth.roles import STAFF
from intake.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_id: str):
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active_account:
        return None
    return user


def is_safe_next(target: str | None) -> bool:
    """Return True when ``target`` is a path on this site (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = db.session.scalar(db.select(User).where(User.email == normalize_email(email)))
    if user is None:
        verify_password(DUMMY_HASH, password)  # same cost as a real check
        return None
    if not verify_password(user.password_hash, password) or not user.is_active_account:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("patients.index"))
    form = LoginForm()
    next_url = request.args.get("next")
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("Email or password is incorrect.")
        else:
            login_user(user, remember=False)
            db.session.commit()
            flash(f"Signed in as {user.full_name}.", "success")
            return redirect(next_url if is_safe_next(next_url) else url_for("patients.index"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.route("/logout", methods=["POST"])
@roles_required(*STAFF)
def logout():
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))
