"""Progress in plain words: the sentences and their verdicts at the clinic's thresholds."""

from datetime import UTC, datetime, timedelta

import pytest

from intake.outcomes.progress import (
    MOTION_MEASURES,
    Measurement,
    flare_up_statement,
    motion_statement,
    odi_statement,
    pain_statement,
    peg_statement,
    reaction_statement,
)
from intake.pain.progress import IMPROVED, NO_MEANINGFUL_CHANGE, WORSE

START = datetime(2025, 3, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def context(app):
    with app.app_context():
        yield


def _series(*values):
    return [Measurement(START + timedelta(days=7 * n), float(v)) for n, v in enumerate(values)]


def test_a_fall_of_four_points_is_a_meaningful_improvement(context):
    statement = pain_statement("Lower back pain", _series(7, 6, 5, 4, 3), 6)
    assert statement.text == "Lower back pain fell from 7 to 3 over 6 visits — a meaningful improvement."
    assert statement.verdict == IMPROVED


@pytest.mark.parametrize(
    ("baseline", "latest", "verdict"),
    [
        (7, 5, IMPROVED),  # 2 points exactly
        (7, 6, NO_MEANINGFUL_CHANGE),  # 1 point, 14 %
        (3, 2, IMPROVED),  # 1 point is 33 % of 3
        (4, 3, NO_MEANINGFUL_CHANGE),  # 1 point is 25 % of 4
        (5, 7, WORSE),  # 2 points up
        (10, 9, NO_MEANINGFUL_CHANGE),
    ],
)
def test_pain_is_judged_at_two_points_or_thirty_percent(context, baseline, latest, verdict):
    statement = pain_statement("Lower back pain", _series(baseline, latest), 2)
    assert statement.verdict == verdict
    words = {
        IMPROVED: "a meaningful improvement",
        WORSE: "meaningfully worse",
        NO_MEANINGFUL_CHANGE: "not a meaningful change",
    }[verdict]
    assert statement.text.endswith(f"over 2 visits — {words}.")


def test_an_average_thirty_percent_drop_counts_exactly(context):
    assert pain_statement("Neck pain", _series(5, 3.5), 1).verdict == IMPROVED
    assert pain_statement("Neck pain", _series(5, 3.6), 1).verdict == NO_MEANINGFUL_CHANGE


def test_one_score_is_not_enough_to_judge(context):
    statement = pain_statement("Lower back pain", _series(7), 0)
    assert (
        statement.text == "Not enough measurements yet to judge lower back pain: one score, 7 on 2025-03-03."
    )
    assert statement.verdict is None
    assert pain_statement("Lower back pain", [], 0).text == "No lower back pain scores in this episode yet."


def test_unchanged_pain_says_it_stayed(context):
    statement = pain_statement("Lower back pain", _series(6, 6), 1)
    assert statement.text == "Lower back pain stayed at 6 over 1 visit — not a meaningful change."


@pytest.mark.parametrize(
    ("baseline", "latest", "verdict"),
    [(40, 30, IMPROVED), (40, 31, NO_MEANINGFUL_CHANGE), (20, 32, WORSE)],
)
def test_odi_is_judged_at_ten_points(context, baseline, latest, verdict):
    assert odi_statement(_series(baseline, latest)).verdict == verdict


def test_odi_with_one_measurement_says_not_enough(context):
    assert odi_statement(_series(40)).text.startswith("Not enough measurements yet to judge ODI")
    assert odi_statement([]).text == "No ODI in this episode yet."


def test_peg_without_scores_says_so_and_judges_one_point_when_it_has_them(context):
    assert peg_statement(None).text == "No PEG scores yet."
    assert peg_statement(_series(6, 5)).verdict == IMPROVED
    assert peg_statement(_series(6, 5.5)).verdict == NO_MEANINGFUL_CHANGE


def test_range_of_motion_compares_with_the_first_measurement_and_knows_which_way_is_better(context):
    flexion, _, fingertip, *_ = MOTION_MEASURES
    assert motion_statement(flexion, _series(40, 50, 60)).text == (
        "Lumbar flexion improved: 40° at the first measurement (2025-03-03), 60° now."
    )
    assert motion_statement(fingertip, _series(30, 12)).verdict == IMPROVED
    assert motion_statement(fingertip, _series(12, 30)).verdict == WORSE
    assert (
        motion_statement(flexion, _series(45)).text == "Not enough measurements yet to judge lumbar flexion."
    )
    assert motion_statement(flexion, []) is None


def test_flare_ups_are_counted_per_month_since_the_start(context):
    flare_ups = [Measurement(START + timedelta(days=d), n) for d, n in ((10, 2), (40, 1), (55, 3))]
    statement = flare_up_statement(flare_ups, START, START + timedelta(days=61))
    assert statement.text == "6 flare-ups reported since 2025-03-03 — 3 a month."
    assert flare_up_statement([], START, START).text == "No flare-ups recorded yet in this episode."


def test_reactions_say_after_how_many_visits(context):
    statement = reaction_statement([["bruising"], ["none"], ["bruising", "fatigue"], []])
    assert statement.text == "Reactions to treatment: Bruising after 2 of 4; fatigue after 1 of 4 visits."
    assert reaction_statement([["none"], []]).text == "No reactions to treatment recorded in 2 visits."
