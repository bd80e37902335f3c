"""Merging two charts of the same person: what refers to a patient, what moves, and the preview of a merge.

Every column that names a patient is found from the models' metadata (a foreign key to ``patient.id``, or a
column called ``patient_id``), and each must be listed here either as moving with the duplicate's records or as
staying where it is, with the reason; ``tests/staff/test_chart_merge.py`` fails when a new one is in neither list,
so a new kind of record is never left behind on an archived chart.

What stays:

- the audit trail is append-only: the duplicate's events (who looked, what was done) stay under its id and chart
  number. The kept chart's "who has looked" shows the looks at the kept chart; its merge notice links to the
  duplicate, whose own chart still lists who looked at it before the merge, and the audit log finds both by chart
  number. The merge itself is recorded on both charts.
- ``patient.merged_into_id`` is the merge record itself (a chart merged earlier into the duplicate keeps saying
  where it went).

Signed notes stay signed and their seals still verify: a visit note's seal (``intake.visits.note_seal``) covers
the note as written and its pain scores found by visit, not which chart holds the visit.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import MetaData, Table, distinct, func

from intake.audit.models import AuditEvent
from intake.extensions import db
from intake.pain.models import CHECK_IN, PainScore
from intake.patients.models import Patient
from intake.questionnaire.models import IN_PROGRESS, Intake, IntakeAccess, RedFlagDecision
from intake.visits.models import Visit

#: The columns whose rows move to the kept chart, and how the preview names those rows.
MOVED = {
    ("patient_intake", "patient_id"): "intakes (with their answers, consent and review)",
    ("pain_score", "patient_id"): "pain scores (intake, visit and check-in scores)",
    ("visit", "patient_id"): "visit notes (with their points, amendments and signatures)",
    ("care_episode", "patient_id"): "episodes of care (each complaint's course of treatment)",
    ("link_message", "patient_id"): "link messages (form links emailed to the patient)",
    ("planned_visit", "patient_id"): "planned visits (the next visit set on the chart)",
}
#: The columns that name a patient and stay as they are, and why.
STAYS = {
    ("audit_event", "patient_id"): "the audit trail is append-only: the duplicate's events stay under its id",
    ("patient", "merged_into_id"): "the merge record itself: where an earlier merged chart went",
}
#: The audit events the preview counts up to (then "more than").
AUDIT_COUNT_CAP = 10_000
#: A chart number as an administrator may type it: "C-001002", "c1002", "1002".
TYPED_CHART_NUMBER = re.compile(r"^\s*c?-?\s*0*(\d{1,6})\s*$", re.IGNORECASE)


def find_chart(typed: str | None) -> Patient | None:
    """Return the chart with the number typed, or None."""
    match = TYPED_CHART_NUMBER.match(typed or "")
    if match is None:
        return None
    return db.session.scalar(db.select(Patient).where(Patient.chart_number == f"C-{int(match.group(1)):06d}"))


def patient_references(metadata: MetaData) -> list[tuple[str, str]]:
    """Return every (table, column) of ``metadata`` that names a patient: a foreign key to it, or ``patient_id``."""
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            names_patient = column.name == "patient_id" or any(
                key.column.table.name == "patient" for key in column.foreign_keys
            )
            if names_patient:
                found.append((table.name, column.name))
    return found


def unhandled_references(metadata: MetaData) -> list[tuple[str, str]]:
    """Return the columns naming a patient that a merge neither moves nor leaves on purpose."""
    return [each for each in patient_references(metadata) if each not in MOVED and each not in STAYS]


def moved_columns(metadata: MetaData) -> Iterable[tuple[Table, str]]:
    """Yield each table and column whose rows a merge moves to the kept chart."""
    for table_name, column_name in MOVED:
        yield metadata.tables[table_name], column_name


def merge_problems(duplicate: Patient | None, kept: Patient | None) -> dict[str, str]:
    """Return why these two charts cannot be merged, by form field (``duplicate``, ``kept``); empty if they can."""
    problems = {}
    if duplicate is None:
        problems["duplicate"] = "No chart has that number. Type the duplicate's chart number, like C-001002."
    elif duplicate.merged_into_id is not None:
        problems["duplicate"] = "This chart has already been merged into another chart."
    if kept is None:
        problems["kept"] = "No chart has that number. Type the chart to keep, like C-001001."
    elif duplicate is not None and kept.id == duplicate.id:
        problems["kept"] = "A chart cannot be merged into itself. Type the other chart of the same person."
    elif kept.merged_into_id is not None:
        problems["kept"] = "This chart was merged into another chart. Keep the chart it was merged into."
    elif kept.is_archived:
        problems["kept"] = "This chart is archived. Restore it first, or keep the other chart."
    return problems


@dataclass(frozen=True)
class MergePreview:
    """What a merge of ``duplicate`` into ``kept`` moves, and what stays on the duplicate."""

    duplicate: Patient
    kept: Patient
    #: How many rows of each moved column's table belong to the duplicate, by the preview's name (MOVED).
    moved: dict[str, int]
    intakes_in_progress: int
    kept_intakes_in_progress: int
    links_and_tablet_sessions: int
    red_flag_decisions: int
    check_ins: int
    signed_visit_notes: int
    audit_events: int
    audit_events_capped: bool

    def count_of(self, table: str) -> int:
        """Return how many of the duplicate's rows of ``table`` move."""
        return self.moved[MOVED[(table, "patient_id")]]

    @property
    def intakes(self) -> int:
        return self.count_of("patient_intake")

    @property
    def pain_scores(self) -> int:
        return self.count_of("pain_score")

    @property
    def visit_notes(self) -> int:
        return self.count_of("visit")

    def summary(self) -> str:
        """Say in a line what moved (for the audit events of the merge)."""
        return (
            f"{self.intakes} intakes, {self.pain_scores} pain scores ({self.check_ins} check-ins), "
            f"{self.visit_notes} visit notes ({self.signed_visit_notes} signed), "
            f"{self.count_of('care_episode')} episodes of care"
        )


