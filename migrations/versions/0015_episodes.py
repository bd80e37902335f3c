"""episodes of care: a patient's treatment for one complaint, opened by an intake or a practitioner, closed with a reason

Revision ID: 0015_episodes
Revises: 0014_pain_history_index
Create Date: 2026-12-02 03:40:00.000000

Visits belong to the patient's episode open at their time (computed, not stored); an episode with no visit for
the clinic's inactivity period reads "inactive" (computed too). Intakes submitted from now on open episodes; for
those submitted before, each patient's first submitted intake for a complaint area opens one, at its submission.
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


#: The body regions in body order and the complaint area of each, as they stood at this revision.
REGION_AREAS = (('head', 'head_jaw'), ('jaw', 'head_jaw'), ('neck_front', 'neck'), ('shoulder_l', 'shoulder_arm'), ('shoulder_r', 'shoulder_arm'), ('upper_arm_l', 'shoulder_arm'), ('upper_arm_r', 'shoulder_arm'), ('elbow_l', 'shoulder_arm'), ('elbow_r', 'shoulder_arm'), ('forearm_l', 'shoulder_arm'), ('forearm_r', 'shoulder_arm'), ('wrist_hand_l', 'shoulder_arm'), ('wrist_hand_r', 'shoulder_arm'), ('chest', 'chest_abdomen'), ('abdomen', 'chest_abdomen'), ('hip_l', 'hip'), ('hip_r', 'hip'), ('groin', 'hip'), ('thigh_front_l', 'knee_leg'), ('thigh_front_r', 'knee_leg'), ('knee_front_l', 'knee_leg'), ('knee_front_r', 'knee_leg'), ('shin_l', 'knee_leg'), ('shin_r', 'knee_leg'), ('ankle_foot_l', 'knee_leg'), ('ankle_foot_r', 'knee_leg'), ('neck_back', 'neck'), ('upper_back_l', 'upper_back'), ('upper_back_r', 'upper_back'), ('mid_back_l', 'upper_back'), ('mid_back_r', 'upper_back'), ('lower_back_l', 'lower_back'), ('lower_back_r', 'lower_back'), ('lower_back_c', 'lower_back'), ('sacroiliac_l', 'lower_back'), ('sacroiliac_r', 'lower_back'), ('buttock_l', 'buttock_leg'), ('buttock_r', 'buttock_leg'), ('thigh_back_l', 'buttock_leg'), ('thigh_back_r', 'buttock_leg'), ('knee_back_l', 'knee_leg'), ('knee_back_r', 'knee_leg'), ('calf_l', 'buttock_leg'), ('calf_r', 'buttock_leg'))


def _complaint_of(answers):
    """The area of the most painful region of an intake's pain step (the first in body order on a tie)."""
    scores = ((answers or {}).get('pain') or {}).get('regions') or {}
    best = None
    for position, (code, area) in enumerate(REGION_AREAS):
        try:
            score = int(scores.get(code) or 0)
        except (TypeError, ValueError):
            continue
        if score > 0 and (best is None or score > best[0]):
            best = (score, position, area)
    return best[2] if best else None


def _open_episodes_for_submitted_intakes():
    intake = sa.table(
        'patient_intake',
        sa.column('id', sa.Integer()),
        sa.column('patient_id', sa.Integer()),
        sa.column('status', sa.String()),
        sa.column('answers', sa.JSON()),
        sa.column('submitted_at', sa.DateTime(timezone=True)),
    )
    episode = sa.table(
        'care_episode',
        sa.column('patient_id', sa.Integer()),
        sa.column('complaint_area', sa.String()),
        sa.column('started_at', sa.DateTime(timezone=True)),
        sa.column('intake_id', sa.Integer()),
        sa.column('created_at', sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(intake.c.id, intake.c.patient_id, intake.c.answers, intake.c.submitted_at)
        .where(intake.c.status == 'submitted', intake.c.submitted_at.is_not(None))
        .order_by(intake.c.patient_id, intake.c.submitted_at, intake.c.id)
    ).all()
    opened = set()
    for row in rows:
        area = _complaint_of(row.answers)
        if area is None or (row.patient_id, area) in opened:
            continue
        opened.add((row.patient_id, area))
        connection.execute(
            episode.insert().values(
                patient_id=row.patient_id, complaint_area=area, started_at=row.submitted_at, intake_id=row.id,
                created_at=row.submitted_at,
            )
        )


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
    _open_episodes_for_submitted_intakes()


def downgrade():
    op.drop_table('care_episode')
