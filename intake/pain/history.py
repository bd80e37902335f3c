"""A patient's pain history: every score in a period, grouped and summarised.

A constant number of queries whatever the number of visits, each bounded by the period: how many
occasions the period holds (and the time before it, read back from the period's start up to
``OLDER_COUNT_CAP``), each region's first and latest score (and its true first score ever, the baseline
when the default period hides it; seeks into each region's range of the index on (patient, region, time)),
each treatment's effect before/after and each region's average drop (paired in one pass over the period's
scores before and after treatment), the scores themselves (or, past ``MONTHLY_FROM`` occasions, their
monthly means per region, computed in SQL) and the submitted intakes' Oswestry Disability Index.
Each statement is built once per shape of period (start, end, both or neither) and reused with the
patient and the dates as parameters; the rows are plain tuples, not ORM objects, and the many scores'
recording times are converted once per distinct moment.
The questionnaire owns the ODI, so pain does not read it: the factory registers the series
provider under ``ODI_SERIES`` in ``app.extensions``.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from statistics import fmean
from typing import Any, NamedTuple

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import (
    CTE,
    Select,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    type_coerce,
)
from sqlalchemy.types import TypeDecorator

from intake.auth.models import User
from intake.database import UTCDateTime
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, CONTEXT_LABELS, PainScore
from intake.pain.models import ARRIVAL_CONTEXTS as ARRIVAL_CONTEXTS  # the report reads them from here
from intake.pain.progress import Change, odi_change, pain_change
from intake.pain.regions import REGION_BY_CODE, REGIONS, Region

PATIENT_RECORDED = "Patient (intake questionnaire)"
_REGION_ORDER = {region.code: n for n, region in enumerate(REGIONS)}


@dataclass(frozen=True)
class Period:
    """A range of recording times, both ends optional (aware UTC; ``end`` is exclusive)."""

    start: datetime | None = None
    end: datetime | None = None
    #: True for the default period (the last 12 months): baselines then come from the whole history.
    is_default: bool = False


class ScoreRecord(NamedTuple):
    recorded_at: datetime
    context: str
    region_code: str
    score: float
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
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def context_label(self) -> str:
        return CONTEXT_LABELS[self.context]

    @property
    def worst(self) -> float:
        return max(self.scores.values())

    @property
    def total(self) -> float:
        return sum(self.scores.values())


def score_words(value: float | None) -> str:
    """Return a score as the pages write it: one decimal at most, a dash for none."""
    return "—" if value is None else f"{value:.1f}".rstrip("0").rstrip(".")


def signed_words(value: float | None) -> str:
    """Return a change with its sign (a true minus sign for a drop), a dash for none."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{score_words(value)}"
    return f"−{score_words(-value)}" if value < 0 else "0"


def verdict_markup(change: Change | None) -> Markup:
    """Return what a change means, as the pages' verdict badge."""
    if change is None:
        return Markup('<span class="verdict">Not enough scores to compare</span>')
    # Safe: the verdict is one of progress's constants and its words are escaped.
    return Markup(f'<span class="verdict verdict--{escape(change.verdict)}">{escape(change.in_words)}</span>')  # nosec B704


@dataclass(frozen=True)
class RegionHistory:
    region: Region
    #: The scores drawn, without who recorded each (the charts do not say it: see ``load_charted_records``).
    records: list[ScoreRecord]
    change: Change | None
    average_immediate_drop: float | None
    arrival_count: int = 0

    @property
    def is_comparable(self) -> bool:
        """True when there is a latest score to compare with the baseline (two or more)."""
        return self.arrival_count >= 2

    @property
    def summary_cells(self) -> Markup:
        """Return the region's cells in the table by region: baseline, latest, change, its meaning, average drop
        (written once here rather than by a macro per cell)."""
        change, comparable = self.change, self.is_comparable
        cells = (
            f'<td data-label="Baseline">{score_words(change.baseline) if change else "—"}</td>'
            f'<td data-label="Latest">{score_words(change.latest) if change else "—"}</td>'
            f'<td data-label="Change">{signed_words(change.amount) if change and comparable else "—"}</td>'
            f'<td data-label="Meaningful change?">{verdict_markup(change if comparable else None)}</td>'
            f'<td data-label="Average drop per treatment">{score_words(self.average_immediate_drop)}</td>'
        )
        # Safe: numbers and the verdict's escaped markup only.
        return Markup(cells)  # nosec B704

    @property
    def change_caption(self) -> Markup:
        """Return what follows the region's name over its chart: baseline → latest and its meaning."""
        change = self.change
        if change is None:
            return Markup("")
        if self.is_comparable:
            words = (
                f": {score_words(change.baseline)} → {score_words(change.latest)} · {verdict_markup(change)}"
            )
        else:
            words = f": {score_words(change.baseline)} · {verdict_markup(None)}"
        return Markup(words)  # nosec B704


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


