"""Creating and changing staff accounts (the caller commits).

The first functions are the building blocks the staff pages, the CLI and the demo use; the
last ones are what staff members do to their own account, each with its audit event.
"""

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth import two_step
from intake.auth.models import User, normalize_email
from intake.auth.passwords import hash_password, verify_password
from intake.auth.roles import ALL_ROLES
from intake.extensions import db
from intake.refused import Refused

STAFF_ACCOUNT = "staff_account"


def create_user(*, email: str, full_name: str, role: str, password: str, designation: str = "") -> User:
    """Add a staff account to the session (the caller commits)."""
    if role not in ALL_ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = User(
        email=normalize_email(email),
        full_name=full_name.strip(),
        role=role,
        designation=(designation or "").strip(),
        password_hash=hash_password(password),
        is_active_account=True,
        session_version=1,
    )
    db.session.add(user)
    return user


def update_details(user: User, *, email: str, full_name: str, role: str, designation: str) -> str | None:
    """Change a staff member's details; a role change ends their sessions. Return the old role if it changed."""
    if role not in ALL_ROLES:
        raise ValueError(f"unknown role {role!r}")
    old_role = user.role
    if role != old_role:
        user.end_sessions()
    user.email = normalize_email(email)
    user.full_name = full_name.strip()
    user.role = role
    user.designation = (designation or "").strip()
    return old_role if role != old_role else None


def set_password(user: User, password: str) -> None:
    """Replace the password and end the account's sessions."""
    user.password_hash = hash_password(password)
    user.end_sessions()


def set_active(user: User, active: bool) -> bool:
    """Activate or deactivate an account (accounts are never deleted); return True if it changed."""
    if user.is_active_account == active:
        return False
    user.is_active_account = active
    user.end_sessions()
    return True


def reset_two_step(user: User) -> None:
    """Turn off a staff member's 2-step sign-in (lost phone) and end their sessions."""
    two_step.disable(user)
    user.end_sessions()


# --- A staff member's own account ----------------------------------------------------------


def _record(action: str, user: User) -> None:
    record_event(action, user=user, record_type=STAFF_ACCOUNT, record_id=user.id)


def _password_is_right(user: User, password: str | None) -> bool:
    return bool(password and verify_password(user.password_hash, password))


def sign_out(user: User) -> None:
    """End every session of the account (signing out everywhere) and record it."""
    user.end_sessions()
    _record(audit.LOGOUT, user)


def change_own_password(user: User, *, current_password: str, new_password: str) -> None:
    """Replace one's password (the current one must be right), ending every session; record it."""
    if not _password_is_right(user, current_password):
        raise Refused({"current_password": "That is not your current password."})
    set_password(user, new_password)
    _record(audit.PASSWORD_CHANGED, user)


def turn_on_two_step(user: User, *, secret: str, code: str) -> list[str]:
    """Turn on 2-step sign-in once the app shows a matching code; record it and return the recovery codes."""
    step = two_step.matching_step(secret, code)
    if step is None:
        raise Refused({"code": "That code did not match. Type the newest code the app shows."})
    codes = two_step.enable(user, secret, step)
    _record(audit.TWO_STEP_ENABLED, user)
    return codes


def turn_off_two_step(user: User, *, password: str | None) -> None:
    """Turn off one's 2-step sign-in (unless the clinic requires it; the password must be right)."""
    if two_step.two_step_required():
        raise Refused("The clinic requires 2-step sign-in, so it cannot be turned off.")
    if not _password_is_right(user, password):
        raise Refused("2-step sign-in is still on: the password was not right.")
    two_step.disable(user)
    _record(audit.TWO_STEP_DISABLED, user)


def replace_own_recovery_codes(user: User, *, password: str | None) -> list[str]:
    """Make new recovery codes (the old ones stop working) when the password is right; record it."""
    if not _password_is_right(user, password):
        raise Refused("No new recovery codes: the password was not right.")
    codes = two_step.replace_recovery_codes(user)
    _record(audit.RECOVERY_CODES_CREATED, user)
    return codes
