"""The clinic outcomes report and the de-identified data set behind it.

The data set is one row per episode of care, built in five queries whatever the clinic's size, each
aggregated in SQL: the episodes chosen by the filters with their visits counted and classed (treatment
kind, electro-acupuncture, practitioner), each episode's complaint pain per occasion (the worst of its
area's regions), the ODI of the intakes in its time, its average immediate before→after drop, and the
flare-ups per month of its visits. The report then counts patients and episodes from those rows; any
group of fewer than ``SMALLEST_GROUP`` patients is "too few to report", and no patient is named.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from math import ceil

from sqlalchemy import and_, case, func, or_

from intake.auth.models import User
from intake.auth.roles import CLINICAL
from intake.clinic_time import clinic_zone, to_clinic_time
from intake.extensions import db
from intake.outcomes.complaints import AREA_OF_REGION
from intake.outcomes.episodes import aware_utc, episode_of_visit, inactive_after
from intake.outcomes.models import DISCHARGED, Episode
from intake.outcomes.operations import start_of_clinic_day
from intake.pain.graphs import ChartPoint, LineChart, TimeAxis, line_chart
from intake.pain.models import AFTER_TREATMENT, ARRIVAL_CONTEXTS, BEFORE_TREATMENT, PainScore
from intake.pain.progress import IMPROVED, odi_change, pain_change
from intake.patients.models import Patient
from intake.questionnaire.models import SUBMITTED, Intake
from intake.visits.models import ACUPUNCTURE, BOTH, MASSAGE, ElectroPair, Visit

#: Groups of fewer patients than this are shown as "too few to report".
SMALLEST_GROUP = 5
TOO_FEW = "too few to report"
#: Back "with the same complaint" within this long after a discharge counts as a recurrence.
RECURRENCE_WITHIN = timedelta(days=365)
ARRIVALS = ARRIVAL_CONTEXTS  # pain as the patient arrives, a check-in by the patient included
#: Each month's flare-up rate is drawn as the pain charts draw a score before treatment: a dot on a solid line.
FLARE_UP_MARK = BEFORE_TREATMENT
#: The rate axis runs to at least this many flare-ups per patient, so a quiet clinic's line is not all peaks.
FLARE_UP_RATE_AXIS_FLOOR = 2


@dataclass(frozen=True)
class ReportFilter:
    start: date | None = None
    end: date | None = None
    practitioner_id: int | None = None
    complaint: str | None = None
    kind: str | None = None
    electro: bool | None = None


@dataclass
class EpisodeOutcome:
    """One episode's outcome, as the report counts it (no name, no date of birth, no chart number)."""

    episode_id: int
    patient_id: int
    date_of_birth: date
    complaint: str
    started_at: datetime
    closed_at: datetime | None
    closed_reason: str | None
    visits: int
    kind: str | None
    electro: bool
    last_visit_at: datetime | None
    next_same_complaint_at: datetime | None
    pain: list[tuple[datetime, float, int]] = field(default_factory=list)  # (at, worst score, visits before)
    odi: list[float] = field(default_factory=list)
    #: Per ODI score, the visits of the episode before it (as ``pain`` holds them).
    odi_visits_before: list[int] = field(default_factory=list)
    immediate_drop_sum: float = 0.0
    immediate_drop_visits: int = 0
    flare_ups: int = 0

    @property
    def baseline_pain(self) -> float | None:
        return self.pain[0][1] if self.pain else None

    @property
    def latest_pain(self) -> float | None:
        return self.pain[-1][1] if len(self.pain) > 1 else None

    @property
    def pain_response_after(self) -> int | None:
        """Visits before the first meaningful improvement of the complaint's pain (None: not reached)."""
        if not self.pain:
            return None
        baseline = self.pain[0][1]
        for _, score, visits_before in self.pain[1:]:
            if pain_change(baseline, score).verdict == IMPROVED:
                return visits_before
        return None

    @property
    def pain_improved(self) -> bool:
        return self.pain_response_after is not None

    @property
    def odi_response_after(self) -> int | None:
        """Visits before the first meaningful improvement of the ODI (None: not reached)."""
        if not self.odi:
            return None
        for later, visits_before in zip(self.odi[1:], self.odi_visits_before[1:], strict=True):
            if odi_change(self.odi[0], later).verdict == IMPROVED:
                return visits_before
        return None

    @property
    def odi_improved(self) -> bool:
        return self.odi_response_after is not None

    def ended(self, now: datetime) -> bool:
        """True when closed, or open without a visit for the inactivity period."""
        if self.closed_at is not None:
            return True
        return now - (self.last_visit_at or self.started_at) > inactive_after()

    @property
    def stopped_reason(self) -> str:
        return self.closed_reason or "inactive"

    @property
    def recurred(self) -> bool:
        """Discharged improved, and back with the same complaint within 12 months."""
        return (
            self.closed_reason == DISCHARGED
            and self.pain_improved
            and self.closed_at is not None
            and self.next_same_complaint_at is not None
            and self.next_same_complaint_at - self.closed_at <= RECURRENCE_WITHIN
        )


