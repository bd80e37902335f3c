"""Server-drawn line charts: their geometry, and the SVG the ``line_chart`` macro of ``templates/pain/_charts.html`` shows.

Charts print cleanly and need no JavaScript. Marks of one kind are drawn as one path, so a
chart of 300 visits stays a few elements; axis ticks fall on days, months or years by span.
The SVG is written here, once per chart, rather than by a template loop over its ticks and marks.
On a chart of many points each kind of mark is one SVG marker drawn at every vertex of one path, so a
mark costs its two coordinates, not its outline: fifteen years of monthly means stay a small page.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache, lru_cache
from typing import NamedTuple

from markupsafe import Markup, escape

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
#: Fill and stroke of each kind of mark: differing by shape as well as colour (intake = square, check-in =
#: diamond, hollow when the patient filled it before the visit, before treatment = filled circle, after
#: treatment = hollow circle on a dashed line).
MARK_STYLE = {
    INTAKE: ("#6a3d9a", "#6a3d9a", 0.5),
    CHECK_IN: ("#b35806", "#b35806", 0.5),
    PATIENT_CHECK_IN: ("#ffffff", "#b35806", 1.2),
    BEFORE_TREATMENT: ("#1d4e89", "#1d4e89", 0.5),
    AFTER_TREATMENT: ("#ffffff", "#23867a", 1.2),
}


class ChartPoint(NamedTuple):
    """One mark of a chart (a plain tuple: a page draws hundreds)."""

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
    #: Each kind of mark and its path: the marks' outlines, or (kinds in ``vertex_marks``) the points alone.
    marks: list[tuple[str, str]] = field(default_factory=list)
    vertex_marks: frozenset[str] = frozenset()
    mark_radius: float = 3.4
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

    def svg(self, chart_id: str, meaningful_label: str = "meaningful") -> Markup:
        """Return the chart as inline SVG (presentation attributes only, for the strict CSP)."""
        chart_id = escape(chart_id)
        left, right, top, bottom, size = self.left, self.right, self.top, self.bottom, self.font_size
        parts = [
            f'<svg class="trend-chart{" trend-chart--thin" if self.thin else ""}" id="{chart_id}" '
            f'viewBox="0 0 {self.width} {self.height}" role="img" aria-labelledby="{chart_id}-title" '
            f'font-family="system-ui, sans-serif"><title id="{chart_id}-title">{escape(self.summary)}</title>'
        ]
        if self.meaningful_y is not None:
            parts.append(
                f'<rect x="{left}" y="{self.meaningful_y:.1f}" width="{right - left}" '
                f'height="{bottom - self.meaningful_y:.1f}" fill="#e5f4ec"/>'
            )
        parts.append(_grid_and_axes(left, right, top, bottom, size, tuple(self.y_ticks), tuple(self.x_ticks)))
        if self.meaningful_y is not None:
            parts.append(
                f'<line x1="{left}" x2="{right}" y1="{self.meaningful_y:.1f}" y2="{self.meaningful_y:.1f}" '
                'stroke="#1f6f5c" stroke-width="1" stroke-dasharray="2 3"/>'
                f'<text x="{right + 5}" y="{self.meaningful_label_y:.1f}" font-size="{size - 1}" '
                f'fill="#155244">{escape(meaningful_label)}</text>'
            )
        if self.baseline_y is not None:
            parts.append(
                f'<line x1="{left}" x2="{right}" y1="{self.baseline_y:.1f}" y2="{self.baseline_y:.1f}" '
                'stroke="#55656f" stroke-width="1" stroke-dasharray="6 4"/>'
                f'<text x="{right + 5}" y="{self.baseline_label_y:.1f}" font-size="{size - 1}" '
                'fill="#4a5961">baseline</text>'
            )
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#8d9aa3" stroke-width="1"/>'
        )
        if self.after_line:
            parts.append(
                f'<path d="{self.after_line}" fill="none" stroke="#23867a" '
                f'stroke-width="{0.8 if self.thin else 1.2}" stroke-dasharray="3 3"/>'
            )
        if self.arrival_line:
            parts.append(
                f'<path d="{self.arrival_line}" fill="none" stroke="#1d4e89" '
                f'stroke-width="{1 if self.thin else 1.8}" stroke-linejoin="round"/>'
            )
        for context, d in self.marks:
            fill, stroke, stroke_width = MARK_STYLE[context]
            if context in self.vertex_marks:
                marker = f"{chart_id}-mark-{context}"
                box = 2 * self.mark_radius + 4
                parts.append(
                    f'<marker id="{marker}" viewBox="{-box / 2:g} {-box / 2:g} {box:g} {box:g}" '
                    f'markerWidth="{box:g}" markerHeight="{box:g}" markerUnits="userSpaceOnUse">'
                    f'<path d="{_mark_path(context, 0, 0, self.mark_radius)}" fill="{fill}" stroke="{stroke}" '
                    f'stroke-width="{stroke_width}"/></marker>'
                    f'<path class="trend-chart__marks trend-chart__marks--{context}" d="{d}" fill="none" '
                    f'stroke="none" marker-start="url(#{marker})" marker-mid="url(#{marker})" '
                    f'marker-end="url(#{marker})"/>'
                )
                continue
            parts.append(
                f'<path class="trend-chart__marks trend-chart__marks--{context}" d="{d}" fill="{fill}" '
                f'stroke="{stroke}" stroke-width="{stroke_width}"/>'
            )
        if self.draft_marks:
            parts.append(
                f'<path class="trend-chart__marks trend-chart__marks--draft" d="{self.draft_marks}" fill="none" '
                'stroke="#8a5a00" stroke-width="1.5" stroke-dasharray="2 2"/>'
            )
        if self.highlight:
            parts.append(
                f'<circle cx="{self.highlight[0]:.1f}" cy="{self.highlight[1]:.1f}" r="7" fill="none" '
                'stroke="#1f6f5c" stroke-width="2"/>'
            )
        parts.append("</svg>")
        # Safe: the markup is written here; the summary, labels and id are escaped, the rest are numbers.
        return Markup("".join(parts))  # nosec B704


@lru_cache(maxsize=256)
def _grid_and_axes(
    left: float, right: float, top: float, bottom: float, size: int, y_ticks: tuple, x_ticks: tuple
) -> str:
    """Return a chart's grid lines and axis labels (the charts of a page share them: written once)."""
    parts = ['<g stroke="#dfe5e8" stroke-width="1">']
    parts += [
        f'<line x1="{left}" x2="{right}" y1="{t.position:.1f}" y2="{t.position:.1f}"/>' for t in y_ticks
    ]
    parts += [
        f'<line x1="{t.position:.1f}" x2="{t.position:.1f}" y1="{top}" y2="{bottom + 4}"/>' for t in x_ticks
    ]
    parts.append(f'</g><g class="trend-chart__axis" fill="#4a5961" font-size="{size}">')
    parts += [
        f'<text x="{left - 6}" y="{t.position + 4:.1f}" text-anchor="end">{escape(t.label)}</text>'
        for t in y_ticks
    ]
    parts += [
        f'<text x="{t.position:.1f}" y="{bottom + size + 5}" text-anchor="middle">{escape(t.label)}</text>'
        for t in x_ticks
    ]
    parts.append("</g>")
    return "".join(parts)


