"""The audit trail against someone who can write to the database: a keyed chain and signed checkpoints.

Whoever can write SQL can change a row and recompute plain SHA-256 hashes, or delete the newest rows so
the chain still looks whole. Neither passes ``audit-verify``: the chain is keyed with the audit key kept
outside the database, and the checkpoints signed with it, in a file under instance/, say how far the
trail reached.
"""

import json
import logging
import os
import secrets
import stat
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from intake import create_app
from intake.audit import checkpoints
from intake.audit.models import GENESIS_HASH, AuditEvent, legacy_hash
from intake.audit.operations import record_event
from intake.database import utcnow
from intake.extensions import db
from tests.fixtures.audit import append_only_triggers_off


def _record(app, count=1):
    with app.app_context():
        for n in range(count):
            record_event("view", detail=f"chart opened {n}")
            db.session.commit()


def _verify(runner):
    result = runner.invoke(args=["audit-verify"])
    return result.exit_code, result.output


def _checkpoint_lines(app):
    path = checkpoints.checkpoint_path(app)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _rehash_with_plain_sha256(app, from_id, *, detail_of=None):
    """Do what a database writer without the key can: rewrite rows and recompute SHA-256 from ``from_id`` on."""
    detail_of = detail_of or {}
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
        for event in events:
            db.session.expunge(event)
    previous = GENESIS_HASH
    updates = []
    for event in events:
        if event.id >= from_id:
            event.detail = detail_of.get(event.id, event.detail)
            event.previous_hash = previous
            event.row_hash = legacy_hash(event)
            updates.append(event)
        previous = event.row_hash
    with append_only_triggers_off(app) as connection:
        for event in updates:
            connection.execute(
                text("UPDATE audit_event SET detail = :d, previous_hash = :p, row_hash = :h WHERE id = :id"),
                {"d": event.detail, "p": event.previous_hash, "h": event.row_hash, "id": event.id},
            )


def test_an_honest_trail_verifies_clean_and_signs_a_checkpoint(app, runner, caplog, monkeypatch):
    # A migration run earlier in this process (alembic's fileConfig) may have disabled the logger.
    monkeypatch.setattr(logging.getLogger("intake.audit"), "disabled", False)
    _record(app, count=3)
    with caplog.at_level(logging.INFO, logger="intake.audit"):
        code, output = _verify(runner)
    assert code == 0, output
    assert "Audit trail intact: 3 events checked." in output
    newest = _checkpoint_lines(app)[-1]
    assert (newest["last_id"], newest["count"], newest["hmac_from"]) == (3, 3, 1)
    assert any("audit checkpoint" in message and '"last_id":3' in message for message in caplog.messages)
    _record(app, count=2)
    code, output = _verify(runner)
    assert code == 0, output
    assert "Audit trail intact: 5 events checked." in output
    assert "2 signed checkpoints matched." in output  # the one at the first event, and audit-verify's


def test_the_checkpoint_file_is_readable_by_its_owner_only(app, runner):
    _record(app)
    assert _verify(runner)[0] == 0
    mode = stat.S_IMODE(os.stat(checkpoints.checkpoint_path(app)).st_mode)
    assert mode == 0o600


def test_a_rewritten_row_with_the_whole_chain_rehashed_in_plain_sha256_is_reported(app, runner):
    _record(app, count=4)
    assert _verify(runner)[0] == 0
    _rehash_with_plain_sha256(app, from_id=1, detail_of={2: "nobody opened this chart"})
    code, output = _verify(runner)
    assert code == 1
    assert "Audit trail broken at event #1: its contents do not match its hash" in output
    assert "re-hashed without the audit key" in output


def test_rehashing_from_the_rewritten_row_on_is_reported_even_before_any_checkpoint(app, runner):
    _record(app, count=4)
    checkpoints.checkpoint_path(app).unlink()  # the switch-over checkpoint gone too: the chain alone tells
    _rehash_with_plain_sha256(app, from_id=3, detail_of={3: "nobody opened this chart"})
    code, output = _verify(runner)
    assert code == 1
    assert "Audit trail broken at event #3: its contents do not match its hash" in output


