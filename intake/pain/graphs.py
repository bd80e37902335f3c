"""Server-drawn line charts: geometry for the SVG templates in ``templates/pain/_charts.html``.

Charts print cleanly and need no JavaScript. Marks of one kind are drawn as one path, so a
chart of 300 visits stays a few elements; axis ticks fall on days, months or years by span.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from intake.clinic_time import clinic_zone, to_clinic_time
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, CHECK_IN, INTAKE, PATIENT_CHECK_IN

MARK_ORDER = (INTAKE, CHECK_IN, PATIENT_CHECK_IN, BEFORE_TREATMENT, AFTER_TREATMENT)
MANY_POINTS = 60
DAY_TICK_STEPS = (1, 2, 7, 14)
MONTH_TICK_STEPS = (1, 2, 3, 6, 12, 24)
MAX_X_TICKS = 8
#: Room each time label needs, in the chart's units, so labels of 13 never run into each other.
X_TICK_ROOM = 64
#: The size of the axis labels, in the chart's units: a chart drawn at its own width reads them at 13 px.
AXIS_FONT_SIZE = 13
LABEL_GAP = 13


@dataclass(frozen=True)
class ChartPoint:
    at: datetime
    value: float
    context: str
    #: Scored in a visit note not signed yet: drawn with a ring of its own, and named in the legend.
    is_draft: bool = False


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class TimeAxis:
    """The time span every chart on a page shares, so their x positions line up."""

    start: datetime
    end: datetime

    @classmethod
    def spanning(cls, moments: list[datetime], start: datetime | None = None, end: datetime | None = None):
        """Return an axis covering ``moments`` (or the given ends), never zero-length."""
        first = start or (min(moments) if moments else datetime.now(UTC))
        last = end or (max(moments) if moments else first)
        if last - first < timedelta(days=2):
            first, last = _moved(first, -timedelta(days=1)), _moved(last, timedelta(days=1))
        return cls(first, last)


def _moved(moment: datetime, by: timedelta) -> datetime:
    """Return ``moment + by``, stopping at the calendar's ends (a score stored as year 1 or 9999 still draws)."""
    try:
        return moment + by
    except OverflowError:
        return moment


@dataclass
class LineChart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    y_max: float
    summary: str
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    arrival_line: str = ""
    after_line: str = ""
    marks: list[tuple[str, str]] = field(default_factory=list)
    draft_marks: str = ""
    baseline_y: float | None = None
    meaningful_y: float | None = None
    highlight: tuple[float, float] | None = None
    thin: bool = False
    font_size: int = AXIS_FONT_SIZE

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * (value / self.y_max)

    @property
    def baseline_label_y(self) -> float:
        """Where the "baseline" label sits: on its line, lifted clear of the meaningful-change label."""
        if self.baseline_y is None:
            raise ValueError("a chart without a baseline has no baseline label")
        if self.meaningful_y is not None and self.meaningful_y - self.baseline_y < LABEL_GAP:
            return self.meaningful_y + 4 - LABEL_GAP
        return self.baseline_y + 4

    @property
    def meaningful_label_y(self) -> float:
        if self.meaningful_y is None:
            raise ValueError("a chart without a meaningful-change line has no label for it")
        return self.meaningful_y + 4


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _x_scale(axis: TimeAxis, left: float, right: float):
    span = (axis.end - axis.start).total_seconds()

    def x(moment: datetime) -> float:
        return left + (right - left) * (moment - axis.start).total_seconds() / span

    return x


def _mark_path(shape: str, x: float, y: float, r: float) -> str:
    if shape == BEFORE_TREATMENT or shape == AFTER_TREATMENT:
        return f"M{x - r:.1f} {y:.1f}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z"
    if shape == INTAKE:
        return f"M{x - r:.1f} {y - r:.1f}h{2 * r}v{2 * r}h{-2 * r}Z"
    d = r * 1.35
    return f"M{x:.1f} {y - d:.1f}l{d:.1f} {d:.1f}l{-d:.1f} {d:.1f}l{-d:.1f} {-d:.1f}Z"


def _ring_path(x: float, y: float, r: float) -> str:
    return f"M{x - r:.1f} {y:.1f}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z"


def _polyline(points: list[tuple[float, float]]) -> str:
    if len(points) < 2:
        return ""
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points)


def time_ticks(axis: TimeAxis, x, max_ticks: int = MAX_X_TICKS) -> list[Tick]:
    """Return ticks on days (short spans), months or years, at most ``max_ticks``."""
    ticks: list[Tick] = []
    try:
        _add_time_ticks(ticks, axis, x, max_ticks)
    except (OverflowError, ValueError):  # a score stored at the calendar's very end: no tick beyond it
        pass
    return ticks


