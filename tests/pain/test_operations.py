"""Recording rules every caller gets: the intake, the visit note and check-ins."""

from datetime import UTC, datetime, timedelta

import pytest

from intake.audit.models import AuditEvent
from intake.database import utcnow
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, PainScore
from intake.pain.operations import (
    SCORES_FIELD,
    check_in,
    record_check_in,
    record_scores,
    replace_visit_scores,
)
from intake.patients.models import Patient
from intake.refused import Refused


def _stored(patient_id):
    return {
        (s.context, s.region_code, s.score)
        for s in db.session.scalars(db.select(PainScore).where(PainScore.patient_id == patient_id))
    }


@pytest.mark.parametrize(
    "scores, options",
    [
        ({"lower_back_l": 11}, {}),
        ({"lower_back_l": 4.5}, {}),
        ({"lower_back_l": "4"}, {}),
        ({"tail": 4}, {}),
        ({"jaw": 4}, {"context": "phone"}),
        ({"jaw": 4}, {"recorded_at": utcnow() + timedelta(hours=1)}),
    ],
)
def test_bad_scores_never_reach_the_database(app, make_patient, scores, options):
    patient = make_patient()
    with app.app_context():
        with pytest.raises(ValueError):
            record_scores(patient.id, scores, **{"context": "check_in", **options})
        db.session.commit()
        assert _stored(patient.id) == set()


def test_a_check_in_needs_a_score(app, make_patient, make_user):
    patient, user = make_patient(), make_user()
    with app.app_context():
        with pytest.raises(ValueError):
            record_check_in(patient.id, {}, recorded_at=utcnow(), recorded_by_id=user.id)


def test_replacing_a_visits_scores_keeps_the_other_context(app, make_patient, make_user, make_visit):
    patient, user = make_patient(), make_user()
    visit = make_visit(patient, user)
    at = datetime(2025, 5, 1, 16, 0, tzinfo=UTC)
    with app.app_context():
        replace_visit_scores(visit.id, patient.id, BEFORE_TREATMENT, {"hip_l": 6}, recorded_at=at)
        replace_visit_scores(visit.id, patient.id, AFTER_TREATMENT, {"hip_l": 3}, recorded_at=at)
        db.session.commit()
        replace_visit_scores(
            visit.id, patient.id, BEFORE_TREATMENT, {"hip_l": 5, "calf_l": 2}, recorded_at=at
        )
        db.session.commit()
        assert _stored(patient.id) == {
            (BEFORE_TREATMENT, "hip_l", 5),
            (BEFORE_TREATMENT, "calf_l", 2),
            (AFTER_TREATMENT, "hip_l", 3),
        }


def test_a_check_in_without_a_scored_region_is_refused_with_the_forms_message(app, make_patient, make_user):
    patient, user = make_patient(), make_user()
    with app.app_context():
        patient = db.session.get(Patient, patient.id)
        with pytest.raises(Refused) as refused:
            check_in(patient, {}, recorded_at=utcnow(), by=user)
        assert refused.value.errors == {SCORES_FIELD: "Give at least one body region a score from 0 to 10."}
        db.session.commit()
        assert _stored(patient.id) == set()
        assert db.session.scalars(db.select(AuditEvent)).all() == []
