"""On a tablet, phone and desktop: the visit note shows the parts of the kind of visit and folds the rest."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_visit_note import sign_in

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

SIZES = {"390": (390, 844), "768": (768, 1024), "1280": (1280, 900)}


def open_note(page: Page, live_server, make_visit, user, patient, **columns):
    visit = make_visit(patient, user, **columns)
    page.goto(f"{live_server}/patients/{patient.id}/visits/{visit.id}/edit")
    expect(page.get_by_role("heading", name=f"Visit note: {patient.display_name}")).to_be_visible()
    return visit


def sideways_scroll(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def boxes_overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_a_massage_visit_adds_needling_and_the_kind_of_visit_opens_its_parts(
    page: Page, live_server, make_user, make_patient, make_visit, stored_note
):
    problems = []
    page.on("console", lambda message: problems.append(message) if message.type == "error" else None)
    user = make_user(role="practitioner")
    patient = make_patient(first_name="Ana", last_name="Ruiz")
    sign_in(page, live_server, user)
    visit = open_note(page, live_server, make_visit, user, patient, kind="massage")

    needles = page.get_by_label("Needles inserted")
    expect(needles).to_be_hidden()  # no needling section on a massage visit until added
    expect(page.get_by_text("Areas treated", exact=True)).to_be_visible()
    add = page.get_by_text("Add needling", exact=True)
    assert add.bounding_box()["height"] >= 44
    add.tap()
    expect(needles).to_be_visible()
    needles.fill("6")
    incident = page.get_by_label("If the counts differ: what happened")
    expect(incident).to_be_hidden()
    page.get_by_label("Needles removed").fill("5")
    expect(incident).to_be_visible()  # counts that differ ask at once what happened
    page.get_by_label("Needles removed").fill("6")

    # Massage areas on the body map: a tap ticks the area in the list the form posts.
    page.locator('#massage_areas .body-map__figure--back path[data-region="buttock_r"]').tap()
    expect(page.locator("#massage_areas-buttock_r")).to_be_checked()
    expect(page.locator(".area-map__chosen")).to_contain_text("Areas treated: Buttock, right")
    page.locator("#massage_areas").screenshot(path="test-results/visit-note-massage-areas-768.png")
    chip = page.locator('#massage_areas [data-area-chip="lower_back_c"]')
    assert chip.bounding_box()["height"] >= 44
    chip.tap()  # a common area in one tap
    expect(page.locator("#massage_areas-lower_back_c")).to_be_checked()
    expect(chip).to_have_attribute("aria-pressed", "true")
    chip.tap()
    expect(page.locator("#massage_areas-lower_back_c")).not_to_be_checked()
    expect(page.locator("#massage_areas-lower_back_l")).to_be_hidden()  # the list is one tap away
    page.get_by_role("button", name="Show the list of areas").tap()
    expect(page.locator("#massage_areas-lower_back_l")).to_be_visible()
    expect(page.locator("[data-autosave-status]")).to_contain_text("Saved", timeout=15000)
    note, _ = stored_note(visit)
    assert note["needles_inserted"] == 6 and note["massage_areas"] == ["buttock_r"]

    # The kind of visit opens its parts; a part holding something stays open.
    page.get_by_label("Acupuncture", exact=True).check()
    expect(needles).to_be_visible()
    expect(page.locator("#massage_areas-buttock_r")).to_be_attached()
    expect(page.locator('details[data-fold="massage"]')).to_have_attribute("open", "")  # it holds an area
    # The browser's own request for /favicon.ico is no script error of the note.
    assert [p.text for p in problems if not p.location.get("url", "").endswith("/favicon.ico")] == []


def test_switching_to_acupuncture_folds_an_empty_massage_part(
    page: Page, live_server, make_user, make_patient, make_visit
):
    user = make_user(role="practitioner")
    patient = make_patient(first_name="Ana", last_name="Ruiz")
    sign_in(page, live_server, user)
    open_note(page, live_server, make_visit, user, patient, kind="massage")
    pressure = page.get_by_role("group", name="Pressure")
    expect(pressure).to_be_visible()
    page.get_by_label("Acupuncture", exact=True).check()
    expect(pressure).to_be_hidden()
    expect(page.get_by_label("Needles inserted")).to_be_visible()
    page.get_by_label("Acupuncture and massage").check()
    expect(pressure).to_be_visible()
    expect(page.get_by_label("Needles inserted")).to_be_visible()


def test_techniques_open_with_add_and_electro_labels_stand_apart(
    page: Page, live_server, make_user, make_patient, make_visit
):
    user = make_user(role="practitioner")
    patient = make_patient(first_name="Ana", last_name="Ruiz")
    sign_in(page, live_server, user)
    open_note(page, live_server, make_visit, user, patient, kind="acupuncture")
    for technique, field in (("cupping", "Cupping sites"), ("moxibustion", "Moxibustion points")):
        expect(page.get_by_label(field, exact=False)).to_be_hidden()
        page.get_by_text(f"Add {technique}", exact=True).tap()
        expect(page.get_by_label(field, exact=False)).to_be_visible()
    page.get_by_text("Add electro-acupuncture", exact=True).tap()
    for width, height in SIZES.values():
        page.set_viewport_size({"width": width, "height": height})
        frequency = page.locator('label[for="electro_pairs-0-frequency_hz"]').bounding_box()
        intensity = page.locator('label[for="electro_pairs-0-intensity"]').bounding_box()
        assert not boxes_overlap(frequency, intensity), width


def test_the_alerts_are_one_line_at_the_top_that_opens(
    page: Page, live_server, make_user, make_patient, make_submitted_intake, make_visit
):
    user = make_user(role="practitioner")
    patient = make_patient(first_name="Ana", last_name="Ruiz")
    make_submitted_intake(patient, pacemaker=True, anticoagulant=True, anticoagulant_name="warfarin")
    sign_in(page, live_server, user)
    open_note(page, live_server, make_visit, user, patient)
    line = page.locator(".note-alerts__line")
    box = line.bounding_box()
    assert 44 <= box["height"] <= 60  # one line, a comfortable tap
    expect(page.locator('[data-alert-code="pacemaker"]')).to_be_hidden()
    line.tap()
    expect(page.locator('[data-alert-code="pacemaker"]')).to_be_visible()
    page.evaluate("window.scrollTo(0, 3000)")
    assert line.bounding_box()["y"] < 0  # not sticky: it scrolls away while writing


def test_the_note_at_each_size_lists_every_part_and_never_scrolls_sideways(
    page: Page, live_server, make_user, make_patient, make_visit
):
    user = make_user(role="practitioner")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    sign_in(page, live_server, user)
    open_note(page, live_server, make_visit, user, patient, kind="acupuncture")
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        links = page.locator(".note-jump a")
        for index in range(links.count()):
            box = links.nth(index).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, index)
            assert box["height"] >= 44
        assert sideways_scroll(page) <= 0, name
        print(f"visit note height at {name}: {page.evaluate('document.documentElement.scrollHeight')} px")
        page.screenshot(path=f"test-results/visit-note-layout-{name}.png", full_page=True)


def test_a_kept_draft_put_back_opens_the_folded_parts_it_fills(
    page: Page, context, live_server, make_user, make_patient, make_visit, stored_note
):
    user = make_user(role="practitioner")
    patient = make_patient(first_name="Ana", last_name="Ruiz")
    sign_in(page, live_server, user)
    visit = open_note(page, live_server, make_visit, user, patient, kind="acupuncture")
    url = page.url
    context.set_offline(True)
    page.get_by_text("Add cupping", exact=True).tap()
    page.get_by_label("Cupping sites").fill("Lumbar paraspinals")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Offline", timeout=15000)
    page.close()

    context.set_offline(False)
    again = context.new_page()
    again.goto(url)
    expect(again.locator("[data-autosave-status]")).to_contain_text("Saved", timeout=15000)
    expect(again.get_by_label("Cupping sites")).to_be_visible()
    expect(again.get_by_label("Cupping sites")).to_have_value("Lumbar paraspinals")
    assert stored_note(visit)[0]["cupping_sites"] == "Lumbar paraspinals"
    assert again.locator("[data-point-rows] [data-point-row]").count() == 1  # one blank row with scripts


def test_without_scripts_a_part_is_added_and_saved(
    browser, live_server, make_user, make_patient, make_visit, stored_note
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 768, "height": 1024})
    page = context.new_page()
    user = make_user(role="practitioner")
    patient = make_patient(first_name="Ana", last_name="Ruiz")
    sign_in(page, live_server, user)
    visit = open_note(page, live_server, make_visit, user, patient, kind="massage")
    expect(page.get_by_label("Needles inserted")).to_be_hidden()
    page.get_by_text("Add needling", exact=True).click()
    page.get_by_label("Needles inserted").fill("4")
    page.get_by_role("checkbox", name="Buttock, right").check()  # the plain list of areas
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_label("Needles inserted")).to_be_visible()  # it holds something now: open
    note, _ = stored_note(visit)
    assert note["needles_inserted"] == 4 and note["massage_areas"] == ["buttock_r"]
    context.close()


def test_on_a_phone_the_massage_area_map_shows_one_side_with_areas_big_enough_to_tap(
    page: Page, live_server, make_user, make_patient, make_visit
):
    page.set_viewport_size({"width": 390, "height": 844})
    user = make_user(role="practitioner")
    patient = make_patient(first_name="Ana", last_name="Ruiz")
    sign_in(page, live_server, user)
    open_note(page, live_server, make_visit, user, patient, kind="massage")
    views = page.get_by_role("group", name="Side of the body shown")
    expect(views.get_by_role("button", name="Back")).to_have_attribute("aria-pressed", "true")
    for side in ("back", "front"):
        views.get_by_role("button", name=side.capitalize()).tap()
        figure = page.locator(f"#massage_areas .body-map__figure--{side} .body-map__region[data-region]")
        small = [
            figure.nth(i).get_attribute("aria-label")
            for i in range(figure.count())
            if min(figure.nth(i).bounding_box()["width"], figure.nth(i).bounding_box()["height"]) < 24
        ]
        assert small == [], side
    views.get_by_role("button", name="Back").tap()
    page.locator('#massage_areas .body-map__figure--back path[data-region="lower_back_c"]').tap()
    expect(page.locator("#massage_areas-lower_back_c")).to_be_checked()
    page.set_viewport_size({"width": 768, "height": 1024})
    expect(views).to_be_hidden()  # both sides at once where they fit
