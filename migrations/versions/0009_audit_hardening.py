"""audit hardening: the audit table refuses TRUNCATE on PostgreSQL

Revision ID: 0009_audit_hardening
Revises: 0008_encrypted_totp
Create Date: 2026-12-02 01:30:00.000000

The keyed hash chain and the signed checkpoints need no schema change: rows chained with plain
SHA-256 before this release stay as they are and still verify (intake.audit.chain). SQLite has no
TRUNCATE (DELETE without WHERE is refused by the existing trigger).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_audit_hardening'
down_revision = '0008_encrypted_totp'
branch_labels = None
depends_on = None


# The same statement as intake.audit.models.POSTGRESQL_TRIGGERS (the function comes from 0005_security).
NO_TRUNCATE = (
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()"
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NO_TRUNCATE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
