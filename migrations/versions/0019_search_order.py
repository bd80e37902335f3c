"""search order: a phone search counts its matches from an index alone

Revision ID: 0019_search_order
Revises: 0018_check_ins
Create Date: 2026-12-02 14:00:00.000000

At 20,000 patients the first six digits of a phone number match a third of the clinic (the area code and a
common exchange). Counting them read every matching patient's row to skip the archived ones (6 ms); with
is_archived beside phone_digits in ix_patient_phone_digits the count reads the index alone (0.5 ms), and the page
itself is read in list order (ix_patient_list_order), sifting by phone. The index still serves the duplicate
check's lookup of one phone number.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019_search_order'
down_revision = '0018_check_ins'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_patient_phone_digits', table_name='patient')
    op.create_index('ix_patient_phone_digits', 'patient', ['phone_digits', 'is_archived'])


def downgrade():
    op.drop_index('ix_patient_phone_digits', table_name='patient')
    op.create_index('ix_patient_phone_digits', 'patient', ['phone_digits'])
