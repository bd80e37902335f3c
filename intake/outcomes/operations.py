"""Every write of episodes of care: start one on the chart, close one, and the episode an intake opens.

The pages call ``start_episode`` and ``close_episode``, which check the clinic's rules (raising ``Refused``
before anything changes) and record their own audit events. ``open_episode_for_intake`` serves the
intake's submission (handed to the questionnaire by the factory): it records nothing itself, the intake's
submit event covers it.
"""

from datetime import UTC, date, datetime, time, timedelta

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.clinic_time import clinic_today, clinic_zone, format_date, to_clinic_time
from intake.database import utcnow
from intake.extensions import db
from intake.outcomes.complaints import AREA_BY_CODE, area_label, complaint_of_scores
from intake.outcomes.episodes import open_episode_for
from intake.outcomes.models import CLOSE_REASON_LABELS, Episode
from intake.questionnaire import steps as q
from intake.refused import Refused

RECORD_TYPE = "care_episode"


def start_of_clinic_day(day: date) -> datetime:
    """Return the first moment of a clinic day, as aware UTC."""
    return datetime.combine(day, time.min, clinic_zone()).astimezone(UTC)


def start_episode(patient, complaint_area: str, started_on: date, *, by) -> Episode:
    """Start an episode for one complaint on the chart (refused while one for it is open)."""
    problems = {}
    if complaint_area not in AREA_BY_CODE:
        problems["complaint_area"] = "Choose the complaint this episode treats."
    if started_on > clinic_today():
        problems["started_on"] = "An episode cannot start in the future."
    if not problems and open_episode_for(patient.id, complaint_area) is not None:
        problems["complaint_area"] = (
            f"An episode for {area_label(complaint_area).lower()} is already open: close it first."
        )
    if problems:
        raise Refused(problems)
    episode = Episode(
        patient_id=patient.id,
        complaint_area=complaint_area,
        started_at=start_of_clinic_day(started_on),
        started_by_id=by.id,
    )
    db.session.add(episode)
    db.session.flush()
    record_event(
        audit.CREATE,
        patient=patient,
        record_type=RECORD_TYPE,
        record_id=episode.id,
        detail=f"{area_label(complaint_area)} from {format_date(started_on)}",
    )
    return episode


def close_episode(episode: Episode, reason: str, closed_on: date, note: str = "", *, by) -> None:
    """Close an open episode: discharged (goals met), stopped coming or referred, on a clinic day."""
    problems = {}
    if episode.is_closed:
        problems["reason"] = "This episode is already closed."
    if reason not in CLOSE_REASON_LABELS:
        problems["reason"] = "Choose why the episode ends."
    first_day = to_clinic_time(episode.started_at).date()
    if closed_on > clinic_today():
        problems["closed_on"] = "An episode cannot end in the future."
    elif closed_on < first_day:
        problems["closed_on"] = f"The episode started on {format_date(first_day)}: it cannot end before that."
    if problems:
        raise Refused(problems)
    episode.closed_at = start_of_clinic_day(closed_on + timedelta(days=1))
    episode.closed_reason = reason
    episode.closed_by_id = by.id
    episode.close_note = note.strip()
    record_event(
        audit.EDIT,
        patient=episode.patient,
        record_type=RECORD_TYPE,
        record_id=episode.id,
        detail=f"closed: {CLOSE_REASON_LABELS[reason]} on {format_date(closed_on)}",
    )


def open_episode_for_intake(intake) -> Episode | None:
    """Open an episode for the complaint a just-submitted intake scores worst, unless one is open for it."""
    regions = (intake.answers or {}).get(q.PAIN, {}).get("regions") or {}
    complaint_area = complaint_of_scores({code: int(score) for code, score in regions.items()})
    if complaint_area is None:
        return None
    moment = intake.submitted_at or utcnow()
    if open_episode_for(intake.patient_id, complaint_area, moment) is not None:
        return None
    episode = Episode(
        patient_id=intake.patient_id, complaint_area=complaint_area, started_at=moment, intake_id=intake.id
    )
    db.session.add(episode)
    return episode
