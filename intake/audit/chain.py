"""The audit trail's hash chain: keyed with AUDIT_KEY, kept outside the database, and checked against signed checkpoints.

Each new event's ``row_hash`` is an HMAC-SHA256 of its canonical form (which includes the hash of the
event before it), keyed with the audit key. The key never enters the database, so someone who can
write to the database can still change rows but cannot make the chain match again. Trails written
before the key existed were chained with plain SHA-256; those rows stay verifiable, and the chain
switches to HMAC at one point that the first signed checkpoint records ("hmac_from"), never back.

The hashes are filled in just before the flush, inside the write transaction, after taking the chain
lock: on SQLite the write lock (``intake.database.begin_writing``: a page that only looked began without
it) serialises writers; on PostgreSQL a transaction-level advisory lock does, so two workers never chain to the same previous row. Checkpoints
(``intake.audit.checkpoints``) are written after the commit, every AUDIT_CHECKPOINT_EVERY events and at
the switch to HMAC, never once per event.
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from intake.audit import checkpoints
from intake.audit.models import GENESIS_HASH, AuditEvent, compute_hash, legacy_hash
from intake.database import READING_METHODS, begin_writing
from intake.extensions import db
from intake.instance_keys import instance_key

#: Key of the PostgreSQL advisory lock that serialises appends to the chain ("audit" in ASCII).
CHAIN_LOCK_KEY = 0x6175646974
#: The audit key's file under instance/ when AUDIT_KEY is not in the environment.
AUDIT_KEY_FILE = "audit_key"
#: A signed checkpoint every this many events (AUDIT_CHECKPOINT_EVERY overrides it).
DEFAULT_CHECKPOINT_EVERY = 500
#: Where the session remembers the events it chained, for the checkpoint after the commit.
_CHAINED = "audit_chained_events"
#: Where the app remembers that its chain already runs on HMAC (one check per process, not per write).
_CHAIN_IS_KEYED = "audit_chain_is_keyed"
#: Where the session notes that its transaction changed a record other than by adding audit events.
_CHANGED_RECORDS = "audit_transaction_changed_records"
#: Where the session keeps its expire-on-commit setting while a look's commit keeps what it loaded.
_KEPT_LOADED = "audit_look_keeps_loaded"
#: The newest event's hash: the previous hash of the next event (the primary key's index, read backwards).
_NEWEST_HASH = select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1)


def audit_key(app: Flask | None = None) -> bytes:
    """Return the audit key: AUDIT_KEY as the factory loaded it (environment, else instance/audit_key)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    cached = app.extensions.get("audit_key")
    if cached is not None:
        return cached
    # The factory loads every key of config.KEY_FILES (production's check refuses a non-random one);
    # the fallbacks serve an app configured without it.
    key = (
        app.config.get("AUDIT_KEY")
        or os.environ.get("AUDIT_KEY")
        or instance_key(app.instance_path, AUDIT_KEY_FILE)
    )
    app.extensions["audit_key"] = key.encode("utf-8")
    return app.extensions["audit_key"]


def content_seal(content) -> str:
    """Return the keyed hash (HMAC-SHA256, hex) of a record's content as canonical JSON (keys sorted).

    An event that carries it (a signed note's sign and amend events) lets ``audit-verify`` tell whether
    the record was changed behind the app's back; keyed, so the hash gives away nothing of the content.
    """
    # Through JSON once, so a dict and the same dict read back from a JSON column hash alike.
    plain = json.loads(json.dumps(content, default=str))
    canonical = json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(audit_key(), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def checkpoint_every(app: Flask) -> int:
    """Return how many events go between two periodic checkpoints."""
    configured = app.config.get("AUDIT_CHECKPOINT_EVERY") or os.environ.get("AUDIT_CHECKPOINT_EVERY")
    return max(1, int(configured or DEFAULT_CHECKPOINT_EVERY))


@event.listens_for(Session, "before_flush")
def _chain_new_events(session, flush_context, instances):
    pending = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.row_hash is None]
    if not pending:
        return
    pending.sort(key=lambda obj: inspect(obj).insert_order)  # the order they are inserted (and numbered)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = audit_key(app)
    connection = session.connection()
    begin_writing(connection)  # the previous row is read under the lock the insert holds
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    switches = False
    if app.extensions.get(_CHAIN_IS_KEYED):
        previous = connection.execute(_NEWEST_HASH).scalar()
    else:
        # Once per process: is the newest event already keyed? If not (a new trail, or one written
        # before the key), the first of these events is where the chain switches to HMAC.
        last = connection.execute(
            select(AuditEvent.__table__).order_by(AuditEvent.id.desc()).limit(1)
        ).first()
        previous = last.row_hash if last is not None else None
        if last is None or compute_hash(AuditEvent(**last._mapping), key) != last.row_hash:
            switches = True
        else:
            app.extensions[_CHAIN_IS_KEYED] = True
    previous = previous or GENESIS_HASH
    for audit_event in pending:
        audit_event.previous_hash = previous
        audit_event.row_hash = compute_hash(audit_event, key)
        previous = audit_event.row_hash
    chained = session.info.setdefault(_CHAINED, [])
    chained.append((pending, switches))


@event.listens_for(Session, "before_flush")
def _note_changed_records(session, flush_context, instances):
    if session.dirty or session.deleted or any(not isinstance(obj, AuditEvent) for obj in session.new):
        session.info[_CHANGED_RECORDS] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(orm_execute_state: ORMExecuteState):
    if not orm_execute_state.is_select:
        orm_execute_state.session.info[_CHANGED_RECORDS] = True


