"""Signing locks a note; a signed note is never edited, only amended (who, when, why, what changed)."""

import pytest

from tests.conftest import sign_in


def switch_to(client, user):
    client.post("/logout")
    assert sign_in(client, user.email).status_code == 302


def edit_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}/edit"


def show_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}"


def amend_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}/amend"


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def draft(practitioner, make_patient, make_visit):
    return make_visit(make_patient(), practitioner)


def sign(client, visit, note_form, **fields):
    return client.post(edit_url(visit), data=note_form(visit, action="sign", **fields))


def test_signing_stamps_name_designation_and_time_and_locks(client, draft, note_form, stored_note):
    response = sign(client, draft, note_form, points=["BL23", "GV4"], needles_inserted=3, needles_removed=3)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(show_url(draft))
    _, visit = stored_note(draft)
    assert visit.is_signed
    assert visit.signed_name == "Mei Chen, R.Ac"
    assert visit.signed_at is not None
    page = client.get(show_url(draft)).get_data(as_text=True)
    assert "Signed by <strong>Mei Chen, R.Ac</strong>" in page
    assert "This note is locked." in page


def test_a_note_cannot_be_signed_while_the_needle_counts_differ(client, draft, note_form, stored_note):
    response = sign(client, draft, note_form, points=["BL23", "GV4"], needles_inserted=3, needles_removed=2)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "3 needles inserted but 2 removed. Recount, or write what happened before signing." in html
    note, visit = stored_note(draft)
    assert not visit.is_signed
    assert note["needles_removed"] == 2  # the draft itself is kept


def test_counts_are_needed_before_signing_a_note_with_points(client, draft, note_form, stored_note):
    response = sign(client, draft, note_form, points=["BL23"])
    assert response.status_code == 422
    assert "Count the needles inserted and removed before signing." in response.get_data(as_text=True)
    assert not stored_note(draft)[1].is_signed


def test_a_count_mismatch_with_what_happened_recorded_can_be_signed(client, draft, note_form, stored_note):
    response = sign(
        client,
        draft,
        note_form,
        points=["BL23", "GV4"],
        needles_inserted=3,
        needles_removed=2,
        needle_count_incident="Needle found on the table cover after recount; disposed in sharps.",
    )
    assert response.status_code == 302
    assert stored_note(draft)[1].is_signed


def test_a_massage_only_note_needs_no_needle_count(client, draft, note_form, stored_note):
    response = sign(client, draft, note_form, kind="massage", massage_techniques=["swedish"])
    assert response.status_code == 302
    assert stored_note(draft)[1].is_signed


def test_a_reaction_needs_what_was_done_before_signing(client, draft, note_form, stored_note):
    response = sign(client, draft, note_form, reactions=["needle_shock", "other"])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write what was done about the reaction before signing." in html
    assert "Describe the other reaction before signing." in html
    assert not stored_note(draft)[1].is_signed


def test_only_the_visits_practitioner_signs(client, make_user, draft, note_form, stored_note):
    switch_to(client, make_user(role="practitioner"))
    response = sign(client, draft, note_form)
    assert response.status_code == 403
    assert not stored_note(draft)[1].is_signed


def test_an_admin_reads_but_cannot_sign(client, make_user, draft, note_form, stored_note):
    switch_to(client, make_user(role="admin"))
    assert client.get(show_url(draft)).status_code == 200
    assert sign(client, draft, note_form).status_code == 403
    assert not stored_note(draft)[1].is_signed


def test_a_signed_note_is_never_edited(client, draft, note_form, stored_note):
    sign(client, draft, note_form, tongue="Pale")
    note, visit = stored_note(draft)
    response = client.post(edit_url(draft), data=note_form(visit, tongue="Red"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(amend_url(draft))
    autosave = client.post(edit_url(draft).replace("/edit", "/autosave"), data=note_form(visit, tongue="Red"))
    assert autosave.status_code == 409
    assert autosave.get_json()["status"] == "locked"
    after, visit_after = stored_note(draft)
    assert after == note and visit_after.version == visit.version


def test_an_amendment_records_who_when_why_and_what_changed(client, draft, note_form, stored_note):
    sign(client, draft, note_form, tongue="Pale", points=["BL23"], needles_inserted=2, needles_removed=2)
    original, visit = stored_note(draft)
    form = client.get(amend_url(draft)).get_data(as_text=True)
    assert "Reason for the amendment" in form and 'value="Pale"' in form

    data = note_form(
        visit,
        tongue="Pale, scalloped edges",
        points=["BL23", "KI3"],
        needles_inserted=4,
        needles_removed=4,
        reason="Forgot to record KI3 and the tongue's edges",
    )
    data.pop("version")
    response = client.post(amend_url(draft), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]

    note, visit = stored_note(draft)
    assert note == original  # the signed note itself is untouched
    (amendment,) = visit.amendments
    assert amendment.amended_by_name == "Mei Chen, R.Ac"
    assert amendment.reason == "Forgot to record KI3 and the tongue's edges"
    assert ["Tongue", "Pale", "Pale, scalloped edges"] in amendment.changes
    assert [
        "Points needled",
        "BL23 (both sides, even)",
        "BL23 (both sides, even); KI3 (both sides, even)",
    ] in (amendment.changes)
    page = client.get(show_url(draft)).get_data(as_text=True)
    assert "Amendments" in page and "Forgot to record KI3" in page
    assert (
        "Amended (1): now “Pale, scalloped edges”" in page
        or "Amended (1): now &#8220;Pale, scalloped edges&#8221;" in page
    )


def test_a_second_amendment_compares_with_the_first(client, draft, note_form, stored_note):
    sign(client, draft, note_form, tongue="Pale")
    _, visit = stored_note(draft)
    client.post(amend_url(draft), data=note_form(visit, tongue="Pale, wet", reason="Coat"))
    client.post(amend_url(draft), data=note_form(visit, tongue="Pale, wet", pulse="Slippery", reason="Pulse"))
    _, visit = stored_note(draft)
    first, second = visit.amendments
    assert [c[0] for c in first.changes] == ["Tongue"]
    assert second.changes == [["Pulse", "—", "Slippery"]]


def test_an_amendment_needs_a_reason_and_a_change(client, draft, note_form, stored_note):
    sign(client, draft, note_form, tongue="Pale")
    _, visit = stored_note(draft)
    no_reason = client.post(amend_url(draft), data=note_form(visit, tongue="Red"))
    assert no_reason.status_code == 422
    assert "Write why the note is being amended." in no_reason.get_data(as_text=True)
    no_change = client.post(amend_url(draft), data=note_form(visit, tongue="Pale", reason="Checking"))
    assert no_change.status_code == 422
    assert "Nothing was changed: change a field, or cancel." in no_change.get_data(as_text=True)
    assert stored_note(draft)[1].amendments == []


def test_only_the_visits_practitioner_amends(client, make_user, draft, note_form, stored_note):
    sign(client, draft, note_form, tongue="Pale")
    _, visit = stored_note(draft)
    switch_to(client, make_user(role="practitioner"))
    response = client.post(amend_url(draft), data=note_form(visit, tongue="Red", reason="Mine now"))
    assert response.status_code == 403
    assert stored_note(draft)[1].amendments == []


def test_a_draft_is_edited_not_amended(client, draft, note_form, stored_note):
    response = client.post(amend_url(draft), data=note_form(draft, tongue="Red", reason="x"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(edit_url(draft))
    assert stored_note(draft)[1].amendments == []
