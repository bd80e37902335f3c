"""visit notes: SOAP, needling, massage, reactions, safety overrides, signature, amendments, point protocols

Revision ID: 0003_visits
Revises: 0001_foundation
Create Date: 2026-11-25 15:45:01.003352

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_visits'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('point_protocol',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('is_archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['practitioner_id'], ['user_account.id'], name=op.f('fk_point_protocol_practitioner_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_protocol'))
    )
    with op.batch_alter_table('point_protocol', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_point_protocol_practitioner_id'), ['practitioner_id'], unique=False)

    op.create_table('point_protocol_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protocol_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('technique', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['protocol_id'], ['point_protocol.id'], name=op.f('fk_point_protocol_point_protocol_id_point_protocol')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_protocol_point'))
    )
    with op.batch_alter_table('point_protocol_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_point_protocol_point_protocol_id'), ['protocol_id'], unique=False)

    op.create_table('visit_amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('amended_by_id', sa.Integer(), nullable=False),
    sa.Column('amended_by_name', sa.String(length=200), nullable=False),
    sa.Column('amended_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('note_after', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['amended_by_id'], ['user_account.id'], name=op.f('fk_visit_amendment_amended_by_id_user_account')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_amendment_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_amendment'))
    )
    with op.batch_alter_table('visit_amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_amendment_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_electro_pair',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('first_point', sa.String(length=12), nullable=False),
    sa.Column('second_point', sa.String(length=12), nullable=False),
    sa.Column('frequency_hz', sa.Integer(), nullable=False),
    sa.Column('intensity', sa.String(length=10), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.CheckConstraint('frequency_hz BETWEEN 1 AND 200', name=op.f('ck_visit_electro_pair_frequency')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_electro_pair_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_electro_pair'))
    )
    with op.batch_alter_table('visit_electro_pair', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_electro_pair_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('technique', sa.String(length=10), nullable=False),
    sa.Column('de_qi', sa.Boolean(), nullable=False),
    sa.Column('depth_cun', sa.Numeric(precision=3, scale=1, asdecimal=False), nullable=True),
    sa.CheckConstraint("side IN ('left', 'right', 'bilateral', 'midline')", name=op.f('ck_visit_point_side_known')),
    sa.CheckConstraint("technique IN ('tonify', 'reduce', 'even')", name=op.f('ck_visit_point_technique_known')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_point_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_point'))
    )
    with op.batch_alter_table('visit_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_point_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_point_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_safety_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('caution', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_visit_safety_override_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_safety_override_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_safety_override')),
    sa.UniqueConstraint('visit_id', 'caution', name='uq_visit_safety_override_caution')
    )
    with op.batch_alter_table('visit_safety_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_safety_override_visit_id'), ['visit_id'], unique=False)

    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('duration_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='acupuncture', nullable=False))
        batch_op.add_column(sa.Column('progress', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('flare_ups', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('flare_up_worst', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sleep', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('activity', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('patient_report', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('observations', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('tender_points', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('lumbar_flexion_degrees', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lumbar_extension_degrees', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fingertip_to_floor_cm', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('slr_left_degrees', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('slr_right_degrees', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tongue', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('pulse', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('tcm_pattern', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('progress_against_plan', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('next_visit', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('frequency', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('home_care', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('protocol_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('needle_gauge', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('needle_length', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('retention_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('needles_inserted', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('needles_removed', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('needle_count_incident', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('moxibustion_kind', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('moxibustion_points', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('cupping_style', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('cupping_sites', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('cupping_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('gua_sha', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('gua_sha_areas', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('heat_lamp', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('massage_techniques', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('massage_areas', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('massage_pressure', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('massage_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('massage_tolerance', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('massage_response', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('massage_areas_to_avoid', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reactions', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('reaction_other', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reaction_action', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('signed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signed_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_index('ix_visit_practitioner_signed', ['practitioner_id', 'signed_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_visit_signed_by_id_user_account'), 'user_account', ['signed_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_visit_updated_by_id_user_account'), 'user_account', ['updated_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_visit_protocol_id_point_protocol'), 'point_protocol', ['protocol_id'], ['id'])
        batch_op.create_check_constraint(
            op.f('ck_visit_retention'), 'retention_minutes IS NULL OR retention_minutes BETWEEN 0 AND 120'
        )
        batch_op.create_check_constraint(
            op.f('ck_visit_inserted_count'), 'needles_inserted IS NULL OR needles_inserted >= 0'
        )
        batch_op.create_check_constraint(op.f('ck_visit_removed_count'), 'needles_removed IS NULL OR needles_removed >= 0')

    # Visits recorded before notes existed happened when they were created.
    op.execute('UPDATE visit SET visit_at = created_at WHERE visit_at IS NULL')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.alter_column('visit_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_visit_removed_count'), type_='check')
        batch_op.drop_constraint(op.f('ck_visit_inserted_count'), type_='check')
        batch_op.drop_constraint(op.f('ck_visit_retention'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_visit_protocol_id_point_protocol'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_visit_updated_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_visit_signed_by_id_user_account'), type_='foreignkey')
        batch_op.drop_index('ix_visit_practitioner_signed')
        for column in ADDED_VISIT_COLUMNS:
            batch_op.drop_column(column)

    for table in ('visit_safety_override', 'visit_point', 'visit_electro_pair', 'visit_amendment',
                  'point_protocol_point', 'point_protocol'):
        op.drop_table(table)


ADDED_VISIT_COLUMNS = (
    'visit_at',
    'duration_minutes',
    'kind',
    'progress',
    'flare_ups',
    'flare_up_worst',
    'sleep',
    'activity',
    'patient_report',
    'observations',
    'tender_points',
    'lumbar_flexion_degrees',
    'lumbar_extension_degrees',
    'fingertip_to_floor_cm',
    'slr_left_degrees',
    'slr_right_degrees',
    'tongue',
    'pulse',
    'tcm_pattern',
    'progress_against_plan',
    'next_visit',
    'frequency',
    'home_care',
    'protocol_id',
    'needle_gauge',
    'needle_length',
    'retention_minutes',
    'needles_inserted',
    'needles_removed',
    'needle_count_incident',
    'moxibustion_kind',
    'moxibustion_points',
    'cupping_style',
    'cupping_sites',
    'cupping_minutes',
    'gua_sha',
    'gua_sha_areas',
    'heat_lamp',
    'massage_techniques',
    'massage_areas',
    'massage_pressure',
    'massage_minutes',
    'massage_tolerance',
    'massage_response',
    'massage_areas_to_avoid',
    'reactions',
    'reaction_other',
    'reaction_action',
    'version',
    'updated_at',
    'updated_by_id',
    'signed_at',
    'signed_by_id',
    'signed_name',
)