def _area_of_region():
    return case(AREA_OF_REGION, value=PainScore.region_code, else_=None)


def _chosen_episodes(report_filter: ReportFilter):
    """A subquery of the episodes the filters choose, with their visits aggregated."""
    belongs = episode_of_visit().label("episode_id")
    electro = db.select(ElectroPair.id).where(ElectroPair.visit_id == Visit.id).exists()
    visits = db.select(
        belongs,
        Visit.visit_at,
        Visit.practitioner_id,
        Visit.flare_ups,
        case((Visit.kind.in_((ACUPUNCTURE, BOTH)), 1), else_=0).label("acupuncture"),
        case((Visit.kind.in_((MASSAGE, BOTH)), 1), else_=0).label("massage"),
        case((electro, 1), else_=0).label("electro"),
        case((Visit.practitioner_id == (report_filter.practitioner_id or -1), 1), else_=0).label("by_chosen"),
    ).subquery()
    per_episode = (
        db.select(
            visits.c.episode_id,
            func.count().label("visits"),
            func.max(visits.c.visit_at).label("last_visit_at"),
            func.max(visits.c.acupuncture).label("acupuncture"),
            func.max(visits.c.massage).label("massage"),
            func.max(visits.c.electro).label("electro"),
            func.max(visits.c.by_chosen).label("by_chosen"),
            func.coalesce(func.sum(visits.c.flare_ups), 0).label("flare_ups"),
        )
        .where(visits.c.episode_id.is_not(None))
        .group_by(visits.c.episode_id)
        .subquery()
    )
    later = db.aliased(Episode)
    next_same = (
        db.select(func.min(later.started_at))
        .where(
            later.patient_id == Episode.patient_id,
            later.complaint_area == Episode.complaint_area,
            later.id != Episode.id,
            later.started_at >= Episode.started_at,
        )
        .correlate(Episode)
        .scalar_subquery()
    )
    conditions = []
    if report_filter.start is not None:
        conditions.append(Episode.started_at >= start_of_clinic_day(report_filter.start))
    if report_filter.end is not None:
        conditions.append(Episode.started_at < start_of_clinic_day(report_filter.end + timedelta(days=1)))
    if report_filter.complaint:
        conditions.append(Episode.complaint_area == report_filter.complaint)
    if report_filter.practitioner_id is not None:
        conditions.append(per_episode.c.by_chosen == 1)
    acupuncture = func.coalesce(per_episode.c.acupuncture, 0)
    massage = func.coalesce(per_episode.c.massage, 0)
    if report_filter.kind == ACUPUNCTURE:
        conditions.append(and_(acupuncture == 1, massage == 0))
    elif report_filter.kind == MASSAGE:
        conditions.append(and_(acupuncture == 0, massage == 1))
    elif report_filter.kind == BOTH:
        conditions.append(and_(acupuncture == 1, massage == 1))
    if report_filter.electro is not None:
        conditions.append(func.coalesce(per_episode.c.electro, 0) == (1 if report_filter.electro else 0))
    return (
        db.select(
            Episode.id,
            Episode.patient_id,
            Patient.date_of_birth,
            Episode.complaint_area,
            Episode.started_at,
            Episode.closed_at,
            Episode.closed_reason,
            func.coalesce(per_episode.c.visits, 0).label("visits"),
            acupuncture.label("acupuncture"),
            massage.label("massage"),
            func.coalesce(per_episode.c.electro, 0).label("electro"),
            per_episode.c.last_visit_at,
            func.coalesce(per_episode.c.flare_ups, 0).label("flare_ups"),
            next_same.label("next_same"),
        )
        .join(Patient, Patient.id == Episode.patient_id)
        .outerjoin(per_episode, per_episode.c.episode_id == Episode.id)
        .where(*conditions)
    )


