"""Intake questionnaires: one per patient visit-to-be, filled through a link or on a clinic tablet."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.database import UTCDateTime, utcnow
from intake.extensions import Model

if TYPE_CHECKING:
    from intake.auth.models import User
    from intake.patients.models import Patient

IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
REVOKED = "revoked"
STATUS_LABELS = {IN_PROGRESS: "In progress", SUBMITTED: "Submitted", REVOKED: "Cancelled"}

LINK = "link"
KIOSK = "kiosk"


class Intake(Model):
    """One intake questionnaire for one patient. Every column added later has a default."""

    __tablename__ = "patient_intake"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)  # in_progress, submitted, revoked
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Oswestry Disability Index, 0-100 %, None when no section was answered.
    odi_percent: Mapped[float | None] = mapped_column(Float)

    #: Answers by step key (see intake.questionnaire.steps.STEPS); a step is saved when its key is present.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    # Informed consent, kept word for word as the patient agreed to it.
    consent_version: Mapped[str | None] = mapped_column(String(40))
    consent_text: Mapped[str | None] = mapped_column(Text)
    consent_name: Mapped[str | None] = mapped_column(String(160))
    consent_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_ip: Mapped[str | None] = mapped_column(String(45))
    #: SVG path data ("M x y L x y ...") on a 600 x 200 box, when drawn.
    signature_path: Mapped[str | None] = mapped_column(Text)
    #: The name typed as a signature, when the patient could not draw one.
    signature_typed: Mapped[str | None] = mapped_column(String(160))
    privacy_acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    patient: Mapped["Patient"] = relationship("Patient")
    started_by: Mapped["User | None"] = relationship("User", foreign_keys=[started_by_id])
    reviewed_by: Mapped["User | None"] = relationship("User", foreign_keys=[reviewed_by_id])

    @property
    def is_submitted(self) -> bool:
        return self.status == SUBMITTED

    @property
    def is_in_progress(self) -> bool:
        return self.status == IN_PROGRESS

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def step_answers(self, step: str) -> dict[str, Any]:
        """Return the saved answers of one step ({} when not saved yet)."""
        return dict((self.answers or {}).get(step) or {})


class IntakeAccess(Model):
    """A grant to fill one intake: a patient's link or a clinic tablet's kiosk session.

    Only the SHA-256 hash of the random token is stored, so a copy of the database
    does not open anyone's questionnaire.
    """

    __tablename__ = "intake_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("patient_intake.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # link, kiosk
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    intake: Mapped[Intake] = relationship("Intake")
    created_by: Mapped["User | None"] = relationship("User")
