"""The body-region vocabulary and the body-map figure agree."""

import re
from collections import Counter

import pytest

from intake.pain.figure import FIGURE_PATH, load_figure
from intake.pain.regions import (
    BACK,
    BACK_REGIONS,
    FRONT,
    FRONT_REGIONS,
    LEFT,
    MIDLINE,
    REGION_BY_CODE,
    REGIONS,
    RIGHT,
    SNOMED_LATERALITY,
)

pytestmark = pytest.mark.db_independent  # no database involved

# Verhoeff tables: every SNOMED CT identifier ends in a Verhoeff check digit.
_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def _is_snomed_concept_id(identifier: str) -> bool:
    if not re.fullmatch(r"[1-9]\d{5,17}", identifier) or identifier[-3:-1] != "00":
        return False  # partition "00" = a concept in the international release
    check = 0
    for position, digit in enumerate(reversed(identifier)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


def test_region_codes_are_unique_and_the_vocabulary_has_its_regions():
    codes = [region.code for region in REGIONS]
    assert len(codes) == len(set(codes)) == 44
    assert len(FRONT_REGIONS) == 26 and len(BACK_REGIONS) == 18
    assert set(REGION_BY_CODE) == set(codes)
    labels = [region.label for region in REGIONS]
    assert len(labels) == len(set(labels))


def test_vocabulary_covers_the_regions_a_back_pain_clinic_needs():
    midline = ["head", "jaw", "neck_front", "neck_back", "chest", "abdomen", "groin", "lower_back_c"]
    paired = [
        "shoulder", "upper_arm", "elbow", "forearm", "wrist_hand", "upper_back", "mid_back", "lower_back",
        "sacroiliac", "buttock", "hip", "thigh_front", "thigh_back", "knee_front", "knee_back", "calf",
        "shin", "ankle_foot",
    ]  # fmt: skip
    for code in midline:
        assert REGION_BY_CODE[code].side == MIDLINE
    for code in paired:
        assert REGION_BY_CODE[f"{code}_l"].side == LEFT
        assert REGION_BY_CODE[f"{code}_r"].side == RIGHT
        assert REGION_BY_CODE[f"{code}_l"].label.endswith(", left")


def test_every_region_has_a_view_and_a_valid_snomed_body_structure():
    for region in REGIONS:
        assert region.view in (FRONT, BACK)
        assert region.snomed and _is_snomed_concept_id(region.snomed), region.code
        assert region.snomed_term.endswith("structure") or "structure" in region.snomed_term
    assert REGION_BY_CODE["lower_back_l"].snomed == "37822005"
    assert REGION_BY_CODE["lower_back_l"].snomed_laterality == SNOMED_LATERALITY[LEFT] == "7771000"
    assert REGION_BY_CODE["hip_r"].snomed_laterality == "24028007"
    assert REGION_BY_CODE["head"].snomed_laterality is None
    assert all(_is_snomed_concept_id(code) for code in SNOMED_LATERALITY.values())


def test_every_region_is_drawn_once_on_the_map_and_every_shape_is_a_known_region():
    svg = FIGURE_PATH.read_text(encoding="utf-8")
    drawn = re.findall(r'data-region="([^"]+)"', svg)
    assert Counter(drawn) == Counter(region.code for region in REGIONS)
    assert load_figure().region_codes == drawn
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert len(ids) == len(set(ids))
    for code in drawn:
        assert f'id="region-{code}"' in svg


def test_regions_sit_on_the_view_the_vocabulary_says():
    svg = FIGURE_PATH.read_text(encoding="utf-8")
    front, back = svg.split('body-map__figure--back"')
    for region in REGIONS:
        half = front if region.view == FRONT else back
        assert f'data-region="{region.code}"' in half, region.code


def test_the_figure_has_no_inline_styles_or_scripts_for_the_strict_csp():
    svg = FIGURE_PATH.read_text(encoding="utf-8").lower()
    for forbidden in ("<style", "style=", "<script", "onclick", "href="):
        assert forbidden not in svg
