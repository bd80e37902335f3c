"""A patient's progress in one episode, in plain sentences built from the numbers.

Pain is judged by the clinic's rule (``intake.pain.progress``: a change of 2 points or 30 % of the
baseline), the Oswestry Disability Index by its own (10 points), PEG by 1 point. A measure needs two
values — a baseline and a latest — before it is judged; with fewer the sentence says so.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from intake.clinic_time import clinic_zone, format_date, to_clinic_time
from intake.pain.peg import PEG_MEANINGFUL_CHANGE
from intake.pain.progress import IMPROVED, NO_MEANINGFUL_CHANGE, WORSE, Change, odi_change, pain_change
from intake.visits.vocabulary import NO_REACTION, REACTION_LABELS

#: PEG (pain, enjoyment of life, general activity; 0-10): a change of 1 point is meaningful (the pain history's rule).
PEG_MEANINGFUL_POINTS = PEG_MEANINGFUL_CHANGE
#: An average month, for rates per month.
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class Measurement:
    at: datetime
    value: float


@dataclass(frozen=True)
class Statement:
    """One sentence of the summary and the verdict it states (None when there is nothing to judge yet)."""

    text: str
    verdict: str | None = None

    @property
    def is_improvement(self) -> bool:
        return self.verdict == IMPROVED


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _visits(count: int) -> str:
    return f"{count} visit" if count == 1 else f"{count} visits"


def _verdict_words(change: Change) -> str:
    return {
        IMPROVED: "a meaningful improvement",
        WORSE: "meaningfully worse",
        NO_MEANINGFUL_CHANGE: "not a meaningful change",
    }[change.verdict]


def _moved(change: Change, unit: str = "") -> str:
    if change.latest < change.baseline:
        verb = "fell"
    elif change.latest > change.baseline:
        verb = "rose"
    else:
        return f"stayed at {_number(change.latest)}{unit}"
    return f"{verb} from {_number(change.baseline)}{unit} to {_number(change.latest)}{unit}"


def not_enough(what: str, measurements: list[Measurement]) -> Statement:
    """Say plainly that ``what`` cannot be judged yet (none or one measurement)."""
    if not measurements:
        return Statement(f"No {what} scores in this episode yet.")
    only = measurements[0]
    return Statement(
        f"Not enough measurements yet to judge {what}: one score, {_number(only.value)} on "
        f"{format_date(to_clinic_time(only.at).date())}."
    )


def pain_statement(name: str, series: list[Measurement], visits_by_latest: int, what: str = "") -> Statement:
    """Describe a pain series against its first score: ``Lower back pain fell from 7 to 3 over 6 visits — …``.

    ``what`` names the series in "not enough measurements yet to judge …" (by default ``name``, lowercased).
    """
    if len(series) < 2:
        return not_enough(what or name[0].lower() + name[1:], series)
    change = pain_change(series[0].value, series[-1].value)
    return Statement(
        f"{name} {_moved(change)} over {_visits(visits_by_latest)} — {_verdict_words(change)}.",
        change.verdict,
    )


def odi_statement(series: list[Measurement]) -> Statement:
    """Describe the Oswestry Disability Index against its first value."""
    if len(series) < 2:
        if not series:
            return Statement("No ODI in this episode yet.")
        return Statement(
            f"Not enough measurements yet to judge ODI: one, {_number(series[0].value)} % on "
            f"{format_date(to_clinic_time(series[0].at).date())}."
        )
    change = odi_change(series[0].value, series[-1].value)
    return Statement(f"ODI {_moved(change, ' %')} — {_verdict_words(change)}.", change.verdict)


def peg_statement(series: list[Measurement] | None) -> Statement:
    """Describe PEG against its first score; None means the clinic records no PEG scores yet."""
    if not series:
        return Statement("No PEG scores yet.")
    if len(series) < 2:
        return not_enough("PEG", series)
    change_amount = series[-1].value - series[0].value
    meaningful = round(abs(change_amount), 6) >= PEG_MEANINGFUL_POINTS
    verdict = NO_MEANINGFUL_CHANGE if not meaningful else (IMPROVED if change_amount < 0 else WORSE)
    change = Change(series[0].value, series[-1].value, verdict)
    return Statement(f"PEG {_moved(change)} — {_verdict_words(change)}.", verdict)


@dataclass(frozen=True)
class MotionMeasure:
    """A range-of-motion field of the visit note, and which way is better."""

    name: str
    label: str
    unit: str
    higher_is_better: bool


MOTION_MEASURES = (
    MotionMeasure("lumbar_flexion_degrees", "Lumbar flexion", "°", True),
    MotionMeasure("lumbar_extension_degrees", "Lumbar extension", "°", True),
    MotionMeasure("fingertip_to_floor_cm", "Fingertip to floor", " cm", False),
    MotionMeasure("slr_left_degrees", "Straight-leg raise, left", "°", True),
    MotionMeasure("slr_right_degrees", "Straight-leg raise, right", "°", True),
)


def motion_statement(measure: MotionMeasure, series: list[Measurement]) -> Statement | None:
    """Compare a range of motion with its first measurement (None when it was never measured)."""
    if not series:
        return None
    if len(series) < 2:
        return Statement(
            f"Not enough measurements yet to judge {measure.label[0].lower()}{measure.label[1:]}."
        )
    first, latest = series[0], series[-1]
    if latest.value == first.value:
        return Statement(
            f"{measure.label} is unchanged at {_number(latest.value)}{measure.unit} since the first measurement.",
            NO_MEANINGFUL_CHANGE,
        )
    better = (latest.value > first.value) == measure.higher_is_better
    words = "improved" if better else "is worse"
    return Statement(
        f"{measure.label} {words}: {_number(first.value)}{measure.unit} at the first measurement "
        f"({format_date(to_clinic_time(first.at).date())}), {_number(latest.value)}{measure.unit} now.",
        IMPROVED if better else WORSE,
    )


def flare_up_statement(flare_ups: list[Measurement], started_at: datetime, until: datetime) -> Statement:
    """Count the flare-ups reported since the episode started, and their rate per month."""
    if not flare_ups:
        return Statement("No flare-ups recorded yet in this episode.")
    total = int(sum(m.value for m in flare_ups))
    months = max((until - started_at).days / DAYS_PER_MONTH, 1.0)
    reported = f"{total} flare-up{'' if total == 1 else 's'}"
    return Statement(
        f"{reported} reported since {format_date(to_clinic_time(started_at).date())} "
        f"— {_number(total / months)} a month."
    )


@dataclass(frozen=True)
class MonthCount:
    """One clinic month and a number counted in it (flare-ups reported at its visits)."""

    starts_at: datetime  # the month's first moment at the clinic, in UTC
    label: str  # "Mar 2025"
    count: int


def month_starts(first: datetime, last: datetime) -> list[datetime]:
    """Return the first moment (UTC) of every clinic month from ``first``'s month to ``last``'s."""
    start, end = to_clinic_time(first), to_clinic_time(last)
    index, last_index = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    starts = []
    while index <= last_index:
        year, month = divmod(index, 12)
        starts.append(datetime(year, month + 1, 1, tzinfo=clinic_zone()).astimezone(UTC))
        index += 1
    return starts


def flare_ups_by_month(
    flare_ups: list[Measurement], started_at: datetime, until: datetime
) -> list[MonthCount]:
    """Count the flare-ups reported in each clinic month since the episode started (months without any: 0)."""
    if not flare_ups:
        return []
    last = max(until, max(m.at for m in flare_ups))
    starts = month_starts(started_at, last)
    counts = [0] * len(starts)
    first = to_clinic_time(starts[0])
    first_index = first.year * 12 + first.month
    for measurement in flare_ups:
        at = to_clinic_time(measurement.at)
        index = at.year * 12 + at.month - first_index
        if 0 <= index < len(counts):
            counts[index] += int(measurement.value)
    return [
        MonthCount(start, to_clinic_time(start).strftime("%b %Y"), count)
        for start, count in zip(starts, counts, strict=True)
    ]


def flare_up_chart_summary(months: list[MonthCount]) -> str:
    """Say in words what the flare-ups chart draws: each month's count (the chart's text alternative)."""
    listed = "; ".join(f"{month.label}: {month.count}" for month in months)
    return f"Flare-ups reported per month since the episode started — {listed}."


def reaction_statement(reactions_per_visit: list[list[str]]) -> Statement:
    """Say which reactions to treatment were recorded, after how many of the visits."""
    if not reactions_per_visit:
        return Statement("No visits in this episode yet, so no reactions to treatment.")
    counted = Counter(code for codes in reactions_per_visit for code in set(codes) if code != NO_REACTION)
    visits = len(reactions_per_visit)
    if not counted:
        return Statement(f"No reactions to treatment recorded in {_visits(visits)}.")
    parts = [
        f"{REACTION_LABELS.get(code, code).lower()} after {count} of {visits}"
        for code, count in sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    ]
    text = "; ".join(parts)
    return Statement(f"Reactions to treatment: {text[0].upper()}{text[1:]} visits.")


@dataclass
class ProgressSummary:
    """Everything the chart and the printable page say about one episode."""

    visits: Statement
    complaint: Statement
    overall: Statement
    regions: list[Statement] = field(default_factory=list)
    immediate: Statement | None = None
    odi: Statement | None = None
    peg: Statement | None = None
    motion: list[Statement] = field(default_factory=list)
    flare_ups: Statement | None = None
    reactions: Statement | None = None

    @property
    def headline(self) -> list[Statement]:
        return [s for s in (self.visits, self.complaint, self.overall, self.odi, self.peg) if s is not None]
