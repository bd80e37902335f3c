"""Intake questionnaires: one per patient visit-to-be, filled through a link or on a clinic tablet."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Index, String, Text
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

#: What a questionnaire row holds: the first intake, or a short check-in before a return visit.
INTAKE_FORM = "intake"
CHECK_IN_FORM = "check_in"
FORM_KINDS = (INTAKE_FORM, CHECK_IN_FORM)


class Intake(Model):
    """One questionnaire for one patient: the intake, or a return-visit check-in (``form_kind``).

    Both share the link, tablet, lock-after-submit and red-flag machinery. Every column added later has a default.
    """

    __tablename__ = "patient_intake"
    # Today's lists start from the few intakes they show, not from every patient's intakes.
    __table_args__ = (
        Index("ix_patient_intake_status_flags", "status", "red_flag_count"),
        Index("ix_patient_intake_status_review", "status", "reviewed_at", "submitted_at"),
        Index("ix_patient_intake_status_submitted", "status", "submitted_at"),
        # A patient's latest submitted intake, or latest check-in (of a clinic day), is one index range.
        Index("ix_patient_intake_patient_kind", "patient_id", "form_kind", "status", "submitted_at"),
        CheckConstraint(
            "form_kind IN (" + ", ".join(f"'{kind}'" for kind in FORM_KINDS) + ")", name="form_kind_known"
        ),
        CheckConstraint("peg_score IS NULL OR peg_score BETWEEN 0 AND 10", name="peg_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)  # in_progress, submitted, revoked
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Oswestry Disability Index, 0-100 %, None when no section was answered.
    odi_percent: Mapped[float | None] = mapped_column(Float)
    #: intake or check_in (see FORM_KINDS).
    form_kind: Mapped[str] = mapped_column(String(20), default=INTAKE_FORM, server_default=INTAKE_FORM)
    #: A check-in's PEG score (Krebs 2009): the mean of its three 0-10 items, None on an intake.
    peg_score: Mapped[float | None] = mapped_column(Float)

    #: Answers by step key (see intake.questionnaire.steps.STEPS); a step is saved when its key is present.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: What the reviewer noted, when anything (optional).
    review_comment: Mapped[str | None] = mapped_column(Text)
    #: How many red flags the intake raised when submitted (so lists of undecided red flags are found in SQL).
    red_flag_count: Mapped[int] = mapped_column(default=0, server_default="0")

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
    def is_check_in(self) -> bool:
        return self.form_kind == CHECK_IN_FORM

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
    #: Today's links and tablets still open: by kind, not revoked, expiring from now on.
    __table_args__ = (Index("ix_intake_access_open", "kind", "revoked_at", "expires_at"),)

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


REFERRED = "referred"
CLEARED = "cleared"
NOT_APPLICABLE = "not_applicable"
DECISION_KINDS = (REFERRED, CLEARED, NOT_APPLICABLE)


class RedFlagDecision(Model):
    """A practitioner's decision on one red flag of one intake: referred (to whom, when), cleared, or not applicable.

    Decisions are only added: a later decision on the same flag of the same intake supersedes the earlier one,
    which stays on record. A new intake raising the same flag needs a decision of its own.
    """

    __tablename__ = "red_flag_decision"
    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in DECISION_KINDS) + ")", name="kind_known"
        ),
        CheckConstraint(
            f"kind <> '{REFERRED}' OR (referred_to IS NOT NULL AND referred_on IS NOT NULL)",
            name="referral_complete",
        ),
        Index("ix_red_flag_decision_intake_flag", "intake_id", "flag_code", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("patient_intake.id"))
    #: The alert code of the flag (intake.questionnaire.alerts), e.g. "red_flag_saddle_numbness".
    flag_code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # referred, cleared, not_applicable
    #: Why: required to clear or to set aside; for a referral, what was said or arranged (may be empty).
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    referred_to: Mapped[str | None] = mapped_column(String(160))
    referred_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: The practitioner's name and designation as they stood when deciding.
    decided_by_name: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    intake: Mapped[Intake] = relationship("Intake")
    decided_by: Mapped["User"] = relationship("User")
