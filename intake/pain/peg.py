"""The PEG scale on the pain history: one score (0-10) per submitted check-in, drawn beside the ODI.

The questionnaire owns check-ins, so pain does not read them: the factory registers the series provider under
``PEG_SERIES`` in ``app.extensions`` (as it does the ODI's).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from intake.clinic_time import format_datetime
from intake.pain.graphs import ChartPoint, LineChart, TimeAxis, line_chart
from intake.pain.history import Period
from intake.pain.models import CHECK_IN

#: A change of at least this many points in the PEG score is meaningful (Krebs et al., J Gen Intern Med 2009).
PEG_MEANINGFUL_CHANGE = 1.0


@dataclass(frozen=True)
class PegRecord:
    submitted_at: datetime
    score: float


#: Returns a patient's PEG records in a period, oldest first (one query).
PegSeries = Callable[[int, Period], list[PegRecord]]
#: The key in ``app.extensions`` holding the ``PegSeries`` provider.
PEG_SERIES = "intake.pain.peg_series"


@dataclass(frozen=True)
class PegTrend:
    """A patient's PEG scores in a period, their change from the first to the latest, and the chart."""

    records: list[PegRecord]
    chart: LineChart | None

    @property
    def change(self) -> float | None:
        if len(self.records) < 2:
            return None
        return round(self.records[-1].score - self.records[0].score, 1)

    @property
    def is_meaningful(self) -> bool:
        return self.change is not None and abs(self.change) >= PEG_MEANINGFUL_CHANGE


def load_peg_records(patient_id: int, period: Period = Period()) -> list[PegRecord]:
    """Return the patient's PEG scores in ``period``, oldest first, from the app's provider."""
    series: PegSeries | None = current_app.extensions.get(PEG_SERIES)
    return series(patient_id, period) if series else []


def peg_trend(
    patient_id: int, period: Period, *, start: datetime | None = None, end: datetime | None = None
) -> PegTrend:
    """Load the PEG scores of ``period`` and lay out their chart on the period's time axis (one query)."""
    records = load_peg_records(patient_id, period)
    if not records:
        return PegTrend(records, None)
    points = [ChartPoint(record.submitted_at, record.score, CHECK_IN) for record in records]
    axis = TimeAxis.spanning([record.submitted_at for record in records], start, end)
    first, last = records[0], records[-1]
    summary = (
        f"PEG: {first.score:.1f} on {format_datetime(first.submitted_at)}, "
        f"{last.score:.1f} on {format_datetime(last.submitted_at)}, {len(records)} check-ins."
    )
    trend = PegTrend(records, None)
    chart = line_chart(
        points,
        axis,
        y_max=10,
        summary=summary,
        height=130,
        baseline=first.score,
        meaningful_drop=PEG_MEANINGFUL_CHANGE,
        highlight_latest=trend.is_meaningful,
    )
    return PegTrend(records, chart)
