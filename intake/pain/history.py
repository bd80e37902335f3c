"""A patient's pain history: every score in a period, grouped and summarised.

A constant number of queries whatever the number of visits, each bounded by the period: how many
occasions the period holds (and the time before it, read back from the period's start up to
``OLDER_COUNT_CAP``), each region's first and latest score (and its true first score ever, the baseline
when the default period hides it), each treatment's effect before/after and each region's average drop
(aggregated in SQL), the scores themselves (or, past ``MONTHLY_FROM`` occasions, their monthly means per
region, computed in SQL) and the submitted intakes' Oswestry Disability Index.
Each statement is built once per shape of period (start, end, both or neither) and reused with the
patient and the dates as parameters; the rows are plain tuples, not ORM objects.
The questionnaire owns the ODI, so pain does not read it: the factory registers the series
provider under ``ODI_SERIES`` in ``app.extensions``.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from statistics import fmean
from typing import Any, NamedTuple

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import (
    CompoundSelect,
    Select,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    null,
    union,
    union_all,
)

from intake.auth.models import User
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


_LATEST_SCORE_AT = db.select(func.max(_score.recorded_at)).where(_PATIENT)


def latest_score_at(patient_id: int) -> datetime | None:
    """Return when the patient's latest score was recorded (one indexed query)."""
    return db.session.scalar(_LATEST_SCORE_AT, {"patient_id": patient_id})


#: Who recorded a score, in words: the staff member, or the patient through the intake questionnaire.
_RECORDED_BY = func.coalesce(
    func.nullif(_user.full_name, ""),
    case((_score.intake_id.is_not(None), literal(PATIENT_RECORDED)), else_=literal("—")),
)


def _score_rows() -> Select:
    return db.select(
        _score.recorded_at,
        _score.context,
        _score.region_code,
        _score.score,
        _score.visit_id,
        _score.intake_id,
        _RECORDED_BY,
    ).outerjoin(User.__table__, _user.id == _score.recorded_by_id)


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


@cache
def _region_arrivals_statement(shape: Shape) -> Select:
    arrival = _PATIENT & _ARRIVAL
    shown = (
        db.select(
            _score.region_code.label("region_code"),
            func.min(_score.recorded_at).label("first_at"),
            func.max(_score.recorded_at).label("latest_at"),
            func.count().label("n"),
        )
        .where(arrival, *_bounded(_score.recorded_at, shape))
        .group_by(_score.region_code)
        .subquery()
    )
    first_ever_at: Any = shown.c.first_at
    if shape.has_start:
        # The region's first score ever: the index on (patient, time) read from the start until the region
        # appears, for the regions the period shows only, rather than every older score grouped by region.
        earlier = PainScore.__table__.alias("earlier")
        first_ever_at = (
            db.select(earlier.c.recorded_at)
            .where(
                earlier.c.patient_id == bindparam("patient_id"),
                earlier.c.region_code == shown.c.region_code,
                earlier.c.context.in_(ARRIVAL_CONTEXTS),
                *_bounded(earlier.c.recorded_at, shape, start=False),
            )
            .order_by(earlier.c.recorded_at)
            .limit(1)
            .scalar_subquery()
        )
    moments = db.select(
        shown.c.region_code,
        first_ever_at.label("first_ever_at"),
        shown.c.first_at,
        shown.c.latest_at,
        shown.c.n,
    ).cte("moments")
    # The scores at any region's moments, through the index on (patient, time): a few rows, where joining on
    # "this region's first or latest" would walk every score of the patient.
    moment_times = union(
        db.select(moments.c.first_ever_at), db.select(moments.c.first_at), db.select(moments.c.latest_at)
    )
    return (
        db.select(moments, _score.recorded_at, _score.score)
        .select_from(moments)
        .join(
            PainScore.__table__,
            arrival & (_score.region_code == moments.c.region_code) & _score.recorded_at.in_(moment_times),
        )
        .order_by(_score.recorded_at, _score.id)
    )


def load_region_arrivals(patient_id: int, period: Period) -> dict[str, RegionArrivals]:
    """Return the first and latest arrival score in ``period`` and the first ever of each region it shows (one query).

    Aggregates find each region's moments (first and latest in the period, and its first ever), then the
    index on (patient, time) fetches the few scores at those moments; ties go to the first recorded.
    """
    regions: dict[str, RegionArrivals] = defaultdict(RegionArrivals)
    rows = db.session.execute(_region_arrivals_statement(Shape.of(period)), _parameters(patient_id, period))
    for code, first_ever_at, first_at, latest_at, count, recorded_at, score in rows:
        region = regions[code]
        region.count = count
        moment = (recorded_at, score)
        if recorded_at == first_ever_at and region.first_ever is None:
            region.first_ever = moment
        if recorded_at == first_at and region.first is None:
            region.first = moment
        if recorded_at == latest_at:
            region.latest = moment  # the last of them in recording order
    return dict(regions)


