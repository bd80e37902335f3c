"""The body map shaded on the server: fills and numbers by score, without JavaScript."""

import re

import pytest

from intake.pain.figure import SCORE_FILLS, UNSCORED_FILL, shaded_body_map

pytestmark = pytest.mark.db_independent  # no database involved


def _shape(svg: str, element_id: str) -> str:
    match = re.search(rf'<path id="{element_id}"[^>]*>.*?</path>(<text[^>]*>[^<]*</text>)?', svg)
    assert match, element_id
    return match.group(0)


def test_scored_regions_are_filled_by_score_and_show_their_number():
    svg = str(shaded_body_map({"lower_back_l": 7, "neck_back": 0}, id_prefix="latest", title="Latest"))
    lower_back = _shape(svg, "latest-region-lower_back_l")
    assert f'fill="{SCORE_FILLS[7]}"' in lower_back
    assert "Lower back, left: 7" in lower_back
    assert re.search(r'<text class="body-map__number"[^>]*fill="#ffffff"[^>]*>7</text>', lower_back)
    assert f'fill="{SCORE_FILLS[0]}"' in _shape(svg, "latest-region-neck_back")
    assert f'fill="{UNSCORED_FILL}"' in _shape(svg, "latest-region-head")
    assert svg.count('<text class="body-map__number"') == 2
    assert 'aria-label="Latest: Lower back, left 7; Neck, back 0"' in svg


def test_two_maps_on_one_page_have_distinct_ids():
    first = str(shaded_body_map({}, id_prefix="first", title="First"))
    latest = str(shaded_body_map({}, id_prefix="latest", title="Latest"))
    ids = re.findall(r'\bid="([^"]+)"', first + latest)
    assert len(ids) == len(set(ids)) == 2 + 2 * 44
    assert "no regions scored" in first


def test_titles_added_to_the_figure_are_escaped():
    svg = str(shaded_body_map({"head": 3}, id_prefix='x"><script>', title="<script>alert(1)</script>"))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_average_scores_are_rounded_for_colour_and_shown_with_one_decimal():
    svg = str(shaded_body_map({"calf_r": 4.5}, id_prefix="avg", title="Average"))
    calf = _shape(svg, "avg-region-calf_r")
    assert ">4.5</text>" in calf
    assert f'fill="{SCORE_FILLS[5]}"' in calf  # halves round up