#: Past this many occasions in a period, the history draws monthly means per region instead of every score.
MONTHLY_FROM = 200
#: The older occasions are counted up to this many; past it the page says "more than" (a long history's
#: years before the period are not all walked to say that there are more).
OLDER_COUNT_CAP = 100


@dataclass
class PainHistory:
    #: The scores drawn, without who recorded each (the charts do not say it: see ``load_charted_records``).
    records: list[ScoreRecord]
    occasions: list[Occasion]
    regions: list[RegionHistory]
    visit_effects: list[VisitEffect]
    odi: list[OdiRecord]
    #: Occasions in the period, and before its start (not shown).
    occasion_count: int = 0
    #: Up to one past ``OLDER_COUNT_CAP``: more than that many is said as "more than".
    older_count: int = 0
    arrival_count: int = 0
    #: True when ``records`` and ``occasions`` are monthly means per region, not single scores.
    is_monthly: bool = False
    #: When a baseline comes from before the period: the date of the first score it compares with.
    baseline_since: datetime | None = None
    first_arrival_at: datetime | None = None
    latest_arrival_at: datetime | None = None
    #: The first ODI ever, when the default period hides it: the ODI change compares with it.
    odi_baseline: OdiRecord | None = None

    @property
    def is_empty(self) -> bool:
        return not self.occasion_count and not self.odi

    @property
    def older_is_capped(self) -> bool:
        """True when the period has more older occasions than are counted (the page says "more than")."""
        return self.older_count > OLDER_COUNT_CAP

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
        return self.first_arrival_at

    @property
    def latest_recorded_at(self) -> datetime | None:
        return self.latest_arrival_at

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
        if self.odi_baseline is not None and self.odi:
            return odi_change(self.odi_baseline.percent, self.odi[-1].percent)
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


_score = PainScore.__table__.c
_user = User.__table__.c
_ARRIVAL = _score.context.in_(ARRIVAL_CONTEXTS)
_PATIENT = _score.patient_id == bindparam("patient_id")


@dataclass(frozen=True)
class Shape:
    """Which ends a period has: statements are built once per shape, the dates are their parameters."""

    has_start: bool
    has_end: bool

    @classmethod
    def of(cls, period: Period) -> "Shape":
        return cls(period.start is not None, period.end is not None)


def _bounded(column, shape: Shape, *, start: bool = True) -> list:
    """Return the conditions keeping ``column`` within the period's ``:start`` and ``:end`` parameters."""
    conditions = []
    if start and shape.has_start:
        conditions.append(column >= bindparam("start"))
    if shape.has_end:
        conditions.append(column < bindparam("end"))
    return conditions


def _parameters(patient_id: int, period: Period) -> dict:
    return {"patient_id": patient_id, "start": period.start, "end": period.end}


def period_conditions(column, shape: Shape) -> list:
    """Return the conditions keeping ``column`` within a period of ``shape``, its dates left as parameters
    (for a statement built once per shape, run with ``period_parameters``)."""
    return _bounded(column, shape)


def period_parameters(patient_id: int, period: Period) -> dict:
    """Return the patient and the dates a statement of ``period``'s shape is run with."""
    return _parameters(patient_id, period)


_LATEST_SCORE_AT = db.select(func.max(_score.recorded_at)).where(_PATIENT)


def latest_score_at(patient_id: int) -> datetime | None:
    """Return when the patient's latest score was recorded (one indexed query)."""
    return db.session.scalar(_LATEST_SCORE_AT, {"patient_id": patient_id})


