"""Scores already stored with a date out of the sane range (from before dates were bounded) never break a page."""

from datetime import UTC, datetime

import pytest

from intake.extensions import db
from intake.pain.models import CHECK_IN, PainScore

YEAR_1 = datetime(1, 1, 1, tzinfo=UTC)
YEAR_9999 = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)


def _patient_with_a_score_at(app, make_patient, recorded_at):
    """A patient whose one check-in was stored at ``recorded_at``, behind the form's date bounds."""
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
    return patient


@pytest.mark.parametrize("recorded_at", [YEAR_1, YEAR_9999])
def test_a_stored_score_dated_year_1_or_9999_does_not_break_the_chart_or_history(
    app, client, login, make_patient, recorded_at
):
    patient = _patient_with_a_score_at(app, make_patient, recorded_at)
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
    patient = _patient_with_a_score_at(app, make_patient, YEAR_1)
    login(role)
    assert client.get(f"/patients/{patient.id}").status_code == 200
