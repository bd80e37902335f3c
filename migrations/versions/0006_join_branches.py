"""join the intake, visits and security branches

Revision ID: 0006_join_branches
Revises: 0002_intake, 0003_visits, 0005_security
Create Date: 2026-11-25 16:11:17.349423

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_join_branches'
down_revision = ('0002_intake', '0003_visits', '0005_security')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