class _SharedMoment(TypeDecorator[datetime]):
    """A recording time read as ``UTCDateTime`` reads it, each distinct value converted once: the scores of one
    occasion share their time, so a history of 6,000 scores holds about a thousand moments."""

    impl = UTCDateTime
    cache_ok = True

    def result_processor(self, dialect, coltype):
        process = UTCDateTime().dialect_impl(dialect).result_processor(dialect, coltype)
        # Bounded: a few pages' moments; a conversion is a pure function of the stored value.
        return lru_cache(maxsize=4096)(process) if process is not None else None


#: A score's recording time, as the rows of many scores read it.
_RECORDED_AT = type_coerce(_score.recorded_at, _SharedMoment()).label("recorded_at")


#: Who recorded a score, in words: the staff member, or the patient through the intake questionnaire.
_RECORDED_BY = func.coalesce(
    func.nullif(_user.full_name, ""),
    case((_score.intake_id.is_not(None), literal(PATIENT_RECORDED)), else_=literal("—")),
)


def _score_columns(recorded_by) -> tuple:
    """The columns of a ``ScoreRecord``, in its order, with ``recorded_by`` saying who recorded the score."""
    return (
        _RECORDED_AT,
        _score.context,
        _score.region_code,
        _score.score,
        _score.visit_id,
        _score.intake_id,
        recorded_by,
    )


def _score_rows() -> Select:
    return db.select(*_score_columns(_RECORDED_BY)).outerjoin(
        User.__table__, _user.id == _score.recorded_by_id
    )


@cache
def _score_records_statement(shape: Shape) -> Select:
    return (
        _score_rows()
        .where(_PATIENT, *_bounded(_score.recorded_at, shape))
        .order_by(_score.recorded_at, _score.id)
    )


def load_score_records(patient_id: int, period: Period = Period()) -> list[ScoreRecord]:
    """Return the patient's scores in ``period``, oldest first, with who recorded each (one query)."""
    rows = db.session.execute(
        _score_records_statement(Shape.of(period)), _parameters(patient_id, period)
    ).all()
    return list(map(ScoreRecord._make, rows))


#: What the charts' scores say of who recorded them: nothing (the charts do not show it).
NOT_READ = ""


@cache
def _charted_records_statement(shape: Shape) -> Select:
    # Only the columns of the index on (patient, time): the charts read neighbouring index pages, never
    # each score's table row nor its author's account.
    return (
        db.select(*_score_columns(literal(NOT_READ)))
        .where(_PATIENT, *_bounded(_score.recorded_at, shape))
        .order_by(_score.recorded_at, _score.id)
    )


def load_charted_records(patient_id: int, period: Period = Period()) -> list[ScoreRecord]:
    """Return the patient's scores in ``period``, oldest first, as the charts draw them: without who recorded
    each (``recorded_by`` is ``NOT_READ``; one query)."""
    rows = db.session.execute(_charted_records_statement(Shape.of(period)), _parameters(patient_id, period))
    return list(map(ScoreRecord._make, rows))


def load_odi_records(patient_id: int, period: Period = Period()) -> list[OdiRecord]:
    """Return the patient's Oswestry Disability Index in ``period``, oldest first, from the app's provider."""
    odi_series: OdiSeries | None = current_app.extensions.get(ODI_SERIES)
    return odi_series(patient_id, period) if odi_series else []


@dataclass(frozen=True)
class OccasionCounts:
    in_period: int
    older: int
    arrivals: int


def _distinct_occasions(*conditions) -> Select:
    return db.select(_score.recorded_at, _score.context, _score.visit_id, _score.intake_id).where(
        _PATIENT, *conditions
    )


@cache
def _count_occasions_statement(shape: Shape) -> Select:
    shown = _distinct_occasions(*_bounded(_score.recorded_at, shape)).distinct().subquery()
    older: Any = literal(0)
    if shape.has_start:
        # Read back from the period's start along the (patient, time) index, and stop one past the cap.
        before_start = (
            _distinct_occasions(_score.recorded_at < bindparam("start"))
            .distinct()
            .order_by(_score.recorded_at.desc())
            .limit(OLDER_COUNT_CAP + 1)
            .subquery()
        )
        older = db.select(func.count()).select_from(before_start).scalar_subquery()
    return db.select(
        func.count(),
        older,
        func.count(case((shown.c.context.in_(ARRIVAL_CONTEXTS), 1))),
    ).select_from(shown)


