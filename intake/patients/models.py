"""Patient demographics."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, event
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


class Patient(Model):
    """A person treated at the clinic. Patients are archived, never deleted."""

    __tablename__ = "patient"
    __table_args__ = (
        # The patient list's order, so a page is read from the index in order (migration 0010).
        Index("ix_patient_list_order", "is_archived", "last_name", "first_name", "id"),
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
    phone_digits: Mapped[str] = mapped_column(String(20), default="", index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
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

    @property
    def display_name(self) -> str:
        """'Last, First (Preferred)' as staff read it in lists."""
        name = f"{self.last_name}, {self.first_name}"
        if self.preferred_name and self.preferred_name != self.first_name:
            name += f" ({self.preferred_name})"
        return name

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
