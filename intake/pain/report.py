"""The pictures of a pain history: trend charts, per-region charts, ODI chart and shaded maps."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from markupsafe import Markup

from intake.clinic_time import format_datetime
from intake.pain.figure import shaded_body_map
from intake.pain.graphs import ChartPoint, LineChart, Sparkline, TimeAxis, line_chart, nice_maximum, sparkline
from intake.pain.history import ARRIVAL_CONTEXTS, ChartScores, PainHistory, RegionHistory
from intake.pain.models import INTAKE
from intake.pain.progress import odi_meaningful_drop, pain_meaningful_drop


@dataclass(frozen=True)
class RegionReport:
    history: RegionHistory
    chart: LineChart


@dataclass(frozen=True)
class HistoryReport:
    worst_chart: LineChart
    total_chart: LineChart
    regions: list[RegionReport]
    odi_chart: LineChart | None
    first_map: Markup
    latest_map: Markup


def _score(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _trend_words(name: str, points: list[ChartPoint]) -> str:
    first = next((p for p in points if p.context in ARRIVAL_CONTEXTS), None)
    if first is None:
        return f"{name}: no scores before treatment in this period."
    last = next(p for p in reversed(points) if p.context in ARRIVAL_CONTEXTS)
    return (
        f"{name}: {_score(first.value)} on {format_datetime(first.at)}, "
        f"{_score(last.value)} on {format_datetime(last.at)}, {len(points)} scores."
    )


def region_chart(region: RegionHistory, axis: TimeAxis, drafts: frozenset[int] = frozenset()) -> LineChart:
    """Chart one region's scores with its baseline and the meaningful-improvement line (``drafts``: unsigned visits)."""
    points = [ChartPoint(r.recorded_at, r.score, r.context, r.visit_id in drafts) for r in region.records]
    change = region.change
    summary = _trend_words(region.region.label, points)
    if change:
        summary += f" {change.in_words}."
    return line_chart(
        points,
        axis,
        y_max=10,
        summary=summary,
        # Drawn at about the width it is shown at on a tablet, beside the legend: 13 px labels, over 160 px tall.
        width=480,
        height=200,
        baseline=change.baseline if change else None,
        meaningful_drop=pain_meaningful_drop(change.baseline) if change else None,
        highlight_latest=bool(change and change.is_meaningful),
    )


#: The key in ``app.extensions`` of the visit notes' answer to "which of these visits are not signed yet?"
#: (handed down by the factory: pain does not import visits).
UNSIGNED_VISITS = "intake.pain.unsigned_visits"


def unsigned_visits(visit_ids: set[int]) -> frozenset[int]:
    """Return which of ``visit_ids`` are visit notes not signed yet (one query, even for none: the page's count
    stays the same; none when nothing is handed down)."""
    find = current_app.extensions.get(UNSIGNED_VISITS)
    if find is None:
        return frozenset()
    return frozenset(find(visit_ids))


def build_history_report(
    history: PainHistory, *, start: datetime | None, end: datetime | None
) -> HistoryReport:
    """Lay out every chart and map of the history page on one shared time axis."""
    moments = [o.recorded_at for o in history.occasions] + [o.submitted_at for o in history.odi]
    axis = TimeAxis.spanning(moments, start, end)
    drafts = unsigned_visits({o.visit_id for o in history.occasions if o.visit_id is not None})
    worst = [ChartPoint(o.recorded_at, o.worst, o.context, o.visit_id in drafts) for o in history.occasions]
    total = [ChartPoint(o.recorded_at, o.total, o.context, o.visit_id in drafts) for o in history.occasions]
    total_max = nice_maximum(max((p.value for p in total), default=10), 10)
    odi_chart = None
    if history.odi:
        odi_points = [ChartPoint(o.submitted_at, o.percent, INTAKE) for o in history.odi]
        baseline = (history.odi_baseline or history.odi[0]).percent  # the first ever, even before the period
        odi_chart = line_chart(
            odi_points,
            axis,
            y_max=100,
            summary=_trend_words("Oswestry Disability Index (%)", odi_points),
            height=130,
            baseline=baseline,
            meaningful_drop=odi_meaningful_drop(baseline),
            highlight_latest=bool(history.odi_change and history.odi_change.is_meaningful),
        )
    return HistoryReport(
        worst_chart=line_chart(worst, axis, y_max=10, summary=_trend_words("Worst region", worst)),
        total_chart=line_chart(
            total, axis, y_max=total_max, summary=_trend_words("Sum across regions", total)
        ),
        regions=[RegionReport(region, region_chart(region, axis, drafts)) for region in history.regions],
        odi_chart=odi_chart,
        first_map=shaded_body_map(history.first_scores, id_prefix="first-map", title="First scores"),
        latest_map=shaded_body_map(history.latest_scores, id_prefix="latest-map", title="Latest scores"),
    )


@dataclass(frozen=True)
class ChartSummary:
    """What the patient chart page shows: a sparkline of the worst region and the latest map."""

    scores: ChartScores
    sparkline: Sparkline
    latest_map: Markup

    @property
    def latest(self) -> tuple[datetime, int, str] | None:
        return self.scores.latest_worst[-1] if self.scores.latest_worst else None


def build_chart_summary(scores: ChartScores) -> ChartSummary:
    """Lay out the chart page's small pain summary."""
    worst = [ChartPoint(at, score, context) for at, score, context in scores.latest_worst]
    return ChartSummary(
        scores=scores,
        sparkline=sparkline(worst, y_max=10, summary=_trend_words("Worst region", worst)),
        latest_map=shaded_body_map(
            scores.latest_scores,
            id_prefix="chart-latest-map",
            title="Latest pain scores",
            css_class="body-map__svg--small",
        ),
    )
