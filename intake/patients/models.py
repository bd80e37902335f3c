"""Patient demographics."""

from datetime import date, datetime

from sqlalchemy import DDL, Boolean, Date, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from intake.database import UTCDateTime, utcnow
from intake.extensions import Model

SEX_AT_BIRTH_CHOICES = [
    ("", "Not recorded"),
    ("female", "Female"),
    ("male", "Male"),
    ("intersex", "Intersex"),
    ("unknown", "Prefer not to say"),
]



def display_name(last_name: str, first_name: str, preferred_name: str | None) -> str:
    """'Last, First (Preferred)' as staff read it in lists (a patient's, or a row of the same columns)."""
    name = f"{last_name}, {first_name}"
    if preferred_name and preferred_name != first_name:
        name += f" ({preferred_name})"
    return name

class Patient(Model):
    """A person treated at the clinic. Patients are archived, never deleted."""

    __tablename__ = "patient"
    __table_args__ = (
        # The patient list's order, so a page is read from the index in order (migration 0010).
        Index("ix_patient_list_order", "is_archived", "last_name", "first_name", "id"),
        # Phone lookups; is_archived beside the digits lets a phone search count its matches from the index alone
        # (migration 0019).
        Index("ix_patient_phone_digits", "phone_digits", "is_archived"),
        # Surname prefix search; text_pattern_ops lets PostgreSQL use it for LIKE 'prefix%' in any locale.
        Index(
            "ix_patient_last_name_key", "last_name_key", postgresql_ops={"last_name_key": "text_pattern_ops"}
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chart_number: Mapped[str] = mapped_column(String(12), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80), index=True)
    #: The surname lower-cased, for prefix search by index (kept by operations.apply_demographics).
    last_name_key: Mapped[str] = mapped_column(String(80), default="", server_default="")
    preferred_name: Mapped[str] = mapped_column(String(80), default="")
    date_of_birth: Mapped[date] = mapped_column(Date, index=True)
    sex_at_birth: Mapped[str] = mapped_column(String(20), default="")
    gender: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    phone_digits: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    address_line: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    province: Mapped[str] = mapped_column(String(2), default="AB")
    postal_code: Mapped[str] = mapped_column(String(7), default="")
    personal_health_number: Mapped[str] = mapped_column(String(9), default="")
    emergency_contact_name: Mapped[str] = mapped_column(String(120), default="")
    emergency_contact_relationship: Mapped[str] = mapped_column(String(60), default="")
    emergency_contact_phone: Mapped[str] = mapped_column(String(30), default="")
    staff_notes: Mapped[str] = mapped_column(Text, default="")
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: The chart this one was merged into (a duplicate of the same person, archived by the merge).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)

    @property
    def display_name(self) -> str:
        """'Last, First (Preferred)' as staff read it in lists."""
        return display_name(self.last_name, self.first_name, self.preferred_name)

    @property
    def spoken_name(self) -> str:
        """'Preferred Last', how staff greet the patient."""
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day``."""
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday

    def __repr__(self) -> str:
        return f"<Patient {self.chart_number}>"


class Counter(Model):
    """A named counter that hands out numbers one at a time (chart numbers)."""

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


@event.listens_for(Counter.__table__, "after_create")
def _start_chart_numbers(table, connection, **kw):
    # Migrations insert the same row; the first chart number handed out is C-001001.
    connection.execute(table.insert().values(name="chart_number", value=1000))


#: The columns "contains" search looks in, each indexed by trigrams (migration 0011).
NAME_SEARCH_COLUMNS = ("chart_number", "first_name", "last_name", "preferred_name")
#: SQLite's FTS5 trigram table over NAME_SEARCH_COLUMNS, with the patient table as its content (rowid = id).
NAME_SEARCH_TABLE = "patient_name_search"
#: PostgreSQL's GIN trigram index on lower() of each searched column.
TRIGRAM_INDEXES = {column: f"ix_patient_{column}_trigram" for column in NAME_SEARCH_COLUMNS}

# The migration creates the same table and triggers; these cover databases built with create_all.
SQLITE_NAME_SEARCH = (
    "CREATE VIRTUAL TABLE patient_name_search USING fts5(chart_number, first_name, last_name, preferred_name, "
    "content='patient', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER patient_name_search_insert AFTER INSERT ON patient BEGIN "
    "INSERT INTO patient_name_search (rowid, chart_number, first_name, last_name, preferred_name) "
    "VALUES (new.id, new.chart_number, new.first_name, new.last_name, new.preferred_name); END",
    "CREATE TRIGGER patient_name_search_delete AFTER DELETE ON patient BEGIN "
    "INSERT INTO patient_name_search (patient_name_search, rowid, chart_number, first_name, last_name, "
    "preferred_name) VALUES ('delete', old.id, old.chart_number, old.first_name, old.last_name, old.preferred_name);"
    " END",
    "CREATE TRIGGER patient_name_search_update AFTER UPDATE OF chart_number, first_name, last_name, preferred_name "
    "ON patient BEGIN "
    "INSERT INTO patient_name_search (patient_name_search, rowid, chart_number, first_name, last_name, "
    "preferred_name) VALUES ('delete', old.id, old.chart_number, old.first_name, old.last_name, old.preferred_name);"
    " INSERT INTO patient_name_search (rowid, chart_number, first_name, last_name, preferred_name) "
    "VALUES (new.id, new.chart_number, new.first_name, new.last_name, new.preferred_name); END",
)


def is_name_search_object(name: str | None, type_: str) -> bool:
    """Tell whether a schema object is the trigram search's (made by DDL the models' metadata does not hold)."""
    if type_ == "table":
        return bool(name) and (name == NAME_SEARCH_TABLE or str(name).startswith(NAME_SEARCH_TABLE + "_"))
    return type_ == "index" and name in TRIGRAM_INDEXES.values()


def trigram_operator_class(connection) -> str:
    """Return pg_trgm's gin_trgm_ops named with the schema the extension lives in (maybe outside the path)."""
    schema = connection.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    ).scalar_one()
    return f'"{schema}".gin_trgm_ops'


def create_trigram_extension(connection) -> None:
    """Create pg_trgm (a trusted extension) unless the database has it, in the public schema when there is one."""
    # In public, so that a schema dropped and rebuilt (a scratch or test schema) never takes it with it.
    has_public = connection.exec_driver_sql("SELECT 1 FROM pg_namespace WHERE nspname = 'public'").first()
    connection.exec_driver_sql(
        "CREATE EXTENSION IF NOT EXISTS pg_trgm" + (" WITH SCHEMA public" if has_public else "")
    )


@event.listens_for(Patient.__table__, "after_create")
def _create_name_search(table, connection, **kw):
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_NAME_SEARCH:
            connection.execute(DDL(statement))
    elif connection.dialect.name == "postgresql":
        create_trigram_extension(connection)
        operator_class = trigram_operator_class(connection)
        for column, index in TRIGRAM_INDEXES.items():
            connection.execute(
                DDL(f"CREATE INDEX {index} ON patient USING gin (lower({column}) {operator_class})")
            )
