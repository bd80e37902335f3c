"""pain history index: a patient's scores in time order with everything the pain pages read, in the index itself

Revision ID: 0014_pain_history_index
Revises: 0013_chart_merge
Create Date: 2026-12-02 03:20:00.000000

The pain history, table, CSV and the chart's pain summary read one patient's scores by time; fifteen years of a
clinic interleave each patient's rows with everyone else's across the table, so every score read was a page
read of its own. The index now holds the columns those pages read (context, region, score, visit, intake) after
(patient_id, recorded_at), so one patient's scores are read from neighbouring index pages. It replaces
ix_pain_score_patient_recorded, whose columns it starts with.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_pain_history_index'
down_revision = '0013_chart_merge'
branch_labels = None
depends_on = None

HISTORY_COLUMNS = ['patient_id', 'recorded_at', 'context', 'region_code', 'score', 'visit_id', 'intake_id']


def upgrade():
    op.create_index('ix_pain_score_patient_history', 'pain_score', HISTORY_COLUMNS, unique=False)
    op.drop_index('ix_pain_score_patient_recorded', table_name='pain_score')


def downgrade():
    op.create_index('ix_pain_score_patient_recorded', 'pain_score', ['patient_id', 'recorded_at'], unique=False)
    op.drop_index('ix_pain_score_patient_history', table_name='pain_score')
