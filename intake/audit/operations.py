"""Writing audit events and checking the hash chain.

``record_event`` adds the event to the current database session, so it is committed (or
rolled back) together with the change it records. The hashes are filled in just before
the flush, inside the write transaction, after taking the chain lock: SQLite already
serialises writers (every transaction starts with BEGIN IMMEDIATE); on PostgreSQL a
transaction-level advisory lock does, so two workers never chain to the same previous row.
"""

from dataclasses import dataclass

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session

from intake.audit.models import (
    ACTIONS,
    GENESIS_HASH,
    PATIENT_ACTOR_NAMES,
    PATIENT_ROLE,
    AuditEvent,
    compute_hash,
)
from intake.database import utcnow
from intake.extensions import db

#: Key of the PostgreSQL advisory lock that serialises appends to the chain ("audit" in ASCII).
CHAIN_LOCK_KEY = 0x6175646974


def record_event(
    action, *, patient=None, record_type=None, record_id=None, user=None, detail="", by_patient=None
):
    """Add an audit event for ``action`` to the current session (committed with the caller's change).

    The actor is ``user``, else the signed-in staff member; or, with ``by_patient="link"`` or
    ``"kiosk"``, the patient filling their intake (no staff account: user None, role "patient").
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if by_patient is not None:
        if user is not None:
            raise ValueError("an event is done by a staff member or by the patient, not both")
        if by_patient not in PATIENT_ACTOR_NAMES:
            raise ValueError(f"unknown way for a patient to act: {by_patient!r}")
        # Never the browser's staff session: a staff member who opens a patient's link is not the patient.
        actor = {"user_id": None, "user_name": PATIENT_ACTOR_NAMES[by_patient], "user_role": PATIENT_ROLE}
    else:
        if user is None and has_request_context() and current_user.is_authenticated:
            user = current_user._get_current_object()
        actor = {
            "user_id": user.id if user is not None else None,
            "user_name": (user.full_name if user is not None else "")[:120],
            "user_role": (user.role if user is not None else "")[:20],
        }
    audit_event = AuditEvent(
        occurred_at=utcnow(),
        action=action,
        **actor,
        patient_id=patient.id if patient is not None else None,
        chart_number=patient.chart_number if patient is not None else "",
        record_type=(record_type or "")[:40],
        record_id=record_id,
        detail=(detail or "")[:300],
        **_request_facts(),
    )
    db.session.add(audit_event)
    return audit_event


def _request_facts() -> dict:
    if not has_request_context():
        return {"endpoint": "command line", "path": "", "client_ip": ""}
    return {
        "endpoint": (request.endpoint or "")[:80],
        "path": request.path[:300],
        "client_ip": (request.remote_addr or "")[:45],
    }


@event.listens_for(Session, "before_flush")
def _chain_new_events(session, flush_context, instances):
    pending = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.row_hash is None]
    if not pending:
        return
    pending.sort(key=lambda obj: inspect(obj).insert_order)  # the order they are inserted (and numbered)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    previous = connection.execute(
        select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar()
    previous = previous or GENESIS_HASH
    for audit_event in pending:
        audit_event.previous_hash = previous
        audit_event.row_hash = compute_hash(audit_event)
        previous = audit_event.row_hash


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of walking the audit trail."""

    checked: int
    broken_event_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_event_id is None


def verify_chain() -> ChainCheck:
    """Walk every audit event in order and return the first broken link, if any."""
    expected_previous = GENESIS_HASH
    checked = 0
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000))
    for audit_event in rows:
        if audit_event.previous_hash != expected_previous:
            return ChainCheck(
                checked,
                audit_event.id,
                "its previous-hash does not match the event before it (an event was removed, "
                "added or rewritten before this one)",
            )
        if compute_hash(audit_event) != audit_event.row_hash:
            return ChainCheck(
                checked, audit_event.id, "its contents do not match its hash (the row was changed)"
            )
        expected_previous = audit_event.row_hash
        checked += 1
    return ChainCheck(checked)
