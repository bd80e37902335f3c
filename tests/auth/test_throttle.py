"""Attempt counting in the database (intake.throttle), shared by sign-in and intake links."""

from datetime import timedelta

import pytest

from intake.database import utcnow
from intake.extensions import db
from intake.throttle import (
    KEEP_FOR,
    ThrottleAttempt,
    attempt_count,
    clear_attempts,
    is_throttled,
    record_attempt,
)

WINDOW = timedelta(minutes=15)


def test_a_key_is_throttled_once_it_reaches_the_limit(app):
    with app.app_context():
        for _ in range(2):
            record_attempt("login:account:a@clinic.example")
        db.session.commit()
        assert not is_throttled("login:account:a@clinic.example", limit=3, window=WINDOW)
        record_attempt("login:account:a@clinic.example")
        db.session.commit()
        assert is_throttled("login:account:a@clinic.example", limit=3, window=WINDOW)
        assert not is_throttled("login:account:b@clinic.example", limit=3, window=WINDOW)


def test_attempts_outside_the_window_do_not_count(app):
    with app.app_context():
        record_attempt("k")
        db.session.flush()
        db.session.execute(db.update(ThrottleAttempt).values(attempted_at=utcnow() - timedelta(minutes=16)))
        record_attempt("k")
        db.session.commit()
        assert attempt_count("k", window=WINDOW) == 1


def test_clearing_forgets_only_that_key(app):
    with app.app_context():
        record_attempt("a")
        record_attempt("b")
        db.session.commit()
        clear_attempts("a")
        db.session.commit()
        assert attempt_count("a", window=WINDOW) == 0
        assert attempt_count("b", window=WINDOW) == 1


def test_keys_are_stored_only_as_hashes(app):
    with app.app_context():
        record_attempt("login:account:mei@clinic.example")
        db.session.commit()
        stored = db.session.scalar(db.select(ThrottleAttempt.key_hash))
    assert "mei" not in stored and len(stored) == 64


def test_recording_prunes_attempts_older_than_a_day(app):
    with app.app_context():
        record_attempt("old")
        db.session.flush()
        db.session.execute(
            db.update(ThrottleAttempt).values(attempted_at=utcnow() - KEEP_FOR - timedelta(minutes=1))
        )
        db.session.commit()
        record_attempt("new")
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(ThrottleAttempt)) == 1


def test_windows_longer_than_kept_attempts_are_refused(app):
    with app.app_context(), pytest.raises(ValueError):
        is_throttled("k", limit=1, window=KEEP_FOR + timedelta(seconds=1))


def test_uncommitted_attempts_are_rolled_back_with_the_callers_transaction(app):
    with app.app_context():
        record_attempt("k")
        db.session.rollback()
        assert attempt_count("k", window=WINDOW) == 0
