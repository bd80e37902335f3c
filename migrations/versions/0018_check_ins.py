"""check-ins: a return-visit check-in is a questionnaire row of its own kind, with its PEG score

Revision ID: 0018_check_ins
Revises: 0017_link_messages
Create Date: 2026-12-02 05:45:00.000000

patient_intake gains form_kind ('intake' or 'check_in'; every existing row is an intake, through the server
default) and peg_score (the mean of the three PEG items, 0-10), with an index for a patient's latest submitted
form of a kind. pain_score gains the context 'patient_check_in' (scored by the patient at a check-in).
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0018_check_ins'
down_revision = '0017_link_messages'
branch_labels = None
depends_on = None

CONTEXTS_BEFORE = "'intake', 'before_treatment', 'after_treatment', 'check_in'"
CONTEXTS_AFTER = CONTEXTS_BEFORE + ", 'patient_check_in'"


def upgrade():
    with op.batch_alter_table('patient_intake', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_kind', sa.String(length=20), server_default='intake', nullable=False))
        batch_op.add_column(sa.Column('peg_score', sa.Float(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_patient_intake_form_kind_known'), "form_kind IN ('intake', 'check_in')")
        batch_op.create_check_constraint(op.f('ck_patient_intake_peg_score_range'), 'peg_score IS NULL OR peg_score BETWEEN 0 AND 10')
        batch_op.create_index(
            'ix_patient_intake_patient_kind', ['patient_id', 'form_kind', 'status', 'submitted_at'], unique=False
        )
    with op.batch_alter_table('pain_score', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pain_score_context_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_pain_score_context_known'), f'context IN ({CONTEXTS_AFTER})')


def downgrade():
    op.execute("DELETE FROM pain_score WHERE context = 'patient_check_in'")
    with op.batch_alter_table('pain_score', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pain_score_context_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_pain_score_context_known'), f'context IN ({CONTEXTS_BEFORE})')
    with op.batch_alter_table('patient_intake', schema=None) as batch_op:
        batch_op.drop_index('ix_patient_intake_patient_kind')
        batch_op.drop_constraint(op.f('ck_patient_intake_peg_score_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_patient_intake_form_kind_known'), type_='check')
        batch_op.drop_column('peg_score')
        batch_op.drop_column('form_kind')
