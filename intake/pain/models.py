"""Pain scores: one 0-10 Numeric Pain Rating Scale score for one body region at one time."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.database import UTCDateTime, utcnow
from intake.extensions import Model

if TYPE_CHECKING:
    from intake.auth.models import User
    from intake.patients.models import Patient

INTAKE = "intake"
BEFORE_TREATMENT = "before_treatment"
AFTER_TREATMENT = "after_treatment"
CHECK_IN = "check_in"
#: Scored by the patient on their return-visit check-in (link or clinic tablet), before the visit.
PATIENT_CHECK_IN = "patient_check_in"
CONTEXT_LABELS = {
    INTAKE: "Intake",
    BEFORE_TREATMENT: "Before treatment",
    AFTER_TREATMENT: "After treatment",
    CHECK_IN: "Check-in",
    PATIENT_CHECK_IN: "Check-in by patient",
}
CONTEXTS = tuple(CONTEXT_LABELS)
#: Pain as the patient arrives (not just after a treatment): what baselines and progress compare.
ARRIVAL_CONTEXTS = (INTAKE, BEFORE_TREATMENT, CHECK_IN, PATIENT_CHECK_IN)


class PainScore(Model):
    """A patient's pain in one body region, 0 (none) to 10 (worst imaginable)."""

    __tablename__ = "pain_score"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),
        CheckConstraint("context IN (" + ", ".join(f"'{c}'" for c in CONTEXTS) + ")", name="context_known"),
        # One patient's scores by time, with what the pain pages read: neighbouring index pages, not one
        # table page per score when fifteen years of other patients' rows sit between them.
        Index(
            "ix_pain_score_patient_history",
            "patient_id",
            "recorded_at",
            "context",
            "region_code",
            "score",
            "visit_id",
            "intake_id",
        ),
        # Each region's scores of a patient by time: its first and latest score is a seek at either end of the
        # region's range (the chart's body map, the history's baselines), not a walk through the whole history.
        Index("ix_pain_score_patient_region", "patient_id", "region_code", "recorded_at", "context", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    region_code: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    context: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("patient_intake.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    patient: Mapped["Patient"] = relationship("Patient")
    recorded_by: Mapped["User | None"] = relationship("User")

    @property
    def recorded_by_patient(self) -> bool:
        """True when the patient entered this score themselves (intake questionnaire or check-in)."""
        return self.recorded_by_id is None and self.intake_id is not None