@cache
def _visit_effects_statement(shape: Shape) -> CompoundSelect:
    after = PainScore.__table__.alias("after_treatment")
    pairs = (
        db.select(
            _score.visit_id.label("visit_id"),
            _score.region_code.label("region_code"),
            _score.recorded_at.label("treated_at"),
            _score.score.label("before"),
            after.c.score.label("after"),
            # A later score of the same round replaces an earlier: only each visit and region's newest pair counts.
            func.row_number()
            .over(
                partition_by=(_score.visit_id, _score.region_code),
                order_by=(
                    _score.recorded_at.desc(),
                    _score.id.desc(),
                    after.c.recorded_at.desc(),
                    after.c.id.desc(),
                ),
            )
            .label("newer"),
        )
        .join(
            after,
            (after.c.visit_id == _score.visit_id)
            & (after.c.region_code == _score.region_code)
            & (after.c.context == AFTER_TREATMENT),
        )
        .where(
            _PATIENT,
            _score.context == BEFORE_TREATMENT,
            _score.visit_id.is_not(None),
            *_bounded(_score.recorded_at, shape),
            *_bounded(after.c.recorded_at, shape),
        )
        .cte("pairs")
    )
    newest = pairs.c.newer == 1
    by_visit = (
        db.select(
            literal("visit").label("kind"),
            pairs.c.visit_id,
            null().label("region_code"),
            func.min(pairs.c.treated_at).label("treated_at"),
            func.sum(pairs.c.before).label("before"),
            func.sum(pairs.c.after).label("after"),
            func.count().label("n"),
        )
        .where(newest)
        .group_by(pairs.c.visit_id)
    )
    by_region = (
        db.select(
            literal("region"),
            null(),
            pairs.c.region_code,
            null(),
            func.sum(pairs.c.before - pairs.c.after),
            null(),
            func.count(),
        )
        .where(newest)
        .group_by(pairs.c.region_code)
    )
    return union_all(by_visit, by_region)


def load_visit_effects(patient_id: int, period: Period) -> tuple[list[VisitEffect], dict[str, float]]:
    """Return the effect of each treatment in ``period`` and each region's average drop (one query, in SQL).

    A treatment's effect compares the regions scored both before and after it; sums are taken in SQL and
    divided here, so averages are exactly those of the scores.
    """
    effects: list[VisitEffect] = []
    drops: dict[str, float] = {}
    rows = db.session.execute(_visit_effects_statement(Shape.of(period)), _parameters(patient_id, period))
    for kind, visit_id, region_code, treated_at, before, after, count in rows:
        if kind == "visit":
            effects.append(VisitEffect(visit_id, treated_at, int(before) / count, int(after) / count, count))
        else:
            drops[region_code] = int(before) / count
    effects.sort(key=lambda effect: (effect.treated_at, effect.visit_id))
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
            load_monthly_means(patient_id, period) if is_monthly else load_score_records(patient_id, period)
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
# Each region's newest arrival moment (one pass over the patient's arrivals, grouped by region), then every
# arrival score at those moments through the index on (patient, time): a region's newest is its score at the
# latest of them, the last recorded when two share a moment.
_CHART_LATEST = (
    db.select(_score.region_code, _score.score)
    .where(
        _CHART_ARRIVAL,
        _score.recorded_at.in_(
            db.select(func.max(_score.recorded_at)).where(_CHART_ARRIVAL).group_by(_score.region_code)
        ),
    )
    .order_by(_score.recorded_at, _score.id)
)


def load_chart_scores(patient_id: int) -> ChartScores:
    """Load the chart section's scores: counts, the latest arrivals' worst, each region's latest (three queries)."""
    parameters = {"patient_id": patient_id}
    score_count, arrival_count = db.session.execute(_CHART_COUNTS, parameters).one()
    worst = db.session.execute(_CHART_WORST, parameters).all()
    latest: dict[str, float] = {code: score for code, score in db.session.execute(_CHART_LATEST, parameters)}
    return ChartScores(
        score_count=int(score_count or 0),
        arrival_count=int(arrival_count or 0),
        latest_worst=[(at, score, context) for at, score, context in reversed(worst)],
        latest_scores=dict(
            sorted(latest.items(), key=lambda item: _REGION_ORDER.get(item[0], len(_REGION_ORDER)))
        ),
    )
