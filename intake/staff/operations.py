"""An administrator's changes to staff accounts, each with its audit event (the caller commits).

The rules about an administrator's own account live here, so every page that changes an
account refuses the same things with the same message.
"""

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth import operations as accounts
from intake.auth import two_step
from intake.auth.models import User
from intake.auth.roles import ADMIN, ROLE_LABELS
from intake.extensions import db
from intake.refused import Refused

STAFF_ACCOUNT = "staff_account"


def _record(action: str, user: User, detail: str = "") -> None:
    record_event(action, record_type=STAFF_ACCOUNT, record_id=user.id, detail=detail)


def create_account(*, email: str, full_name: str, role: str, password: str, designation: str = "") -> User:
    """Add a staff account and record its creation."""
    user = accounts.create_user(
        email=email, full_name=full_name, role=role, password=password, designation=designation
    )
    db.session.flush()
    _record(audit.CREATE, user, f"{user.full_name}, {user.role_label}")
    return user


def edit_account(user: User, *, by: User, email: str, full_name: str, role: str, designation: str) -> None:
    """Change a staff member's details (never one's own administrator role away) and record the edit."""
    if user.id == by.id and role != ADMIN:
        raise Refused({"role": "You cannot remove your own administrator role."})
    old_role = accounts.update_details(
        user, email=email, full_name=full_name, role=role, designation=designation
    )
    _record(audit.EDIT, user)
    if old_role is not None:
        _record(audit.ROLE_CHANGE, user, f"{ROLE_LABELS[old_role]} → {user.role_label}")


def reset_password(user: User, password: str) -> None:
    """Give a staff member a new password, ending their sessions, and record the reset."""
    accounts.set_password(user, password)
    _record(audit.PASSWORD_RESET, user)


def deactivate(user: User, *, by: User) -> None:
    """Stop a staff member signing in (never oneself); record it if the account was active."""
    if user.id == by.id:
        raise Refused("You cannot deactivate your own account.")
    if accounts.set_active(user, False):
        _record(audit.DEACTIVATE, user)


def activate(user: User) -> None:
    """Let a staff member sign in again; record it if the account was inactive."""
    if accounts.set_active(user, True):
        _record(audit.ACTIVATE, user)


def end_sessions(user: User, *, by: User) -> None:
    """Sign a staff member out on every device (oneself: sign out instead) and record it."""
    if user.id == by.id:
        raise Refused("To end your own sessions, sign out: that signs you out everywhere.")
    user.end_sessions()
    _record(audit.END_SESSIONS, user)


def reset_two_step(user: User, *, by: User) -> bool:
    """Turn off a staff member's 2-step sign-in (not one's own); return whether it was on."""
    if user.id == by.id:
        raise Refused("Turn your own 2-step sign-in off or on from your account page.")
    if not user.has_two_step:
        return False
    accounts.reset_two_step(user)
    _record(audit.TWO_STEP_RESET, user)
    return True


def require_two_step(wanted: bool) -> bool:
    """Make 2-step sign-in required for everyone, or each one's choice; return whether it changed."""
    if wanted == two_step.two_step_required():
        return False
    two_step.set_two_step_required(wanted)
    record_event(audit.SETTING_CHANGE, detail=f"require 2-step sign-in: {'on' if wanted else 'off'}")
    return True
