"""The acupuncture point vocabulary: the WHO 361, the extra points, and the ways practitioners write codes."""

from collections import Counter

import pytest

from intake.visits.points import MERIDIANS, all_points, find_point, normalize_code, search_points

pytestmark = pytest.mark.db_independent  # no database involved

WHO_COUNTS = {
    "LU": 11, "LI": 20, "ST": 45, "SP": 21, "HT": 9, "SI": 19, "BL": 67,
    "KI": 27, "PC": 9, "TE": 23, "GB": 44, "LR": 14, "GV": 28, "CV": 24,
}  # fmt: skip


def test_the_who_standard_has_361_points_with_the_per_meridian_counts():
    who = [p for p in all_points() if p.meridian != "EX"]
    assert len(who) == 361
    assert Counter(p.meridian for p in who) == WHO_COUNTS
    assert set(MERIDIANS) == set(WHO_COUNTS)


def test_every_channel_is_numbered_from_one_without_gaps():
    for meridian, count in WHO_COUNTS.items():
        numbers = [p.number for p in all_points() if p.meridian == meridian]
        assert numbers == list(range(1, count + 1)), meridian
        assert all(p.code == f"{p.meridian}{p.number}" for p in all_points() if p.meridian == meridian)


def test_codes_are_unique_and_every_point_has_pinyin_hanzi_and_english():
    codes = [p.code for p in all_points()]
    assert len(codes) == len(set(codes))
    assert all(p.pinyin and p.hanzi and p.english for p in all_points())


def test_common_extra_points_are_included():
    assert find_point("EX-B2").pinyin == "Jiaji"
    assert find_point("EX-HN3").pinyin == "Yintang"
    assert len([p for p in all_points() if p.meridian == "EX"]) == 22


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("BL23", "BL23"), ("UB23", "BL23"), ("BL 23", "BL23"), ("bl-23", "BL23"), ("ub023", "BL23"),
        ("SJ5", "TE5"), ("TW5", "TE5"), ("TB5", "TE5"), ("LV3", "LR3"), ("Liv3", "LR3"),
        ("Ren4", "CV4"), ("CV4", "CV4"), ("Du4", "GV4"), ("GV4", "GV4"), ("P6", "PC6"), ("K3", "KI3"),
        ("EX-B2", "EX-B2"), ("exb2", "EX-B2"), ("EX HN 3", "EX-HN3"), ("Shenshu", "BL23"), ("shen shu", "BL23"),
    ],
)  # fmt: skip
def test_aliases_resolve_to_the_who_code(typed, code):
    assert find_point(typed).code == code


@pytest.mark.parametrize("typed", ["BL68", "LU12", "XX1", "GV29", "EX-B99", "", "hello"])
def test_unknown_codes_do_not_resolve(typed):
    assert find_point(typed) is None


def test_midline_points_are_gv_cv_and_midline_extras():
    assert find_point("GV4").is_midline and find_point("CV6").is_midline and find_point("EX-HN3").is_midline
    assert not find_point("BL23").is_midline and not find_point("EX-B2").is_midline


def test_search_finds_by_code_alias_pinyin_english_and_hanzi():
    assert search_points("UB23")[0].code == "BL23"
    assert search_points("SJ5")[0].code == "TE5"
    assert search_points("Shenshu")[0].code == "BL23"
    assert search_points("kidney shu")[0].code == "BL23"
    assert search_points("肾俞")[0].code == "BL23"
    assert [p.code for p in search_points("bl2")][:3] == ["BL2", "BL20", "BL21"]
    assert search_points("yang ling")[0].code == "GB34"
    assert search_points("") == []


def test_normalize_code_leaves_words_alone():
    assert normalize_code("Shenshu") is None
    assert normalize_code("lv 3") == "LR3"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Shènshū", "BL23"),
        ("SHÈN SHŪ", "BL23"),
        ("zú sān lǐ", "ST36"),
        ("Tài-chōng", "LR3"),
        ("  shenshu ", "BL23"),
    ],
)
def test_pinyin_with_tone_marks_case_and_spaces_resolves(typed, code):
    assert find_point(typed).code == code
    assert search_points(typed)[0].code == code


@pytest.mark.parametrize("typed", ["   ", "-", "·"])
def test_blank_or_separator_only_text_is_no_point(typed):
    assert find_point(typed) is None


def test_a_pinyin_name_two_points_share_names_neither():
    assert {p.code for p in all_points() if p.pinyin == "Zhongdu"} == {"GB32", "LR6"}
    assert find_point("Zhongdu") is None and find_point("zhong du") is None
    assert find_point("GB32").pinyin == find_point("LR6").pinyin == "Zhongdu"


def test_superscript_digits_are_not_taken_for_a_code():
    assert find_point("BL²3") is None
