"""A patient's episodes of care: which visits belong to which, and whether each is open, inactive or closed.

A visit belongs to the patient's episode open at its time: the latest one started at or before the visit and
not closed before it. An open episode with no visit (nor start) within the clinic's inactivity period
(``EPISODE_INACTIVE_AFTER_DAYS``, 90 by default) reads "inactive": computed whenever it is read, never by a
background job, so a visit after the gap brings it back.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import Integer, bindparam, func, or_
from sqlalchemy.orm import aliased

from intake.clinic_time import to_clinic_time
from intake.database import utcnow
from intake.extensions import db
from intake.outcomes.complaints import area_label
from intake.outcomes.models import Episode
from intake.visits.models import Visit

#: Days without a visit after which an open episode reads "inactive", unless the clinic sets its own.
DEFAULT_INACTIVE_AFTER_DAYS = 90
OPEN = "open"
INACTIVE = "inactive"
CLOSED = "closed"


def inactive_after() -> timedelta:
    """Return how long an open episode may go without a visit before it reads inactive."""
    return timedelta(
        days=int(current_app.config.get("EPISODE_INACTIVE_AFTER_DAYS", DEFAULT_INACTIVE_AFTER_DAYS))
    )


def episode_of_visit(visit=Visit):
    """Return a correlated SQL expression: the id of the episode ``visit`` belongs to (NULL for none)."""
    if visit is Visit:
        return _episode_of_a_visit()  # built once: the chart and the progress pages ask on every request
    return _episode_of(visit)


def _episode_of(visit):
    episode = aliased(Episode)
    return (
        db.select(episode.id)
        .where(
            episode.patient_id == visit.patient_id,
            episode.started_at <= visit.visit_at,
            or_(episode.closed_at.is_(None), episode.closed_at > visit.visit_at),
        )
        .order_by(episode.started_at.desc(), episode.id.desc())
        .limit(1)
        .correlate(visit)
        .scalar_subquery()
    )


@cache
def _episode_of_a_visit():
    # Built on first use rather than at import: an alias maps every model, and this module may be imported first.
    return _episode_of(Visit)


@dataclass(frozen=True)
class EpisodeState:
    """An episode with its visits counted and its status worked out at ``now``."""

    episode: Episode
    visit_count: int
    last_visit_at: datetime | None
    status: str
    #: When an inactive episode became inactive: its last visit (or start) plus the inactivity period.
    inactive_since: datetime | None = None

    @property
    def complaint_label(self) -> str:
        return area_label(self.episode.complaint_area)

    @property
    def started_on(self) -> date:
        """The clinic day the episode started."""
        return to_clinic_time(self.episode.started_at).date()

    @property
    def last_day(self) -> date | None:
        """The last clinic day of a closed episode (its close is the end of that day)."""
        if self.episode.closed_at is None:
            return None
        return to_clinic_time(self.episode.closed_at - timedelta(seconds=1)).date()

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def ended_at(self) -> datetime | None:
        """When it ended: its close, or the moment it became inactive; None while open."""
        return self.episode.closed_at or self.inactive_since

    @property
    def status_label(self) -> str:
        if self.status == CLOSED:
            return self.episode.closed_reason_label
        if self.status == INACTIVE:
            return f"Inactive — no visit for over {inactive_after().days} days"
        return "Open"


def episode_status(
    episode: Episode, last_visit_at: datetime | None, now: datetime
) -> tuple[str, datetime | None]:
    """Return (status, inactive since) of ``episode`` at ``now``."""
    if episode.closed_at is not None:
        return CLOSED, None
    last_activity = max(filter(None, (episode.started_at, last_visit_at)))
    if now - last_activity > inactive_after():
        return INACTIVE, last_activity + inactive_after()
    return OPEN, None


@cache
def _patient_episodes_statements():
    """A patient's episodes, newest first, and their visits counted: built once, the patient bound by name."""
    patient_id = bindparam("patient_id", type_=Integer)
    episodes = (
        db.select(Episode)
        .where(Episode.patient_id == patient_id)
        .order_by(Episode.started_at.desc(), Episode.id.desc())
    )
    belongs_to = episode_of_visit().label("episode_id")
    counted = db.select(belongs_to, Visit.visit_at).where(Visit.patient_id == patient_id).subquery()
    visits = (
        db.select(counted.c.episode_id, func.count(), func.max(counted.c.visit_at))
        .where(counted.c.episode_id.is_not(None))
        .group_by(counted.c.episode_id)
    )
    return episodes, visits


def patient_episodes(patient_id: int, now: datetime | None = None) -> list[EpisodeState]:
    """Return the patient's episodes, newest first, with their visits counted (two queries)."""
    now = now or utcnow()
    episodes_statement, visits_statement = _patient_episodes_statements()
    episodes = db.session.scalars(episodes_statement, {"patient_id": patient_id}).all()
    if not episodes:
        return []
    rows = db.session.execute(visits_statement, {"patient_id": patient_id}).all()
    visits = {row[0]: (row[1], aware_utc(row[2])) for row in rows}
    states = []
    for episode in episodes:
        count, last_visit_at = visits.get(episode.id, (0, None))
        status, inactive_since = episode_status(episode, last_visit_at, now)
        states.append(EpisodeState(episode, count, last_visit_at, status, inactive_since))
    return states


def aware_utc(moment: datetime | None) -> datetime | None:
    """Return an aggregate's timestamp as aware UTC (SQLite returns MAX() of a timestamp as naive text)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def open_episode_for(
    patient_id: int, complaint_area: str, now: datetime | None = None
) -> EpisodeState | None:
    """Return the patient's open (not inactive, not closed) episode for ``complaint_area``, if any."""
    for state in patient_episodes(patient_id, now):
        if state.is_open and state.episode.complaint_area == complaint_area:
            return state
    return None
