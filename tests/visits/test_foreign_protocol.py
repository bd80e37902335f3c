"""A note names only its own protocol or one of its practitioner's: a protocol id posted in the form
is checked like any record fetched by id (another practitioner's, or none at all, is refused)."""

from datetime import timedelta

import pytest

from intake.database import utcnow

REFUSED = "That protocol is not one of yours: apply one from your own list."


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def draft(practitioner, make_patient, make_visit):
    return make_visit(make_patient(), practitioner)


@pytest.fixture
def theirs(make_user, make_protocol):
    return make_protocol(make_user(role="practitioner"), "Sam's private protocol", ["BL23"])


def url(visit, page=""):
    return f"/patients/{visit.patient_id}/visits/{visit.id}{page}"


def test_a_draft_cannot_name_another_practitioners_protocol(client, draft, theirs, note_form, stored_note):
    response = client.post(url(draft, "/edit"), data=note_form(draft, protocol_id=theirs.id))
    assert response.status_code == 422
    assert REFUSED in response.get_data(as_text=True)
    note, _ = stored_note(draft)
    assert note["protocol_id"] is None
    assert "Sam&#39;s private protocol" not in client.get(url(draft)).get_data(as_text=True)


def test_an_autosave_naming_another_practitioners_protocol_is_refused(client, draft, theirs, note_form):
    response = client.post(url(draft, "/autosave"), data=note_form(draft, protocol_id=theirs.id))
    assert response.status_code == 422
    assert response.get_json() == {"status": "invalid", "errors": {"protocol_id": REFUSED}}


@pytest.mark.parametrize("protocol_id", ["999999", "2147483647", "99999999999999999999", "²", "-1"])
def test_a_protocol_id_that_names_nothing_is_refused_or_ignored_never_an_error(
    client, draft, note_form, stored_note, protocol_id
):
    response = client.post(url(draft, "/edit"), data=note_form(draft, protocol_id=protocol_id))
    assert response.status_code in (302, 422)
    assert stored_note(draft)[0]["protocol_id"] is None


def test_an_amendment_cannot_name_another_practitioners_protocol(
    client, practitioner, make_patient, make_visit, theirs, note_form
):
    signed = make_visit(make_patient(), practitioner, signed=True)
    data = note_form(signed, protocol_id=theirs.id, tongue="Red", reason="Add the protocol")
    response = client.post(url(signed, "/amend"), data=data)
    assert response.status_code == 422
    assert REFUSED in response.get_data(as_text=True)


def test_a_protocol_copied_from_a_colleagues_visit_stays_on_the_note(
    client, practitioner, make_patient, make_user, make_visit, make_protocol, note_form, stored_note
):
    colleague = make_user(role="practitioner")
    protocol = make_protocol(colleague, "Colleague's low back", ["BL23"])
    patient = make_patient()
    make_visit(
        patient, colleague, points=["BL23"], protocol_id=protocol.id, visit_at=utcnow() - timedelta(days=7)
    )
    today = make_visit(patient, practitioner)
    assert client.post(url(today, "/edit"), data=note_form(today, action="copy_last")).status_code == 302
    note, visit = stored_note(today)
    assert note["protocol_id"] == protocol.id
    saved = client.post(url(today, "/edit"), data=note_form(visit, protocol_id=protocol.id, pulse="Wiry"))
    assert saved.status_code == 302  # the note's own protocol, whoever wrote it, is kept
