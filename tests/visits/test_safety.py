"""The patient's alerts stay on the note; risky choices need an explicit override with a reason."""

import pytest

from intake.visits.safety import FIRST_TRIMESTER_CAUTION_POINTS


def edit_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}/edit"


def autosave_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}/autosave"


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def note_for(practitioner, make_patient, make_visit, make_submitted_intake):
    """A draft for a patient whose intake answered ``answers`` (e.g. pacemaker=True)."""

    def create(**answers):
        patient = make_patient()
        make_submitted_intake(patient, **answers)
        return make_visit(patient, practitioner)

    return create


ELECTRO = [
    {"first_point": "BL23", "second_point": "BL25", "frequency_hz": 2, "intensity": "mild", "minutes": 15}
]


def test_the_patients_alerts_are_on_the_note(client, note_for):
    visit = note_for(pacemaker=True, anticoagulant=True, anticoagulant_name="warfarin")
    html = client.get(edit_url(visit)).get_data(as_text=True)
    assert 'data-alert-code="pacemaker"' in html
    assert 'data-alert-code="anticoagulant"' in html
    assert "warfarin" in html
    assert 'class="visit-alerts"' in html
    read = client.get(edit_url(visit).replace("/edit", "")).get_data(as_text=True)
    assert 'data-alert-code="pacemaker"' in read


def test_electro_acupuncture_with_a_pacemaker_needs_an_override(client, note_for, note_form, stored_note):
    visit = note_for(pacemaker=True)
    response = client.post(edit_url(visit), data=note_form(visit, points=["BL23", "BL25"], electro=ELECTRO))
    assert response.status_code == 422
    assert "This patient has a pacemaker. Electro-acupuncture needs an override" in response.get_data(
        as_text=True
    )
    assert stored_note(visit)[0]["electro_pairs"] == []

    autosave = client.post(
        autosave_url(visit), data=note_form(visit, points=["BL23", "BL25"], electro=ELECTRO)
    )
    assert autosave.status_code == 422
    assert "override_electro_with_pacemaker" in autosave.get_json()["errors"]

    reason = "Cardiologist letter on file: pacemaker removed in 2024, alert out of date"
    response = client.post(
        edit_url(visit),
        data=note_form(
            visit, points=["BL23", "BL25"], electro=ELECTRO, override_electro_with_pacemaker=reason
        ),
    )
    assert response.status_code == 302
    note, row = stored_note(visit)
    assert note["overrides"] == {"electro_with_pacemaker": reason}
    assert row.overrides[0].recorded_by_id is not None
    page = client.get(edit_url(visit).replace("/edit", "")).get_data(as_text=True)
    assert "Electro-acupuncture with a pacemaker: " + reason.replace("'", "&#39;") in page


def test_no_override_is_asked_without_a_pacemaker(client, note_for, note_form, stored_note):
    visit = note_for()
    response = client.post(edit_url(visit), data=note_form(visit, points=["BL23", "BL25"], electro=ELECTRO))
    assert response.status_code == 302
    assert len(stored_note(visit)[0]["electro_pairs"]) == 1


@pytest.mark.parametrize("code", ["BL23", "GV4", "CV4", "SP6", "LI4", "GB21", "KI12", "ST28"])
def test_cautioned_points_in_the_first_trimester_need_an_override(
    client, note_for, note_form, stored_note, code
):
    visit = note_for(pregnant=True, trimester=1)
    response = client.post(edit_url(visit), data=note_form(visit, points=[code, "LR3"]))
    assert response.status_code == 422
    assert f"This patient is in the first trimester. {code} is a point to avoid" in response.get_data(
        as_text=True
    )
    assert stored_note(visit)[0]["points"] == []


def test_moxibustion_on_cautioned_points_in_the_first_trimester_needs_an_override(
    client, note_for, note_form
):
    visit = note_for(pregnant=True, trimester=1)
    response = client.post(
        edit_url(visit), data=note_form(visit, moxibustion_kind="box", moxibustion_points="Ren4")
    )
    assert response.status_code == 422


def test_first_trimester_override_with_a_reason_is_kept(client, note_for, note_form, stored_note):
    visit = note_for(pregnant=True, trimester=1)
    reason = "Discussed with patient and her midwife; gentle needling only, no manipulation"
    data = note_form(visit, points=["BL23", "LR3"], override_points_in_first_trimester=reason)
    assert client.post(edit_url(visit), data=data).status_code == 302
    note, _ = stored_note(visit)
    assert note["overrides"] == {"points_in_first_trimester": reason}
    assert [p["code"] for p in note["points"]] == ["BL23", "LR3"]


def test_points_away_from_the_low_back_and_abdomen_need_no_override(client, note_for, note_form):
    visit = note_for(pregnant=True, trimester=1)
    assert (
        client.post(edit_url(visit), data=note_form(visit, points=["LR3", "PC6", "GV20"])).status_code == 302
    )


def test_later_trimesters_need_no_first_trimester_override(client, note_for, note_form):
    visit = note_for(pregnant=True, trimester=2)
    assert client.post(edit_url(visit), data=note_form(visit, points=["BL23"])).status_code == 302


def test_the_caution_list_covers_the_lumbosacral_and_lower_abdominal_points():
    for code in ("BL23", "BL30", "BL35", "GV2", "GV3", "GV4", "CV2", "CV7", "KI11", "KI16", "ST25", "ST30",
                 "SP6", "LI4", "GB21"):  # fmt: skip
        assert code in FIRST_TRIMESTER_CAUTION_POINTS
    for code in ("BL22", "BL36", "GV5", "CV8", "KI17", "ST24", "ST31", "LR3"):
        assert code not in FIRST_TRIMESTER_CAUTION_POINTS


def test_an_amendment_adding_electro_for_a_pacemaker_needs_the_override_too(
    client, note_for, note_form, stored_note
):
    visit = note_for(pacemaker=True)
    client.post(
        edit_url(visit),
        data=note_form(visit, points=["BL23", "BL25"], needles_inserted=4, needles_removed=4, action="sign"),
    )
    _, row = stored_note(visit)
    assert row.is_signed
    data = note_form(
        row,
        points=["BL23", "BL25"],
        needles_inserted=4,
        needles_removed=4,
        electro=ELECTRO,
        reason="Forgot the e-stim",
    )
    response = client.post(edit_url(visit).replace("/edit", "/amend"), data=data)
    assert response.status_code == 422
    assert stored_note(visit)[1].amendments == []
