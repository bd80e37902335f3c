"""Writing audit events.

``record_event`` adds the event to the current database session, so it is committed (or
rolled back) together with the change it records. Its keyed hash is filled in just before the
flush, under the chain lock, by ``intake.audit.chain`` (imported here so that always happens).
"""

from flask import has_request_context, request
from flask_login import current_user

from intake.audit.chain import ChainCheck, verify_chain  # noqa: F401  (the chain's flush hook; re-exported)
from intake.audit.models import (
    ACTIONS,
    PATIENT_ACTOR_NAMES,
    PATIENT_ROLE,
    AuditEvent,
)
from intake.database import utcnow
from intake.extensions import db


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
