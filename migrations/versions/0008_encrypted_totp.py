"""2-step sign-in secrets encrypted at rest with a key kept outside the database

Revision ID: 0008_encrypted_totp
Revises: 0007_amended_pain
Create Date: 2026-12-02 01:20:00.000000

The clear ``totp_secret`` column becomes ``totp_secret_encrypted`` (Fernet). The key is the one the app
uses, TOTP_ENCRYPTION_KEY from the environment or instance/totp_encryption_key, so run ``flask db upgrade``
with the same environment and instance folder as the app. The downgrade decrypts with the same key.
"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from intake.instance_keys import decrypt_text, encrypt_text

# revision identifiers, used by Alembic.
revision = '0008_encrypted_totp'
down_revision = '0007_amended_pain'
branch_labels = None
depends_on = None

#: Frozen copy of intake.auth.models.TOTP_SECRET_PURPOSE at this revision.
PURPOSE = "intake 2-step sign-in secrets"


def _key() -> str:
    return current_app.config["TOTP_ENCRYPTION_KEY"]


def _rewrite(source: str, target: str, transform) -> None:
    """Copy every secret from column ``source`` to ``target`` through ``transform``."""
    connection = op.get_bind()
    users = sa.table('user_account', sa.column('id', sa.Integer), sa.column(source), sa.column(target))
    rows = connection.execute(sa.select(users.c.id, users.c[source]).where(users.c[source].is_not(None))).all()
    for user_id, value in rows:
        connection.execute(
            users.update().where(users.c.id == user_id).values({target: transform(value)})
        )


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret_encrypted', sa.String(length=255), nullable=True))
    key = _key()
    _rewrite('totp_secret', 'totp_secret_encrypted', lambda clear: encrypt_text(key, PURPOSE, clear))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('totp_secret')


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
    key = _key()
    _rewrite('totp_secret_encrypted', 'totp_secret', lambda token: decrypt_text(key, PURPOSE, token))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('totp_secret_encrypted')
