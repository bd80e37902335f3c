"""Factories for the outcomes tests: episodes and hand-made treatment histories."""

from datetime import UTC, datetime, timedelta

import pytest

from intake.extensions import db
from intake.outcomes.models import Episode
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT
from intake.pain.operations import record_scores
from intake.visits.models import ElectroPair, Visit

#: Episodes in these tests start here, well in the past (10:00 in Edmonton).
EPISODE_START = datetime(2025, 3, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def make_episode(app):
    """Create an episode row: ``make_episode(patient, complaint_area="lower_back", started_at=...)``."""

    def factory(patient, **columns):
        values = {"complaint_area": "lower_back", "started_at": EPISODE_START, **columns}
        with app.app_context():
            episode = Episode(patient_id=patient.id, **values)
            db.session.add(episode)
            db.session.commit()
            db.session.refresh(episode)
            db.session.expunge(episode)
        return episode

    return factory


@pytest.fixture
def treat(app):
    """Add one visit scored before (and optionally after): ``treat(patient, practitioner, at, {"lower_back_c": 6})``."""

    def factory(patient, practitioner, at, before, after=None, *, electro=False, **columns):
        with app.app_context():
            visit = Visit(patient_id=patient.id, practitioner_id=practitioner.id, visit_at=at, **columns)
            if electro:
                visit.electro_pairs = [
                    ElectroPair(
                        position=0, first_point="BL23", second_point="BL25", frequency_hz=2, intensity="mild"
                    )
                ]
            db.session.add(visit)
            db.session.flush()
            if before:
                record_scores(
                    patient.id, before, context=BEFORE_TREATMENT, recorded_at=at, visit_id=visit.id,
                    recorded_by_id=practitioner.id,
                )  # fmt: skip
            if after:
                record_scores(
                    patient.id, after, context=AFTER_TREATMENT, recorded_at=at + timedelta(minutes=45),
                    visit_id=visit.id, recorded_by_id=practitioner.id,
                )  # fmt: skip
            db.session.commit()
            visit_id = visit.id
        return visit_id

    return factory
