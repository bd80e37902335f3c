"""red flag decisions and the intake review comment

Revision ID: 0012_red_flag_decisions
Revises: 0011_patient_name_search
Create Date: 2026-12-02 03:20:00.000000

- red_flag_decision: a practitioner's decision on one red flag of one intake (referred to whom and when, cleared
  to treat, or not applicable, with the reason), only ever added to; the latest per flag counts.
- patient_intake.review_comment: what the reviewer noted when marking an intake reviewed (optional).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_red_flag_decisions'
down_revision = '0011_patient_name_search'
branch_labels = None
depends_on = None


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


def downgrade():
    with op.batch_alter_table('patient_intake', schema=None) as batch_op:
        batch_op.drop_column('review_comment')

    with op.batch_alter_table('red_flag_decision', schema=None) as batch_op:
        batch_op.drop_index('ix_red_flag_decision_intake_flag')

    op.drop_table('red_flag_decision')
