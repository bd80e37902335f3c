"""Who may fill an intake: a patient's link (token in the URL) or a clinic tablet's kiosk grant.

A token is 256 random bits (``secrets.token_urlsafe(32)``); only its SHA-256 hash is stored.
A grant opens exactly one in-progress intake until it expires, is revoked, or the intake is
submitted or cancelled. Every refusal looks the same to the visitor.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app

from intake.database import utcnow
from intake.extensions import db
from intake.questionnaire.models import IN_PROGRESS, KIOSK, LINK, SUBMITTED, Intake, IntakeAccess

TOKEN_BYTES = 32
#: token_urlsafe(32) gives 43 characters of the URL-safe alphabet; anything else is not a token.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def hash_token(raw: str) -> str:
    """Return the stored form of a token (SHA-256, hex)."""
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


def _issue(intake: Intake, kind: str, valid_for: timedelta, created_by_id: int | None) -> str:
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    db.session.add(
        IntakeAccess(
            intake_id=intake.id,
            kind=kind,
            token_hash=hash_token(raw),
            created_at=now,
            expires_at=now + valid_for,
            created_by_id=created_by_id,
        )
    )
    return raw


def issue_link(intake: Intake, *, created_by_id: int | None = None) -> tuple[str, IntakeAccess | None]:
    """Give the intake a new link (earlier links stop working); return the raw token once, and its grant."""
    revoke_grants(intake, kind=LINK)
    raw = _issue(intake, LINK, timedelta(days=current_app.config["INTAKE_LINK_DAYS"]), created_by_id)
    db.session.flush()
    return raw, open_grant(raw, LINK)


def issue_kiosk_grant(intake: Intake, *, created_by_id: int | None = None) -> str:
    """Open the intake on a clinic tablet; return the raw token for that tablet's session."""
    revoke_grants(intake, kind=KIOSK)
    raw = _issue(intake, KIOSK, timedelta(hours=current_app.config["INTAKE_KIOSK_HOURS"]), created_by_id)
    db.session.flush()
    return raw


def open_grant(raw: str | None, kind: str) -> IntakeAccess | None:
    """Return the usable grant for a raw token, or None (unknown, expired, revoked, or intake closed)."""
    if not raw or not TOKEN_SHAPE.match(raw):
        return None
    grant = db.session.scalar(db.select(IntakeAccess).where(IntakeAccess.token_hash == hash_token(raw)))
    if grant is None or grant.kind != kind or grant.revoked_at is not None:
        return None
    if grant.expires_at <= utcnow():
        return None
    intake = grant.intake
    if intake.status != IN_PROGRESS or intake.patient.is_archived:
        return None
    return grant


def submitted_link(raw: str | None) -> IntakeAccess | None:
    """Return the link behind a raw token whose form was submitted (the patient is thanked again), or None."""
    if not raw or not TOKEN_SHAPE.match(raw):
        return None
    grant = db.session.scalar(db.select(IntakeAccess).where(IntakeAccess.token_hash == hash_token(raw)))
    if grant is None or grant.kind != LINK or grant.intake.status != SUBMITTED:
        return None
    return grant


def revoke_grants(intake: Intake, *, kind: str | None = None) -> int:
    """Stop every open grant of the intake (of one kind, if given); return how many."""
    statement = db.select(IntakeAccess).where(
        IntakeAccess.intake_id == intake.id, IntakeAccess.revoked_at.is_(None)
    )
    if kind is not None:
        statement = statement.where(IntakeAccess.kind == kind)
    now = utcnow()
    grants = db.session.scalars(statement).all()
    for grant in grants:
        grant.revoked_at = now
    return len(grants)


def active_link(intake: Intake) -> IntakeAccess | None:
    """Return the intake's link that still works, if any."""
    return db.session.scalar(
        db.select(IntakeAccess)
        .where(
            IntakeAccess.intake_id == intake.id,
            IntakeAccess.kind == LINK,
            IntakeAccess.revoked_at.is_(None),
            IntakeAccess.expires_at > utcnow(),
        )
        .order_by(IntakeAccess.created_at.desc())
        .limit(1)
    )
