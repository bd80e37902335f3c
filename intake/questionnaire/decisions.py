"""Which red flags still wait for a practitioner's decision, for one patient or for the clinic's lists.

A red flag belongs to the form that raised it: the patient's latest submitted intake and the check-ins submitted
since it count (an earlier form's flags were superseded by that intake), and a new form raising the same flag
needs a new decision. Every function here costs a constant number of queries,
whatever the number of patients asked about or the size of the clinic.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, or_
from sqlalchemy.orm import aliased, joinedload

from intake.extensions import db
from intake.patients.models import Patient
from intake.questionnaire.alerts import Alert, latest_decisions, red_flag_alerts, with_decisions
from intake.questionnaire.models import INTAKE_FORM, SUBMITTED, Intake, RedFlagDecision

#: The kinds of decision as the practitioner reads them beside the flag.
KIND_LABELS = {"referred": "Referred", "cleared": "Cleared to treat", "not_applicable": "Not applicable"}


@dataclass(frozen=True)
class OpenRedFlags:
    """A patient's submitted intake or check-in whose alerts count, and its red flags not decided yet."""

    patient: Patient
    intake: Intake
    undecided: list[Alert]

    @property
    def submitted_at(self) -> datetime | None:
        return self.intake.submitted_at


def _is_latest_submitted():
    """SQL: no intake (the intake form) of this patient was submitted after this form (ties broken by id).

    True for the latest submitted intake and for every check-in since it, as alerts.screened_forms reads them.
    """
    later = aliased(Intake)
    return ~(
        db.select(later.id)
        .where(
            later.patient_id == Intake.patient_id,
            later.form_kind == INTAKE_FORM,
            later.status == SUBMITTED,
            or_(
                later.submitted_at > Intake.submitted_at,
                and_(later.submitted_at == Intake.submitted_at, later.id > Intake.id),
            ),
        )
        .exists()
    )


def _some_flag_undecided():
    """SQL: fewer of this intake's red flags carry a decision than it raised."""
    decided = (
        db.select(func.count(func.distinct(RedFlagDecision.flag_code)))
        .where(RedFlagDecision.intake_id == Intake.id)
        .scalar_subquery()
    )
    return and_(Intake.red_flag_count > 0, decided < Intake.red_flag_count)


def open_red_flags(intakes: list[Intake]) -> list[OpenRedFlags]:
    """Return, for those of these intakes with red flags still to decide, the flags (one query; patients loaded)."""
    decisions = latest_decisions([intake.id for intake in intakes])
    found = []
    for intake in intakes:
        flags = with_decisions(red_flag_alerts(intake, intake.patient), decisions)
        undecided = [flag for flag in flags if flag.needs_decision]
        if undecided:
            found.append(OpenRedFlags(intake.patient, intake, undecided))
    return found


def undecided_red_flags(patient_ids: list[int]) -> dict[int, list[Alert]]:
    """Return, for each of these patients with red flags still to decide, those flags (two queries in all)."""
    if not patient_ids:
        return {}
    intakes = list(
        db.session.scalars(
            db.select(Intake)
            .options(joinedload(Intake.patient))
            .where(Intake.patient_id.in_(patient_ids), Intake.status == SUBMITTED, _is_latest_submitted())
        )
    )
    undecided: dict[int, list[Alert]] = {}
    for found in open_red_flags(sorted(intakes, key=lambda form: (form.submitted_at, form.id))):
        undecided.setdefault(found.patient.id, []).extend(found.undecided)
    return undecided


def undecided_red_flag_intakes() -> Select:
    """SQL: the latest submitted intakes of active patients with red flags still to decide (order and page it).

    A prefilter by the count each intake raised: pass what it returns through open_red_flags to name the flags.
    """
    return (
        db.select(Intake)
        .join(Patient, Patient.id == Intake.patient_id)
        .where(Intake.status == SUBMITTED, Patient.is_archived.is_(False), _some_flag_undecided())
        .where(_is_latest_submitted())
    )


def patients_with_undecided_red_flags(limit: int) -> list[OpenRedFlags]:
    """Return up to ``limit`` patients whose latest intake has red flags to decide, newest intake first."""
    intakes = list(
        db.session.scalars(
            undecided_red_flag_intakes()
            .options(joinedload(Intake.patient))
            .order_by(Intake.submitted_at.desc(), Intake.id.desc())
            .limit(limit)
        )
    )
    return open_red_flags(intakes)


def count_patients_with_undecided_red_flags(cap: int = 10_000) -> int:
    """Return how many patients have red flags to decide, counting no further than ``cap``."""
    capped = undecided_red_flag_intakes().with_only_columns(Intake.id).limit(cap).subquery()
    return db.session.scalar(db.select(func.count()).select_from(capped)) or 0


def decision_history(intake_id: int) -> list[RedFlagDecision]:
    """Return every decision recorded on this intake's red flags, oldest first."""
    return list(
        db.session.scalars(
            db.select(RedFlagDecision)
            .options(joinedload(RedFlagDecision.decided_by))
            .where(RedFlagDecision.intake_id == intake_id)
            .order_by(RedFlagDecision.decided_at, RedFlagDecision.id)
        )
    )
