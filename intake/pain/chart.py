"""The pain summary on the patient chart page (clinical staff only).

Loads only what it draws, in three queries whatever the length of the history: how many times
the patient was scored, the latest ``SPARKLINE_OCCASIONS`` arrivals' worst score (the sparkline),
and each region's latest arrival score (the map).
"""

from intake.pain.history import load_chart_scores
from intake.pain.report import build_chart_summary


def pain_summary(patient) -> dict:
    """Load the sparkline and latest body map for the chart page."""
    return {"summary": build_chart_summary(load_chart_scores(patient.id))}
