"""Creating and changing staff accounts (the caller commits): the staff pages, the CLI and the demo use these."""

from intake.auth import two_step
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
