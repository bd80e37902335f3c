"""What the printed chart holds: every record of one patient in a period, fetched in a bounded number of queries.

Only this patient's rows are read (each query names the patient), and each part of the chart uses the
display code of the page it comes from, so the paper says what the screen says: the intake summary
(``questionnaire.summary``), the note in words (``visits.display``), the pain history's SVG charts
(``pain.report``). Visit notes are signed records: drafts are counted, not printed.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from intake.clinic_time import clinic_zone
from intake.database import utcnow
from intake.extensions import db
from intake.pain.history import PainHistory, Period, in_period, load_pain_history
from intake.pain.report import HistoryReport, build_history_report
from intake.patients.models import Patient
from intake.questionnaire.alerts import Alert, patient_alerts
from intake.questionnaire.check_ins import CheckInSummary, summarise_check_in
from intake.questionnaire.models import CHECK_IN_FORM, INTAKE_FORM, SUBMITTED, Intake, RedFlagDecision
from intake.questionnaire.summary import IntakeSummary, summarise
from intake.visits.display import note_sections
from intake.visits.models import Amendment, SafetyOverride, Visit
from intake.visits.note_record import read_note, stored_pain_of

#: ``app.extensions`` key of the progress summary a higher feature may add to the printout:
#: ``(template name, loader)``, the loader taking (patient, period) and returning the template's context.
PROGRESS_SUMMARY = "intake.printout.progress_summary"
ProgressLoader = Callable[[Patient, Period], dict]


@dataclass(frozen=True)
class PrintPeriod:
    """The clinic dates printed (both inclusive; None is open), and the matching UTC period."""

    first_day: date | None = None
    last_day: date | None = None

    @property
    def is_whole_chart(self) -> bool:
        return self.first_day is None and self.last_day is None

    @property
    def period(self) -> Period:
        zone = clinic_zone()
        start = datetime.combine(self.first_day, datetime.min.time(), zone) if self.first_day else None
        end = (
            datetime.combine(self.last_day + timedelta(days=1), datetime.min.time(), zone)
            if self.last_day
            else None
        )
        return Period(start, end)

    def in_words(self) -> str:
        """Say what is printed: 'The whole chart', 'From 3 March 2025 to 30 June 2025', …"""
        if self.is_whole_chart:
            return "The whole chart"
        first = f"from {self.first_day.isoformat()}" if self.first_day else "from the first record"
        last = f"to {self.last_day.isoformat()}" if self.last_day else "to today"
        return f"{first} {last}".capitalize()


@dataclass(frozen=True)
class PrintedIntake:
    intake: Intake
    summary: IntakeSummary
    #: Every decision on this intake's red flags, oldest first, by flag code.
    decisions: dict[str, list[RedFlagDecision]]


@dataclass(frozen=True)
class PrintedVisit:
    visit: Visit
    sections: list[tuple[str, list[tuple[str, str]]]]
    #: Per field label, each amendment's number and the value it set (as the note page marks them).
    amended: dict[str, list[tuple[int, str]]]


@dataclass
class ChartPrintout:
    patient: Patient
    printed: PrintPeriod
    printed_at: datetime
    alerts: list[Alert]
    intakes: list[PrintedIntake]
    visits: list[PrintedVisit]
    unsigned_visit_count: int
    #: Each submitted return-visit check-in in words, oldest first, with the PEG change since the one before.
    check_ins: list[CheckInSummary]
    pain: PainHistory
    pain_report: HistoryReport | None
    progress_template: str | None = None
    progress: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """True when the period holds no intake, no signed note and no pain score."""
        return not self.intakes and not self.check_ins and not self.visits and self.pain.is_empty


def _submitted_intakes(patient_id: int, period: Period) -> list[Intake]:
    return list(
        db.session.scalars(
            db.select(Intake)
            .options(joinedload(Intake.reviewed_by))
            .where(
                Intake.patient_id == patient_id, Intake.status == SUBMITTED, Intake.form_kind == INTAKE_FORM
            )
            .where(*in_period(Intake.submitted_at, period))
            .order_by(Intake.submitted_at, Intake.id)
        )
    )


def _check_in_summaries(patient_id: int, period: Period) -> list[CheckInSummary]:
    """Each submitted check-in in the period in words, with the PEG of the check-in before it (one query)."""
    check_ins = db.session.scalars(
        db.select(Intake)
        .where(Intake.patient_id == patient_id, Intake.status == SUBMITTED, Intake.form_kind == CHECK_IN_FORM)
        .order_by(Intake.submitted_at, Intake.id)
    ).all()
    summaries, previous = [], None
    for check_in in check_ins:
        if _falls_in(check_in.submitted_at, period):
            summaries.append(summarise_check_in(check_in, peg_previous=previous))
        previous = check_in.peg_score if check_in.peg_score is not None else previous
    return summaries


def _falls_in(moment: datetime | None, period: Period) -> bool:
    """True when ``moment`` falls in ``period`` (start inclusive, end exclusive)."""
    if moment is None:
        return False
    return (period.start is None or moment >= period.start) and (period.end is None or moment < period.end)


def _decisions_by_intake(intake_ids: list[int]) -> dict[int, dict[str, list[RedFlagDecision]]]:
    found: dict[int, dict[str, list[RedFlagDecision]]] = defaultdict(lambda: defaultdict(list))
    if intake_ids:
        decisions = db.session.scalars(
            db.select(RedFlagDecision)
            .where(RedFlagDecision.intake_id.in_(intake_ids))
            .order_by(RedFlagDecision.decided_at, RedFlagDecision.id)
        )
        for decision in decisions:
            found[decision.intake_id][decision.flag_code].append(decision)
    return found


def _signed_visits(patient_id: int, period: Period) -> list[Visit]:
    return list(
        db.session.scalars(
            db.select(Visit)
            .options(
                joinedload(Visit.practitioner),
                joinedload(Visit.protocol),
                selectinload(Visit.points),
                selectinload(Visit.electro_pairs),
                selectinload(Visit.overrides).joinedload(SafetyOverride.recorded_by),
                selectinload(Visit.amendments).joinedload(Amendment.amended_by),
            )
            .where(Visit.patient_id == patient_id, Visit.signed_at.is_not(None))
            .where(*in_period(Visit.visit_at, period))
            .order_by(Visit.visit_at, Visit.id)
        )
    )


def _unsigned_count(patient_id: int, period: Period) -> int:
    query = (
        db.select(func.count())
        .select_from(Visit)
        .where(Visit.patient_id == patient_id, Visit.signed_at.is_(None))
        .where(*in_period(Visit.visit_at, period))
    )
    return db.session.scalar(query) or 0


def amended_fields(visit: Visit) -> dict[str, list[tuple[int, str]]]:
    """Return, per field label, each amendment's number and the value it set."""
    amended: dict[str, list[tuple[int, str]]] = {}
    for number, amendment in enumerate(visit.amendments, start=1):
        for label, _before, after in amendment.changes:
            amended.setdefault(label, []).append((number, after))
    return amended


