"""pain score region index: each region's scores of a patient in time order, for its first and latest score

Revision ID: 0021_pain_score_region_latest
Revises: 0020_audit_action_time
Create Date: 2026-12-02 18:00:00.000000

The chart's body map shows each region's latest score before treatment and the pain history compares each
region's first score ever; read by time alone, a patient's fifteen years of scores (6,000 rows) were walked and
grouped by region to find a dozen scores. With the region after the patient, then the time, the context and the
score, each region's first and latest score is one seek at either end of its own range.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021_pain_score_region_latest'
down_revision = '0020_audit_action_time'
branch_labels = None
depends_on = None

REGION_COLUMNS = ['patient_id', 'region_code', 'recorded_at', 'context', 'score']


def upgrade():
    op.create_index('ix_pain_score_patient_region', 'pain_score', REGION_COLUMNS, unique=False)


def downgrade():
    op.drop_index('ix_pain_score_patient_region', table_name='pain_score')
