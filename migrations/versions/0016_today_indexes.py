"""today indexes: Today's lists start from the intakes and links they show

Revision ID: 0016_today_indexes
Revises: 0015_episodes
Create Date: 2026-12-02 04:00:00.000000

At 20,000 patients Today walked every patient's intakes for each of its lists (1.5 s). Indexes by status with
the red-flag count, the review and the submission time, and the open links and tablets by kind, revoke and
expiry, let each list read only its own rows. ix_patient_intake_status_flags replaces the red-flag count's
index of its own (status comes first in every question asked of it).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016_today_indexes'
down_revision = '0015_episodes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_patient_intake_status_flags', 'patient_intake', ['status', 'red_flag_count'])
    op.create_index(
        'ix_patient_intake_status_review', 'patient_intake', ['status', 'reviewed_at', 'submitted_at']
    )
    op.create_index('ix_patient_intake_status_submitted', 'patient_intake', ['status', 'submitted_at'])
    op.drop_index('ix_patient_intake_red_flag_count', table_name='patient_intake')
    op.create_index('ix_intake_access_open', 'intake_access', ['kind', 'revoked_at', 'expires_at'])


def downgrade():
    op.drop_index('ix_intake_access_open', table_name='intake_access')
    op.create_index('ix_patient_intake_red_flag_count', 'patient_intake', ['red_flag_count'])
    op.drop_index('ix_patient_intake_status_submitted', table_name='patient_intake')
    op.drop_index('ix_patient_intake_status_review', table_name='patient_intake')
    op.drop_index('ix_patient_intake_status_flags', table_name='patient_intake')
