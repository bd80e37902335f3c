"""Who sees what: practitioners write and sign, front desk sees only that a visit happened, admins read."""

import pytest

from tests.conftest import sign_in


@pytest.fixture
def signed_visit(make_user, make_patient, make_visit, app):
    from intake.extensions import db
    from intake.pain.operations import record_scores

    author = make_user(role="practitioner", full_name="Mei Chen", designation="R.Ac")
    patient = make_patient(first_name="Tyler", last_name="Bergstrom")
    visit = make_visit(
        patient,
        author,
        points=["BL23", "GV4"],
        signed=True,
        tongue="Pale, scalloped",
        massage_areas=["lower_back_l"],
    )
    with app.app_context():
        record_scores(patient.id, {"lower_back_l": 7}, context="before_treatment", visit_id=visit.id)
        record_scores(patient.id, {"lower_back_l": 3}, context="after_treatment", visit_id=visit.id)
        db.session.commit()
    return visit


def urls(visit):
    base = f"/patients/{visit.patient_id}/visits/{visit.id}"
    return [base, base + "/edit", base + "/amend", "/visits/points?q=BL23", "/visits/protocols"]


def test_front_desk_sees_date_and_practitioner_but_no_clinical_content(client, login, signed_visit):
    login("front_desk")
    chart = client.get(f"/patients/{signed_visit.patient_id}").get_data(as_text=True)
    assert "Visits" in chart and "Mei Chen, R.Ac" in chart
    for clinical in ("BL23", "Lower back", "7 → 3", "Pale, scalloped", "Start a visit note"):
        assert clinical not in chart
    for url in urls(signed_visit):
        assert client.get(url).status_code == 403, url
    base = f"/patients/{signed_visit.patient_id}/visits/{signed_visit.id}"
    assert client.post(base + "/autosave", data={}).status_code == 403
    assert client.post(f"/patients/{signed_visit.patient_id}/visits").status_code == 403


def test_practitioners_see_the_timeline_with_points_regions_and_pain(client, login, signed_visit):
    login("practitioner")
    chart = client.get(f"/patients/{signed_visit.patient_id}").get_data(as_text=True)
    assert "BL23 GV4" in chart
    assert "Lower back, left 7 → 3" in chart
    assert "Start a visit note" in chart


def test_admins_read_every_note_but_do_not_write(client, login, signed_visit):
    login("admin")
    base = f"/patients/{signed_visit.patient_id}/visits/{signed_visit.id}"
    page = client.get(base)
    assert page.status_code == 200 and "Pale, scalloped" in page.get_data(as_text=True)
    assert "Amend this note" not in page.get_data(as_text=True)
    assert client.get(base + "/amend").status_code == 403
    assert client.get(base + "/edit").status_code == 403
    chart = client.get(f"/patients/{signed_visit.patient_id}").get_data(as_text=True)
    assert "BL23 GV4" in chart and "Start a visit note" not in chart


def test_another_practitioner_reads_but_cannot_edit_a_colleagues_draft(
    client, login, make_patient, make_user, make_visit
):
    author = make_user(role="practitioner")
    draft = make_visit(make_patient(), author)
    login("practitioner")
    base = f"/patients/{draft.patient_id}/visits/{draft.id}"
    assert client.get(base).status_code == 200
    assert client.get(base + "/edit").status_code == 403


def test_a_visit_is_only_found_under_its_own_patient(client, login, signed_visit, make_patient):
    login("practitioner")
    other = make_patient()
    for suffix in ("", "/edit", "/amend"):
        assert client.get(f"/patients/{other.id}/visits/{signed_visit.id}{suffix}").status_code == 404
    assert client.post(f"/patients/{other.id}/visits/{signed_visit.id}/autosave", data={}).status_code == 404


def test_point_search_answers_json_and_a_fragment_and_a_page(client, login):
    login("practitioner")
    found = client.get("/visits/points?q=UB23&format=json").get_json()
    assert found["points"][0]["code"] == "BL23"
    assert found["points"][0]["pinyin"] == "Shenshu"
    midline = client.get("/visits/points?q=Du4", headers={"Accept": "application/json"}).get_json()
    assert midline["points"][0] == {**midline["points"][0], "code": "GV4", "midline": True}
    fragment = client.get("/visits/points?q=SJ5&fragment=1").get_data(as_text=True)
    assert 'data-add-point="TE5"' in fragment and "<html" not in fragment
    page = client.get("/visits/points?q=shenshu").get_data(as_text=True)
    assert "<html" in page and "Kidney Shu" in page
    assert "No point matches" in client.get("/visits/points?q=zzz&fragment=1").get_data(as_text=True)


def test_every_role_opens_today_at_home(client, make_user):
    for role, expected in (("front_desk", 200), ("admin", 200), ("practitioner", 200)):
        client.post("/logout")
        sign_in(client, make_user(role=role).email)
        assert client.get("/").status_code == expected, role
