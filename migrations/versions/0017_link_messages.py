"""link messages: every form link emailed to a patient (sent or not), and the next visit planned on the chart

Revision ID: 0017_link_messages
Revises: 0016_today_indexes
Create Date: 2026-12-02 05:35:20.584423

A message row holds the address, the channel, which intake and grant it carried (never the token) and, for a
check-in reminder, the visit date it was sent for, so a second reminder run finds it and sends nothing more.
A planned visit is one clinic day per row; a later plan or a cancellation closes the earlier one.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017_link_messages'
down_revision = '0016_today_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('planned_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('visit_on', sa.Date(), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(cancelled_at IS NULL) = (cancelled_by_id IS NULL)', name=op.f('ck_planned_visit_cancelled_by_someone')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['user_account.id'], name=op.f('fk_planned_visit_cancelled_by_id_user_account')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_planned_visit_patient_id_patient')),
    sa.ForeignKeyConstraint(['set_by_id'], ['user_account.id'], name=op.f('fk_planned_visit_set_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_visit'))
    )
    with op.batch_alter_table('planned_visit', schema=None) as batch_op:
        batch_op.create_index('ix_planned_visit_day', ['visit_on', 'cancelled_at'], unique=False)
        batch_op.create_index('ix_planned_visit_patient', ['patient_id', 'set_at'], unique=False)

    op.create_table('link_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('intake_id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('error', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("channel IN ('email', 'sms')", name=op.f('ck_link_message_channel_known')),
    sa.CheckConstraint("outcome IN ('sent', 'failed')", name=op.f('ck_link_message_outcome_known')),
    sa.CheckConstraint("purpose IN ('intake_link', 'check_in_link')", name=op.f('ck_link_message_purpose_known')),
    sa.ForeignKeyConstraint(['grant_id'], ['intake_access.id'], name=op.f('fk_link_message_grant_id_intake_access')),
    sa.ForeignKeyConstraint(['intake_id'], ['patient_intake.id'], name=op.f('fk_link_message_intake_id_patient_intake')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_link_message_patient_id_patient')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['user_account.id'], name=op.f('fk_link_message_sent_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_message'))
    )
    with op.batch_alter_table('link_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_message_intake_id'), ['intake_id'], unique=False)
        batch_op.create_index('ix_link_message_patient_sent', ['patient_id', 'sent_at'], unique=False)
        batch_op.create_index('ix_link_message_visit_date', ['visit_date', 'purpose', 'outcome'], unique=False)



def downgrade():
    with op.batch_alter_table('link_message', schema=None) as batch_op:
        batch_op.drop_index('ix_link_message_visit_date')
        batch_op.drop_index('ix_link_message_patient_sent')
        batch_op.drop_index(batch_op.f('ix_link_message_intake_id'))

    op.drop_table('link_message')
    with op.batch_alter_table('planned_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_planned_visit_patient')
        batch_op.drop_index('ix_planned_visit_day')

    op.drop_table('planned_visit')