def load_printout(patient: Patient, printed: PrintPeriod) -> ChartPrintout:
    """Gather everything the printed chart shows for ``patient`` in ``printed``."""
    period = printed.period
    intakes = _submitted_intakes(patient.id, period)
    decisions = _decisions_by_intake([intake.id for intake in intakes])
    visits = _signed_visits(patient.id, period)
    stored_pain = stored_pain_of([visit.id for visit in visits])
    pain = load_pain_history(patient.id, period)
    report = None
    if not pain.is_empty:
        axis_end = min(period.end, utcnow()) if period.end else None
        report = build_history_report(pain, start=period.start, end=axis_end)
    printout = ChartPrintout(
        patient=patient,
        printed=printed,
        printed_at=utcnow(),
        alerts=patient_alerts(patient.id),
        intakes=[
            PrintedIntake(intake, summarise(intake, patient), decisions.get(intake.id, {}))
            for intake in intakes
        ],
        # The note as its page shows it: the signed original, each amended field marked with its new value.
        visits=[
            PrintedVisit(
                visit, note_sections(read_note(visit, stored=stored_pain[visit.id])), amended_fields(visit)
            )
            for visit in visits
        ],
        unsigned_visit_count=_unsigned_count(patient.id, period),
        check_ins=_check_in_summaries(patient.id, period),
        pain=pain,
        pain_report=report,
    )
    progress = current_app.extensions.get(PROGRESS_SUMMARY)
    if progress is not None:
        template, loader = progress
        printout.progress_template = template
        printout.progress = loader(patient, period)
    return printout
