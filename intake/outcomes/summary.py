"""One episode's measurements, loaded in a constant number of queries, and its progress summary.

Four queries whatever the length of the episode: its visits (with the range of motion, flare-ups and
reactions each note records), the patient's pain scores in its time, the ODI of the intakes submitted in
its time, and PEG where the clinic records it (a provider under ``PEG_SERIES``; without one, "no PEG
scores yet").
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from math import ceil
from statistics import fmean

from flask import current_app

from intake.clinic_time import format_date, to_clinic_time
from intake.database import utcnow
from intake.extensions import db
from intake.outcomes.complaints import AREA_BY_CODE
from intake.outcomes.episodes import EpisodeState, episode_of_visit
from intake.outcomes.progress import (
    MOTION_MEASURES,
    Measurement,
    MonthCount,
    ProgressSummary,
    Statement,
    flare_up_chart_summary,
    flare_up_statement,
    flare_ups_by_month,
    motion_statement,
    odi_statement,
    pain_statement,
    peg_statement,
    reaction_statement,
)
from intake.pain.graphs import ChartPoint, LineChart, TimeAxis, line_chart
from intake.pain.models import AFTER_TREATMENT, ARRIVAL_CONTEXTS, BEFORE_TREATMENT, PainScore
from intake.pain.progress import pain_change, pain_meaningful_drop
from intake.pain.regions import REGION_BY_CODE, REGIONS
from intake.questionnaire.models import INTAKE_FORM, SUBMITTED, Intake
from intake.visits.models import KIND_LABELS, ElectroPair, Visit

ARRIVALS = ARRIVAL_CONTEXTS  # pain as the patient arrives, a check-in by the patient included
#: Returns a patient's PEG scores between two moments (end None: up to now), oldest first.
PegSeries = Callable[[int, datetime, datetime | None], list[Measurement]]
#: The key in ``app.extensions`` of the PEG provider, once the return-visit check-in records PEG.
PEG_SERIES = "intake.outcomes.peg_series"
#: Each month's flare-ups are drawn as the pain charts draw a score before treatment: a dot on a solid line.
FLARE_UP_MARK = BEFORE_TREATMENT
#: The flare-ups axis runs to at least this many, so one flare-up does not fill the chart.
FLARE_UP_AXIS_FLOOR = 4
_REGION_ORDER = {region.code: n for n, region in enumerate(REGIONS)}


@dataclass(frozen=True)
class VisitFacts:
    id: int
    visit_at: datetime
    kind: str
    flare_ups: int | None
    reactions: list[str]
    motion: dict[str, int | None]
    electro: bool


@dataclass
class Occasion:
    at: datetime
    context: str
    visit_id: int | None = None
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class EpisodeProgress:
    state: EpisodeState
    visits: list[VisitFacts]
    summary: ProgressSummary
    chart: LineChart | None
    #: Flare-ups reported per clinic month since the episode started, and their chart (two months or more).
    flare_up_months: list[MonthCount] = field(default_factory=list)
    flare_up_chart: LineChart | None = None


def _visits(state: EpisodeState) -> list[VisitFacts]:
    electro = db.select(ElectroPair.id).where(ElectroPair.visit_id == Visit.id).exists()
    columns = [getattr(Visit, measure.name) for measure in MOTION_MEASURES]
    rows = db.session.execute(
        db.select(Visit.id, Visit.visit_at, Visit.kind, Visit.flare_ups, Visit.reactions, electro, *columns)
        .where(Visit.patient_id == state.episode.patient_id, episode_of_visit() == state.episode.id)
        .order_by(Visit.visit_at, Visit.id)
    ).all()
    return [
        VisitFacts(
            row[0],
            row[1],
            row[2],
            row[3],
            list(row[4] or []),
            {measure.name: row[6 + n] for n, measure in enumerate(MOTION_MEASURES)},
            bool(row[5]),
        )
        for row in rows
    ]


def _occasions(state: EpisodeState) -> list[Occasion]:
    episode = state.episode
    conditions = [PainScore.patient_id == episode.patient_id, PainScore.recorded_at >= episode.started_at]
    if episode.closed_at is not None:
        conditions.append(PainScore.recorded_at < episode.closed_at)
    # Plain rows through the session's connection: a long episode has thousands of scores, and read-only
    # columns need none of the ORM's result handling.
    rows = db.session.connection().execute(
        db.select(
            PainScore.recorded_at,
            PainScore.context,
            PainScore.visit_id,
            PainScore.intake_id,
            PainScore.region_code,
            PainScore.score,
        )
        .where(*conditions)
        .order_by(PainScore.recorded_at, PainScore.id)
    )
    occasions: dict[tuple, Occasion] = {}
    for recorded_at, context, visit_id, intake_id, region_code, score in rows:
        occasion = occasions.get((recorded_at, context, visit_id, intake_id))
        if occasion is None:
            occasion = occasions[(recorded_at, context, visit_id, intake_id)] = Occasion(
                recorded_at, context, visit_id
            )
        occasion.scores[region_code] = float(score)
    return list(occasions.values())


def _odi(state: EpisodeState) -> list[Measurement]:
    episode = state.episode
    conditions = [
        Intake.patient_id == episode.patient_id,
        # ODI is scored on the intake (a check-in has none): naming the form lets the patient's index
        # (patient, form, status, submitted) find the rows, where SQLite without statistics would otherwise
        # walk every submitted intake of the clinic since the episode started, (status, submitted_at).
        Intake.form_kind == INTAKE_FORM,
        Intake.status == SUBMITTED,
        Intake.odi_percent.is_not(None),
        Intake.submitted_at >= episode.started_at,
    ]
    if episode.closed_at is not None:
        conditions.append(Intake.submitted_at < episode.closed_at)
    rows = db.session.execute(
        db.select(Intake.submitted_at, Intake.odi_percent).where(*conditions).order_by(Intake.submitted_at)
    ).all()
    return [Measurement(row[0], float(row[1])) for row in rows]


def _peg(state: EpisodeState) -> list[Measurement] | None:
    provider = current_app.extensions.get(PEG_SERIES)
    if provider is None:
        return None
    return provider(state.episode.patient_id, state.episode.started_at, state.episode.closed_at)


def _worst(occasions: list[Occasion], codes: set[str] | None = None) -> list[Measurement]:
    series = []
    for occasion in occasions:
        values = [v for code, v in occasion.scores.items() if codes is None or code in codes]
        if values:
            series.append(Measurement(occasion.at, max(values)))
    return series


def _visits_by(visits: list[VisitFacts], series: list[Measurement]) -> int:
    if not series:
        return 0
    latest = series[-1].at
    return sum(1 for visit in visits if visit.visit_at <= latest)


def _immediate(occasions: list[Occasion]) -> Statement | None:
    effects = []
    by_visit: dict[int, dict[str, dict[str, float]]] = defaultdict(dict)
    for occasion in occasions:
        if occasion.visit_id is not None and occasion.context in (BEFORE_TREATMENT, AFTER_TREATMENT):
            by_visit[occasion.visit_id].setdefault(occasion.context, {}).update(occasion.scores)
    for pair in by_visit.values():
        first, after = pair.get(BEFORE_TREATMENT, {}), pair.get(AFTER_TREATMENT, {})
        paired = sorted(set(first) & set(after))
        if paired:  # whole-number scores: a plain sum is exact (fmean costs more, once per visit)
            effects.append(
                (sum(first[c] for c in paired) / len(paired), sum(after[c] for c in paired) / len(paired))
            )
    if not effects:
        return None
    change = pain_change(fmean(b for b, _ in effects), fmean(a for _, a in effects))
    drop = change.baseline - change.latest
    count = len(effects)
    meaning = (
        "a meaningful immediate effect"
        if change.is_meaningful and drop > 0
        else "not a meaningful immediate effect"
    )
    return Statement(
        f"Right after treatment, pain was {abs(drop):.1f} points {'lower' if drop >= 0 else 'higher'} on average "
        f"({count} treatment{'' if count == 1 else 's'} scored before and after) — {meaning}.",
        change.verdict,
    )


def _visit_statement(state: EpisodeState, visits: list[VisitFacts]) -> Statement:
    since = format_date(to_clinic_time(state.episode.started_at).date())
    if not visits:
        return Statement(f"No visits in this episode yet (started {since}).")
    kinds: dict[str, int] = defaultdict(int)
    for visit in visits:
        kinds[KIND_LABELS.get(visit.kind, visit.kind).lower()] += 1
    mix = ", ".join(f"{label} {count}" for label, count in sorted(kinds.items(), key=lambda item: -item[1]))
    electro = sum(1 for visit in visits if visit.electro)
    extra = f"; electro-acupuncture at {electro}" if electro else ""
    count = len(visits)
    return Statement(f"{count} visit{'' if count == 1 else 's'} since {since} ({mix}{extra}).")


def build_progress(
    state: EpisodeState, visits: list[VisitFacts], occasions: list[Occasion], odi, peg, *, full: bool = True
) -> EpisodeProgress:
    """Turn an episode's measurements into its sentences and charts (``full`` false: the chart's brief sentences)."""
    area = AREA_BY_CODE[state.episode.complaint_area]
    arrivals = [o for o in occasions if o.context in ARRIVALS]
    complaint_series = _worst(arrivals, set(area.region_codes))
    overall_series = _worst(arrivals)
    region_codes = sorted(
        {code for o in arrivals for code in o.scores}, key=lambda code: _REGION_ORDER.get(code, 99)
    )
    regions = []
    for code in region_codes if full else ():  # each region's sentence is on the full summary only
        series = [Measurement(o.at, o.scores[code]) for o in arrivals if code in o.scores]
        label = REGION_BY_CODE[code].label if code in REGION_BY_CODE else code
        regions.append(
            pain_statement(f"{label}: pain", series, _visits_by(visits, series), f"pain in {label.lower()}")
        )
    motion = []
    for measure in MOTION_MEASURES:
        measured = [(v.visit_at, v.motion[measure.name]) for v in visits]
        series = [Measurement(at, float(value)) for at, value in measured if value is not None]
        statement = motion_statement(measure, series)
        if statement is not None:
            motion.append(statement)
    if not motion:
        motion.append(Statement("No range of motion measured in this episode yet."))
    flare_ups = [Measurement(v.visit_at, float(v.flare_ups)) for v in visits if v.flare_ups is not None]
    until = state.ended_at or utcnow()
    summary = ProgressSummary(
        visits=_visit_statement(state, visits),
        complaint=pain_statement(area.pain_label, complaint_series, _visits_by(visits, complaint_series)),
        overall=pain_statement(
            "Overall pain (the worst region)", overall_series, _visits_by(visits, overall_series)
        ),
        regions=regions,
        immediate=_immediate(occasions),
        odi=odi_statement(odi),
        peg=peg_statement(peg),
        motion=motion,
        flare_ups=flare_up_statement(flare_ups, state.episode.started_at, until),
        reactions=reaction_statement([v.reactions for v in visits]),
    )
    if not full:
        return EpisodeProgress(state, visits, summary, None)
    months = flare_ups_by_month(flare_ups, state.episode.started_at, until)
    return EpisodeProgress(
        state,
        visits,
        summary,
        _complaint_chart(area.pain_label, occasions, set(area.region_codes)),
        months,
        flare_up_chart(months),
    )


def flare_up_chart(months: list[MonthCount]) -> LineChart | None:
    """Draw the flare-ups per month as the pain history's line chart (a point at each month's start)."""
    if len(months) < 2:
        return None
    peak = max(month.count for month in months)
    points = [ChartPoint(month.starts_at, float(month.count), FLARE_UP_MARK) for month in months]
    return line_chart(
        points,
        TimeAxis.spanning([month.starts_at for month in months]),
        y_max=float(max(FLARE_UP_AXIS_FLOOR, ceil(peak))),
        summary=flare_up_chart_summary(months),
    )


def _complaint_chart(label: str, occasions: list[Occasion], codes: set[str]) -> LineChart | None:
    points = []
    for occasion in occasions:
        values = [v for code, v in occasion.scores.items() if code in codes]
        if values:
            points.append(ChartPoint(occasion.at, max(values), occasion.context))
    arrivals = [p for p in points if p.context != AFTER_TREATMENT]
    if len(arrivals) < 2:
        return None
    baseline = arrivals[0].value
    return line_chart(
        points,
        TimeAxis.spanning([p.at for p in points]),
        y_max=10,
        summary=f"{label} (worst of its regions) in this episode, from {baseline:g} at the start.",
        baseline=baseline,
        meaningful_drop=pain_meaningful_drop(baseline),
    )


def load_progress(state: EpisodeState, *, full: bool = True) -> EpisodeProgress:
    """Load one episode's measurements (four queries) and summarise its progress (``full`` false: for the chart)."""
    return build_progress(state, _visits(state), _occasions(state), _odi(state), _peg(state), full=full)
