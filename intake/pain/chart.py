"""The pain summary on the patient chart page (clinical staff only)."""

from intake.pain.history import load_pain_history
from intake.pain.report import build_chart_summary


def pain_summary(patient) -> dict:
    """Load the sparkline and latest body map for the chart page."""
    return {"summary": build_chart_summary(load_pain_history(patient.id))}
