"""Treatment visits and their notes: SOAP, needling, massage, reactions, signature and amendments."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column, relationship

from intake.database import UTCDateTime, utcnow
from intake.extensions import Model

if TYPE_CHECKING:
    from intake.auth.models import User
    from intake.patients.models import Patient

ACUPUNCTURE, MASSAGE, BOTH = "acupuncture", "massage", "both"
KIND_LABELS = {ACUPUNCTURE: "Acupuncture", MASSAGE: "Massage", BOTH: "Acupuncture and massage"}


def _text(**kw: Any) -> MappedColumn[str]:
    """A free-text note column: empty by default, so rows made without it stay valid."""
    return mapped_column(Text, default="", server_default="", **kw)


def _short(length: int, **kw: Any) -> MappedColumn[str]:
    return mapped_column(String(length), default="", server_default="", **kw)


class Visit(Model):
    """One treatment visit of one patient with one practitioner. Every column added later has a default."""

    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint("retention_minutes IS NULL OR retention_minutes BETWEEN 0 AND 120", name="retention"),
        CheckConstraint("needles_inserted IS NULL OR needles_inserted >= 0", name="inserted_count"),
        CheckConstraint("needles_removed IS NULL OR needles_removed >= 0", name="removed_count"),
        Index("ix_visit_practitioner_signed", "practitioner_id", "signed_at"),
        # Today's visits of a practitioner, and a patient's visits in time order (migration 0010).
        Index("ix_visit_practitioner_time", "practitioner_id", "visit_at"),
        Index("ix_visit_patient_time", "patient_id", "visit_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The visit
    visit_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default=ACUPUNCTURE, server_default=ACUPUNCTURE)
    # Subjective
    progress: Mapped[str] = _short(10)  # better, same, worse
    flare_ups: Mapped[int | None] = mapped_column(Integer)
    flare_up_worst: Mapped[int | None] = mapped_column(Integer)
    sleep: Mapped[str] = _short(10)
    activity: Mapped[str] = _text()
    patient_report: Mapped[str] = _text()
    # Objective
    observations: Mapped[str] = _text()
    tender_points: Mapped[str] = _text()
    lumbar_flexion_degrees: Mapped[int | None] = mapped_column(Integer)
    lumbar_extension_degrees: Mapped[int | None] = mapped_column(Integer)
    fingertip_to_floor_cm: Mapped[int | None] = mapped_column(Integer)
    slr_left_degrees: Mapped[int | None] = mapped_column(Integer)
    slr_right_degrees: Mapped[int | None] = mapped_column(Integer)
    tongue: Mapped[str] = _text()
    pulse: Mapped[str] = _text()
    # Assessment and plan
    tcm_pattern: Mapped[str] = _short(200)
    progress_against_plan: Mapped[str] = _text()
    next_visit: Mapped[str] = _short(200)
    frequency: Mapped[str] = _short(200)
    home_care: Mapped[str] = _text()
    # Needling
    protocol_id: Mapped[int | None] = mapped_column(ForeignKey("point_protocol.id"))
    needle_gauge: Mapped[str] = _short(20)
    needle_length: Mapped[str] = _short(20)
    retention_minutes: Mapped[int | None] = mapped_column(Integer)
    needles_inserted: Mapped[int | None] = mapped_column(Integer)
    needles_removed: Mapped[int | None] = mapped_column(Integer)
    needle_count_incident: Mapped[str] = _text()
    moxibustion_kind: Mapped[str] = _short(20)
    moxibustion_points: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    cupping_style: Mapped[str] = _short(20)
    cupping_sites: Mapped[str] = _short(200)
    cupping_minutes: Mapped[int | None] = mapped_column(Integer)
    gua_sha: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    gua_sha_areas: Mapped[str] = _short(200)
    heat_lamp: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Massage
    massage_techniques: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    massage_areas: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    massage_pressure: Mapped[str] = _short(10)
    massage_minutes: Mapped[int | None] = mapped_column(Integer)
    massage_tolerance: Mapped[str] = _short(20)
    massage_response: Mapped[str] = _text()
    massage_areas_to_avoid: Mapped[str] = _text()
    # Reactions
    reactions: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    reaction_other: Mapped[str] = _short(200)
    reaction_action: Mapped[str] = _text()
    # Draft, signature, lock
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signed_name: Mapped[str] = _short(200)

    # Every UPDATE of the row checks and bumps the version, so two tablets cannot both win.
    __mapper_args__ = {"version_id_col": version}

    patient: Mapped["Patient"] = relationship("Patient")
    practitioner: Mapped["User"] = relationship("User", foreign_keys=[practitioner_id])
    protocol: Mapped["PointProtocol | None"] = relationship("PointProtocol")
    points: Mapped[list["VisitPoint"]] = relationship(
        "VisitPoint", order_by="VisitPoint.position", cascade="all, delete-orphan", back_populates="visit"
    )
    electro_pairs: Mapped[list["ElectroPair"]] = relationship(
        "ElectroPair", order_by="ElectroPair.position", cascade="all, delete-orphan", back_populates="visit"
    )
    overrides: Mapped[list["SafetyOverride"]] = relationship(
        "SafetyOverride", cascade="all, delete-orphan", back_populates="visit"
    )
    amendments: Mapped[list["Amendment"]] = relationship(
        "Amendment",
        order_by="(Amendment.amended_at, Amendment.id)",
        cascade="all, delete-orphan",
        back_populates="visit",
    )

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


class VisitPoint(Model):
    """One acupuncture point needled on a visit."""

    __tablename__ = "visit_point"
    __table_args__ = (
        CheckConstraint("side IN ('left', 'right', 'bilateral', 'midline')", name="side_known"),
        CheckConstraint("technique IN ('tonify', 'reduce', 'even')", name="technique_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(12), index=True)
    side: Mapped[str] = mapped_column(String(10))
    technique: Mapped[str] = mapped_column(String(10), default="even")
    de_qi: Mapped[bool] = mapped_column(Boolean, default=False)
    depth_cun: Mapped[float | None] = mapped_column(Numeric(3, 1, asdecimal=False))

    visit: Mapped[Visit] = relationship("Visit", back_populates="points")


class ElectroPair(Model):
    """Two needled points joined to an electro-acupuncture stimulator."""

    __tablename__ = "visit_electro_pair"
    __table_args__ = (CheckConstraint("frequency_hz BETWEEN 1 AND 200", name="frequency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    first_point: Mapped[str] = mapped_column(String(12))
    second_point: Mapped[str] = mapped_column(String(12))
    frequency_hz: Mapped[int] = mapped_column(Integer)
    intensity: Mapped[str] = mapped_column(String(10))
    minutes: Mapped[int | None] = mapped_column(Integer)

    visit: Mapped[Visit] = relationship("Visit", back_populates="electro_pairs")


class SafetyOverride(Model):
    """A practitioner's decision to go ahead despite a precaution, with the reason."""

    __tablename__ = "visit_safety_override"
    __table_args__ = (UniqueConstraint("visit_id", "caution", name="uq_visit_safety_override_caution"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    caution: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship("Visit", back_populates="overrides")
    recorded_by: Mapped["User | None"] = relationship("User")


class Amendment(Model):
    """A change to a signed note: who, when, why, and what changed (the signed note itself is kept)."""

    __tablename__ = "visit_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    amended_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    amended_by_name: Mapped[str] = mapped_column(String(200))
    amended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    #: [[field label, before, after], ...] as the reader sees them.
    changes: Mapped[list[list[str]]] = mapped_column(JSON)
    #: The whole note after this amendment (the next amendment compares against it).
    note_after: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: {"pain_before": {region: score}, ...}: the stored pain scores this amendment replaced, so the
    #: pain history follows the correction while the signed original stays readable.
    pain_replaced: Mapped[dict[str, dict[str, int]] | None] = mapped_column(JSON)

    visit: Mapped[Visit] = relationship("Visit", back_populates="amendments")
    amended_by: Mapped["User"] = relationship("User")


class PointProtocol(Model):
    """A practitioner's named set of points, applied to a note in one tap."""

    __tablename__ = "point_protocol"

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    points: Mapped[list["ProtocolPoint"]] = relationship(
        "ProtocolPoint",
        order_by="ProtocolPoint.position",
        cascade="all, delete-orphan",
        back_populates="protocol",
    )


class ProtocolPoint(Model):
    """One point of a protocol, with the side and technique it is usually needled with."""

    __tablename__ = "point_protocol_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("point_protocol.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(12))
    side: Mapped[str] = mapped_column(String(10))
    technique: Mapped[str] = mapped_column(String(10), default="even")

    protocol: Mapped[PointProtocol] = relationship("PointProtocol", back_populates="points")
