"""An administrator's changes to staff accounts, and the merge of two charts of the same person, each with its
audit event (the caller commits).

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
from intake.patients.models import Patient
from intake.refused import Refused
from intake.staff.chart_merge import (
    MergePreview,
    merge_problems,
    moved_columns,
    preview_merge,
    unhandled_references,
)

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


def _locked(patient_id: int) -> Patient | None:
    """Fetch a chart for the merge, locked until commit (PostgreSQL), as it is now in the database."""
    return db.session.get(Patient, patient_id, with_for_update=True, populate_existing=True)


def merge_charts(duplicate_id: int, kept_id: int) -> MergePreview:
    """Move everything of the duplicate chart to the kept chart, archive the duplicate, record it on both.

    Refused (nothing changed) for a chart merged into itself, into an archived or merged chart, or from a chart
    already merged. Audit events are never moved: the trail is append-only (see ``intake.staff.chart_merge``).
    """
    duplicate, kept = _locked(duplicate_id), _locked(kept_id)
    problems = merge_problems(duplicate, kept)
    if problems:
        raise Refused(problems)
    assert duplicate is not None and kept is not None  # noqa: S101 (merge_problems refused the missing ones)
    unhandled = unhandled_references(db.metadata)
    if unhandled:  # a new kind of record naming a patient: never leave it behind on an archived chart
        raise RuntimeError(f"the chart merge does not say what to do with {unhandled}")
    moved = preview_merge(duplicate, kept)
    for table, column in moved_columns(db.metadata):
        db.session.execute(table.update().where(table.c[column] == duplicate.id).values({column: kept.id}))
    duplicate.merged_into_id = kept.id
    duplicate.is_archived = True
    record_event(
        audit.ARCHIVE,
        patient=duplicate,
        record_type="patient",
        record_id=duplicate.id,
        detail=f"merged into {kept.chart_number}: moved {moved.summary()}",
    )
    record_event(
        audit.EDIT,
        patient=kept,
        record_type="patient",
        record_id=kept.id,
        detail=f"chart {duplicate.chart_number} merged into this chart: moved {moved.summary()}",
    )
    _reload_moved(duplicate.id)
    return moved


def _reload_moved(duplicate_id: int) -> None:
    """Have records loaded before the merge read their new chart (the move was made in SQL)."""
    moved_tables = {table.name for table, _ in moved_columns(db.metadata)}
    for record in list(db.session.identity_map.values()):
        table = getattr(record, "__table__", None)
        if table is not None and table.name in moved_tables:
            db.session.expire(record)