def count_occasions(patient_id: int, period: Period) -> OccasionCounts:
    """Count the occasions in ``period``, the arrivals in it and those before it, up to one past
    ``OLDER_COUNT_CAP`` (one query, in SQL)."""
    row = db.session.execute(
        _count_occasions_statement(Shape.of(period)), _parameters(patient_id, period)
    ).one()
    total, older_count, arrivals = (int(value or 0) for value in row)
    return OccasionCounts(total, older_count, arrivals)


@dataclass
class RegionArrivals:
    first: tuple[datetime, float] | None = None
    latest: tuple[datetime, float] | None = None
    count: int = 0
    first_ever: tuple[datetime, float] | None = None


def _scored_regions() -> CTE:
    """Return the regions the patient has scores of, each found by a seek past the one before along the index on
    (patient, region): a few dozen seeks at most, never the whole history grouped by region."""
    seek = PainScore.__table__.alias("next_region")
    first = (
        db.select(_score.region_code).where(_PATIENT).order_by(_score.region_code).limit(1).scalar_subquery()
    )
    regions = db.select(first.label("region_code")).cte("scored_region", recursive=True)
    following = (
        db.select(seek.c.region_code)
        .where(seek.c.patient_id == bindparam("patient_id"), seek.c.region_code > regions.c.region_code)
        .order_by(seek.c.region_code)
        .limit(1)
        .scalar_subquery()
    )
    return regions.union_all(db.select(following).where(regions.c.region_code.is_not(None)))


@cache
def _region_arrivals_statement(shape: Shape) -> Select:
    regions = _scored_regions()
    of_region = (_PATIENT, _ARRIVAL, _score.region_code == regions.c.region_code)

    def seek(column, *conditions, newest: bool = False):
        # One seek into the region's range of the index on (patient, region, time): its first or its newest
        # arrival within ``conditions``, ties going to the first recorded (the newest: the last recorded).
        order = (_score.recorded_at.desc(), _score.id.desc()) if newest else (_score.recorded_at, _score.id)
        return db.select(column).where(*of_region, *conditions).order_by(*order).limit(1).scalar_subquery()

    shown = _bounded(_score.recorded_at, shape)
    columns = [
        seek(_score.recorded_at, *shown),
        seek(_score.score, *shown),
        seek(_score.recorded_at, *shown, newest=True),
        seek(_score.score, *shown, newest=True),
        db.select(func.count()).where(*of_region, *shown).scalar_subquery(),
    ]
    if shape.has_start:
        # The region's first score ever, even before the period (the default period's baseline).
        earlier = _bounded(_score.recorded_at, shape, start=False)
        columns += [seek(_score.recorded_at, *earlier), seek(_score.score, *earlier)]
    return db.select(regions.c.region_code, *columns).where(regions.c.region_code.is_not(None))


def load_region_arrivals(patient_id: int, period: Period) -> dict[str, RegionArrivals]:
    """Return the first and latest arrival score in ``period`` and the first ever of each region it shows (one query).

    Each of the patient's regions is read by seeks into its own range of the index on (patient, region, time):
    its first and newest arrival in the period, their count and its first ever; ties go to the first recorded,
    the newest to the last.
    """
    regions: dict[str, RegionArrivals] = {}
    rows = db.session.execute(_region_arrivals_statement(Shape.of(period)), _parameters(patient_id, period))
    for code, first_at, first, latest_at, latest, count, *first_ever in rows:
        if not count:
            continue  # scored only before or after the period, or only after treatment
        region = regions[code] = RegionArrivals((first_at, first), (latest_at, latest), count)
        region.first_ever = (first_ever[0], first_ever[1]) if first_ever else region.first
    return regions


