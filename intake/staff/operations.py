"""Changes to staff accounts."""

from intake.auth.models import User, normalize_email
from intake.auth.passwords import hash_password
from intake.auth.roles import ALL_ROLES
from intake.extensions import db


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


def update_details(user: User, *, email: str, full_name: str, role: str, designation: str) -> None:
    """Change a staff member's details; a role change ends their sessions."""
    if role not in ALL_ROLES:
        raise ValueError(f"unknown role {role!r}")
    if role != user.role:
        user.end_sessions()
    user.email = normalize_email(email)
    user.full_name = full_name.strip()
    user.role = role
    user.designation = (designation or "").strip()


def set_password(user: User, password: str) -> None:
    """Replace the password and end the account's sessions."""
    user.password_hash = hash_password(password)
    user.end_sessions()


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate an account (accounts are never deleted)."""
    if user.is_active_account != active:
        user.is_active_account = active
        user.end_sessions()
