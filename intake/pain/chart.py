"""The pain summary on the patient chart page (clinical staff only)."""

from intake.auth.roles import CLINICAL
from intake.pain.history import load_pain_history
from intake.pain.report import build_chart_summary
from intake.patients.chart import chart_section


@chart_section("pain", order=30, template="pain/_chart_section.html", roles=CLINICAL)
def pain_summary(patient) -> dict:
    """Load the sparkline and latest body map for the chart page."""
    return {"summary": build_chart_summary(load_pain_history(patient.id))}
