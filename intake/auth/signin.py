"""The steps of signing in: password, then (when set up or required) a 2-step code.

Failures are counted in the database per account and per client IP (``intake.throttle``),
whether or not the email belongs to an account, so the answers never reveal which emails
exist. Between the password and the code, the session holds only a short-lived "pending"
marker naming the account and its session version, never a signed-in user.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request, session

from intake.audit.models import LOGIN, LOGIN_FAILED, RECOVERY_CODE_USED
from intake.audit.operations import record_event
from intake.auth.models import User, normalize_email
from intake.auth.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from intake.auth.sessions import start_session
from intake.auth.two_step import new_secret
from intake.extensions import db
from intake.throttle import clear_attempts, is_throttled, record_attempt

PENDING = "pending_sign_in"
PENDING_SECRET = "pending_totp_secret"
#: Seconds between a correct password and the 2-step code before starting again.
PENDING_SECONDS = 5 * 60

WRONG_CREDENTIALS = "Email or password is incorrect."
WRONG_CODE = (
    "That code did not work. Check the time on your phone and type the newest code, or a recovery code."
)
TOO_MANY_ATTEMPTS = (
    "Too many sign-in attempts. Wait {minutes} minutes and try again, or ask the clinic administrator."
)


def _account_key(email: str) -> str:
    return f"login:account:{normalize_email(email)}"


def _ip_key() -> str:
    return f"login:ip:{request.remote_addr or 'unknown'}"


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])


def too_many_attempts_message() -> str:
    return TOO_MANY_ATTEMPTS.format(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])


def sign_in_throttled(email: str) -> bool:
    """Return True when this account or this client IP must wait before trying again."""
    config = current_app.config
    return is_throttled(
        _account_key(email), limit=config["LOGIN_ACCOUNT_LIMIT"], window=_window()
    ) or is_throttled(_ip_key(), limit=config["LOGIN_IP_LIMIT"], window=_window())


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None (same cost either way)."""
    user = db.session.scalar(db.select(User).where(User.email == normalize_email(email)))
    if user is None:
        verify_password(dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active_account:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_failure(email: str, *, user: User | None = None, reason: str) -> None:
    """Count a failed attempt against the account and the IP, and audit it (the caller commits)."""
    record_attempt(_account_key(email))
    record_attempt(_ip_key())
    if user is None:
        user = db.session.scalar(db.select(User).where(User.email == normalize_email(email)))
    detail = reason if user is not None else f"{reason}; no account for the email typed"
    record_event(
        LOGIN_FAILED,
        user=user,
        record_type="staff_account",
        record_id=user.id if user else None,
        detail=detail,
    )


def record_throttled(email: str) -> None:
    """Audit an attempt refused because of too many failures (the caller commits)."""
    user = db.session.scalar(db.select(User).where(User.email == normalize_email(email)))
    detail = "refused: too many attempts" + ("" if user else "; no account for the email typed")
    record_event(
        LOGIN_FAILED,
        user=user,
        record_type="staff_account",
        record_id=user.id if user else None,
        detail=detail,
    )


def complete(user: User, *, method: str = "password") -> None:
    """Finish signing in: start a fresh session, forget the account's failures, audit it."""
    clear_attempts(_account_key(user.email))
    start_session(user)
    record_event(LOGIN, user=user, record_type="staff_account", record_id=user.id, detail=f"with {method}")


def complete_second_step(user: User, method: str) -> None:
    """Finish a sign-in by 2-step code (``method`` "app" or "recovery"); a spent recovery code is audited too."""
    complete(user, method="password and " + ("authenticator app" if method == "app" else "recovery code"))
    if method == "recovery":
        record_event(RECOVERY_CODE_USED, user=user, record_type="staff_account", record_id=user.id)


@dataclass(frozen=True)
class PendingSignIn:
    user: User
    next_url: str | None


def begin_second_step(user: User, next_url: str | None) -> None:
    """Remember that ``user`` gave the right password and now owes a 2-step code."""
    session[PENDING] = {
        "user_id": user.id,
        "version": user.session_version,
        "since": int(time.time()),
        "next": next_url,
    }


def pending_sign_in() -> PendingSignIn | None:
    """Return the sign-in waiting for its 2-step code, or None (an expired or stale one is dropped)."""
    marker = session.get(PENDING)
    if not isinstance(marker, dict):
        return None
    user = db.session.get(User, marker.get("user_id") or 0)
    fresh = time.time() - marker.get("since", 0) < PENDING_SECONDS
    if (
        user is None
        or not fresh
        or not user.is_active_account
        or user.session_version != marker.get("version")
    ):
        cancel_pending()
        return None
    return PendingSignIn(user, marker.get("next"))


def cancel_pending() -> None:
    """Forget a half-finished sign-in."""
    session.pop(PENDING, None)
    session.pop(PENDING_SECRET, None)


def secret_being_set_up(key: str = PENDING_SECRET) -> str:
    """Return the 2-step secret being set up in this browser (kept until confirmed), making one if needed."""
    if not session.get(key):
        session[key] = new_secret()
    return session[key]
