"""An amendment that corrects the pain scores moves the stored scores, so every page tells one story."""

import csv
import io
from datetime import timedelta

import pytest

from intake.clinic_time import to_clinic_time
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, PainScore


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def signed(client, practitioner, make_patient, make_visit, note_form, stored_note):
    """A signed note: lower back (left) 7 before treatment, 3 after."""
    visit = make_visit(make_patient(), practitioner)
    data = note_form(
        visit,
        action="sign",
        pain_before={"lower_back_l": 7},
        pain_after={"lower_back_l": 3},
    )
    assert client.post(_url(visit, "/edit"), data=data).status_code == 302
    return stored_note(visit)[1]


def _url(visit, tail=""):
    return f"/patients/{visit.patient_id}/visits/{visit.id}{tail}"


def _amend(client, visit, note_form, **fields):
    data = note_form(visit, **fields)
    data.pop("version")
    return client.post(_url(visit, "/amend"), data=data)


def _stored_scores(app, visit) -> dict:
    with app.app_context():
        rows = db.session.scalars(db.select(PainScore).where(PainScore.visit_id == visit.id)).all()
        return {(row.context, row.region_code): (row.score, row.recorded_at) for row in rows}


def test_an_amended_pain_score_replaces_the_stored_score(app, client, signed, note_form, stored_note):
    response = _amend(
        client,
        signed,
        note_form,
        pain_before={"lower_back_l": 8},
        pain_after={"lower_back_l": 2},
        reason="Patient corrected the scores",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]

    scores = _stored_scores(app, signed)
    assert {key: score for key, (score, _) in scores.items()} == {
        (BEFORE_TREATMENT, "lower_back_l"): 8,
        (AFTER_TREATMENT, "lower_back_l"): 2,
    }
    # Nothing is silently changed: the amendment keeps the old and the new values...
    note, visit = stored_note(signed)
    (amendment,) = visit.amendments
    assert amendment.pain_replaced == {
        "pain_before": {"lower_back_l": 7},
        "pain_after": {"lower_back_l": 3},
    }
    assert ["Pain before treatment", "Lower back, left 7", "Lower back, left 8"] in amendment.changes
    # ...and the signed original still reads as it was signed.
    assert note["pain_before"] == {"lower_back_l": 7} and note["pain_after"] == {"lower_back_l": 3}
    page = client.get(_url(signed)).get_data(as_text=True)
    assert "Lower back, left 7" in page and "Amended (1): now" in page


def test_history_csv_and_timeline_agree_after_an_amendment(client, signed, note_form):
    _amend(
        client,
        signed,
        note_form,
        pain_before={"lower_back_l": 8},
        pain_after={"lower_back_l": 2},
        reason="Patient corrected the scores",
    )
    patient_id = signed.patient_id

    export = client.get(f"/patients/{patient_id}/pain/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(export)))
    assert sorted((row["Context"], row["Score (0-10)"]) for row in rows) == [
        ("After treatment", "2"),
        ("Before treatment", "8"),
    ]
    table = client.get(f"/patients/{patient_id}/pain/table").get_data(as_text=True)
    assert ">8<" in table.replace(" ", "") and ">7<" not in table.replace(" ", "")
    chart = client.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert "Lower back, left 8 → 2" in chart and "Lower back, left 7 → 3" not in chart


def test_a_second_amendment_keeps_the_signed_scores_readable(app, client, signed, note_form, stored_note):
    _amend(
        client, signed, note_form, pain_before={"lower_back_l": 8}, pain_after={"lower_back_l": 3}, reason="A"
    )
    _amend(
        client, signed, note_form, pain_before={"lower_back_l": 8}, pain_after={"lower_back_l": 1}, reason="B"
    )

    note, visit = stored_note(signed)
    first, second = visit.amendments
    assert first.pain_replaced == {"pain_before": {"lower_back_l": 7}}
    assert second.pain_replaced == {"pain_after": {"lower_back_l": 3}}
    assert note["pain_before"] == {"lower_back_l": 7} and note["pain_after"] == {"lower_back_l": 3}
    scores = _stored_scores(app, signed)
    assert scores[(BEFORE_TREATMENT, "lower_back_l")][0] == 8
    assert scores[(AFTER_TREATMENT, "lower_back_l")][0] == 1


def test_an_amendment_that_leaves_pain_alone_keeps_the_stored_scores(
    app, client, signed, note_form, stored_note
):
    before = _stored_scores(app, signed)
    _amend(
        client,
        signed,
        note_form,
        pain_before={"lower_back_l": 7},
        pain_after={"lower_back_l": 3},
        tongue="Pale",
        reason="Tongue",
    )
    assert _stored_scores(app, signed) == before
    (amendment,) = stored_note(signed)[1].amendments
    assert amendment.pain_replaced is None


def test_an_amended_visit_time_moves_the_scores_with_it(app, client, signed, note_form):
    earlier = signed.visit_at - timedelta(hours=2)
    data = note_form(signed, pain_before={"lower_back_l": 7}, pain_after={"lower_back_l": 3}, reason="Time")
    data.pop("version")
    with app.app_context():
        data["visit_at"] = to_clinic_time(earlier).strftime("%Y-%m-%dT%H:%M")
    assert client.post(_url(signed, "/amend"), data=data).status_code == 302
    moved = {recorded_at for _score, recorded_at in _stored_scores(app, signed).values()}
    assert moved == {earlier.replace(second=0, microsecond=0)}