def _add_time_ticks(ticks: list[Tick], axis: TimeAxis, x, max_ticks: int) -> None:
    start, end = to_clinic_time(axis.start), to_clinic_time(axis.end)
    span_days = (axis.end - axis.start).days
    if span_days <= 62:
        step = next((s for s in DAY_TICK_STEPS if span_days / s <= max_ticks), DAY_TICK_STEPS[-1])
        day = start.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        while day <= end:
            ticks.append(Tick(x(day.astimezone(UTC)), day.strftime("%b %-d")))
            day = day + timedelta(days=step)  # wall-clock arithmetic: stays at midnight across DST
        return
    months = span_days / 30.44
    step = next((s for s in MONTH_TICK_STEPS if months / s <= max_ticks), MONTH_TICK_STEPS[-1])
    index = start.year * 12 + start.month  # first month start after the axis start
    index += (-index) % step if step > 1 else 0
    while True:
        year, month = divmod(index, 12)
        moment = datetime(year, month + 1, 1, tzinfo=clinic_zone())
        if moment > end:
            return
        if moment >= start:
            label = moment.strftime("%b %Y") if month == 0 or not ticks else moment.strftime("%b")
            if step >= 12:
                label = moment.strftime("%Y")
            ticks.append(Tick(x(moment.astimezone(UTC)), label))
        index += step


def value_ticks(y_max: float) -> list[float]:
    """Return about five round values from 0 to ``y_max``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if y_max / step <= 5:
            return [n * step for n in range(int(y_max // step) + 1)]
    return [0, y_max]


def nice_maximum(value: float, floor: float) -> float:
    """Return a round axis maximum at or above ``value`` (never below ``floor``)."""
    for candidate in (10, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300, 400, 500):
        if candidate >= max(value, floor):
            return candidate
    return max(value, floor)


def line_chart(
    points: list[ChartPoint],
    axis: TimeAxis,
    *,
    y_max: float,
    summary: str,
    width: int = 640,
    height: int = 150,
    baseline: float | None = None,
    meaningful_drop: float | None = None,
    highlight_latest: bool = False,
) -> LineChart:
    """Lay out a time series: a line through arrival scores, a dashed one through after-treatment scores."""
    chart = LineChart(
        width, height, left=34, top=8, right=width - 78, bottom=height - 24, y_max=y_max, summary=summary
    )
    x = _x_scale(axis, chart.left, chart.right)
    chart.thin = len(points) > MANY_POINTS
    radius = 2.2 if chart.thin else 3.4
    chart.y_ticks = [Tick(chart.y(v), _number(v)) for v in value_ticks(y_max)]
    chart.x_ticks = time_ticks(
        axis, x, max(2, min(MAX_X_TICKS, int((chart.right - chart.left) // X_TICK_ROOM)))
    )
    placed = [(p, x(p.at), chart.y(p.value)) for p in points]
    arrivals = [(px, py) for p, px, py in placed if p.context != AFTER_TREATMENT]
    chart.arrival_line = _polyline(arrivals)
    chart.after_line = _polyline([(px, py) for p, px, py in placed if p.context == AFTER_TREATMENT])
    for context in MARK_ORDER:
        d = "".join(_mark_path(context, px, py, radius) for p, px, py in placed if p.context == context)
        if d:
            chart.marks.append((context, d))
    chart.draft_marks = "".join(_ring_path(px, py, radius + 3) for p, px, py in placed if p.is_draft)
    if baseline is not None:
        chart.baseline_y = chart.y(baseline)
        if meaningful_drop is not None and baseline - meaningful_drop >= 0:
            chart.meaningful_y = chart.y(baseline - meaningful_drop)
    if highlight_latest and arrivals:
        chart.highlight = arrivals[-1]
    return chart


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    line: str
    last: tuple[float, float] | None
    summary: str


def sparkline(points: list[ChartPoint], *, y_max: float, summary: str, width=220, height=44) -> Sparkline:
    """Lay out a small trend line (no axes) from oldest to newest point."""
    if not points:
        return Sparkline(width, height, "", None, summary)
    axis = TimeAxis.spanning([p.at for p in points])
    x = _x_scale(axis, 4, width - 8)
    placed = [(x(p.at), height - 4 - (height - 8) * p.value / y_max) for p in points]
    line = _polyline(placed) or f"M{placed[0][0] - 3:.1f} {placed[0][1]:.1f}h6"
    return Sparkline(width, height, line, placed[-1], summary)
