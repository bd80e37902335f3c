"""The clinically meaningful change rules at their boundaries."""

import pytest

from intake.pain.progress import (
    IMPROVED,
    NO_MEANINGFUL_CHANGE,
    WORSE,
    odi_change,
    odi_change_is_meaningful,
    pain_change,
    pain_change_is_meaningful,
    pain_meaningful_drop,
)

pytestmark = pytest.mark.db_independent  # no database involved


@pytest.mark.parametrize(
    "baseline, latest, verdict",
    [
        (8, 6, IMPROVED),  # a 2-point drop is meaningful
        (7, 5.0, IMPROVED),  # 2.0 exactly
        (7, 5.1, NO_MEANINGFUL_CHANGE),  # a 1.9 average drop is not (30 % of 7 is 2.1)
        (8, 7, NO_MEANINGFUL_CHANGE),
        (5, 3.5, IMPROVED),  # 30 % of 5 is 1.5
        (5, 3.6, NO_MEANINGFUL_CHANGE),  # 1.4 < 1.5 and < 2
        (10, 8, IMPROVED),  # 2 points (20 %) suffices
        (3, 2, IMPROVED),  # 1 point is 33 % of 3
        (4, 3, NO_MEANINGFUL_CHANGE),  # 1 point is 25 % of 4
        (6, 6, NO_MEANINGFUL_CHANGE),
        (0, 0, NO_MEANINGFUL_CHANGE),
        (4, 6, WORSE),
        (6, 7, NO_MEANINGFUL_CHANGE),
    ],
)
def test_pain_change_is_meaningful_at_two_points_or_thirty_percent(baseline, latest, verdict):
    assert pain_change(baseline, latest).verdict == verdict


def test_pain_rule_boundaries_with_averages():
    assert pain_change_is_meaningful(7, -2.0)
    assert not pain_change_is_meaningful(7, -1.9)
    assert pain_change_is_meaningful(10 / 3, -1.0)  # 30 % of 3.33 is 1.0
    assert pain_change_is_meaningful(6.0, -1.8)  # 30 % of 6 is 1.8, not 1.7999...
    assert not pain_change_is_meaningful(6.0, -1.79)


def test_meaningful_drop_is_the_easier_of_the_two_rules():
    assert pain_meaningful_drop(8) == 2
    assert pain_meaningful_drop(5) == pytest.approx(1.5)
    assert pain_meaningful_drop(0) == 0


@pytest.mark.parametrize(
    "baseline, latest, verdict",
    [
        (46, 36, IMPROVED),
        (46, 36.1, NO_MEANINGFUL_CHANGE),
        (40.0, 30.0, IMPROVED),
        (30, 40, WORSE),
        (40, 49.9, NO_MEANINGFUL_CHANGE),  # 9.9 points, 25 % of 40
        (20, 14, IMPROVED),  # 6 points, but 30 % of a low baseline
        (20, 14.1, NO_MEANINGFUL_CHANGE),
        (30, 39.9, WORSE),  # 9.9 points is 33 % of 30
    ],
)
def test_odi_change_is_meaningful_at_ten_points_or_thirty_percent(baseline, latest, verdict):
    assert odi_change(baseline, latest).verdict == verdict


def test_change_says_itself_in_words():
    assert pain_change(8, 5).in_words == "Meaningful improvement"
    assert pain_change(8, 7).in_words == "No meaningful change"
    assert pain_change(4, 7).in_words == "Meaningfully worse"
    assert pain_change(8, 5).amount == -3
    assert odi_change_is_meaningful(50, -10.0) and not odi_change_is_meaningful(50, 9.99)
