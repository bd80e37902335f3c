"""A patient's pain history: every score in a period, grouped and summarised.

Two queries whatever the number of visits: the scores (with who recorded them) and the
submitted intakes' Oswestry Disability Index. Everything else is computed here in Python.
The questionnaire owns the ODI, so pain does not read it: the factory registers the series
provider under ``ODI_SERIES`` in ``app.extensions``.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean

from flask import current_app

from intake.auth.models import User
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, CHECK_IN, CONTEXT_LABELS, INTAKE, PainScore
from intake.pain.progress import Change, odi_change, pain_change
from intake.pain.regions import REGION_BY_CODE, REGIONS, Region

#: Scores that say how the patient is doing coming in: the trend, baseline and latest use these.
#: After-treatment scores show the immediate effect of a treatment instead.
ARRIVAL_CONTEXTS = (INTAKE, BEFORE_TREATMENT, CHECK_IN)
PATIENT_RECORDED = "Patient (intake questionnaire)"
_REGION_ORDER = {region.code: n for n, region in enumerate(REGIONS)}


@dataclass(frozen=True)
class Period:
    """A range of recording times, both ends optional (aware UTC; ``end`` is exclusive)."""

    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class ScoreRecord:
    recorded_at: datetime
    context: str
    region_code: str
    score: int
    visit_id: int | None
    intake_id: int | None
    recorded_by: str

    @property
    def context_label(self) -> str:
        return CONTEXT_LABELS[self.context]


@dataclass
class Occasion:
    """Scores recorded together: one intake, one before- or after-treatment round, one check-in."""

    recorded_at: datetime
    context: str
    visit_id: int | None
    intake_id: int | None
    recorded_by: str
    scores: dict[str, int] = field(default_factory=dict)

    @property
    def context_label(self) -> str:
        return CONTEXT_LABELS[self.context]

    @property
    def worst(self) -> int:
        return max(self.scores.values())

    @property
    def total(self) -> int:
        return sum(self.scores.values())


@dataclass(frozen=True)
class RegionHistory:
    region: Region
    records: list[ScoreRecord]
    change: Change | None
    average_immediate_drop: float | None
    arrival_count: int = 0

    @property
    def is_comparable(self) -> bool:
        """True when there is a latest score to compare with the baseline (two or more)."""
        return self.arrival_count >= 2


@dataclass(frozen=True)
class VisitEffect:
    """The immediate effect of one treatment: before vs after, over the regions scored both times."""

    visit_id: int
    treated_at: datetime
    before_average: float
    after_average: float
    regions_paired: int

    @property
    def drop(self) -> float:
        return self.before_average - self.after_average


@dataclass(frozen=True)
class OdiRecord:
    submitted_at: datetime
    percent: float


#: Returns a patient's ODI records in a period, oldest first (one query).
OdiSeries = Callable[[int, Period], list[OdiRecord]]
#: The key in ``app.extensions`` holding the ``OdiSeries`` provider.
ODI_SERIES = "intake.pain.odi_series"


@dataclass
class PainHistory:
    records: list[ScoreRecord]
    occasions: list[Occasion]
    regions: list[RegionHistory]
    visit_effects: list[VisitEffect]
    odi: list[OdiRecord]

    @property
    def is_empty(self) -> bool:
        return not self.records and not self.odi

    @property
    def arrival_occasions(self) -> list[Occasion]:
        return [o for o in self.occasions if o.context in ARRIVAL_CONTEXTS]

    @property
    def first_scores(self) -> dict[str, float]:
        return {r.region.code: r.change.baseline for r in self.regions if r.change}

    @property
    def latest_scores(self) -> dict[str, float]:
        return {r.region.code: r.change.latest for r in self.regions if r.change}

    @property
    def first_recorded_at(self) -> datetime | None:
        arrivals = self.arrival_occasions
        return arrivals[0].recorded_at if arrivals else None

    @property
    def latest_recorded_at(self) -> datetime | None:
        arrivals = self.arrival_occasions
        return arrivals[-1].recorded_at if arrivals else None

    @property
    def average_immediate_drop(self) -> float | None:
        return fmean(e.drop for e in self.visit_effects) if self.visit_effects else None

    @property
    def immediate_change(self) -> Change | None:
        """The average visit's before→after change, judged by the pain rule."""
        if not self.visit_effects:
            return None
        before = fmean(e.before_average for e in self.visit_effects)
        after = fmean(e.after_average for e in self.visit_effects)
        return pain_change(before, after)

    @property
    def odi_change(self) -> Change | None:
        if len(self.odi) < 2:
            return None
        return odi_change(self.odi[0].percent, self.odi[-1].percent)