@lru_cache(maxsize=256)
def _axis_ticks(axis: TimeAxis, left: float, right: float, max_ticks: int, zone: tzinfo) -> tuple[Tick, ...]:
    """Return the time ticks of charts drawn between ``left`` and ``right`` on ``axis`` in the clinic's ``zone``
    (the charts of a page share an axis and a few widths: worked out once each)."""
    return tuple(time_ticks(axis, _x_scale(axis, left, right), max_ticks))


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _x_scale(axis: TimeAxis, left: float, right: float):
    span = (axis.end - axis.start).total_seconds()

    def x(moment: datetime) -> float:
        return left + (right - left) * (moment - axis.start).total_seconds() / span

    return x


@lru_cache(maxsize=64)
def _x_positions(axis: TimeAxis, left: float, right: float) -> dict[datetime, float]:
    """Return where each moment sits between ``left`` and ``right`` on ``axis``, filled in as charts ask (a
    page's charts share an axis and most of their moments: each moment is placed once per width)."""
    return {}


@cache
def _mark_shape(shape: str, r: float) -> tuple[float, float, str]:
    """Return where a mark's outline starts (from its centre) and its outline, relative, for marks of radius ``r``."""
    if shape == BEFORE_TREATMENT or shape == AFTER_TREATMENT:
        return -r, 0.0, f"a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z"
    if shape == INTAKE:
        return -r, -r, f"h{2 * r}v{2 * r}h{-2 * r}Z"
    d = r * 1.35
    return 0.0, -d, f"l{d:.1f} {d:.1f}l{-d:.1f} {d:.1f}l{-d:.1f} {-d:.1f}Z"


