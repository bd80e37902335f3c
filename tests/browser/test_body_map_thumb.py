"""The body map on a phone: one view at a time, every region a thumb can hit, a close-up of the lower back."""

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.db_independent  # browser flows run once, on SQLite

PHONE = {"width": 390, "height": 844}
TARGET_PX = 24  # WCAG 2.2 target size (minimum)

# For each region drawn in the view shown: its box on screen, and which region a tap at its score
# label point (inside the shape) reaches.
REGION_TARGETS = """
(fieldset) => {
  const svg = fieldset.querySelector("svg.body-map__svg");
  return Array.from(svg.querySelectorAll("path[data-region]"))
    .filter((shape) => shape.getClientRects().length && getComputedStyle(shape).pointerEvents !== "none")
    .map((shape) => {
      shape.scrollIntoView({ block: "center" });
      const box = shape.getBoundingClientRect();
      const point = svg.createSVGPoint();
      point.x = parseFloat(shape.getAttribute("data-label-x"));
      point.y = parseFloat(shape.getAttribute("data-label-y"));
      const onScreen = point.matrixTransform(shape.getScreenCTM());
      const top = document.elementFromPoint(onScreen.x, onScreen.y);
      const reached = top && (top.getAttribute("data-region") || top.getAttribute("data-hit-for"));
      return { code: shape.getAttribute("data-region"), width: box.width, height: box.height, reached };
    });
}
"""


def _sign_in(page: Page, live_server, user):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Patients seen today")).to_be_visible()


def _targets(page: Page) -> list[dict]:
    return page.locator("fieldset[data-body-map]").evaluate(REGION_TARGETS)


def _assert_thumb_sized(targets: list[dict], view: str):
    assert targets, view
    small = [t for t in targets if t["width"] < TARGET_PX or t["height"] < TARGET_PX]
    assert not small, f"{view}: regions under {TARGET_PX} px: {small}"
    missed = [t for t in targets if t["reached"] != t["code"]]
    assert not missed, f"{view}: a tap inside these regions reaches another: {missed}"


def _no_sideways_scroll(page: Page):
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_on_a_phone_every_region_is_a_thumb_target_and_the_lower_back_centre_takes_a_tap_at_its_centre(
    page: Page, live_server, make_user, make_patient
):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    user = make_user(role="practitioner")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    _sign_in(page, live_server, user)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/patients/{patient.id}/pain/check-in")
    body_map = page.locator("fieldset[data-body-map][data-enhanced=yes]")
    expect(body_map).to_be_visible()
    views = body_map.get_by_role("group", name="Show on the body map")

    # One view at a time on a phone, the back first; side by side is not offered.
    expect(views.get_by_role("button", name="Back", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(views.get_by_role("button", name="Front and back")).to_be_hidden()
    expect(body_map.locator('path[data-region="knee_front_r"]')).to_be_hidden()
    figure = body_map.locator("svg.body-map__svg")
    width = figure.bounding_box()["width"]
    assert width >= body_map.bounding_box()["width"] - 1  # full width
    _no_sideways_scroll(page)
    page.screenshot(path="test-results/body-map-thumb-390.png", full_page=True)

    for name, view in (("Back", "back"), ("Front", "front"), ("Lower back close-up", "lumbar")):
        views.get_by_role("button", name=name, exact=True).tap()
        expect(figure).to_have_attribute("data-view", view)
        targets = _targets(page)
        _assert_thumb_sized(targets, view)
        if view == "lumbar":
            assert {t["code"] for t in targets} == {
                "lower_back_l",
                "lower_back_c",
                "lower_back_r",
                "sacroiliac_l",
                "sacroiliac_r",
                "buttock_l",
                "buttock_r",
            }
            body_map.locator(".body-map__figure-wrap").screenshot(
                path="test-results/body-map-thumb-390-closeup.png"
            )
        if view == "front":
            page.screenshot(path="test-results/body-map-thumb-390-front.png", full_page=True)

    # A tap at the centre of the lower back's centre, on the close-up and on the whole back.
    picker = body_map.locator(".score-picker")
    for name, touch, score in (("Lower back close-up", True, "6"), ("Back", False, "4")):
        views.get_by_role("button", name=name, exact=True).tap()
        centre = body_map.locator('path[data-region="lower_back_c"]')
        centre.scroll_into_view_if_needed()
        box = centre.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        if touch:
            page.touchscreen.tap(x, y)
        else:
            page.mouse.click(x, y)
        expect(picker).to_be_visible()
        expect(picker.locator(".score-picker__title")).to_have_text(
            "Lower back, centre" if touch else "Lower back, centre (now 6)"
        )
        picker.get_by_role("button", name=score, exact=True).tap()
        expect(page.locator("#pain-lower_back_c")).to_have_value(score)

    # Quick chips open the same buttons, from any view, and show the score once given.
    views.get_by_role("button", name="Front", exact=True).tap()
    body_map.get_by_role("button", name="Sacrum / SI joint, right", exact=True).tap()
    expect(figure).to_have_attribute("data-view", "back")  # the chosen area is on screen
    expect(picker.locator(".score-picker__title")).to_have_text("Sacrum / SI joint, right")
    picker.get_by_role("button", name="5", exact=True).tap()
    expect(page.locator("#pain-sacroiliac_r")).to_have_value("5")
    expect(body_map.get_by_role("button", name="Sacrum / SI joint, right: 5", exact=True)).to_be_visible()
    for chip in body_map.locator(".body-map__quick-chip").all():
        box = chip.bounding_box()
        assert box["height"] >= 44 and box["width"] >= TARGET_PX

    page.get_by_role("button", name="Save check-in").tap()
    expect(page.get_by_text("Saved Margaret Okafor's check-in (2 regions).")).to_be_visible()
    assert not [p for p in problems if "Content Security Policy" in p or "body map" in p]


@pytest.mark.parametrize("width", [768, 1280])
def test_on_a_tablet_and_a_desktop_front_and_back_sit_side_by_side_with_thumb_sized_regions(
    page: Page, live_server, make_user, make_patient, width
):
    user = make_user(role="practitioner")
    patient = make_patient()
    _sign_in(page, live_server, user)
    page.set_viewport_size({"width": width, "height": 1024})
    page.goto(f"{live_server}/patients/{patient.id}/pain/check-in")
    body_map = page.locator("fieldset[data-body-map][data-enhanced=yes]")
    views = body_map.get_by_role("group", name="Show on the body map")
    expect(views.get_by_role("button", name="Front and back")).to_have_attribute("aria-pressed", "true")
    _assert_thumb_sized(_targets(page), f"both at {width}")
    _no_sideways_scroll(page)
    page.screenshot(path=f"test-results/body-map-thumb-{width}.png", full_page=True)
    views.get_by_role("button", name="Lower back close-up").click()
    _assert_thumb_sized(_targets(page), f"close-up at {width}")
    body_map.locator(".body-map__figure-wrap").screenshot(
        path=f"test-results/body-map-thumb-{width}-closeup.png"
    )