def _only_looked(session) -> bool:
    return (
        not session.info.get(_CHANGED_RECORDS)
        and has_request_context()
        and request.method in READING_METHODS
    )


@event.listens_for(Session, "after_transaction_end")
def _forget_changes(session, transaction) -> None:
    if transaction.parent is None:  # the end of the outermost transaction: committed or rolled back
        session.info.pop(_CHANGED_RECORDS, None)
        if _KEPT_LOADED in session.info:
            session.expire_on_commit = session.info.pop(_KEPT_LOADED)


@event.listens_for(Session, "after_commit")
def _checkpoint_after_commit(session):
    batches = session.info.pop(_CHAINED, None)
    if not batches:
        return
    if _only_looked(session):
        # A page that only looks commits the audit event of the look, then shows what it loaded: nothing
        # it loaded changed, so it stays loaded instead of being read again after the commit.
        session.info[_KEPT_LOADED] = session.expire_on_commit
        session.expire_on_commit = False
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    first_keyed = next((pending[0].id for pending, switches in batches if switches), None)
    newest = batches[-1][0][-1]
    oldest = batches[0][0][0]
    every = checkpoint_every(app)
    crossed = (oldest.id - 1) // every != newest.id // every
    if first_keyed is not None:
        app.extensions[_CHAIN_IS_KEYED] = True
    if first_keyed is None and not crossed:
        return
    key = audit_key(app)
    # Counted on from the newest signed checkpoint before this one: the events after it, along the primary
    # key, not the whole trail (appends are serialised, so every event up to the newest is committed).
    previous = checkpoints.latest_checkpoint(app, key, up_to_id=newest.id)
    counted = select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= newest.id)
    if previous is not None:
        counted = counted.where(AuditEvent.id > previous.last_id)
    with db.engine.connect() as connection:
        count = connection.execute(counted).scalar_one() + (previous.count if previous is not None else 0)
    if first_keyed is None and previous is not None:
        first_keyed = previous.hmac_from  # carried forward, as every checkpoint after the switch says it
    checkpoints.write_checkpoint(
        app, key, last_id=newest.id, last_hash=newest.row_hash, count=count, hmac_from=first_keyed
    )


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_events(session):
    session.info.pop(_CHAINED, None)


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of walking the audit trail."""

    checked: int
    broken_event_id: int | None = None
    problem: str = ""
    checkpoints_matched: int = 0
    first_keyed_id: int | None = None
    last_id: int | None = None
    last_hash: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def intact(self) -> bool:
        return self.broken_event_id is None and not self.problem


def verify_chain() -> ChainCheck:
    """Walk every audit event in order against its hash and the signed checkpoints; return the first problem."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = audit_key(app)
    found = checkpoints.read_checkpoints(app, key)
    if found.forged_lines:
        return ChainCheck(
            0,
            problem=f"line {found.forged_lines[0]} of the checkpoint file {found.path} is not signed with "
            "the audit key (the file was edited, or the key changed)",
        )
    hmac_from = found.hmac_from
    by_id: dict[int, list[checkpoints.Checkpoint]] = {}
    for checkpoint in found.checkpoints:
        by_id.setdefault(checkpoint.last_id, []).append(checkpoint)
    expected_previous = GENESIS_HASH
    checked = matched = 0
    first_keyed: int | None = None
    last_id: int | None = None
    walked: set[int] = set()
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000))
    for audit_event in rows:
        if audit_event.previous_hash != expected_previous:
            return ChainCheck(
                checked,
                audit_event.id,
                "its previous-hash does not match the event before it (an event was removed, "
                "added or rewritten before this one)",
            )
        keyed = hmac.compare_digest(compute_hash(audit_event, key), audit_event.row_hash)
        if keyed:
            first_keyed = audit_event.id if first_keyed is None else first_keyed
        elif first_keyed is not None or (hmac_from is not None and audit_event.id >= hmac_from):
            return ChainCheck(
                checked,
                audit_event.id,
                "its contents do not match its hash (the row was changed, or re-hashed without the "
                "audit key)",
            )
        elif legacy_hash(audit_event) != audit_event.row_hash:
            return ChainCheck(
                checked, audit_event.id, "its contents do not match its hash (the row was changed)"
            )
        checked += 1
        for checkpoint in by_id.get(audit_event.id, ()):
            if checkpoint.last_hash != audit_event.row_hash or checkpoint.count != checked:
                return ChainCheck(
                    checked - 1,
                    audit_event.id,
                    f"it does not match the signed checkpoint of {checkpoint.written_at} "
                    f"({checkpoint.count} events up to #{checkpoint.last_id}): events were rewritten, "
                    "removed or inserted up to here",
                )
            matched += 1
            walked.add(audit_event.id)
        expected_previous = audit_event.row_hash
        last_id = audit_event.id
    for checkpoint in found.checkpoints:
        if last_id is None or checkpoint.last_id > last_id:
            ends_at = f"#{last_id}" if last_id is not None else "no event at all"
            return ChainCheck(
                checked,
                problem=f"the signed checkpoint of {checkpoint.written_at} recorded {checkpoint.count} events "
                f"up to #{checkpoint.last_id}, but the trail now ends at {ends_at}: the newest events were deleted",
            )
        if checkpoint.last_id not in walked:
            return ChainCheck(
                checked,
                problem=f"event #{checkpoint.last_id}, named by the signed checkpoint of "
                f"{checkpoint.written_at}, is missing from the trail",
            )
    return ChainCheck(
        checked,
        checkpoints_matched=matched,
        first_keyed_id=first_keyed,
        last_id=last_id,
        last_hash=expected_previous if last_id is not None else "",
    )
