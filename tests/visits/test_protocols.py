"""Point protocols (save a named set, apply it in one tap) and copying from the last visit."""

from datetime import timedelta

import pytest

from intake.database import utcnow


def edit_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}/edit"


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def patient(make_patient):
    return make_patient()


@pytest.fixture
def draft(practitioner, patient, make_visit):
    return make_visit(patient, practitioner)


def test_a_practitioner_saves_the_notes_points_as_a_protocol(client, draft, note_form, app):
    from intake.extensions import db
    from intake.visits.models import PointProtocol

    data = note_form(
        draft,
        points=["BL23", "BL25", "BL40", "Du4", "KI3"],
        action="save_protocol",
        protocol_name="Low back — Kidney deficiency",
    )
    response = client.post(edit_url(draft), data=data)
    assert response.status_code == 302
    with app.app_context():
        protocol = db.session.scalars(db.select(PointProtocol)).one()
        assert protocol.name == "Low back — Kidney deficiency"
        assert [p.code for p in protocol.points] == ["BL23", "BL25", "BL40", "GV4", "KI3"]
    assert "Low back — Kidney deficiency" in client.get("/visits/protocols").get_data(as_text=True)


def test_a_protocol_needs_a_name_and_points(client, draft, note_form):
    response = client.post(edit_url(draft), data=note_form(draft, points=["BL23"], action="save_protocol"))
    assert response.status_code == 422
    assert "Name the protocol" in response.get_data(as_text=True)


def test_applying_a_protocol_adds_its_points_and_keeps_those_already_there(
    client, practitioner, draft, note_form, make_protocol, stored_note
):
    protocol = make_protocol(practitioner, "Low back", ["BL23", "BL25", "GV4"])
    data = note_form(
        draft, points=[{"code": "BL23", "technique": "reduce"}, "LR3"], apply_protocol=protocol.id
    )
    assert client.post(edit_url(draft), data=data).status_code == 302
    note, _ = stored_note(draft)
    assert [(p["code"], p["technique"]) for p in note["points"]] == [
        ("BL23", "reduce"), ("LR3", "even"), ("BL25", "tonify"), ("GV4", "tonify"),
    ]  # fmt: skip
    assert note["protocol_id"] == protocol.id
    page = client.get(edit_url(draft)).get_data(as_text=True)
    assert "Apply “Low back”" in page or "Apply &#8220;Low back&#8221;" in page


def test_another_practitioners_protocol_cannot_be_applied(
    client, make_user, draft, note_form, make_protocol, stored_note
):
    theirs = make_protocol(make_user(role="practitioner"), "Theirs", ["BL23"])
    assert client.post(edit_url(draft), data=note_form(draft, apply_protocol=theirs.id)).status_code == 404
    assert stored_note(draft)[0]["points"] == []


def test_a_removed_protocol_leaves_the_list(client, practitioner, make_protocol):
    protocol = make_protocol(practitioner, "Old set", ["BL23"])
    assert '<td data-label="Name">Old set</td>' in client.get("/visits/protocols").get_data(as_text=True)
    assert client.post(f"/visits/protocols/{protocol.id}/archive").status_code == 302
    assert '<td data-label="Name">Old set</td>' not in client.get("/visits/protocols").get_data(as_text=True)


def test_copy_from_last_visit_prefills_points_protocol_and_massage_areas(
    client, practitioner, patient, make_visit, make_protocol, note_form, stored_note
):
    protocol = make_protocol(practitioner, "Low back", ["BL23"])
    make_visit(
        patient,
        practitioner,
        points=["BL23", "GV4"],
        protocol_id=protocol.id,
        massage_areas=["lower_back_l", "buttock_r"],
        tongue="Pale",
        visit_at=utcnow() - timedelta(days=7),
        signed=True,
    )
    today = make_visit(patient, practitioner)
    response = client.post(edit_url(today), data=note_form(today, pulse="Wiry", action="copy_last"))
    assert response.status_code == 302
    note, _ = stored_note(today)
    assert [p["code"] for p in note["points"]] == ["BL23", "GV4"]
    assert all(p["de_qi"] is False for p in note["points"])
    assert note["protocol_id"] == protocol.id
    assert note["massage_areas"] == ["lower_back_l", "buttock_r"]
    assert note["pulse"] == "Wiry"  # what was typed is saved first
    assert note["tongue"] == ""  # only points, protocol and massage areas are copied


def test_copy_from_last_visit_on_a_first_visit_says_so(client, draft, note_form, stored_note):
    response = client.post(edit_url(draft), data=note_form(draft, action="copy_last"), follow_redirects=True)
    assert "first visit: there is nothing to copy" in response.get_data(as_text=True)
