"""What the chart page's pain section draws, read from the newest arrivals and each region's newest score."""

from datetime import timedelta

from intake.pain.history import SPARKLINE_OCCASIONS, load_chart_scores
from tests.fixtures.pain import HISTORY_START


def test_the_sparkline_is_the_worst_of_each_of_the_newest_arrivals(app, make_patient, record_pain):
    patient = make_patient()
    arrivals = SPARKLINE_OCCASIONS + 12
    for n in range(arrivals):
        at = HISTORY_START + timedelta(days=7 * n)
        record_pain(patient, {"lower_back_l": n % 10, "hip_l": 3}, context="before_treatment", recorded_at=at)
        record_pain(patient, {"lower_back_l": 0}, context="after_treatment", recorded_at=at + timedelta(hours=1))
    with app.app_context():
        scores = load_chart_scores(patient.id)
    assert scores.arrival_count == arrivals and scores.score_count == arrivals * 3
    newest = range(arrivals - SPARKLINE_OCCASIONS, arrivals)
    assert [at for at, _, _ in scores.latest_worst] == [HISTORY_START + timedelta(days=7 * n) for n in newest]
    assert [worst for _, worst, _ in scores.latest_worst] == [max(n % 10, 3) for n in newest]
    assert {context for _, _, context in scores.latest_worst} == {"before_treatment"}


def test_the_map_shows_each_regions_newest_arrival_score_however_old(app, make_patient, record_pain):
    patient = make_patient()
    record_pain(patient, {"knee_back_l": 7, "lower_back_l": 6}, context="check_in", recorded_at=HISTORY_START)
    for n in range(1, 40):
        at = HISTORY_START + timedelta(days=n)
        record_pain(patient, {"lower_back_l": n % 10}, context="before_treatment", recorded_at=at)
        record_pain(patient, {"lower_back_l": 0, "knee_back_l": 0}, context="after_treatment", recorded_at=at)
    last = HISTORY_START + timedelta(days=39)
    record_pain(patient, {"lower_back_l": 2}, context="check_in", recorded_at=last)  # the same moment, later
    with app.app_context():
        scores = load_chart_scores(patient.id)
    # the knee's only arrival score, 39 days older than the rest; after-treatment scores never count
    assert scores.latest_scores == {"lower_back_l": 2, "knee_back_l": 7}
    assert list(scores.latest_scores) == ["lower_back_l", "knee_back_l"]  # the regions' own order


def test_a_patient_never_scored_has_an_empty_pain_section(app, make_patient):
    patient = make_patient()
    with app.app_context():
        scores = load_chart_scores(patient.id)
    assert scores.is_empty and scores.latest_worst == [] and scores.latest_scores == {}