@cache
def _treatment_scores_statement(shape: Shape) -> Select:
    # The period's scores before and after treatment, read along the index on (patient, time) in recording
    # order: a later score of the same visit, region and round comes after the one it replaces.
    return (
        db.select(_score.visit_id, _score.region_code, _score.context, _RECORDED_AT, _score.score)
        .where(
            _PATIENT,
            _score.context.in_((BEFORE_TREATMENT, AFTER_TREATMENT)),
            _score.visit_id.is_not(None),
            *_bounded(_score.recorded_at, shape),
        )
        .order_by(_score.recorded_at, _score.id)
    )


def load_visit_effects(patient_id: int, period: Period) -> tuple[list[VisitEffect], dict[str, float]]:
    """Return the effect of each treatment in ``period`` and each region's average drop (one query, one pass).

    A treatment's effect compares the regions scored both before and after it, each with its newest score of
    each round (a later score of the same round replaces an earlier); sums are of the scores themselves, so
    averages are exactly those of the scores.
    """
    rows = db.session.execute(_treatment_scores_statement(Shape.of(period)), _parameters(patient_id, period))
    before: dict[tuple[int, str], tuple[datetime, int]] = {}
    after: dict[tuple[int, str], int] = {}
    for visit_id, region_code, context, recorded_at, score in rows:
        if context == BEFORE_TREATMENT:
            before[(visit_id, region_code)] = (recorded_at, score)  # in recording order: the newest stays
        else:
            after[(visit_id, region_code)] = score
    visits: dict[int, list] = {}  # each visit's first paired time, sums before and after, regions paired
    regions: dict[str, list[int]] = {}  # each region's summed drop and treatments paired
    for key, (treated_at, score_before) in before.items():
        score_after = after.get(key)
        if score_after is None:
            continue
        visit_id, region_code = key
        visit = visits.get(visit_id)
        if visit is None:
            visits[visit_id] = [treated_at, score_before, score_after, 1]
        else:
            visit[0] = min(visit[0], treated_at)
            visit[1] += score_before
            visit[2] += score_after
            visit[3] += 1
        region = regions.setdefault(region_code, [0, 0])
        region[0] += score_before - score_after
        region[1] += 1
    effects = [
        VisitEffect(visit_id, treated_at, int(sum_before) / count, int(sum_after) / count, count)
        for visit_id, (treated_at, sum_before, sum_after, count) in visits.items()
    ]
    effects.sort(key=lambda effect: (effect.treated_at, effect.visit_id))
    drops = {code: int(drop) / count for code, (drop, count) in regions.items()}
    return effects, drops


def _month(column, dialect: str):
    """Return the UTC year and month of ``column`` as 'YYYY-MM' on ``dialect``."""
    if dialect == "postgresql":
        return func.to_char(func.timezone(literal_column("'UTC'"), column), literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), column)


@cache
def _monthly_means_statement(shape: Shape, dialect: str) -> Select:
    month = _month(_score.recorded_at, dialect)
    return (
        db.select(month, _score.context, _score.region_code, func.avg(_score.score), func.count())
        .where(_PATIENT, *_bounded(_score.recorded_at, shape))
        .group_by(month, _score.context, _score.region_code)
    )


def load_monthly_means(patient_id: int, period: Period) -> list[ScoreRecord]:
    """Return each region's mean arrival and after-treatment score per month in ``period`` (aggregated in SQL)."""
    statement = _monthly_means_statement(Shape.of(period), db.session.get_bind().dialect.name)
    sums: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for month_text, context, code, mean, count in db.session.execute(
        statement, _parameters(patient_id, period)
    ):
        kind = AFTER_TREATMENT if context == AFTER_TREATMENT else BEFORE_TREATMENT
        total = sums[(month_text, kind, code)]
        total[0] += float(mean) * count
        total[1] += count
    records = []
    for (month_text, kind, code), (score_sum, count) in sorted(sums.items()):
        year, month_number = (int(part) for part in month_text.split("-"))
        records.append(
            ScoreRecord(
                recorded_at=datetime(year, month_number, 15, 12, tzinfo=UTC),
                context=kind,
                region_code=code,
                score=round(score_sum / count, 1),
                visit_id=None,
                intake_id=None,
                recorded_by=f"Mean of {int(count)} scores",
            )
        )
    return records


