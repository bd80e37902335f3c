"""A submitted check-in flows into care: the chart shows it beside the intake, its precautions join the alert banner
(a pacemaker blocks electro-acupuncture on the note), its red flags stop signing until decided, and front desk
reads no clinical word of it."""

import pytest

from tests.conftest import query_count

ELECTRO = [
    {"first_point": "BL23", "second_point": "BL25", "frequency_hz": 2, "intensity": "mild", "minutes": 15}
]


def chart(client, patient):
    response = client.get(f"/patients/{patient.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_chart_shows_the_latest_check_in_beside_the_latest_intake(
    client, login, make_patient, make_submitted_intake, make_submitted_check_in
):
    login("practitioner")
    patient = make_patient()
    make_submitted_intake(patient)
    make_submitted_check_in(patient, peg={"peg_pain": 6, "peg_enjoyment": 6, "peg_activity": 6})
    latest = make_submitted_check_in(
        patient,
        injury=True,
        injury_detail="Slipped on the ice",
        flare_ups={"count": 3, "worst": 8},
    )
    html = chart(client, patient)
    assert "Latest intake" in html and "Latest check-in" in html
    assert "4.0" in html and "(-2.0 since 6.0)" in html and "meaningfully better" in html
    assert "New injury or fall: <strong>Slipped on the ice</strong>" in html
    assert "Flare-ups since the last visit" in html and "8 / 10" in html
    assert f"/intakes/{latest.id}" in html
    assert "Send check-in link" in html and "Check-in on this tablet" in html
    page = client.get(f"/patients/{patient.id}/intakes/{latest.id}")
    assert page.status_code == 200
    full = page.get_data(as_text=True)
    assert "Check-in:" in full
    assert '<dt>New injury or fall</dt><dd class="prewrap">Yes: Slipped on the ice</dd>' in full


def test_a_first_check_in_has_no_peg_change_yet(client, login, make_patient, make_submitted_check_in):
    login("practitioner")
    patient = make_patient()
    make_submitted_check_in(patient)
    assert "the first PEG" in chart(client, patient)


def test_front_desk_sees_only_that_a_check_in_was_submitted(
    client, login, make_patient, make_submitted_intake, make_submitted_check_in
):
    login("front_desk")
    patient = make_patient()
    make_submitted_intake(patient)
    make_submitted_check_in(
        patient,
        device=True,
        device_kind="pacemaker",
        medicines=True,
        blood_thinners=["warfarin"],
        saddle_numbness=True,
        injury=True,
        injury_detail="Fell down the stairs",
    )
    html = chart(client, patient)
    assert "Check-in submitted" in html
    for clinical in (
        "Pacemaker",
        "pacemaker —",
        "Warfarin",
        "saddle",
        "Saddle",
        "Fell down",
        "PEG",
        "Flare-up",
    ):
        assert clinical not in html, clinical
    assert "Latest check-in" not in html


def test_a_new_precaution_joins_the_charts_alert_banner_at_once(
    client, login, make_patient, make_submitted_intake, make_submitted_check_in
):
    login("practitioner")
    patient = make_patient()
    make_submitted_intake(patient)
    assert "no electro-acupuncture" not in chart(client, patient)
    make_submitted_check_in(patient, pregnancy="yes", trimester="1", device=True, device_kind="electrical")
    html = chart(client, patient)
    assert "Implanted electrical device — no electro-acupuncture" in html
    assert "Pregnant (1st trimester)" in html


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


def test_a_pacemaker_declared_at_check_in_blocks_electro_acupuncture_like_one_at_intake(
    client,
    practitioner,
    make_patient,
    make_submitted_intake,
    make_submitted_check_in,
    make_visit,
    note_form,
    stored_note,
):
    patient = make_patient()
    make_submitted_intake(patient)  # no pacemaker at intake
    make_submitted_check_in(patient, device=True, device_kind="pacemaker")
    visit = make_visit(patient, practitioner)
    edit = f"/patients/{patient.id}/visits/{visit.id}/edit"
    assert 'data-alert-code="pacemaker"' in client.get(edit).get_data(as_text=True)
    response = client.post(edit, data=note_form(visit, points=["BL23", "BL25"], electro=ELECTRO))
    assert response.status_code == 422
    assert "This patient has a pacemaker. Electro-acupuncture needs an override" in response.get_data(
        as_text=True
    )
    assert stored_note(visit)[0]["electro_pairs"] == []
    autosave = client.post(
        f"/patients/{patient.id}/visits/{visit.id}/autosave",
        data=note_form(visit, points=["BL23", "BL25"], electro=ELECTRO),
    )
    assert autosave.status_code == 422
    assert "override_electro_with_pacemaker" in autosave.get_json()["errors"]


