"""Episodes of care: a patient's treatment for one complaint, from its start to its close."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.database import UTCDateTime, utcnow
from intake.extensions import Model
from intake.outcomes.complaints import AREA_CODES

if TYPE_CHECKING:
    from intake.auth.models import User
    from intake.patients.models import Patient

DISCHARGED = "discharged"
STOPPED = "stopped"
REFERRED = "referred"
CLOSE_REASON_LABELS = {
    DISCHARGED: "Discharged — goals met",
    STOPPED: "Stopped coming",
    REFERRED: "Referred",
}
CLOSE_REASONS = tuple(CLOSE_REASON_LABELS)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


class Episode(Model):
    """One complaint's course of treatment. Visits between its start and its close belong to it."""

    __tablename__ = "care_episode"
    __table_args__ = (
        CheckConstraint(_one_of("complaint_area", AREA_CODES), name="complaint_known"),
        CheckConstraint(
            f"closed_reason IS NULL OR {_one_of('closed_reason', CLOSE_REASONS)}", name="reason_known"
        ),
        CheckConstraint("(closed_at IS NULL) = (closed_reason IS NULL)", name="closed_with_reason"),
        CheckConstraint("closed_at IS NULL OR closed_at > started_at", name="closed_after_start"),
        # A patient's episodes in time order (the chart, and which episode a visit belongs to).
        Index("ix_care_episode_patient_start", "patient_id", "started_at"),
        # The clinic report picks episodes by their start.
        Index("ix_care_episode_start", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    complaint_area: Mapped[str] = mapped_column(String(30))
    #: The moment the episode starts: the intake's submission, or the start of the clinic day chosen.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The intake that opened it (None when a practitioner started it on the chart).
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("patient_intake.id"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The end of the last clinic day of the episode (exclusive); None while it is open.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str | None] = mapped_column(String(20))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    close_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    patient: Mapped["Patient"] = relationship("Patient")
    started_by: Mapped["User | None"] = relationship("User", foreign_keys=[started_by_id])
    closed_by: Mapped["User | None"] = relationship("User", foreign_keys=[closed_by_id])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def closed_reason_label(self) -> str:
        return CLOSE_REASON_LABELS.get(self.closed_reason or "", "")