def test_deleting_the_newest_events_is_reported_by_the_signed_checkpoint(app, runner):
    _record(app, count=4)
    assert _verify(runner)[0] == 0
    with append_only_triggers_off(app) as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id >= 3"))
    code, output = _verify(runner)
    assert code == 1
    assert "recorded 4 events up to #4, but the trail now ends at #2: the newest events were deleted" in (
        output
    )


def test_checkpoints_are_signed_every_few_events_without_running_audit_verify(app, runner):
    app.config["AUDIT_CHECKPOINT_EVERY"] = 3
    _record(app, count=7)
    # The switch to the keyed hash at the first event, then one every 3 events.
    assert [line["last_id"] for line in _checkpoint_lines(app)] == [1, 3, 6]
    with append_only_triggers_off(app) as connection:
        connection.execute(text("DELETE FROM audit_event WHERE id >= 5"))
    code, output = _verify(runner)
    assert code == 1
    assert "recorded 6 events up to #6, but the trail now ends at #4" in output


def test_an_emptied_trail_is_reported(app, runner):
    _record(app, count=2)
    assert _verify(runner)[0] == 0
    with append_only_triggers_off(app) as connection:
        connection.execute(text("DELETE FROM audit_event"))
    code, output = _verify(runner)
    assert code == 1
    assert "but the trail now ends at no event at all" in output


def test_a_checkpoint_line_not_signed_with_the_audit_key_is_reported(app, runner):
    _record(app, count=2)
    assert _verify(runner)[0] == 0
    path = checkpoints.checkpoint_path(app)
    forged = {**_checkpoint_lines(app)[-1], "last_id": 1, "count": 1}
    with path.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    code, output = _verify(runner)
    assert code == 1
    assert "line 3 of the checkpoint file" in output and "is not signed with the audit key" in output


def test_a_trail_chained_before_the_audit_key_still_verifies_and_continues_keyed(app, runner):
    """An installation upgraded from plain SHA-256: its old rows verify, new rows are keyed from then on."""
    rows, previous = [], GENESIS_HASH
    for n in range(3):
        event = AuditEvent(
            occurred_at=utcnow() - timedelta(days=30 - n),
            user_id=None,
            user_name="Front Desk",
            user_role="front_desk",
            action="view",
            endpoint="patients.chart",
            path="/patients/1",
            patient_id=None,
            chart_number="",
            record_type="patient",
            record_id=1,
            detail=f"before the key {n}",
            client_ip="127.0.0.1",
            previous_hash=previous,
        )
        event.row_hash = previous = legacy_hash(event)
        rows.append({c.name: getattr(event, c.name) for c in AuditEvent.__table__.columns if c.name != "id"})
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(AuditEvent.__table__.insert(), rows)
        db.engine.dispose()
    code, output = _verify(runner)
    assert code == 0, output
    assert "Audit trail intact: 3 events checked." in output
    _record(app, count=2)
    code, output = _verify(runner)
    assert code == 0, output
    assert "Audit trail intact: 5 events checked." in output
    assert _checkpoint_lines(app)[-1]["hmac_from"] == 4  # where the chain switched to the key
    # Re-hashing the keyed rows back to plain SHA-256 is a downgrade the checkpoints refuse.
    _rehash_with_plain_sha256(app, from_id=4, detail_of={4: "nobody opened this chart"})
    code, output = _verify(runner)
    assert code == 1
    assert "Audit trail broken at event #4" in output


def test_postgresql_refuses_to_truncate_the_audit_trail(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no TRUNCATE; DELETE without WHERE is refused by the row trigger")
    _record(app, count=2)
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(text("TRUNCATE audit_event"))
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == 2


def test_production_refuses_an_audit_key_that_is_not_random(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1/intake")
    monkeypatch.setenv("AUDIT_KEY", "a" * 32)
    with pytest.raises(RuntimeError, match="AUDIT_KEY"):
        create_app("production", instance_path=str(tmp_path))
