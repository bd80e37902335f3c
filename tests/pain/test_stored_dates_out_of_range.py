"""Scores already stored with a date out of the sane range (from before dates were bounded) never break a page."""

from datetime import UTC, datetime

import pytest

from intake.extensions import db
from intake.pain.models import CHECK_IN, PainScore


@pytest.mark.parametrize(
    "recorded_at", [datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 0, tzinfo=UTC)]
)
def test_a_stored_score_dated_year_1_or_9999_does_not_break_the_chart_or_history(
    app, client, login, make_patient, recorded_at
):
    patient = make_patient()
    with app.app_context():
        db.session.add(
            PainScore(
                patient_id=patient.id,
                region_code="lower_back_c",
                score=6,
                context=CHECK_IN,
                recorded_at=recorded_at,
            )
        )
        db.session.commit()
    login("practitioner")
    for url in (
        f"/patients/{patient.id}",
        f"/patients/{patient.id}/pain/",
        f"/patients/{patient.id}/pain/table",
        f"/patients/{patient.id}/pain/export.csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


@pytest.mark.parametrize("role", ["admin", "front_desk"])
def test_a_stored_score_dated_year_1_does_not_break_the_chart_for_any_role(
    app, client, login, make_patient, role
):
    patient = make_patient()
    with app.app_context():
        db.session.add(
            PainScore(
                patient_id=patient.id,
                region_code="lower_back_c",
                score=6,
                context=CHECK_IN,
                recorded_at=datetime(1, 1, 1, tzinfo=UTC),
            )
        )
        db.session.commit()
    login(role)
    assert client.get(f"/patients/{patient.id}").status_code == 200
