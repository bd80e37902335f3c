"""patient name search: "contains" search of names and chart number by a trigram index, not a scan

Revision ID: 0011_patient_name_search
Revises: 0010_scale_indexes
Create Date: 2026-12-02 02:55:00.000000

- SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or later), patient_name_search, over the chart
  number and the three names, with the patient table as its external content (rowid = patient.id). Triggers on
  patient keep it in step with every insert, change of a searched column and delete; existing patients are
  indexed here ('rebuild').
- PostgreSQL: the pg_trgm extension (trusted: the database owner that runs the migrations may create it) and a GIN
  trigram index on lower() of each searched column, which serves lower(col) LIKE '%text%'.

The statements are the ones intake/patients/models.py runs for a database built with create_all.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_patient_name_search'
down_revision = '0010_scale_indexes'
branch_labels = None
depends_on = None

SEARCHED = ('chart_number', 'first_name', 'last_name', 'preferred_name')
_COLUMNS = ', '.join(SEARCHED)
_NEW = ', '.join(f'new.{column}' for column in SEARCHED)
_OLD = ', '.join(f'old.{column}' for column in SEARCHED)

SQLITE_UPGRADE = (
    f"CREATE VIRTUAL TABLE patient_name_search USING fts5({_COLUMNS}, "
    "content='patient', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER patient_name_search_insert AFTER INSERT ON patient BEGIN "
    f"INSERT INTO patient_name_search (rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END",
    "CREATE TRIGGER patient_name_search_delete AFTER DELETE ON patient BEGIN "
    f"INSERT INTO patient_name_search (patient_name_search, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD}); "
    "END",
    f"CREATE TRIGGER patient_name_search_update AFTER UPDATE OF {_COLUMNS} ON patient BEGIN "
    f"INSERT INTO patient_name_search (patient_name_search, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO patient_name_search (rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END",
    "INSERT INTO patient_name_search (patient_name_search) VALUES ('rebuild')",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER patient_name_search_update",
    "DROP TRIGGER patient_name_search_delete",
    "DROP TRIGGER patient_name_search_insert",
    "DROP TABLE patient_name_search",
)


def _trigram_operator_class(connection) -> str:
    """Return gin_trgm_ops named in the schema pg_trgm lives in (it may be outside the search path)."""
    schema = connection.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    ).scalar_one()
    return f'"{schema}".gin_trgm_ops'


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name == 'postgresql':
        # In public, so that a schema dropped and rebuilt (a scratch or test schema) never takes it with it.
        has_public = connection.exec_driver_sql("SELECT 1 FROM pg_namespace WHERE nspname = 'public'").first()
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm' + (' WITH SCHEMA public' if has_public else ''))
        operator_class = _trigram_operator_class(connection)
        for column in SEARCHED:
            op.execute(
                f'CREATE INDEX ix_patient_{column}_trigram ON patient USING gin (lower({column}) {operator_class})'
            )
    else:
        for statement in SQLITE_UPGRADE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for column in SEARCHED:
            op.execute(f'DROP INDEX ix_patient_{column}_trigram')
        # pg_trgm stays: other objects of the database may have come to use it.
    else:
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
