"""The pain history page, its table view and the chart-page summary."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, CHECK_IN, INTAKE

JAN = datetime(2025, 1, 10, 17, 0, tzinfo=UTC)  # 10:00 in Edmonton


def _history(client, patient, **query):
    return client.get(f"/patients/{patient.id}/pain/", query_string=query)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def treated_patient(make_patient, make_user, make_visit, make_intake, record_pain):
    """An intake, two treatments scored before and after, and a check-in."""
    practitioner = make_user(role="practitioner", full_name="Mei Chen")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    intake = make_intake(patient, status="submitted", submitted_at=JAN, odi_percent=46.0)
    record_pain(patient, {"lower_back_l": 8, "buttock_l": 5}, context=INTAKE, recorded_at=JAN, intake=intake)
    for n, (before, after) in enumerate([((7, 5), (4, 4)), ((5, 4), (3, 3))]):
        visit = make_visit(patient, practitioner)
        at = JAN + timedelta(days=7 * (n + 1))
        record_pain(
            patient, {"lower_back_l": before[0], "buttock_l": before[1]},
            context=BEFORE_TREATMENT, recorded_at=at, visit=visit, recorded_by=practitioner,
        )  # fmt: skip
        record_pain(
            patient, {"lower_back_l": after[0], "buttock_l": after[1]},
            context=AFTER_TREATMENT, recorded_at=at + timedelta(hours=1), visit=visit, recorded_by=practitioner,
        )  # fmt: skip
    record_pain(
        patient, {"lower_back_l": 4, "buttock_l": 4}, context=CHECK_IN, recorded_at=JAN + timedelta(days=20),
        recorded_by=practitioner,
    )  # fmt: skip
    make_intake(patient, status="submitted", submitted_at=JAN + timedelta(days=21), odi_percent=30.0)
    make_intake(patient, status="in_progress", odi_percent=90.0)  # not submitted: not in the trend
    return patient


def test_patient_without_scores_sees_an_empty_state_with_a_link_to_record_one(client, login, make_patient):
    login()
    patient = make_patient()
    response = _history(client, patient)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "No pain scores yet" in html
    assert f'href="/patients/{patient.id}/pain/check-in"' in html
    assert '<svg class="trend-chart' not in html


def test_history_shows_baseline_latest_change_and_meaning_per_region(client, login, treated_patient):
    login()
    response = _history(client, treated_patient)
    assert response.status_code == 200
    text = _text(response)
    # Baseline is the intake, latest the check-in; after-treatment scores are the immediate effect.
    assert "Lower back, left 8 4 −4 Meaningful improvement" in text
    assert "Buttock, left 5 4 −1 No meaningful change" in text
    # Average drop in a treatment: lower back (3 + 2) / 2, buttock (1 + 1) / 2.
    assert re.search(r"Lower back, left 8 4 −4 Meaningful improvement 2\.5", text)
    # Immediate effect per visit: (3 + 1) / 2 = 2 and (2 + 1) / 2 = 1.5, on average 1.75.
    assert "pain drops 1.8 points from before to after a treatment" in text
    assert "over 2 treatments" in text


def test_history_draws_charts_and_first_and_latest_maps(client, login, treated_patient):
    login()
    html = _history(client, treated_patient).get_data(as_text=True)
    for chart_id in (
        "chart-worst",
        "chart-total",
        "chart-odi",
        "chart-region-lower_back_l",
        "chart-region-buttock_l",
    ):
        assert f'id="{chart_id}"' in html
    # Before and after treatment are distinct marks; intake and check-in have their own.
    for mark in ("intake", "check_in", "before_treatment", "after_treatment"):
        assert f"trend-chart__marks--{mark}" in html
    assert 'id="first-map-region-lower_back_l"' in html and 'id="latest-map-region-lower_back_l"' in html
    assert 'aria-label="First scores: Lower back, left 8; Buttock, left 5"' in html
    assert 'aria-label="Latest scores: Lower back, left 4; Buttock, left 4"' in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # no JavaScript needed


def test_odi_trend_comes_from_submitted_intakes_only(client, login, treated_patient):
    login()
    text = _text(_history(client, treated_patient))
    assert "46% → 30% (−16 points). Meaningful improvement" in text
    assert "90" not in re.search(r"Oswestry Disability Index(.*?)Each region", text).group(1)


def test_date_range_filter_limits_the_history(client, login, treated_patient):
    login()
    response = _history(client, treated_patient, start="2025-01-15", end="2025-01-25")
    assert response.status_code == 200
    text = _text(response)
    # Only the two treatments (not the intake or the check-in): the first before-treatment score is the baseline.
    assert "Lower back, left 7 5 −2 Meaningful improvement" in text
    assert "No submitted intake with an Oswestry score in this period." in text
    assert 'value="2025-01-15"' in response.get_data(as_text=True)
    empty = _history(client, treated_patient, start="2024-01-01", end="2024-12-31")
    assert "No pain scores yet between these dates" in empty.get_data(as_text=True)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "2025-02-30"}, "Enter the first date as YYYY-MM-DD."),
        ({"end": "yesterday"}, "Enter the last date as YYYY-MM-DD."),
        ({"start": "2025-03-01", "end": "2025-02-01"}, "The last date must be on or after the first date."),
        ({"start": "2999-01-01"}, "The first date cannot be in the future."),
    ],
)
def test_bad_dates_are_refused_with_a_message_and_the_whole_history_shown(
    client, login, treated_patient, query, message
):
    login()
    response = _history(client, treated_patient, **query)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert "Lower back, left 8 4" in _text(response)


def test_table_view_lists_every_occasion_with_its_numbers(client, login, treated_patient):
    login()
    response = client.get(f"/patients/{treated_patient.id}/pain/table")
    assert response.status_code == 200
    text = _text(response)
    assert "Jan 10, 2025 10:00 AM Intake 8 5 8 13 Patient (intake questionnaire)" in text
    # The visit's note is not signed yet: its scores say so.
    assert "Jan 17, 2025 10:00 AM Before treatment draft: note not signed yet 7 5 7 12 Mei Chen" in text
    assert "Jan 17, 2025 11:00 AM After treatment draft: note not signed yet 4 4 4 8 Mei Chen" in text
    assert "Jan 30, 2025 10:00 AM Check-in 4 4 4 8 Mei Chen" in text
    assert "Average drop: 1.8 points over 2 treatments." in text
    assert "Jan 17, 2025 10:00 AM 6 4 2 2" in text  # before 6, after 4, drop 2, two regions


@pytest.mark.parametrize("url", ["/", "/table", "/export.csv", "/check-in"])
def test_front_desk_never_sees_pain_history(client, login, treated_patient, url):
    login("front_desk")
    assert client.get(f"/patients/{treated_patient.id}/pain{url}").status_code == 403


@pytest.mark.parametrize("url", ["/", "/table", "/export.csv"])
def test_history_of_an_unknown_patient_is_404(client, login, url):
    login()
    assert client.get(f"/patients/999/pain{url}").status_code == 404


def test_chart_page_shows_a_sparkline_latest_map_and_links_to_clinical_staff(client, login, treated_patient):
    login("practitioner")
    html = client.get(f"/patients/{treated_patient.id}").get_data(as_text=True)
    assert 'class="sparkline"' in html
    assert 'id="chart-latest-map-region-lower_back_l"' in html
    assert f'href="/patients/{treated_patient.id}/pain/"' in html
    assert f'href="/patients/{treated_patient.id}/pain/check-in"' in html


def test_chart_page_hides_pain_from_front_desk(client, login, treated_patient):
    login("front_desk")
    html = client.get(f"/patients/{treated_patient.id}").get_data(as_text=True)
    assert "sparkline" not in html and "/pain/" not in html


def test_chart_page_for_a_patient_without_scores_offers_a_check_in(client, login, make_patient):
    login()
    patient = make_patient()
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "No pain scores yet." in html
    assert f'href="/patients/{patient.id}/pain/check-in"' in html


def test_a_single_check_in_is_not_yet_a_change(client, login, make_patient, record_pain):
    login()
    patient = make_patient()
    record_pain(patient, {"jaw": 6}, recorded_at=JAN)
    text = _text(_history(client, patient))
    assert "Scored once, on Jan 10, 2025 10:00 AM" in text
    assert "Jaw 6 6 — Not enough scores to compare" in text
    assert "No treatment in this period has scores both before and after." in text


def test_history_words_the_meaningful_change_thresholds_from_the_progress_rules(
    client, login, treated_patient
):
    login()
    text = _text(_history(client, treated_patient))
    assert "by at least 2 points, or by at least 30% of the baseline" in text
    assert "(a change of 10 points or 30% of the baseline is meaningful)" in text


def test_history_template_types_no_threshold_of_its_own():
    template = (Path(__file__).resolve().parents[2] / "templates" / "pain" / "history.html").read_text()
    assert not re.search(r"\d\s*(points\b|%(?!\}))", template)  # "1 %}" closes a Jinja tag


def test_a_treatment_scored_twice_before_counts_its_later_score(
    client, login, make_patient, make_user, make_visit, record_pain
):
    practitioner = login("practitioner")
    patient = make_patient()
    visit = make_visit(patient, practitioner)
    for minutes, score in (
        (0, 9),
        (10, 6),
    ):  # rescored before treatment: the later score is the one that counts
        record_pain(
            patient, {"lower_back_l": score}, context=BEFORE_TREATMENT,
            recorded_at=JAN + timedelta(minutes=minutes), visit=visit, recorded_by=practitioner,
        )  # fmt: skip
    record_pain(
        patient, {"lower_back_l": 4}, context=AFTER_TREATMENT, recorded_at=JAN + timedelta(hours=1), visit=visit,
        recorded_by=practitioner,
    )  # fmt: skip
    text = _text(_history(client, patient, period="all"))
    assert "pain drops 2 points from before to after a treatment (6 → 4, over 1 treatment)" in text
    table = _text(client.get(f"/patients/{patient.id}/pain/table?period=all"))
    assert "Average drop: 2 points over 1 treatments" in table