def in_period(column, period: Period) -> list:
    """Return the conditions that keep ``column`` within ``period``."""
    conditions = []
    if period.start is not None:
        conditions.append(column >= period.start)
    if period.end is not None:
        conditions.append(column < period.end)
    return conditions


def load_score_records(patient_id: int, period: Period = Period()) -> list[ScoreRecord]:
    """Return the patient's scores in ``period``, oldest first, with who recorded each (one query)."""
    statement = (
        db.select(
            PainScore.recorded_at,
            PainScore.context,
            PainScore.region_code,
            PainScore.score,
            PainScore.visit_id,
            PainScore.intake_id,
            User.full_name,
        )
        .outerjoin(User, User.id == PainScore.recorded_by_id)
        .where(PainScore.patient_id == patient_id, *in_period(PainScore.recorded_at, period))
        .order_by(PainScore.recorded_at, PainScore.id)
    )
    return [
        ScoreRecord(
            recorded_at=row.recorded_at,
            context=row.context,
            region_code=row.region_code,
            score=row.score,
            visit_id=row.visit_id,
            intake_id=row.intake_id,
            recorded_by=row.full_name or (PATIENT_RECORDED if row.intake_id else "—"),
        )
        for row in db.session.execute(statement)
    ]


def load_odi_records(patient_id: int, period: Period = Period()) -> list[OdiRecord]:
    """Return the patient's Oswestry Disability Index in ``period``, oldest first, from the app's provider."""
    odi_series: OdiSeries | None = current_app.extensions.get(ODI_SERIES)
    return odi_series(patient_id, period) if odi_series else []


def load_pain_history(patient_id: int, period: Period = Period()) -> PainHistory:
    """Load and summarise a patient's pain scores and ODI in ``period``."""
    records = load_score_records(patient_id, period)
    return PainHistory(
        records=records,
        occasions=group_occasions(records),
        regions=region_histories(records),
        visit_effects=visit_effects(records),
        odi=load_odi_records(patient_id, period),
    )


def group_occasions(records: list[ScoreRecord]) -> list[Occasion]:
    """Group scores recorded together (same time, context, visit and intake), oldest first."""
    occasions: dict[tuple, Occasion] = {}
    for record in records:
        key = (record.recorded_at, record.context, record.visit_id, record.intake_id)
        occasion = occasions.get(key)
        if occasion is None:
            occasion = occasions[key] = Occasion(
                record.recorded_at, record.context, record.visit_id, record.intake_id, record.recorded_by
            )
        occasion.scores[record.region_code] = record.score
    return sorted(occasions.values(), key=lambda o: (o.recorded_at, o.context != AFTER_TREATMENT))


def region_histories(records: list[ScoreRecord]) -> list[RegionHistory]:
    """Return each scored region's records, its change from baseline and its average immediate drop."""
    by_region: dict[str, list[ScoreRecord]] = defaultdict(list)
    for record in records:
        by_region[record.region_code].append(record)
    histories = []
    for code in sorted(by_region, key=lambda c: _REGION_ORDER.get(c, len(_REGION_ORDER))):
        region = REGION_BY_CODE.get(code) or Region(code, code, "", "", None, None)
        region_records = by_region[code]
        arrivals = [r for r in region_records if r.context in ARRIVAL_CONTEXTS]
        change = pain_change(arrivals[0].score, arrivals[-1].score) if arrivals else None
        drops = [e.drop for e in visit_effects(region_records)]
        histories.append(
            RegionHistory(region, region_records, change, fmean(drops) if drops else None, len(arrivals))
        )
    return histories


def visit_effects(records: list[ScoreRecord]) -> list[VisitEffect]:
    """Pair before- and after-treatment scores by visit and region; one effect per visit."""
    before: dict[int, dict[str, ScoreRecord]] = defaultdict(dict)
    after: dict[int, dict[str, int]] = defaultdict(dict)
    for record in records:
        if record.visit_id is None:
            continue
        if record.context == BEFORE_TREATMENT:
            before[record.visit_id][record.region_code] = record
        elif record.context == AFTER_TREATMENT:
            after[record.visit_id][record.region_code] = record.score
    effects = []
    for visit_id, before_scores in before.items():
        paired = [code for code in before_scores if code in after[visit_id]]
        if not paired:
            continue
        effects.append(
            VisitEffect(
                visit_id=visit_id,
                treated_at=min(before_scores[code].recorded_at for code in paired),
                before_average=fmean(before_scores[code].score for code in paired),
                after_average=fmean(after[visit_id][code] for code in paired),
                regions_paired=len(paired),
            )
        )
    return sorted(effects, key=lambda e: e.treated_at)