def _mark_path(shape: str, x: float, y: float, r: float) -> str:
    dx, dy, outline = _mark_shape(shape, r)
    return f"M{x + dx:.1f} {y + dy:.1f}{outline}"


def _ring_path(x: float, y: float, r: float) -> str:
    return _mark_path(BEFORE_TREATMENT, x, y, r)


def _polyline(points: list[tuple[float, float]]) -> str:
    if len(points) < 2:
        return ""
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points)


def _compact_path(points: list[tuple[float, float]]) -> str:
    """Return a path through ``points`` on whole units, each step relative to the last (a chart of many points).

    The steps are taken between the rounded points, so rounding never adds up along the line.
    """
    if not points:
        return ""
    whole = [(round(x), round(y)) for x, y in points]
    (x0, y0), steps = whole[0], []
    for (px, py), (qx, qy) in zip(whole, whole[1:], strict=False):
        steps.append(f"{qx - px} {qy - py}")
    return f"M{x0} {y0}" + ("l" + " ".join(steps) if steps else "")


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
    max_ticks = max(2, min(MAX_X_TICKS, int((chart.right - chart.left) // X_TICK_ROOM)))
    chart.x_ticks = list(_axis_ticks(axis, chart.left, chart.right, max_ticks, clinic_zone()))
    # One pass over the points, placing each (as ``chart.y`` does, in the same arithmetic) and sorting it by kind.
    placed_at = _x_positions(axis, chart.left, chart.right)
    bottom, rise = chart.bottom, chart.bottom - chart.top
    arrivals: list[tuple[float, float]] = []
    afters: list[tuple[float, float]] = []
    drafts: list[tuple[float, float]] = []
    by_context: dict[str, list[tuple[float, float]]] = {}
    for at, value, context, is_draft in points:
        px = placed_at.get(at)
        if px is None:
            px = placed_at[at] = x(at)
        point = (px, bottom - rise * (value / y_max))
        (afters if context == AFTER_TREATMENT else arrivals).append(point)
        kind = by_context.get(context)
        if kind is None:
            by_context[context] = [point]
        else:
            kind.append(point)
        if is_draft:
            drafts.append(point)
    if chart.thin:  # hundreds of points: whole units are finer than the marks drawn on them
        chart.arrival_line = _compact_path(arrivals) if len(arrivals) > 1 else ""
        chart.after_line = _compact_path(afters) if len(afters) > 1 else ""
    else:
        chart.arrival_line = _polyline(arrivals)
        chart.after_line = _polyline(afters)
    chart.mark_radius = radius
    vertex_marks = set()
    for context in MARK_ORDER:
        at_points = by_context.get(context)
        if not at_points:
            continue
        if chart.thin and len(at_points) > 1:
            # Every vertex of the path gets the kind's marker (a lone point has no path to hang it on).
            chart.marks.append((context, _compact_path(at_points)))
            vertex_marks.add(context)
        else:
            dx, dy, outline = _mark_shape(context, radius)
            chart.marks.append(
                (context, "".join(f"M{px + dx:.1f} {py + dy:.1f}{outline}" for px, py in at_points))
            )
    chart.vertex_marks = frozenset(vertex_marks)
    chart.draft_marks = "".join(_ring_path(px, py, radius + 3) for px, py in drafts)
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