def _in_window(moment_column):
    return and_(
        moment_column >= Episode.started_at,
        or_(Episode.closed_at.is_(None), moment_column < Episode.closed_at),
    )


def load_outcomes(report_filter: ReportFilter) -> list[EpisodeOutcome]:
    """Return one outcome per chosen episode (five queries, whatever the clinic's size)."""
    chosen_query = _chosen_episodes(report_filter)
    rows = db.session.execute(chosen_query.order_by(Episode.id)).all()
    if not rows:
        return []
    outcomes = {}
    for row in rows:
        kind = None
        if row.acupuncture and row.massage:
            kind = BOTH
        elif row.acupuncture:
            kind = ACUPUNCTURE
        elif row.massage:
            kind = MASSAGE
        outcomes[row.id] = EpisodeOutcome(
            row.id, row.patient_id, row.date_of_birth, row.complaint_area, row.started_at.replace(tzinfo=UTC) if row.started_at.tzinfo is None else row.started_at,
            aware_utc(row.closed_at), row.closed_reason, int(row.visits), kind, bool(row.electro),
            aware_utc(row.last_visit_at), aware_utc(row.next_same), flare_ups=int(row.flare_ups),
        )  # fmt: skip
    chosen = chosen_query.with_only_columns(Episode.id).subquery()
    _add_pain(outcomes, chosen)
    _add_odi(outcomes, chosen)
    _add_immediate(outcomes, chosen)
    return list(outcomes.values())


def _add_pain(outcomes: dict[int, EpisodeOutcome], chosen) -> None:
    """Each episode's complaint pain per occasion (the worst of its regions), with the visits scored before it."""
    occasions = (
        db.select(
            Episode.id.label("episode_id"),
            PainScore.recorded_at,
            PainScore.context,
            PainScore.visit_id,
            func.max(PainScore.score).label("worst"),
        )
        .join(PainScore, PainScore.patient_id == Episode.patient_id)
        .where(
            Episode.id.in_(db.select(chosen.c.id)),
            _in_window(PainScore.recorded_at),
            _area_of_region() == Episode.complaint_area,
            PainScore.context.in_(ARRIVALS),
        )
        .group_by(Episode.id, PainScore.recorded_at, PainScore.context, PainScore.visit_id)
        .order_by(Episode.id, PainScore.recorded_at)
    )
    seen_visits: dict[int, set[int]] = defaultdict(set)
    for row in db.session.execute(occasions):
        outcome = outcomes[row.episode_id]
        visits_before = len(seen_visits[row.episode_id])
        outcome.pain.append((row.recorded_at, float(row.worst), visits_before))
        if row.visit_id is not None:
            seen_visits[row.episode_id].add(row.visit_id)


def _add_odi(outcomes: dict[int, EpisodeOutcome], chosen) -> None:
    """Each episode's ODI scores in its time, with the episode's visits before each."""
    visits_before = (
        db.select(func.count(Visit.id))
        .where(
            Visit.patient_id == Episode.patient_id,
            Visit.visit_at >= Episode.started_at,
            Visit.visit_at < Intake.submitted_at,
            episode_of_visit() == Episode.id,
        )
        .correlate(Episode, Intake)
        .scalar_subquery()
    )
    rows = db.session.execute(
        db.select(Episode.id, Intake.odi_percent, visits_before)
        .join(Intake, Intake.patient_id == Episode.patient_id)
        .where(
            Episode.id.in_(db.select(chosen.c.id)),
            Intake.status == SUBMITTED,
            Intake.odi_percent.is_not(None),
            _in_window(Intake.submitted_at),
        )
        .order_by(Episode.id, Intake.submitted_at)
    )
    for episode_id, odi, visits in rows:
        outcomes[episode_id].odi.append(float(odi))
        outcomes[episode_id].odi_visits_before.append(int(visits or 0))


