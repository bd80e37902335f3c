"""Intake questionnaires: one per patient visit-to-be, filled through a link or on a clinic tablet."""

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.database import UTCDateTime, utcnow
from intake.extensions import db


class Intake(db.Model):
    """One intake questionnaire for one patient. Every column added later has a default."""

    __tablename__ = "patient_intake"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="in_progress")  # in_progress, submitted, revoked
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[object | None] = mapped_column(UTCDateTime)
    #: Oswestry Disability Index, 0-100 %, None when no section was answered.
    odi_percent: Mapped[float | None] = mapped_column(Float)

    patient = relationship("Patient")
