"""Counting attempts (sign-ins, intake-link guesses) in the database, so limits hold across workers.

Keys are free text chosen by the caller, e.g. ``"login:account:mei@clinic.example"`` or
``"intake-link:ip:203.0.113.7"``; only their SHA-256 is stored, so the table holds no email
addresses or IP addresses. Rows older than ``KEEP_FOR`` are pruned whenever an attempt is
recorded, which bounds the table without a scheduled job.
"""

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from intake.database import UTCDateTime, utcnow
from intake.extensions import Model, db

#: Attempts older than this are deleted; no window may be longer.
KEEP_FOR = timedelta(days=1)


class ThrottleAttempt(Model):
    """One counted attempt (usually a failure) for one key."""

    __tablename__ = "throttle_attempt"
    __table_args__ = (Index("ix_throttle_attempt_key_time", "key_hash", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def attempt_count(key: str, *, window: timedelta) -> int:
    """Return how many attempts ``key`` has made within ``window``."""
    if window > KEEP_FOR:
        raise ValueError(f"throttle windows longer than {KEEP_FOR} are not kept")
    since = utcnow() - window
    return db.session.execute(
        select(func.count())
        .select_from(ThrottleAttempt)
        .where(ThrottleAttempt.key_hash == _hash(key), ThrottleAttempt.attempted_at >= since)
    ).scalar_one()


def is_throttled(key: str, *, limit: int, window: timedelta) -> bool:
    """Return True when ``key`` has made ``limit`` or more attempts within ``window``."""
    return attempt_count(key, window=window) >= limit


def record_attempt(key: str) -> None:
    """Count one attempt for ``key`` (the caller commits) and prune attempts too old to matter."""
    db.session.execute(delete(ThrottleAttempt).where(ThrottleAttempt.attempted_at < utcnow() - KEEP_FOR))
    db.session.add(ThrottleAttempt(key_hash=_hash(key), attempted_at=utcnow()))


def clear_attempts(key: str) -> None:
    """Forget every attempt for ``key``, e.g. after a successful sign-in (the caller commits)."""
    db.session.execute(delete(ThrottleAttempt).where(ThrottleAttempt.key_hash == _hash(key)))
