"""Writing audit events.

``record_event`` adds the event to the current database session, so it is committed (or
rolled back) together with the change it records. Its keyed hash is filled in just before the
flush, under the chain lock, by ``intake.audit.chain`` (imported here so that always happens).
"""

import re

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

#: A patient's intake link puts its token in the path (``/i/<token>/contact``); the trail and the
#: access log (gunicorn.conf.py) keep ``/i/…/contact`` instead, so no copy of them opens anyone's
#: questionnaire. Anywhere in the text: a request line, a referrer or a redirect holds the path too.
INTAKE_TOKEN_IN_PATH = re.compile(r"(/i/)[^/?#\s\"'<>]+")
TOKEN_REPLACEMENT = "…"
#: How the grant a patient acted through is named after the actor (``Patient (intake link) · grant 12``).
GRANT_SUFFIX = " · grant "
GRANT_IN_ACTOR_NAME = re.compile(re.escape(GRANT_SUFFIX) + r"(\d+)$")


def without_intake_tokens(text: str) -> str:
    """Return a path, URL or log line with every intake link's token replaced (``/i/…/contact``)."""
    return INTAKE_TOKEN_IN_PATH.sub(r"\g<1>" + TOKEN_REPLACEMENT, text or "")


def patient_actor_name(by_patient: str, grant_id: int | None = None) -> str:
    """Return the actor name of the patient acting through a link or tablet (and which grant)."""
    name = PATIENT_ACTOR_NAMES[by_patient]
    return name if grant_id is None else f"{name}{GRANT_SUFFIX}{int(grant_id)}"


def grant_of_actor(user_name: str) -> int | None:
    """Return the grant id a patient's audit row names (None for staff rows and rows from before grants)."""
    match = GRANT_IN_ACTOR_NAME.search(user_name or "")
    return int(match.group(1)) if match else None


def record_event(
    action,
    *,
    patient=None,
    record_type=None,
    record_id=None,
    user=None,
    detail="",
    by_patient=None,
    grant_id=None,
):
    """Add an audit event for ``action`` to the current session (committed with the caller's change).

    The actor is ``user``, else the signed-in staff member; or, with ``by_patient="link"`` or
    ``"kiosk"``, the patient filling their intake (no staff account: user None, role "patient"),
    named with the ``grant_id`` of the link or tablet grant they used.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if by_patient is not None:
        if user is not None:
            raise ValueError("an event is done by a staff member or by the patient, not both")
        if by_patient not in PATIENT_ACTOR_NAMES:
            raise ValueError(f"unknown way for a patient to act: {by_patient!r}")
        # Never the browser's staff session: a staff member who opens a patient's link is not the patient.
        actor = {
            "user_id": None,
            "user_name": patient_actor_name(by_patient, grant_id)[:120],
            "user_role": PATIENT_ROLE,
        }
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
        "path": without_intake_tokens(request.path)[:300],
        "client_ip": (request.remote_addr or "")[:45],
    }