def load_pain_history(patient_id: int, period: Period = Period(), *, with_scores: bool = True) -> PainHistory:
    """Load and summarise a patient's pain scores and ODI in ``period`` (a constant number of queries)."""
    counts = count_occasions(patient_id, period)
    arrivals = load_region_arrivals(patient_id, period)
    effects, drops = load_visit_effects(patient_id, period)
    is_monthly = counts.in_period > MONTHLY_FROM
    records: list[ScoreRecord] = []
    if with_scores:
        records = (
            load_monthly_means(patient_id, period) if is_monthly else load_charted_records(patient_id, period)
        )
    regions, baseline_since = region_histories(records, arrivals, drops, use_first_ever=period.is_default)
    in_period_arrivals = [a for a in arrivals.values() if a.first]
    odi, odi_baseline = _odi_in(patient_id, period)
    if odi_baseline is not None:
        baseline_since = min(baseline_since or odi_baseline.submitted_at, odi_baseline.submitted_at)
    return PainHistory(
        records=records,
        occasions=group_occasions(records),
        regions=regions,
        visit_effects=effects,
        odi=odi,
        odi_baseline=odi_baseline,
        occasion_count=counts.in_period,
        older_count=counts.older,
        arrival_count=counts.arrivals,
        is_monthly=is_monthly,
        baseline_since=baseline_since,
        first_arrival_at=min((a.first[0] for a in in_period_arrivals if a.first), default=None),
        latest_arrival_at=max((a.latest[0] for a in in_period_arrivals if a.latest), default=None),
    )


def _odi_in(patient_id: int, period: Period) -> tuple[list[OdiRecord], OdiRecord | None]:
    """Return the ODI records in ``period`` and, for the default period, the first ever when it is older.

    A patient has a handful of intakes, so the default period loads them all in its one query.
    """
    if not period.is_default or period.start is None:
        return load_odi_records(patient_id, period), None
    start = period.start
    every = load_odi_records(patient_id, Period(end=period.end))
    shown = [record for record in every if record.submitted_at >= start]
    return shown, (every[0] if every and every[0].submitted_at < start else None)


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


def regions_in_order(codes) -> list[Region]:
    """Return the regions of ``codes`` in the body map's order (a code no longer listed goes last, as itself)."""
    ordered = sorted(codes, key=lambda c: (_REGION_ORDER.get(c, len(_REGION_ORDER)), c))
    return [REGION_BY_CODE.get(code) or Region(code, code, "", "", None, None) for code in ordered]


def region_histories(
    records: list[ScoreRecord],
    arrivals: dict[str, RegionArrivals],
    drops: dict[str, float],
    *,
    use_first_ever: bool = False,
) -> tuple[list[RegionHistory], datetime | None]:
    """Return each scored region's records, change from baseline and average immediate drop.

    With ``use_first_ever`` the baseline is the region's first score ever, even before the period;
    the second value is then the date of the earliest such baseline (None when none is older).
    """
    by_region: dict[str, list[ScoreRecord]] = defaultdict(list)
    for record in records:
        by_region[record.region_code].append(record)
    codes = {code for code, a in arrivals.items() if a.first} | set(by_region) | set(drops)
    histories = []
    since: datetime | None = None
    for region in regions_in_order(codes):
        code = region.code
        arrival = arrivals.get(code, RegionArrivals())
        change = None
        count = arrival.count
        if arrival.first and arrival.latest:
            baseline = arrival.first
            if use_first_ever and arrival.first_ever and arrival.first_ever[0] < arrival.first[0]:
                baseline = arrival.first_ever
                count += 1  # the baseline is one more score to compare with
                since = baseline[0] if since is None else min(since, baseline[0])
            change = pain_change(baseline[1], arrival.latest[1])
        histories.append(RegionHistory(region, by_region[code], change, drops.get(code), count))
    return histories, since


@dataclass(frozen=True)
class OccasionPage:
    """One page of a period's occasions, newest first."""

    occasions: list[Occasion]
    page: int
    has_previous: bool
    has_next: bool


