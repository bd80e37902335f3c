"""Writing a whole visit note through the app, and bad input refused with nothing saved."""

from datetime import timedelta

import pytest

from intake.clinic_time import to_clinic_time
from intake.database import utcnow


def edit_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}/edit"


def errors_in(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def draft(practitioner, make_patient, make_visit):
    return make_visit(make_patient(first_name="Tyler", last_name="Bergstrom"), practitioner)


def test_practitioner_starts_a_visit_from_the_chart(client, practitioner, make_patient, stored_note):
    patient = make_patient()
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Start a visit note" in chart
    response = client.post(f"/patients/{patient.id}/visits")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in (
        "Subjective",
        "Objective",
        "Assessment and plan",
        "Pain before treatment",
        "Points needled",
        "Massage",
        "Reactions",
        "Sign and lock note",
        'list="tcm-patterns"',
        "Kidney deficiency",
    ):
        assert text in html


def test_the_whole_note_is_saved_and_reads_back(client, draft, note_form, stored_note):
    data = note_form(
        draft,
        kind="both",
        duration_minutes=60,
        progress="better",
        flare_ups=1,
        flare_up_worst=6,
        sleep="fair",
        activity="Back at work, short walks",
        patient_report="Less stiffness in the morning",
        observations="Guarded forward bend",
        tender_points="L4-L5 paraspinals, right QL",
        lumbar_flexion_degrees=45,
        lumbar_extension_degrees=15,
        fingertip_to_floor_cm=22,
        slr_left_degrees=70,
        slr_right_degrees=55,
        tongue="Pale, thin white coat",
        pulse="Deep, weak in the chi position",
        tcm_pattern="Kidney deficiency",
        progress_against_plan="On track",
        next_visit="Next Tuesday",
        frequency="Weekly for 4 weeks",
        home_care="Heat, cat-cow stretches",
        points=[
            {"code": "UB23", "side": "bilateral", "technique": "tonify", "de_qi": True, "depth_cun": "1.5"},
            {"code": "Du4", "side": "left", "technique": "tonify"},
            {"code": "bl 40", "side": "", "technique": "reduce"},
            {"code": "KI3", "side": "right", "technique": "even"},
            {"code": "", "side": "", "technique": "even"},
        ],
        needle_gauge="0.25 mm",
        needle_length="40 mm",
        retention_minutes=25,
        needles_inserted=6,
        needles_removed=6,
        electro=[
            {
                "first_point": "BL23",
                "second_point": "bl40",
                "frequency_hz": 2,
                "intensity": "moderate",
                "minutes": 20,
            }
        ],
        moxibustion_kind="stick",
        moxibustion_points="BL23, Ren4",
        cupping_style="sliding",
        cupping_sites="Lumbar erectors",
        cupping_minutes=5,
        gua_sha="y",
        gua_sha_areas="Upper back",
        heat_lamp="y",
        massage_techniques=["deep_tissue", "trigger_point"],
        massage_areas=["lower_back_l", "lower_back_r", "buttock_r"],
        massage_pressure="firm",
        massage_minutes=20,
        massage_tolerance="well",
        massage_response="Eased",
        massage_areas_to_avoid="Left knee (recent surgery)",
        reactions=["bruising"],
        reaction_action="Pressure applied, ice pack",
        pain_before={"lower_back_l": 7, "buttock_r": 4},
        pain_after={"lower_back_l": 3, "buttock_r": 2},
        action="save",
    )
    response = client.post(edit_url(draft), data=data)
    assert response.status_code == 302, errors_in(response)
    note, visit = stored_note(draft)
    assert visit.version == draft.version + 1
    assert note["kind"] == "both" and note["progress"] == "better" and note["flare_ups"] == 1
    assert note["lumbar_flexion_degrees"] == 45 and note["slr_right_degrees"] == 55
    assert note["points"] == [
        {"code": "BL23", "side": "bilateral", "technique": "tonify", "de_qi": True, "depth_cun": 1.5},
        {"code": "GV4", "side": "midline", "technique": "tonify", "de_qi": False, "depth_cun": None},
        {"code": "BL40", "side": "bilateral", "technique": "reduce", "de_qi": False, "depth_cun": None},
        {"code": "KI3", "side": "right", "technique": "even", "de_qi": False, "depth_cun": None},
    ]
    assert note["electro_pairs"] == [
        {
            "first_point": "BL23",
            "second_point": "BL40",
            "frequency_hz": 2,
            "intensity": "moderate",
            "minutes": 20,
        }
    ]
    assert note["moxibustion_points"] == ["BL23", "CV4"]
    assert note["massage_areas"] == ["lower_back_l", "lower_back_r", "buttock_r"]
    assert note["reactions"] == ["bruising"]
    assert note["pain_before"] == {"lower_back_l": 7, "buttock_r": 4}
    assert note["pain_after"] == {"lower_back_l": 3, "buttock_r": 2}
    assert note["gua_sha"] is True and note["heat_lamp"] is True

    page = client.get(f"/patients/{draft.patient_id}/visits/{draft.id}").get_data(as_text=True)
    for text in (
        "Kidney deficiency",
        "BL23 (both sides, tonify, de qi, 1.5 cun)",
        "GV4 (midline, tonify)",
        "BL23–BL40 2 Hz, moderate, 20 min",
        "Lower back, left 7",
        "Deep tissue, Trigger point",
        "Left knee (recent surgery)",
        "Pressure applied, ice pack",
    ):
        assert text in page

    # Opening the draft again shows what was saved.
    again = client.get(edit_url(draft)).get_data(as_text=True)
    assert 'value="BL23"' in again and "Back at work, short walks" in again


def test_saving_the_same_note_twice_does_not_move_the_version(client, draft, note_form, stored_note):
    data = note_form(draft, tongue="Red tip")
    client.post(edit_url(draft), data=data)
    client.post(edit_url(draft), data=data)
    _, visit = stored_note(draft)
    assert visit.version == draft.version + 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"points": ["BL68"]}, "“BL68” is not a point in the WHO list"),
        ({"points": ["ZZ1"]}, "“ZZ1” is not a point in the WHO list"),
        ({"retention_minutes": 121}, "Retention must be from 0 to 120 minutes."),
        ({"retention_minutes": -1}, "Retention must be from 0 to 120 minutes."),
        ({"needles_inserted": -2}, "Needles inserted cannot be negative."),
        ({"needles_removed": -1}, "Needles removed cannot be negative."),
        ({"points": ["BL23"], "electro": [{"first_point": "BL23", "second_point": "BL23", "frequency_hz": 5}]},
         "A pair joins two different points."),
        ({"points": ["BL23", "BL25"], "electro": [{"first_point": "BL23", "second_point": "BL25", "frequency_hz": 0}]},
         "Frequency: a whole number of hertz from 1 to 200."),
        ({"points": ["BL23", "BL25"], "electro": [{"first_point": "BL23", "second_point": "BL25", "frequency_hz": 201}]},
         "Frequency: a whole number of hertz from 1 to 200."),
        ({"points": ["BL23", "BL25"], "electro": [{"first_point": "BL23", "second_point": "BL25"}]},
         "Enter the frequency in hertz (1 to 200)."),
        ({"points": ["BL23"], "electro": [{"first_point": "BL23", "second_point": "BL25", "frequency_hz": 2}]},
         "Electro-acupuncture on BL25: add that point to the needled points first."),
        ({"points": [{"code": "BL23", "side": "midline"}]}, "BL23 is a paired point: choose left, right or both sides."),
        ({"points": [{"code": "BL23", "depth_cun": "9"}]}, "Depth: from 0.1 to 5 cun"),
        ({"moxibustion_points": "BL23 Q99"}, "“Q99” is not a point in the WHO list"),
        ({"reactions": ["none", "bruising"]}, "“None” cannot be ticked together with a reaction."),
        ({"flare_up_worst": 11}, "Worst flare-up (0–10): enter a whole number from 0 to 10."),
        ({"pain_before": {"lower_back_l": 12}}, "choose a whole number from 0 (no pain) to 10"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    client, draft, note_form, stored_note, fields, message
):
    before, _ = stored_note(draft)
    data = note_form(draft, tongue="Typed before the mistake", **fields)
    response = client.post(edit_url(draft), data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message.replace("“", "&#8220;") in html or message in html, html[:200]
    assert "Typed before the mistake" in html  # everything typed is kept
    after, visit = stored_note(draft)
    assert after == before
    assert visit.version == draft.version


def test_a_visit_cannot_be_dated_in_the_future(app, client, draft, note_form, stored_note):
    data = note_form(draft)
    with app.app_context():
        data["visit_at"] = to_clinic_time(utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(edit_url(draft), data=data)
    assert response.status_code == 422
    assert "The visit cannot be in the future" in response.get_data(as_text=True)
    assert stored_note(draft)[1].version == draft.version


def test_removing_points_and_pain_from_a_draft_removes_them(client, draft, note_form, stored_note):
    client.post(
        edit_url(draft), data=note_form(draft, points=["BL23", "GV4"], pain_before={"lower_back_c": 5})
    )
    _, visit = stored_note(draft)
    response = client.post(edit_url(draft), data=note_form(visit, points=["GV4"]))
    assert response.status_code == 302
    note, _ = stored_note(draft)
    assert [p["code"] for p in note["points"]] == ["GV4"]
    assert note["pain_before"] == {}


def test_a_stale_form_save_shows_both_versions_and_keeps_the_typing(client, draft, note_form, stored_note):
    # Tablet A saves first.
    client.post(edit_url(draft), data=note_form(draft, tongue="Pale (tablet A)"))
    # Tablet B still holds the version it opened.
    response = client.post(edit_url(draft), data=note_form(draft, tongue="Red tip (tablet B)"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved this note" in html
    assert "Pale (tablet A)" in html and "Red tip (tablet B)" in html
    assert "Keep my version" in html and "Use the saved version" in html
    note, visit = stored_note(draft)
    assert note["tongue"] == "Pale (tablet A)"
    # Keeping B's version: the re-shown form carries the current version, so saving it wins knowingly.
    response = client.post(edit_url(draft), data=note_form(visit, tongue="Red tip (tablet B)"))
    assert response.status_code == 302
    assert stored_note(draft)[0]["tongue"] == "Red tip (tablet B)"


def test_enter_in_a_field_saves_rather_than_applying_a_protocol(client, draft, make_protocol, practitioner):
    make_protocol(practitioner, "Low back", ["BL23"])
    html = client.get(edit_url(draft)).get_data(as_text=True)
    form = html[html.index('id="visit-note"') :]
    first_button = form[form.index("<button") : form.index("</button>")]
    assert 'value="save"' in first_button


def test_archived_patient_gets_no_new_visit_note(client, app, login, make_patient):
    from intake.extensions import db
    from intake.visits.models import Visit

    login("practitioner")
    patient = make_patient(is_archived=True)
    response = client.post(f"/patients/{patient.id}/visits")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/patients/{patient.id}"
    assert "restore the patient before starting a visit note" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Visit.id))) == 0