def _add_immediate(outcomes: dict[int, EpisodeOutcome], chosen) -> None:
    """Each episode's sum and count of per-visit drops (before minus after, averaged over paired regions)."""
    before, after = db.aliased(PainScore), db.aliased(PainScore)
    per_visit = (
        db.select(
            Visit.id.label("visit_id"),
            episode_of_visit().label("episode_id"),
            (func.avg(before.score) - func.avg(after.score)).label("drop"),
        )
        .join(before, and_(before.visit_id == Visit.id, before.context == BEFORE_TREATMENT))
        .join(
            after,
            and_(
                after.visit_id == Visit.id,
                after.context == AFTER_TREATMENT,
                after.region_code == before.region_code,
            ),
        )
        .group_by(Visit.id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(per_visit.c.episode_id, func.sum(per_visit.c.drop), func.count())
        .where(per_visit.c.episode_id.in_(db.select(chosen.c.id)))
        .group_by(per_visit.c.episode_id)
    )
    for episode_id, drop_sum, count in rows:
        outcomes[episode_id].immediate_drop_sum = float(drop_sum)
        outcomes[episode_id].immediate_drop_visits = int(count)


def monthly_flare_ups(report_filter: ReportFilter) -> list[tuple[int, int, int, int]]:
    """Return (year, month, flare-ups reported, patients seen) per month of the chosen episodes' visits."""
    chosen = _chosen_episodes(report_filter).with_only_columns(Episode.id).subquery()
    visits = db.select(
        Visit.patient_id,
        Visit.flare_ups,
        func.extract("year", Visit.visit_at).label("year"),
        func.extract("month", Visit.visit_at).label("month"),
        episode_of_visit().label("episode_id"),
    ).subquery()
    rows = db.session.execute(
        db.select(
            visits.c.year,
            visits.c.month,
            func.coalesce(func.sum(visits.c.flare_ups), 0),
            func.count(func.distinct(visits.c.patient_id)),
        )
        .where(visits.c.episode_id.in_(db.select(chosen.c.id)))
        .group_by(visits.c.year, visits.c.month)
        .order_by(visits.c.year, visits.c.month)
    ).all()
    return [(int(y), int(m), int(f), int(p)) for y, m, f, p in rows]


@dataclass(frozen=True)
class Share:
    """A count of patients out of a group, or "too few to report" when either side is a small group."""

    patients: int
    of_patients: int
    episodes: int
    of_episodes: int

    @property
    def is_suppressed(self) -> bool:
        return self.of_patients < SMALLEST_GROUP or 0 < self.patients < SMALLEST_GROUP

    @property
    def in_words(self) -> str:
        if self.is_suppressed:
            return TOO_FEW
        percent = 100 * self.episodes / self.of_episodes if self.of_episodes else 0
        return f"{self.episodes} of {self.of_episodes} episodes ({percent:.0f} %)"


def _share(chosen: list[EpisodeOutcome], among: list[EpisodeOutcome]) -> Share:
    return Share(
        len({o.patient_id for o in chosen}), len({o.patient_id for o in among}), len(chosen), len(among)
    )


@dataclass
class ClinicReport:
    patients: int
    episodes: int
    pain_responders: Share
    odi_responders: Share
    median_visits_to_response: float | None
    cumulative: list[tuple[int, float]]
    #: The same for ODI: the share of ODI-scored episodes improved after at most so many visits.
    odi_cumulative: list[tuple[int, float]]
    average_immediate_drop: float | None
    stopped_before_improving: Share
    recurrence: Share
    flare_up_months: list[tuple[str, str]]
    #: Months of at least ``SMALLEST_GROUP`` patients seen: (the month's first moment, flare-ups per patient seen).
    flare_up_rates: list[tuple[datetime, float]] = field(default_factory=list)

    @property
    def is_too_small(self) -> bool:
        return self.patients < SMALLEST_GROUP


def build_report(
    outcomes: list[EpisodeOutcome], monthly: list[tuple[int, int, int, int]], now: datetime
) -> ClinicReport:
    """Count the report's figures from the data set (no query)."""
    patients = len({o.patient_id for o in outcomes})
    scored = [o for o in outcomes if len(o.pain) > 1]
    responders = [o for o in scored if o.pain_improved]
    odi_scored = [o for o in outcomes if len(o.odi) > 1]
    after = sorted(o.pain_response_after or 0 for o in responders)
    odi_after = sorted(o.odi_response_after or 0 for o in odi_scored if o.odi_improved)
    drops = sum(o.immediate_drop_sum for o in outcomes)
    drop_visits = sum(o.immediate_drop_visits for o in outcomes)
    ended = [o for o in outcomes if o.ended(now) and o.closed_reason != DISCHARGED]
    discharged_improved = [o for o in outcomes if o.closed_reason == DISCHARGED and o.pain_improved]
    months, rates = [], []
    for year, month, flare_ups, seen in monthly:
        label = f"{year}-{month:02d}"
        months.append(
            (label, TOO_FEW if seen < SMALLEST_GROUP else f"{flare_ups / seen:.1f} per patient seen ({seen})")
        )
        if seen >= SMALLEST_GROUP:
            rates.append((datetime(year, month, 1, tzinfo=clinic_zone()).astimezone(UTC), flare_ups / seen))
    small = patients < SMALLEST_GROUP
    return ClinicReport(
        patients=patients,
        episodes=len(outcomes),
        pain_responders=_share(responders, scored),
        odi_responders=_share([o for o in odi_scored if o.odi_improved], odi_scored),
        median_visits_to_response=(
            None
            if small or len({o.patient_id for o in responders}) < SMALLEST_GROUP
            else float(_median(after))
        ),
        cumulative=_cumulative(after, scored),
        odi_cumulative=_cumulative(odi_after, odi_scored),
        average_immediate_drop=None if small or not drop_visits else drops / drop_visits,
        stopped_before_improving=_share([o for o in ended if not o.pain_improved], outcomes),
        recurrence=_share([o for o in discharged_improved if o.recurred], discharged_improved),
        flare_up_months=months,
        flare_up_rates=rates,
    )


def _cumulative(response_after: list[int], scored: list[EpisodeOutcome]) -> list[tuple[int, float]]:
    """Return (visits, share of ``scored`` improved after at most that many visits); empty for a small group."""
    if not scored or len({o.patient_id for o in scored}) < SMALLEST_GROUP:
        return []
    ordered = sorted(response_after)
    return [
        (visits, sum(1 for n in ordered if n <= visits) / len(scored))
        for visits in range(0, (ordered[-1] if ordered else 0) + 1)
    ]


def _median(values: list[int]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def cumulative_curve(points: list[tuple[int, float]], width: int = 560, height: int = 200) -> dict | None:
    """Lay out the cumulative share of episodes improved by visits as an SVG step line."""
    if not points:
        return None
    left, top, right, bottom = 40, 10, width - 10, height - 30
    last = max(points[-1][0], 1)

    def x(visits: float) -> float:
        return left + (right - left) * visits / last

    def y(share: float) -> float:
        return bottom - (bottom - top) * share

    path = f"M{x(0):.1f} {y(0):.1f}"
    for visits, share in points:
        path += f" H{x(visits):.1f} V{y(share):.1f}"
    ticks = sorted({0, last // 2, last})
    return {
        "width": width, "height": height, "path": path, "left": left, "right": right, "top": top, "bottom": bottom,
        "x_ticks": [(x(t), str(t)) for t in ticks], "y_ticks": [(y(s), f"{s:.0%}") for s in (0, 0.5, 1)],
    }  # fmt: skip


def cumulative_in_words(points: list[tuple[int, float]], measure: str) -> str:
    """Say what a cumulative curve draws: the share improved after each number of visits where it grows."""
    steps, previous = [], 0.0
    for visits, share in points:
        if share > previous:
            steps.append(f"{share:.0%} after {visits} visit{'' if visits == 1 else 's'}")
            previous = share
    if not steps:
        return f"No episode reached a meaningful improvement in {measure} yet."
    return f"Episodes with a meaningful improvement in {measure}: " + ", ".join(steps) + "."


def flare_up_rate_chart(report: ClinicReport) -> LineChart | None:
    """Draw the flare-ups per patient seen, month by month, as the pain history's line chart."""
    rates = report.flare_up_rates
    if len(rates) < 2:
        return None
    listed = "; ".join(f"{to_clinic_time(at).strftime('%b %Y')}: {rate:.1f}" for at, rate in rates)
    return line_chart(
        [ChartPoint(at, rate, FLARE_UP_MARK) for at, rate in rates],
        TimeAxis.spanning([at for at, _rate in rates]),
        y_max=float(max(FLARE_UP_RATE_AXIS_FLOOR, ceil(max(rate for _at, rate in rates)))),
        summary=f"Flare-ups per patient seen, per month (months of {SMALLEST_GROUP} patients or more) — {listed}.",
    )


def clinical_staff() -> list[tuple[int, str]]:
    """Return (id, name) of every practitioner and administrator, for the report's practitioner filter."""
    rows = db.session.execute(
        db.select(User.id, User.full_name).where(User.role.in_(CLINICAL)).order_by(User.full_name, User.id)
    ).all()
    return [(row[0], row[1]) for row in rows]
