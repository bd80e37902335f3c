"""chart merge: the chart a duplicate was merged into, and the email index the duplicate check looks up

Revision ID: 0013_chart_merge
Revises: 0012_red_flag_decisions
Create Date: 2026-12-02 03:40:00.000000

- patient.merged_into_id: the chart a duplicate of the same person was merged into (set by the administrator's
  merge, which also archives the duplicate), indexed so the kept chart finds the charts merged into it. Added with
  ALTER TABLE ... ADD COLUMN (on SQLite with its REFERENCES clause: a NULL column may carry one), so the patient
  table is not rebuilt and its name-search triggers stay as they are.
- ix_patient_email: a new chart's email is looked up among the existing ones (the duplicate check).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_chart_merge'
down_revision = '0012_red_flag_decisions'
branch_labels = None
depends_on = None

FOREIGN_KEY = 'fk_patient_merged_into_id_patient'


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # Alembic would add the constraint by rebuilding the table; SQLite takes it as part of the new column.
        op.execute(
            f'ALTER TABLE patient ADD COLUMN merged_into_id INTEGER CONSTRAINT {FOREIGN_KEY} REFERENCES patient (id)'
        )
    else:
        op.add_column('patient', sa.Column('merged_into_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FOREIGN_KEY, 'patient', 'patient', ['merged_into_id'], ['id'])
    op.create_index('ix_patient_merged_into_id', 'patient', ['merged_into_id'])
    op.create_index('ix_patient_email', 'patient', ['email'])


def downgrade():
    op.drop_index('ix_patient_email', table_name='patient')
    op.drop_index('ix_patient_merged_into_id', table_name='patient')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops a column only when no constraint names it; the name search's triggers do not.
        op.execute('ALTER TABLE patient DROP COLUMN merged_into_id')
    else:
        op.drop_constraint(FOREIGN_KEY, 'patient', type_='foreignkey')
        op.drop_column('patient', 'merged_into_id')
