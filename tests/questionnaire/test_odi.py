"""Oswestry Disability Index: 10 sections of 6 statements, scored 0-5, skippable, with its bands."""

import pytest

from intake.questionnaire import steps as q


@pytest.mark.db_independent
def test_odi_has_ten_sections_of_six_statements():
    assert len(q.ODI_SECTIONS) == 10
    assert all(len(section.statements) == 6 for section in q.ODI_SECTIONS)
    assert q.ODI_SECTIONS[0].statements[0] == "I have no pain at the moment"
    assert q.ODI_SECTIONS[9].statements[5] == "Pain prevents me from travelling except to receive treatment"


@pytest.mark.db_independent
def test_odi_score_with_every_section_answered():
    answers = dict.fromkeys(q.ODI_SECTION_KEYS, 3)
    assert q.odi_percent(answers) == 60.0  # 30 ÷ 50


@pytest.mark.db_independent
def test_odi_score_with_one_section_skipped():
    answers = dict.fromkeys(q.ODI_SECTION_KEYS, 2) | {"sex_life": None}
    assert q.odi_percent(answers) == 40.0  # 18 ÷ 45


@pytest.mark.db_independent
def test_odi_score_with_every_section_skipped_is_no_score():
    assert q.odi_percent(dict.fromkeys(q.ODI_SECTION_KEYS)) is None
    assert q.odi_percent({}) is None
    assert q.odi_band(None) is None


@pytest.mark.db_independent
def test_odi_score_is_not_rounded_to_the_nearest_band():
    answers = dict.fromkeys(q.ODI_SECTION_KEYS, 1) | {"sex_life": None, "walking": 2}
    assert q.odi_percent(answers) == 22.2  # 10 ÷ 45


@pytest.mark.db_independent
@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, "Minimal disability"),
        (20, "Minimal disability"),
        (20.4, "Minimal disability"),
        (21, "Moderate disability"),
        (40, "Moderate disability"),
        (41, "Severe disability"),
        (60, "Severe disability"),
        (61, "Crippled"),
        (80, "Crippled"),
        (81, "Bed-bound"),
        (100, "Bed-bound"),
    ],
)
def test_odi_bands(percent, band):
    assert q.odi_band(percent) == band


def test_submitted_intake_stores_its_odi_percent(app, make_patient, make_submitted_intake):
    intake = make_submitted_intake(make_patient(), pain_intensity=5, personal_care=None)
    # nine sections: 5 + 8 × 2 = 21 of 45
    assert intake.odi_percent == 46.7


def test_submitted_intake_with_no_odi_answers_has_no_score(app, make_patient, make_submitted_intake):
    intake = make_submitted_intake(make_patient(), **dict.fromkeys(q.ODI_SECTION_KEYS))
    assert intake.odi_percent is None
