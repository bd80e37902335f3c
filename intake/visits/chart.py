"""The patient chart's visit section: the most recent visits, and a link to all of them.

The chart opens at every visit, so the section shows a fixed number of lines and loads them in
a constant number of queries (see ``intake.visits.timeline``); the full list is paginated.
"""

from flask_login import current_user

from intake.visits.timeline import count_visits, recent_visits, timeline_rows

CHART_VISITS = 20


def load_timeline(patient) -> dict:
    """Return the patient's most recent visits for the chart (clinical details only for clinical staff)."""
    clinical = current_user.is_clinical
    visits = recent_visits(patient.id, limit=CHART_VISITS, clinical=clinical)
    return {
        "clinical": clinical,
        "rows": timeline_rows(visits, clinical=clinical),
        "total": count_visits(patient.id),
    }