def _count(statement) -> int:
    return db.session.scalar(statement) or 0


def preview_merge(duplicate: Patient, kept: Patient) -> MergePreview:
    """Count what a merge would move (a constant number of queries, each by an indexed patient id)."""
    moved = {
        MOVED[(table.name, column)]: _count(
            db.select(func.count()).select_from(table).where(table.c[column] == duplicate.id)
        )
        for table, column in moved_columns(db.metadata)
    }
    intakes_of = db.select(Intake.id).where(Intake.patient_id == duplicate.id).scalar_subquery()
    audit_rows = (
        db.select(AuditEvent.id).where(AuditEvent.patient_id == duplicate.id).limit(AUDIT_COUNT_CAP + 1)
    )
    audit_events = _count(db.select(func.count()).select_from(audit_rows.subquery()))
    in_progress = func.count(Intake.id).filter(Intake.status == IN_PROGRESS)
    return MergePreview(
        duplicate=duplicate,
        kept=kept,
        moved=moved,
        intakes_in_progress=_count(db.select(in_progress).where(Intake.patient_id == duplicate.id)),
        kept_intakes_in_progress=_count(db.select(in_progress).where(Intake.patient_id == kept.id)),
        links_and_tablet_sessions=_count(
            db.select(func.count(IntakeAccess.id)).where(IntakeAccess.intake_id.in_(intakes_of))
        ),
        red_flag_decisions=_count(
            db.select(func.count(RedFlagDecision.id)).where(RedFlagDecision.intake_id.in_(intakes_of))
        ),
        check_ins=_count(
            db.select(func.count(distinct(PainScore.recorded_at))).where(
                PainScore.patient_id == duplicate.id, PainScore.context == CHECK_IN
            )
        ),
        signed_visit_notes=_count(
            db.select(func.count(Visit.id)).where(
                Visit.patient_id == duplicate.id, Visit.signed_at.is_not(None)
            )
        ),
        audit_events=min(audit_events, AUDIT_COUNT_CAP),
        audit_events_capped=audit_events > AUDIT_COUNT_CAP,
    )
