"""Intake questionnaires: one per patient visit-to-be, filled through a link or on a clinic tablet."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.database import UTCDateTime, utcnow
from intake.extensions import db


class Intake(db.Model):
    """One intake questionnaire for one patient. Every column added later has a default."""

    __tablename__ = "patient_intake"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    patient = relationship("Patient")
