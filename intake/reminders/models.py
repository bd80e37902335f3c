"""Every link message sent to a patient (or that failed), and the next visit staff planned on the chart."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.database import UTCDateTime, utcnow
from intake.extensions import Model

if TYPE_CHECKING:
    from intake.auth.models import User
    from intake.patients.models import Patient

EMAIL = "email"
SMS = "sms"
#: Every channel a message may go by (text messages are planned; none is sent yet).
CHANNELS = (EMAIL, SMS)

INTAKE_LINK = "intake_link"
CHECK_IN_LINK = "check_in_link"
PURPOSE_LABELS = {INTAKE_LINK: "Intake link", CHECK_IN_LINK: "Check-in link"}
PURPOSES = tuple(PURPOSE_LABELS)

SENT = "sent"
FAILED = "failed"
OUTCOME_LABELS = {SENT: "Sent", FAILED: "Not sent"}
OUTCOMES = tuple(OUTCOME_LABELS)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


class LinkMessage(Model):
    """One message carrying a patient's form link: to whom, by which channel, and whether it left the clinic.

    It holds no health information: the address, which form (the intake row and its grant, never the token),
    and for a reminder the visit date it was sent for.
    """

    __tablename__ = "link_message"
    __table_args__ = (
        CheckConstraint(_one_of("channel", CHANNELS), name="channel_known"),
        CheckConstraint(_one_of("purpose", PURPOSES), name="purpose_known"),
        CheckConstraint(_one_of("outcome", OUTCOMES), name="outcome_known"),
        # The chart's list of a patient's messages, newest first.
        Index("ix_link_message_patient_sent", "patient_id", "sent_at"),
        # A reminder run asks whether a patient was already sent one for that visit date.
        Index("ix_link_message_visit_date", "visit_date", "purpose", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    intake_id: Mapped[int] = mapped_column(ForeignKey("patient_intake.id"), index=True)
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("intake_access.id"))
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(254))
    purpose: Mapped[str] = mapped_column(String(20))
    #: The planned visit a reminder was sent for (None for a link sent from the chart).
    visit_date: Mapped[date | None] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who sent it from the chart; None when the reminder run sent it.
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[str] = mapped_column(String(10))
    #: Why it was not sent, in words (empty when sent).
    error: Mapped[str] = mapped_column(Text, default="", server_default="")

    patient: Mapped["Patient"] = relationship("Patient")
    sent_by: Mapped["User | None"] = relationship("User")

    @property
    def purpose_label(self) -> str:
        return PURPOSE_LABELS.get(self.purpose, self.purpose)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    @property
    def was_sent(self) -> bool:
        return self.outcome == SENT


class PlannedVisit(Model):
    """The next visit staff planned for a patient on the chart; a later plan or a cancellation closes it."""

    __tablename__ = "planned_visit"
    __table_args__ = (
        CheckConstraint("(cancelled_at IS NULL) = (cancelled_by_id IS NULL)", name="cancelled_by_someone"),
        # A patient's plans, newest first (the chart), and the plans for one day (the reminder run).
        Index("ix_planned_visit_patient", "patient_id", "set_at"),
        Index("ix_planned_visit_day", "visit_on", "cancelled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    #: The clinic day of the visit.
    visit_on: Mapped[date] = mapped_column(Date)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    set_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    patient: Mapped["Patient"] = relationship("Patient")
    set_by: Mapped["User"] = relationship("User", foreign_keys=[set_by_id])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None
