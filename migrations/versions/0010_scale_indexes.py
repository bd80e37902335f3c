"""scale indexes: composite indexes for the lookups the pages make, and a lower-cased surname to search by prefix

Revision ID: 0010_scale_indexes
Revises: 0009_audit_hardening
Create Date: 2026-12-02 01:50:00.000000

- visit (practitioner_id, visit_at): Today's visits of a practitioner; (patient_id, visit_at): a patient's visits
  in time order.
- patient (is_archived, last_name, first_name, id): the patient list reads a page in order from the index.
- patient.last_name_key: the surname lower-cased (the app keeps it, intake.patients.operations.apply_demographics),
  indexed for prefix search (text_pattern_ops on PostgreSQL so LIKE 'prefix%' uses it in any locale). Existing
  rows are filled here with the same lower-casing (Python's str.lower, as the app does).
- audit_event (patient_id, action, user_id, user_name, user_role, occurred_at): covers the chart's "who has looked
  at this chart" grouping, so it reads the index alone. The audit table's triggers refuse UPDATE, not ALTER or
  CREATE INDEX, so nothing about them changes.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010_scale_indexes'
down_revision = '0009_audit_hardening'
branch_labels = None
depends_on = None

BACKFILL_BATCH = 1000


def upgrade():
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_name_key', sa.String(length=80), server_default='', nullable=False))
    _fill_last_name_key()
    op.create_index('ix_patient_list_order', 'patient', ['is_archived', 'last_name', 'first_name', 'id'])
    op.create_index(
        'ix_patient_last_name_key', 'patient', ['last_name_key'],
        postgresql_ops={'last_name_key': 'text_pattern_ops'},
    )
    op.create_index('ix_visit_practitioner_time', 'visit', ['practitioner_id', 'visit_at'])
    op.create_index('ix_visit_patient_time', 'visit', ['patient_id', 'visit_at'])
    op.create_index(
        'ix_audit_event_chart_viewers', 'audit_event',
        ['patient_id', 'action', 'user_id', 'user_name', 'user_role', 'occurred_at'],
    )


def _fill_last_name_key():
    connection = op.get_bind()
    patient = sa.table('patient', sa.column('id', sa.Integer), sa.column('last_name', sa.String),
                       sa.column('last_name_key', sa.String))
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(patient.c.id, patient.c.last_name)
            .where(patient.c.id > last_id).order_by(patient.c.id).limit(BACKFILL_BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            patient.update().where(patient.c.id == sa.bindparam('patient_id')),
            [{'patient_id': row.id, 'last_name_key': (row.last_name or '').strip().lower()} for row in rows],
        )
        last_id = rows[-1].id


def downgrade():
    op.drop_index('ix_audit_event_chart_viewers', table_name='audit_event')
    op.drop_index('ix_visit_patient_time', table_name='visit')
    op.drop_index('ix_visit_practitioner_time', table_name='visit')
    op.drop_index('ix_patient_last_name_key', table_name='patient')
    op.drop_index('ix_patient_list_order', table_name='patient')
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_column('last_name_key')
