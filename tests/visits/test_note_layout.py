"""The visit note fits the visit: its parts follow the kind of visit, unused techniques fold behind "Add …"."""

import re

import pytest


def edit_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}/edit"


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def patient(make_patient):
    return make_patient()


def fold_tag(html: str, part: str) -> str:
    found = re.search(rf'<details[^>]*data-fold="{part}"[^>]*>', html)
    assert found, f"no fold for {part}"
    return found.group(0)


def is_open(html: str, part: str) -> bool:
    return re.search(r"\sopen(\s|>|=)", fold_tag(html, part)) is not None


def page_of(client, visit) -> str:
    response = client.get(edit_url(visit))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_massage_only_visit_shows_no_needling_until_added(client, practitioner, patient, make_visit):
    html = page_of(client, make_visit(patient, practitioner, kind="massage"))
    assert not is_open(html, "needling")
    assert '<summary class="note-fold__add button">Add needling</summary>' in html
    assert is_open(html, "massage")
    # Folded, the needling fields are still in the form, so they post (and autosave) as they are.
    start = html.index('id="visit-note"')
    form = html[start : html.index("</form>", start)]
    assert 'name="needles_inserted"' in form and 'name="points-0-code"' in form


def test_an_acupuncture_visit_folds_massage_and_the_techniques_not_used(
    client, practitioner, patient, make_visit
):
    html = page_of(client, make_visit(patient, practitioner, kind="acupuncture"))
    assert is_open(html, "needling")
    for part in ("massage", "electro", "moxibustion", "cupping", "gua_sha"):
        assert not is_open(html, part), part
    for label in ("Add massage", "Add electro-acupuncture", "Add moxibustion", "Add cupping", "Add gua sha"):
        assert f">{label}</summary>" in html


def test_both_kinds_open_needling_and_massage(client, practitioner, patient, make_visit):
    html = page_of(client, make_visit(patient, practitioner, kind="both"))
    assert is_open(html, "needling") and is_open(html, "massage")


def test_a_part_with_saved_data_is_always_open(client, practitioner, patient, make_visit):
    visit = make_visit(
        patient,
        practitioner,
        kind="acupuncture",
        massage_areas=["lower_back_l"],
        cupping_style="fixed",
        moxibustion_kind="stick",
        gua_sha=True,
    )
    html = page_of(client, visit)
    for part in ("needling", "massage", "cupping", "moxibustion", "gua_sha"):
        assert is_open(html, part), part
    assert not is_open(html, "electro")
    massage = make_visit(patient, practitioner, kind="massage", retention_minutes=0)
    assert is_open(page_of(client, massage), "needling")  # 0 minutes is written, not blank


def test_a_refused_save_keeps_the_typed_technique_open(client, practitioner, patient, make_visit, note_form):
    visit = make_visit(patient, practitioner, kind="massage")
    pair = {"first_point": "BL23", "second_point": "BL25", "frequency_hz": 2, "intensity": "mild"}
    response = client.post(edit_url(visit), data=note_form(visit, kind="massage", electro=[pair]))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "add those points to the needled points first" in html
    assert is_open(html, "needling") and is_open(html, "electro")
    assert 'value="BL25"' in html  # what was typed is kept


def test_the_kinds_each_part_follows_are_on_the_page_for_the_script(
    client, practitioner, patient, make_visit
):
    html = page_of(client, make_visit(patient, practitioner))
    assert 'data-fold-kinds="acupuncture both"' in fold_tag(html, "needling")
    assert 'data-fold-kinds="massage both"' in fold_tag(html, "massage")


def test_the_section_index_lists_every_part(client, practitioner, patient, make_visit):
    html = page_of(client, make_visit(patient, practitioner))
    index = html[
        html.index('<nav class="note-jump') : html.index("</nav>", html.index('<nav class="note-jump'))
    ]
    anchors = re.findall(r'href="#(part-[a-z]+)"', index)
    parts = re.findall(r'<section class="card note-part[^"]*" id="(part-[a-z]+)"', html)
    assert [p for p in parts if p != "part-sign"] == anchors


def test_no_placeholder_on_the_note_looks_like_data(client, practitioner, patient, make_visit):
    html = page_of(client, make_visit(patient, practitioner))
    assert "placeholder=" not in html


def test_the_alerts_are_one_line_that_expands(
    client, practitioner, make_patient, make_submitted_intake, make_visit
):
    patient = make_patient()
    make_submitted_intake(patient, pacemaker=True, anticoagulant=True, anticoagulant_name="warfarin")
    html = page_of(client, make_visit(patient, practitioner))
    alerts = html[
        html.index('<details class="note-alerts') : html.index("</details>", html.index("note-alerts"))
    ]
    assert "open" not in alerts[: alerts.index(">")]
    summary = alerts[alerts.index("<summary") : alerts.index("</summary>")]
    assert "2 precautions:" in summary
    assert 'data-alert-code="pacemaker"' in alerts and "warfarin" in alerts


def test_massage_areas_are_drawn_on_the_body_map_over_the_plain_list(
    client, practitioner, patient, make_visit
):
    html = page_of(client, make_visit(patient, practitioner, kind="massage", massage_areas=["buttock_r"]))
    fieldset = html[
        html.index('id="massage_areas"') - 60 : html.index("</fieldset>", html.index('id="massage_areas"'))
    ]
    assert "data-area-map" in fieldset and "/static/img/body-map.svg" in fieldset
    assert fieldset.count('type="checkbox"') == 44  # the list a page without scripts ticks
    assert re.search(r'value="buttock_r" id="massage_areas-buttock_r" checked', fieldset)


def test_saving_points_as_a_protocol_folds_until_used_and_opens_on_a_refusal(
    client, practitioner, patient, make_visit, note_form
):
    visit = make_visit(patient, practitioner)
    html = page_of(client, visit)
    assert not is_open(html, "protocol_save")
    assert ">Save these points as a protocol</summary>" in html
    response = client.post(edit_url(visit), data=note_form(visit, points=["BL23"], action="save_protocol"))
    assert response.status_code == 422
    refused = response.get_data(as_text=True)
    assert is_open(refused, "protocol_save") and "Name the protocol" in refused
