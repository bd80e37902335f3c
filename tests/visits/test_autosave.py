"""Autosave: the draft reaches the server every few seconds; two tablets never overwrite each other silently."""

import re

import pytest

from intake import create_app
from tests.conftest import sign_in


def autosave_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}/autosave"


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def draft(practitioner, make_patient, make_visit):
    return make_visit(make_patient(), practitioner)


def test_autosave_stores_the_draft_and_answers_the_new_version(client, draft, note_form, stored_note):
    response = client.post(
        autosave_url(draft), data=note_form(draft, patient_report="Slept through", points=["UB23"])
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "saved"
    assert body["version"] == draft.version + 1
    assert body["saved_at"]
    note, visit = stored_note(draft)
    assert note["patient_report"] == "Slept through"
    assert [p["code"] for p in note["points"]] == ["BL23"]
    assert visit.version == body["version"]


def test_an_unchanged_autosave_keeps_the_version(client, draft, note_form):
    first = client.post(autosave_url(draft), data=note_form(draft, tongue="Pale")).get_json()
    data = note_form(draft, tongue="Pale")
    data["version"] = str(first["version"])
    again = client.post(autosave_url(draft), data=data).get_json()
    assert again == {**first, "status": "unchanged"}


def test_a_stale_autosave_is_a_conflict_showing_both_versions(client, draft, note_form, stored_note):
    tablet_a = client.post(autosave_url(draft), data=note_form(draft, pulse="Wiry")).get_json()
    # The second tablet still has the version it opened the draft at.
    response = client.post(autosave_url(draft), data=note_form(draft, pulse="Slippery"))
    assert response.status_code == 409
    conflict = response.get_json()
    assert conflict["status"] == "conflict"
    assert conflict["version"] == tablet_a["version"]
    assert ["Pulse", "Wiry", "Slippery"] in conflict["changes"]
    note, visit = stored_note(draft)
    assert note["pulse"] == "Wiry" and visit.version == tablet_a["version"]

    # The practitioner chooses their own version: it is sent against the version they were shown.
    data = note_form(draft, pulse="Slippery")
    data["version"] = str(conflict["version"])
    kept = client.post(autosave_url(draft), data=data)
    assert kept.status_code == 200
    assert stored_note(draft)[0]["pulse"] == "Slippery"


def test_two_tablets_signed_in_as_the_practitioner_see_each_others_saves(
    app, draft, practitioner, note_form, stored_note
):
    tablet_a, tablet_b = app.test_client(), app.test_client()
    for tablet in (tablet_a, tablet_b):
        sign_in(tablet, practitioner.email)
    assert (
        tablet_a.post(autosave_url(draft), data=note_form(draft, home_care="Walk daily")).status_code == 200
    )
    response = tablet_b.post(autosave_url(draft), data=note_form(draft, home_care="Rest"))
    assert response.status_code == 409
    assert stored_note(draft)[0]["home_care"] == "Walk daily"


def test_invalid_autosave_names_the_fields_and_saves_nothing(client, draft, note_form, stored_note):
    before, _ = stored_note(draft)
    data = note_form(draft, points=["BL23", "XY9"], retention_minutes=500, tongue="Pale")
    response = client.post(autosave_url(draft), data=data)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["points-1-code"].startswith("“XY9” is not a point in the WHO list")
    assert errors["retention_minutes"] == "Retention must be from 0 to 120 minutes."
    assert stored_note(draft)[0] == before


def test_autosave_needs_the_csrf_token_in_the_header(app, draft, practitioner, note_form, stored_note):
    guarded = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True
    )
    client = guarded.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert (
        client.post(
            "/login",
            data={
                "email": practitioner.email,
                "password": "correct-horse-battery-staple",
                "csrf_token": token,
            },
        ).status_code
        == 302
    )
    edit = client.get(f"/patients/{draft.patient_id}/visits/{draft.id}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', edit).group(1)

    refused = client.post(autosave_url(draft), data=note_form(draft, tongue="Pale"))
    assert refused.status_code == 400
    assert stored_note(draft)[0]["tongue"] == ""

    accepted = client.post(
        autosave_url(draft), data=note_form(draft, tongue="Pale"), headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200
    assert stored_note(draft)[0]["tongue"] == "Pale"
    with guarded.app_context():
        from intake.extensions import db

        db.engine.dispose()


def test_only_the_visits_practitioner_autosaves(client, draft, make_user, note_form, stored_note):
    client.post("/logout")
    sign_in(client, make_user(role="practitioner").email)
    response = client.post(autosave_url(draft), data=note_form(draft, tongue="Pale"))
    assert response.status_code == 403
    assert stored_note(draft)[0]["tongue"] == ""
