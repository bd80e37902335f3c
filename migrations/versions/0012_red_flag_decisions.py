"""red flag decisions and the intake review comment

Revision ID: 0012_red_flag_decisions
Revises: 0011_patient_name_search
Create Date: 2026-12-02 03:20:00.000000

- red_flag_decision: a practitioner's decision on one red flag of one intake (referred to whom and when, cleared
  to treat, or not applicable, with the reason), only ever added to; the latest per flag counts.
- patient_intake.review_comment: what the reviewer noted when marking an intake reviewed (optional).
- patient_intake.red_flag_count: how many red flags a submitted intake raised (set on submission; counted here for
  the intakes already submitted, with the rules of intake/questionnaire/alerts.py as they stand), indexed, so the
  intakes with red flags still to decide are found in SQL.
"""
from datetime import date, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_red_flag_decisions'
down_revision = '0011_patient_name_search'
branch_labels = None
depends_on = None

#: The red-flag questions (intake.questionnaire.steps.RED_FLAG_KEYS) and the age rule, as of this revision.
RED_FLAG_KEYS = (
    'bladder_bowel', 'saddle_numbness', 'leg_weakness', 'fever', 'weight_loss', 'cancer_history', 'trauma',
    'night_pain', 'steroids',
)
NEW_ONSETS = {'under_6_weeks', '6_to_12_weeks'}
YOUNGEST_WITHOUT_FLAG = 20
OLDEST_WITHOUT_FLAG = 50


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _red_flag_count(answers: dict, born: date | None, day: date) -> int:
    flags = answers.get('red_flags') or {}
    count = sum(1 for key in RED_FLAG_KEYS if flags.get(key))
    started = (answers.get('complaint') or {}).get('started')
    if born is not None and started in NEW_ONSETS:
        age = _age_on(born, day)
        count += age < YOUNGEST_WITHOUT_FLAG or age > OLDEST_WITHOUT_FLAG
    return count


def _count_submitted_red_flags() -> None:
    intake = sa.table(
        'patient_intake',
        sa.column('id', sa.Integer()),
        sa.column('patient_id', sa.Integer()),
        sa.column('status', sa.String()),
        sa.column('answers', sa.JSON()),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('submitted_at', sa.DateTime(timezone=True)),
        sa.column('red_flag_count', sa.Integer()),
    )
    patient = sa.table('patient', sa.column('id', sa.Integer()), sa.column('date_of_birth', sa.Date()))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(intake.c.id, intake.c.answers, intake.c.created_at, intake.c.submitted_at, patient.c.date_of_birth)
        .join(patient, patient.c.id == intake.c.patient_id)
        .where(intake.c.status == 'submitted')
    ).all()
    for row in rows:
        moment = row.submitted_at or row.created_at
        day = moment.date() if isinstance(moment, datetime) else date.fromisoformat(str(moment)[:10])
        count = _red_flag_count(row.answers or {}, row.date_of_birth, day)
        if count:
            connection.execute(intake.update().where(intake.c.id == row.id).values(red_flag_count=count))


def upgrade():
    op.create_table('red_flag_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('intake_id', sa.Integer(), nullable=False),
    sa.Column('flag_code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('referred_to', sa.String(length=160), nullable=True),
    sa.Column('referred_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_name', sa.String(length=200), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('referred', 'cleared', 'not_applicable')", name=op.f('ck_red_flag_decision_kind_known')),
    sa.CheckConstraint("kind <> 'referred' OR (referred_to IS NOT NULL AND referred_on IS NOT NULL)", name=op.f('ck_red_flag_decision_referral_complete')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_red_flag_decision_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['intake_id'], ['patient_intake.id'], name=op.f('fk_red_flag_decision_intake_id_patient_intake')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_red_flag_decision'))
    )
    with op.batch_alter_table('red_flag_decision', schema=None) as batch_op:
        batch_op.create_index('ix_red_flag_decision_intake_flag', ['intake_id', 'flag_code', 'id'], unique=False)

    with op.batch_alter_table('patient_intake', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('red_flag_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_patient_intake_red_flag_count'), ['red_flag_count'], unique=False)
    _count_submitted_red_flags()


def downgrade():
    with op.batch_alter_table('patient_intake', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_intake_red_flag_count'))
        batch_op.drop_column('red_flag_count')
        batch_op.drop_column('review_comment')

    with op.batch_alter_table('red_flag_decision', schema=None) as batch_op:
        batch_op.drop_index('ix_red_flag_decision_intake_flag')

    op.drop_table('red_flag_decision')
