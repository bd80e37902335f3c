"""episodes of care: a patient's treatment for one complaint, opened by an intake or a practitioner, closed with a reason

Revision ID: 0015_episodes
Revises: 0014_pain_history_index
Create Date: 2026-12-02 03:40:00.000000

Visits belong to the patient's episode open at their time (computed, not stored); an episode with no visit for
the clinic's inactivity period reads "inactive" (computed too). Intakes submitted from now on open episodes.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_episodes'
down_revision = '0014_pain_history_index'
branch_labels = None
depends_on = None

AREAS = ('lower_back', 'buttock_leg', 'hip', 'upper_back', 'neck', 'head_jaw', 'shoulder_arm', 'knee_leg', 'chest_abdomen')
REASONS = ('discharged', 'stopped', 'referred')


def _one_of(column, values):
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    op.create_table('care_episode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('complaint_area', sa.String(length=30), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('intake_id', sa.Integer(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_reason', sa.String(length=20), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('close_note', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint(_one_of('complaint_area', AREAS), name=op.f('ck_care_episode_complaint_known')),
    sa.CheckConstraint(f"closed_reason IS NULL OR {_one_of('closed_reason', REASONS)}", name=op.f('ck_care_episode_reason_known')),
    sa.CheckConstraint('(closed_at IS NULL) = (closed_reason IS NULL)', name=op.f('ck_care_episode_closed_with_reason')),
    sa.CheckConstraint('closed_at IS NULL OR closed_at > started_at', name=op.f('ck_care_episode_closed_after_start')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_care_episode_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['intake_id'], ['patient_intake.id'], name=op.f('fk_care_episode_intake_id_patient_intake')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_care_episode_patient_id_patient')),
    sa.ForeignKeyConstraint(['started_by_id'], ['user_account.id'], name=op.f('fk_care_episode_started_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_episode'))
    )
    with op.batch_alter_table('care_episode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_episode_intake_id'), ['intake_id'], unique=False)
        batch_op.create_index('ix_care_episode_patient_start', ['patient_id', 'started_at'], unique=False)
        batch_op.create_index('ix_care_episode_start', ['started_at'], unique=False)


def downgrade():
    op.drop_table('care_episode')
