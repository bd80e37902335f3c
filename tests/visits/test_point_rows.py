"""The note form's point rows: what a practitioner types resolves to the WHO code, blank rows are left out."""

import pytest


@pytest.fixture
def draft(login, make_patient, make_visit):
    return make_visit(make_patient(first_name="Ana", last_name="Whitfield"), login("practitioner"))


def edit_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}/edit"


def test_points_typed_as_pinyin_with_tone_marks_case_and_spaces_are_saved_as_their_codes(
    client, draft, note_form, stored_note
):
    typed = ["Shèn shū", "  zu SAN li ", "TÀI-CHŌNG", "Ren 4"]
    response = client.post(edit_url(draft), data=note_form(draft, points=typed, action="save"))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    note, _ = stored_note(draft)
    assert [point["code"] for point in note["points"]] == ["BL23", "ST36", "LR3", "CV4"]
    assert [point["side"] for point in note["points"]] == ["bilateral", "bilateral", "bilateral", "midline"]


def test_blank_point_rows_between_and_after_points_are_left_out(client, draft, note_form, stored_note):
    rows = ["BL23", "", {"code": "   ", "side": "left", "technique": "tonify"}, "ST36", "", ""]
    response = client.post(edit_url(draft), data=note_form(draft, points=rows, action="save"))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    note, _ = stored_note(draft)
    assert [point["code"] for point in note["points"]] == ["BL23", "ST36"]


def test_a_pinyin_name_two_points_share_is_refused_with_the_unknown_point_message(
    client, draft, note_form, stored_note
):
    before, _ = stored_note(draft)
    response = client.post(edit_url(draft), data=note_form(draft, points=["BL23", "Zhongdu"], action="save"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        "&#8220;Zhongdu&#8221; is not a point in the WHO list" in html or "“Zhongdu” is not a point" in html
    )
    after, _ = stored_note(draft)
    assert after == before
