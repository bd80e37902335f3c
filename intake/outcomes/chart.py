"""The chart's progress section: the patient's episodes of care and the latest one's progress in words.

Six queries whatever the length of the history: the episodes and their visit counts, then the shown
episode's measurements (``intake.outcomes.summary``).
"""

from intake.outcomes.episodes import patient_episodes
from intake.outcomes.summary import load_progress


def progress_section(patient) -> dict:
    """Load the patient's episodes and the most recent one's progress in brief (regions and charts are on its page)."""
    episodes = patient_episodes(patient.id)
    shown = episodes[0] if episodes else None
    return {"episodes": episodes, "progress": load_progress(shown, full=False) if shown else None}
