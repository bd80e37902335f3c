"""Server-drawn charts stay readable with many visits."""

import re
from datetime import UTC, datetime, timedelta

from intake.pain.graphs import ChartPoint, TimeAxis, line_chart
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT

START = datetime(2025, 1, 6, 17, 0, tzinfo=UTC)


def _visits(count, every_days=2):
    points = []
    for n in range(count):
        at = START + timedelta(days=every_days * n)
        points += [
            ChartPoint(at, 7, BEFORE_TREATMENT),
            ChartPoint(at + timedelta(hours=1), 4, AFTER_TREATMENT),
        ]
    return points


def test_a_long_history_ticks_by_month_with_few_labels(app):
    points = _visits(300)
    with app.app_context():
        chart = line_chart(points, TimeAxis.spanning([p.at for p in points]), y_max=10, summary="s")
    labels = [tick.label for tick in chart.x_ticks]
    assert 4 <= len(labels) <= 8
    assert labels[0].endswith("2025") and "Jan 2026" in labels
    assert all(chart.left <= tick.position <= chart.right for tick in chart.x_ticks)


def test_many_visits_draw_thin_lines_and_one_path_per_kind_of_mark(app):
    points = _visits(150)
    with app.app_context():
        chart = line_chart(points, TimeAxis.spanning([p.at for p in points]), y_max=10, summary="s")
    assert chart.thin
    assert [kind for kind, _ in chart.marks] == [BEFORE_TREATMENT, AFTER_TREATMENT]
    # One path through all 150 points of each line: a start and 149 steps.
    assert (
        len(re.findall(r"-?\d+", chart.arrival_line)) == 300
        and len(re.findall(r"-?\d+", chart.after_line)) == 300
    )


def test_a_short_history_ticks_by_day(app):
    points = _visits(5)
    with app.app_context():
        chart = line_chart(points, TimeAxis.spanning([p.at for p in points]), y_max=10, summary="s")
    assert not chart.thin
    labels = [tick.label for tick in chart.x_ticks]
    assert labels[:2] == ["Jan 7", "Jan 8"] and len(labels) <= 8


def test_baseline_and_meaningful_line_are_placed_on_the_value_scale(app):
    points = _visits(3)
    with app.app_context():
        chart = line_chart(
            points,
            TimeAxis.spanning([p.at for p in points]),
            y_max=10,
            summary="s",
            baseline=8,
            meaningful_drop=2,
        )
    assert chart.baseline_y == chart.y(8) and chart.meaningful_y == chart.y(6)
    assert chart.meaningful_label_y - chart.baseline_label_y >= 11


def test_many_points_draw_each_kind_of_mark_once_as_a_marker_on_every_point(app):
    points = _visits(150)
    with app.app_context():
        chart = line_chart(points, TimeAxis.spanning([p.at for p in points]), y_max=10, summary="s")
        svg = str(chart.svg("chart-x"))
    assert svg.count("<marker ") == 2
    for kind in (BEFORE_TREATMENT, AFTER_TREATMENT):
        marks = re.search(
            rf'<path class="trend-chart__marks trend-chart__marks--{kind}" d="([^"]+)"[^>]*>', svg
        )
        assert marks and f'marker-mid="url(#chart-x-mark-{kind})"' in marks.group(0)
        assert len(re.findall(r"-?\d+", marks.group(1))) == 300  # a vertex for each of the 150 points


def test_few_points_draw_each_mark_as_its_own_outline(app):
    points = _visits(5)
    with app.app_context():
        svg = str(
            line_chart(points, TimeAxis.spanning([p.at for p in points]), y_max=10, summary="s").svg("c")
        )
    assert "<marker" not in svg
    assert svg.count("a3.4 3.4 0 1 0 6.8 0") == 10  # five visits, before and after: one circle each
