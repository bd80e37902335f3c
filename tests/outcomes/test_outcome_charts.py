"""Flare-ups per month as a chart on the progress summary and the clinic report; the ODI cumulative curve."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from intake.extensions import db
from intake.outcomes.progress import Measurement, flare_ups_by_month
from intake.outcomes.report import cumulative_in_words
from intake.questionnaire.models import SUBMITTED, Intake
from tests.outcomes.conftest import EPISODE_START


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_flare_ups_are_counted_per_clinic_month_since_the_start_months_without_any_as_zero(app):
    march_3 = datetime(2025, 3, 3, 17, 0, tzinfo=UTC)
    reported = [
        Measurement(datetime(2025, 3, 10, 17, 0, tzinfo=UTC), 1),
        Measurement(datetime(2025, 3, 24, 17, 0, tzinfo=UTC), 2),
        # 19:30 on May 31 in Edmonton is already June 1 in UTC: it counts for May.
        Measurement(datetime(2025, 6, 1, 1, 30, tzinfo=UTC), 1),
        Measurement(datetime(2025, 6, 2, 17, 0, tzinfo=UTC), 0),
    ]
    with app.app_context():  # the clinic's time zone is a setting
        months = flare_ups_by_month(reported, march_3, datetime(2025, 6, 20, tzinfo=UTC))
    assert [(m.label, m.count) for m in months] == [
        ("Mar 2025", 3),
        ("Apr 2025", 0),
        ("May 2025", 1),
        ("Jun 2025", 0),
    ]
    assert months[0].starts_at == datetime(2025, 3, 1, 7, 0, tzinfo=UTC)  # midnight in Edmonton (MST)
    with app.app_context():
        assert flare_ups_by_month([], march_3, datetime(2025, 6, 20, tzinfo=UTC)) == []


@pytest.mark.db_independent
def test_a_cumulative_curve_is_said_in_words_where_it_grows():
    assert cumulative_in_words([(0, 0.0), (1, 0.4), (2, 0.4), (3, 0.7)], "ODI") == (
        "Episodes with a meaningful improvement in ODI: 40% after 1 visit, 70% after 3 visits."
    )
    assert (
        cumulative_in_words([(0, 0.0)], "pain") == "No episode reached a meaningful improvement in pain yet."
    )


def test_the_progress_summary_draws_flare_ups_per_month_with_the_numbers_in_words(
    client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    patient = make_patient()
    episode = make_episode(patient)
    for days, flare_ups in ((1, 2), (8, 1), (40, 0), (70, 3)):  # Mar 4, Mar 11, Apr 12, May 12
        treat(
            patient,
            practitioner,
            EPISODE_START + timedelta(days=days),
            {"lower_back_c": 6},
            flare_ups=flare_ups,
        )
    html = client.get(f"/patients/{patient.id}/episodes/{episode.id}").get_data(as_text=True)

    chart = re.search(r'<svg[^>]*id="episode-flare-ups".*?</svg>', html, re.S)
    assert chart is not None
    title = re.search(r"<title[^>]*>(.*?)</title>", chart.group(0), re.S).group(1)
    assert "Mar 2025: 3; Apr 2025: 0; May 2025: 3" in title
    assert "<path" in chart.group(0)
    text = _text(html)
    assert "Flare-ups reported per month since the episode started" in text
    assert "Flare-ups by month, in numbers" in text and "Apr 2025 0" in text


def test_an_episode_without_flare_ups_recorded_draws_no_flare_up_chart(
    client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    patient = make_patient()
    episode = make_episode(patient)
    treat(patient, practitioner, EPISODE_START + timedelta(days=1), {"lower_back_c": 6})
    html = client.get(f"/patients/{patient.id}/episodes/{episode.id}").get_data(as_text=True)
    assert 'id="episode-flare-ups"' not in html
    assert "No flare-ups recorded yet in this episode." in _text(html)


def _odi(app, patient, at, percent):
    with app.app_context():
        db.session.add(Intake(patient_id=patient.id, status=SUBMITTED, submitted_at=at, odi_percent=percent))
        db.session.commit()


#: Per patient: ODI at the start, then after how many weekly visits the second ODI comes, and its value.
#: Meaningful: 10 points or 30 % of the baseline. Patients 0-1 improve after 2 visits, 2 after 4; 3-5 do not.
ODI_HISTORIES = [(40, 2, 28), (50, 2, 38), (30, 4, 20), (40, 2, 36), (40, 4, 35), (20, 2, 18)]


def test_the_report_draws_the_odi_cumulative_curve_and_the_flare_up_rate_over_time(
    app, client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    for n, (baseline, visits, later) in enumerate(ODI_HISTORIES):
        patient = make_patient(last_name=f"Odi{n}")
        make_episode(patient)
        _odi(app, patient, EPISODE_START + timedelta(minutes=5), baseline)
        for week in range(5):  # visits on Mar 3, 10, 17, 24, 31; one flare-up each in March, two on Mar 31
            treat(patient, practitioner, EPISODE_START + timedelta(days=7 * week, hours=1), {"lower_back_c": 6},
                  flare_ups=2 if week == 4 else 1)  # fmt: skip
        treat(
            patient,
            practitioner,
            EPISODE_START + timedelta(days=35, hours=1),
            {"lower_back_c": 6},
            flare_ups=0,
        )
        # After `visits` visits (their hour past the start): the second ODI.
        _odi(app, patient, EPISODE_START + timedelta(days=7 * (visits - 1), hours=3), later)
    html = client.get("/outcomes/").get_data(as_text=True)
    text = _text(html)

    # Three responders are a group under five: the share is not said, while the curve runs over all six scored.
    assert "Meaningful improvement in ODI too few to report" in text
    assert "Share of episodes with a meaningful improvement in ODI, by the number of visits before it" in text
    assert "Episodes with a meaningful improvement in ODI: 33% after 2 visits, 50% after 4 visits." in text
    assert html.count('class="outcomes-curve"') == 2  # pain and ODI

    chart = re.search(r'<svg[^>]*id="report-flare-ups".*?</svg>', html, re.S)
    assert chart is not None
    title = re.search(r"<title[^>]*>(.*?)</title>", chart.group(0), re.S).group(1)
    # March: 6 patients, 6 flare-ups each (1+1+1+1+2): 6.0 per patient; April 7: none.
    assert "Mar 2025: 6.0; Apr 2025: 0.0" in title
    assert "2025-03 6.0 per patient seen (6)" in text