@cache
def _occasion_page_statement(shape: Shape) -> Select:
    times = (
        db.select(_score.recorded_at)
        .where(_PATIENT, *_bounded(_score.recorded_at, shape))
        .distinct()
        .order_by(_score.recorded_at.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    return (
        _score_rows()
        .where(_PATIENT, _score.recorded_at.in_(db.select(times.c.recorded_at)))
        .order_by(_score.recorded_at, _score.id)
    )


def load_occasion_page(patient_id: int, period: Period, page: int, per_page: int) -> OccasionPage:
    """Return page ``page`` (from 1) of the occasions in ``period``, newest first (one query)."""
    parameters = _parameters(patient_id, period) | {"limit": per_page + 1, "offset": (page - 1) * per_page}
    rows = db.session.execute(_occasion_page_statement(Shape.of(period)), parameters).all()
    occasions = group_occasions(list(map(ScoreRecord._make, rows)))[::-1]
    moments = sorted({o.recorded_at for o in occasions}, reverse=True)
    has_next = len(moments) > per_page
    if has_next:
        occasions = [o for o in occasions if o.recorded_at != moments[-1]]
    return OccasionPage(occasions, page, page > 1, has_next)


#: The chart page's sparkline draws the worst region of this many latest arrivals.
SPARKLINE_OCCASIONS = 30


@dataclass(frozen=True)
class ChartScores:
    """What the chart page's pain section draws: the latest arrivals' worst score and each region's latest."""

    score_count: int
    arrival_count: int
    latest_worst: list[tuple[datetime, int, str]]
    latest_scores: dict[str, float]

    @property
    def is_empty(self) -> bool:
        return not self.score_count


_CHART_ARRIVAL = _PATIENT & _ARRIVAL
_OCCASION_KEYS = (_score.recorded_at, _score.context, _score.visit_id, _score.intake_id)
_CHART_COUNTS = db.select(
    db.select(func.count()).where(_PATIENT).scalar_subquery(),
    db.select(func.count())
    .select_from(db.select(*_OCCASION_KEYS).where(_CHART_ARRIVAL).distinct().subquery())
    .scalar_subquery(),
)
# The newest arrivals only: the index on (patient, time) is read backwards for their moments, so a long
# history is not grouped whole to draw thirty points.
_NEWEST_MOMENTS = (
    db.select(_score.recorded_at)
    .where(_CHART_ARRIVAL)
    .distinct()
    .order_by(_score.recorded_at.desc())
    .limit(SPARKLINE_OCCASIONS)
    .subquery()
)
_CHART_WORST = (
    db.select(_score.recorded_at, func.max(_score.score), _score.context)
    .where(
        _CHART_ARRIVAL,
        _score.recorded_at >= db.select(func.min(_NEWEST_MOMENTS.c.recorded_at)).scalar_subquery(),
    )
    .group_by(*_OCCASION_KEYS)
    .order_by(_score.recorded_at.desc())
    .limit(SPARKLINE_OCCASIONS)
)


@cache
def _chart_latest_statement() -> Select:
    """Build (on first use) each region's latest arrival score, one seek per region along (patient, region)."""
    regions = _scored_regions()
    # Read back from the end of the region's range: its newest arrival, the last recorded when two share a moment.
    latest = (
        db.select(_score.score)
        .where(_CHART_ARRIVAL, _score.region_code == regions.c.region_code)
        .order_by(_score.recorded_at.desc(), _score.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return db.select(regions.c.region_code, latest).where(regions.c.region_code.is_not(None))


def load_chart_scores(patient_id: int) -> ChartScores:
    """Load the chart section's scores: counts, the latest arrivals' worst, each region's latest (three queries)."""
    parameters = {"patient_id": patient_id}
    score_count, arrival_count = db.session.execute(_CHART_COUNTS, parameters).one()
    worst = db.session.execute(_CHART_WORST, parameters).all()
    latest: dict[str, float] = {
        code: score
        for code, score in db.session.execute(_chart_latest_statement(), parameters)
        if score is not None  # a region scored only after treatment has no arrival to show
    }
    return ChartScores(
        score_count=int(score_count or 0),
        arrival_count=int(arrival_count or 0),
        latest_worst=[(at, score, context) for at, score, context in reversed(worst)],
        latest_scores=dict(
            sorted(latest.items(), key=lambda item: _REGION_ORDER.get(item[0], len(_REGION_ORDER)))
        ),
    )