def test_without_the_check_ins_pacemaker_electro_acupuncture_saves(
    client, practitioner, make_patient, make_submitted_intake, make_submitted_check_in, make_visit, note_form
):
    patient = make_patient()
    make_submitted_intake(patient)
    make_submitted_check_in(patient, device=True, device_kind="other", device_detail="Hip replacement")
    visit = make_visit(patient, practitioner)
    edit = f"/patients/{patient.id}/visits/{visit.id}/edit"
    response = client.post(edit, data=note_form(visit, points=["BL23", "BL25"], electro=ELECTRO))
    assert response.status_code == 302


def test_a_red_flag_at_check_in_stops_signing_until_decided(
    app,
    client,
    practitioner,
    make_patient,
    make_submitted_intake,
    make_submitted_check_in,
    make_visit,
    note_form,
    stored_note,
):
    from intake.extensions import db
    from intake.visits.models import Visit

    patient = make_patient()
    make_submitted_intake(patient)
    check_in = make_submitted_check_in(patient, bladder_bowel=True)
    visit = make_visit(patient, practitioner)
    edit = f"/patients/{patient.id}/visits/{visit.id}/edit"

    def sign():
        with app.app_context():
            current = db.session.get(Visit, visit.id)
            db.session.expunge(current)
        fields = {"points": ["BL23", "GV4"], "needles_inserted": 3, "needles_removed": 3}
        return client.post(edit, data=note_form(current, action="sign", **fields))

    refused = sign()
    assert refused.status_code == 422
    assert "Decide on this red flag before signing: new bladder or bowel trouble." in refused.get_data(
        as_text=True
    )
    assert (
        f"/patients/{patient.id}/intakes/{check_in.id}/red-flags?flag=red_flag_bladder_bowel"
        in refused.get_data(as_text=True)
    )
    decided = client.post(
        f"/patients/{patient.id}/intakes/{check_in.id}/red-flags/decide",
        data={
            "flag_code": "red_flag_bladder_bowel",
            "kind": "not_applicable",
            "reason": "Long-standing, known",
        },
    )
    assert decided.status_code == 302
    assert sign().status_code == 302
    assert stored_note(visit)[1].is_signed


def test_the_chart_costs_the_same_queries_with_more_check_ins(
    app, client, login, make_patient, make_submitted_intake, make_submitted_check_in
):
    login("practitioner")
    patient = make_patient()
    make_submitted_intake(patient)
    make_submitted_check_in(patient)
    few = query_count(app, client, f"/patients/{patient.id}")
    for _ in range(4):
        make_submitted_check_in(patient, device=True, device_kind="pacemaker", saddle_numbness=True)
    assert query_count(app, client, f"/patients/{patient.id}") == few


def test_peg_is_trended_on_the_pain_history_beside_the_odi(
    app, client, login, make_patient, make_submitted_intake, make_submitted_check_in
):
    login("practitioner")
    patient = make_patient()
    make_submitted_intake(patient)
    url = f"/patients/{patient.id}/pain/"
    assert "No check-in with a PEG score in this period." in client.get(url).get_data(as_text=True)
    make_submitted_check_in(patient, peg={"peg_pain": 7, "peg_enjoyment": 6, "peg_activity": 7})
    first = client.get(url).get_data(as_text=True)
    assert "6.7 at the check-in of" in first and 'id="chart-peg"' in first
    few = query_count(app, client, url)
    make_submitted_check_in(patient, peg={"peg_pain": 5, "peg_enjoyment": 5, "peg_activity": 6})
    make_submitted_check_in(patient, peg={"peg_pain": 5, "peg_enjoyment": 5, "peg_activity": 5})
    html = client.get(url).get_data(as_text=True)
    assert "6.7 → 5.0 (-1.7 points)" in html and "A meaningful improvement." in html
    assert "Oswestry Disability Index" in html
    assert query_count(app, client, url) == few


def test_the_patients_check_in_scores_have_their_own_mark_on_the_pain_history(
    client, login, make_patient, make_submitted_intake, make_submitted_check_in
):
    login("practitioner")
    patient = make_patient()
    make_submitted_intake(patient)
    url = f"/patients/{patient.id}/pain/"
    assert "trend-chart__marks--patient_check_in" not in client.get(url).get_data(as_text=True)
    make_submitted_check_in(patient)
    html = client.get(url).get_data(as_text=True)
    assert "trend-chart__marks--patient_check_in" in html
    assert "Check-in by the patient before a visit" in html  # the legend says what the hollow diamond is
