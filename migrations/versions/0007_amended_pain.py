"""amendments keep the pain scores they replaced

Revision ID: 0007_amended_pain
Revises: 0006_join_branches
Create Date: 2026-11-26 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_amended_pain'
down_revision = '0006_join_branches'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit_amendment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pain_replaced', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('visit_amendment', schema=None) as batch_op:
        batch_op.drop_column('pain_replaced')
