"""Audit events: append-only rows, each chained to the one before by a keyed hash (HMAC-SHA256).

The database refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE on the table (triggers created by the
migrations and by ``create_all``); the keyed chain and the signed checkpoints kept outside the database
(``intake.audit.chain``) show any row changed, removed or re-hashed behind the app's back
(``flask --app wsgi audit-verify``).
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime

from sqlalchemy import DDL, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from intake.database import UTCDateTime, utcnow
from intake.extensions import Model

# Records: what was looked at or changed.
VIEW = "view"
CREATE = "create"
EDIT = "edit"
SIGN = "sign"
AMEND = "amend"
ARCHIVE = "archive"
RESTORE = "restore"
REVOKE = "revoke"
SUBMIT = "submit"
REVIEW = "review"
EXPORT = "export"
ISSUE_LINK = "issue_link"
KIOSK_HANDOVER = "kiosk_handover"
# A form link sent to the patient by email (or, later, text message), and one that could not be sent.
MESSAGE_SENT = "message_sent"
MESSAGE_FAILED = "message_failed"
# Accounts and sessions.
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
SESSION_EXPIRED = "session_expired"
TWO_STEP_ENABLED = "two_step_enabled"
TWO_STEP_DISABLED = "two_step_disabled"
TWO_STEP_RESET = "two_step_reset"
RECOVERY_CODES_CREATED = "recovery_codes_created"
RECOVERY_CODE_USED = "recovery_code_used"
PASSWORD_CHANGED = "password_changed"
PASSWORD_RESET = "password_reset"
ROLE_CHANGE = "role_change"
ACTIVATE = "activate"
DEACTIVATE = "deactivate"
END_SESSIONS = "end_sessions"
SETTING_CHANGE = "setting_change"
# Refusals: a page or an intake link someone was not allowed to open.
ACCESS_DENIED = "access_denied"

ACTION_LABELS = {
    VIEW: "Viewed",
    CREATE: "Created",
    EDIT: "Edited",
    SIGN: "Signed",
    AMEND: "Amended",
    ARCHIVE: "Archived",
    RESTORE: "Restored",
    REVOKE: "Revoked",
    SUBMIT: "Submitted",
    REVIEW: "Marked reviewed",
    EXPORT: "Exported",
    ISSUE_LINK: "Intake link sent",
    KIOSK_HANDOVER: "Tablet handed to the patient",
    MESSAGE_SENT: "Link sent to the patient by message",
    MESSAGE_FAILED: "Link message not sent",
    LOGIN: "Signed in",
    LOGIN_FAILED: "Sign-in refused",
    LOGOUT: "Signed out",
    SESSION_EXPIRED: "Session timed out",
    TWO_STEP_ENABLED: "2-step sign-in turned on",
    TWO_STEP_DISABLED: "2-step sign-in turned off",
    TWO_STEP_RESET: "2-step sign-in reset by an administrator",
    RECOVERY_CODES_CREATED: "New recovery codes made",
    RECOVERY_CODE_USED: "Recovery code used",
    PASSWORD_CHANGED: "Changed own password",
    PASSWORD_RESET: "Password reset by an administrator",
    ROLE_CHANGE: "Role changed",
    ACTIVATE: "Account reactivated",
    DEACTIVATE: "Account deactivated",
    END_SESSIONS: "All sessions ended",
    SETTING_CHANGE: "Clinic setting changed",
    ACCESS_DENIED: "Access refused",
}
ACTIONS = tuple(ACTION_LABELS)

#: The role recorded when the patient acts through an intake link or a clinic tablet (no staff account).
PATIENT_ROLE = (
    "patient"  # the same word as intake.auth.roles.PATIENT_ACTOR (not imported: auth imports audit)
)
#: The name recorded for the patient, by how they reached their intake (see intake.questionnaire.models LINK, KIOSK).
PATIENT_ACTOR_NAMES = {"link": "Patient (intake link)", "kiosk": "Patient (clinic tablet)"}

#: previous_hash of the first event.
GENESIS_HASH = "0" * 64


class AuditEvent(Model):
    """Who did what to which record, from where, when. Never changed once written."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_patient_time", "patient_id", "occurred_at"),
        Index("ix_audit_event_user_time", "user_id", "occurred_at"),
        Index("ix_audit_event_action_time", "action", "occurred_at", "id"),  # one action between dates
        # Covers "who has looked at this chart": the grouping reads the index alone (migration 0010).
        Index(
            "ix_audit_event_chart_viewers",
            "patient_id",
            "action",
            "user_id",
            "user_name",
            "user_role",
            "occurred_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the trail outlives anything
    user_name: Mapped[str] = mapped_column(String(120), default="")
    user_role: Mapped[str] = mapped_column(String(20), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    endpoint: Mapped[str] = mapped_column(String(80), default="")
    path: Mapped[str] = mapped_column(String(300), default="")
    patient_id: Mapped[int | None] = mapped_column(Integer)
    chart_number: Mapped[str] = mapped_column(String(12), default="", index=True)
    record_type: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(300), default="")
    client_ip: Mapped[str] = mapped_column(String(45), default="")
    previous_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action}>"


#: The columns the hash covers, in order (everything but the id and the hash itself).
HASHED_COLUMNS = (
    "occurred_at",
    "user_id",
    "user_name",
    "user_role",
    "action",
    "endpoint",
    "path",
    "patient_id",
    "chart_number",
    "record_type",
    "record_id",
    "detail",
    "client_ip",
    "previous_hash",
)


def canonical_form(audit_event: AuditEvent) -> str:
    """Serialise the hashed columns the same way on every database."""
    values = []
    for name in HASHED_COLUMNS:
        value = getattr(audit_event, name)
        if name == "occurred_at":
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        elif value is None and name not in ("user_id", "patient_id", "record_id"):
            value = ""
        values.append(value)
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def compute_hash(audit_event: AuditEvent, key: bytes) -> str:
    """Return the HMAC-SHA256 (hex) of the event's canonical form, which includes the previous hash."""
    return hmac.new(key, canonical_form(audit_event).encode("utf-8"), hashlib.sha256).hexdigest()


def legacy_hash(audit_event: AuditEvent) -> str:
    """Return the plain SHA-256 (hex) that chained the events written before the audit key existed."""
    return hashlib.sha256(canonical_form(audit_event).encode("utf-8")).hexdigest()


# --- Append-only triggers ---------------------------------------------------------------
# The migration creates the same triggers; these cover databases built with create_all (tests).

SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: rows cannot be changed'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: rows cannot be deleted'); END",
)
POSTGRESQL_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_event is append-only: rows cannot be changed or deleted'; END; $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()",
    # TRUNCATE skips row triggers: refuse it with a statement trigger (the tests' reset disables it as owner).
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()",
)

for _statement in SQLITE_TRIGGERS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_TRIGGERS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
