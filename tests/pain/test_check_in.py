"""Recording a quick check-in through the body-map form."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from intake.database import utcnow
from intake.extensions import db
from intake.pain.models import CHECK_IN, PainScore


def _scores(app):
    with app.app_context():
        return db.session.scalars(db.select(PainScore).order_by(PainScore.region_code)).all()


CLINIC_ZONE = ZoneInfo("America/Edmonton")  # the testing config's CLINIC_TIMEZONE


def _local(moment) -> str:
    return moment.astimezone(CLINIC_ZONE).strftime("%Y-%m-%dT%H:%M")


def _check_in(client, patient, **fields):
    data = {"recorded_at": _local(utcnow() - timedelta(hours=2))}
    data.update(fields)
    return client.post(f"/patients/{patient.id}/pain/check-in", data=data)


def test_practitioner_records_a_check_in_by_region(client, app, login, make_patient):
    user = login("practitioner")
    patient = make_patient()
    before = utcnow()
    form = client.get(f"/patients/{patient.id}/pain/check-in")
    after = utcnow()
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'name="pain-lower_back_l"' in html and "data-body-map" in html
    # defaults to now, in clinic time (either side of a minute that turned during the request)
    assert f'value="{_local(before)}' in html or f'value="{_local(after)}' in html

    when = utcnow().replace(second=0, microsecond=0) - timedelta(days=1)
    response = _check_in(
        client, patient, recorded_at=_local(when), **{"pain-lower_back_l": "7", "pain-hip_r": "0"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/patients/{patient.id}/pain/"
    left, hip = sorted(_scores(app), key=lambda s: s.region_code, reverse=True)
    assert (left.region_code, left.score, hip.region_code, hip.score) == ("lower_back_l", 7, "hip_r", 0)
    assert {s.context for s in (left, hip)} == {CHECK_IN}
    assert left.recorded_at == when and left.recorded_by_id == user.id
    assert left.visit_id is None and left.intake_id is None
    assert "Lower back, left" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_admin_may_record_a_check_in(client, app, login, make_patient):
    login("admin")
    patient = make_patient()
    assert _check_in(client, patient, **{"pain-neck_back": "3"}).status_code == 302


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"pain-lower_back_l": "7.5"},
            "Lower back, left: choose a whole number from 0 (no pain) to 10 (worst).",
        ),
        (
            {"pain-lower_back_l": "11"},
            "Lower back, left: choose a whole number from 0 (no pain) to 10 (worst).",
        ),
        (
            {"pain-lower_back_l": "-1"},
            "Lower back, left: choose a whole number from 0 (no pain) to 10 (worst).",
        ),
        (
            {"pain-lower_back_l": "seven"},
            "Lower back, left: choose a whole number from 0 (no pain) to 10 (worst).",
        ),
        ({"pain-tail": "4"}, "“tail” is not a body region this clinic records."),
        ({"pain-lower_back_l": ["4", "6"]}, "Lower back, left was given more than once; give one score."),
        ({}, "Give at least one body region a score from 0 to 10."),
    ],
)
def test_bad_scores_are_refused_with_a_message(client, app, login, make_patient, fields, message):
    login()
    patient = make_patient()
    response = _check_in(client, patient, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _scores(app) == []


def test_a_time_in_the_future_is_refused_and_everything_typed_is_kept(client, app, login, make_patient):
    login()
    patient = make_patient()
    tomorrow = _local(utcnow() + timedelta(days=1))
    response = _check_in(client, patient, recorded_at=tomorrow, **{"pain-calf_l": "5", "pain-jaw": "2"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The time cannot be in the future" in html
    assert f'value="{tomorrow}"' in html
    assert '<option value="5" selected>' in html and '<option value="2" selected>' in html
    assert _scores(app) == []


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Enter when the scores were given."),
        ("next tuesday", "Enter the date and time like 2026-03-14 09:30."),
    ],
)
def test_a_missing_or_unreadable_time_is_refused(client, app, login, make_patient, typed, message):
    login()
    patient = make_patient()
    response = _check_in(client, patient, recorded_at=typed, **{"pain-calf_l": "5"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _scores(app) == []


def test_front_desk_cannot_record_or_see_check_ins(client, login, make_patient):
    login("front_desk")
    patient = make_patient()
    assert client.get(f"/patients/{patient.id}/pain/check-in").status_code == 403
    assert _check_in(client, patient, **{"pain-calf_l": "5"}).status_code == 403


def test_check_in_for_an_unknown_patient_is_404(client, login):
    login()
    assert client.get("/patients/999/pain/check-in").status_code == 404
    assert client.post("/patients/999/pain/check-in", data={"pain-calf_l": "5"}).status_code == 404
