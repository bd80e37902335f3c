"""The body map's quick chips and close-up are drawn from the region vocabulary."""

import re

import pytest
from flask import render_template_string

from intake.pain.bodymap import LUMBAR_PELVIC_REGIONS, QUICK_REGIONS
from intake.pain.figure import FIGURE_PATH
from intake.pain.regions import BACK, REGION_BY_CODE

pytestmark = pytest.mark.db_independent


def test_quick_chips_and_the_close_up_name_back_regions_this_clinic_records():
    assert set(QUICK_REGIONS) <= set(REGION_BY_CODE)
    assert {"lower_back_l", "lower_back_c", "lower_back_r"} <= set(QUICK_REGIONS)
    assert all(REGION_BY_CODE[code].view == BACK for code in LUMBAR_PELVIC_REGIONS)


def test_the_map_called_as_before_offers_the_chips_hidden_until_the_script_shows_them(app):
    with app.test_request_context():
        html = render_template_string(
            '{% from "pain/_body_map.html" import body_map %}{{ body_map("pain", scores={"lower_back_c": 4}) }}'
        )
    assert re.search(r'<div class="body-map__quick" hidden>', html)
    chips = re.findall(r'data-quick-region="([^"]+)">([^<]+)</button>', html)
    assert chips == [(code, REGION_BY_CODE[code].label) for code in QUICK_REGIONS]
    assert f'data-lumbar-regions="{",".join(LUMBAR_PELVIC_REGIONS)}"' in html
    assert 'href="/static/css/body-map.css"' in html
    # The plain list stays: one labelled select per region, the score kept.
    assert html.count("<select") == len(REGION_BY_CODE)
    assert re.search(r'id="pain-lower_back_c"[^>]*>.*?<option value="4" selected', html, re.S)


def test_the_sacroiliac_joints_are_drawn_wide_enough_to_tap_beside_each_other():
    svg = FIGURE_PATH.read_text(encoding="utf-8")
    for code in ("sacroiliac_l", "sacroiliac_r"):
        path = re.search(rf'data-region="{code}"[^>]* d="([^"]+)"', svg).group(1)
        xs = [float(x) for x in re.findall(r"[ML]([\d.]+) ", path)]
        assert max(xs) - min(xs) >= 16  # 24 px and more with front and back side by side on a tablet
