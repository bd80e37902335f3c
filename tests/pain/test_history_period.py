"""The pain pages show the last 12 months by default, all time on request, and page the table."""

import csv
import io
import re
from datetime import timedelta

from intake.clinic_time import format_datetime
from intake.database import utcnow
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, CHECK_IN, INTAKE


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _patient_seen_long_ago_and_lately(make_patient, make_user, make_visit, record_pain):
    """An intake 18 months ago (the true baseline), then a treatment and a check-in this past month."""
    practitioner = make_user(role="practitioner", full_name="Mei Chen")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    now = utcnow().replace(microsecond=0)
    record_pain(patient, {"lower_back_l": 8}, context=INTAKE, recorded_at=now - timedelta(days=548))
    visit = make_visit(patient, practitioner)
    record_pain(
        patient, {"lower_back_l": 6}, context=BEFORE_TREATMENT, recorded_at=now - timedelta(days=20),
        visit=visit, recorded_by=practitioner,
    )  # fmt: skip
    record_pain(
        patient, {"lower_back_l": 4}, context=CHECK_IN, recorded_at=now - timedelta(days=5), recorded_by=practitioner
    )  # fmt: skip
    return patient, now


def test_the_history_shows_the_last_12_months_by_default_and_says_how_many_older_occasions_exist(
    app, client, login, make_patient, make_user, make_visit, record_pain
):
    login()
    patient, now = _patient_seen_long_ago_and_lately(make_patient, make_user, make_visit, record_pain)
    response = client.get(f"/patients/{patient.id}/pain/")
    assert response.status_code == 200
    text = _text(response)
    assert "Showing the last 12 months: from" in text
    assert "1 older occasion not shown: show all time" in text
    assert f'href="/patients/{patient.id}/pain/?period=all"' in response.get_data(as_text=True)
    assert "Scored 2 times from" in text  # the before-treatment score and the check-in, not the old intake
    assert "trend-chart__marks--intake" not in response.get_data(as_text=True)


def test_all_time_shows_every_score(app, client, login, make_patient, make_user, make_visit, record_pain):
    login()
    patient, _ = _patient_seen_long_ago_and_lately(make_patient, make_user, make_visit, record_pain)
    response = client.get(f"/patients/{patient.id}/pain/?period=all")
    text = _text(response)
    assert "Showing all time." in text and "older occasion" not in text
    assert "Scored 3 times from" in text
    assert "trend-chart__marks--intake" in response.get_data(as_text=True)
    table = _text(client.get(f"/patients/{patient.id}/pain/table?period=all"))
    assert " Intake 8 " in table
    assert " Intake 8 " not in _text(client.get(f"/patients/{patient.id}/pain/table"))


def test_the_default_period_still_compares_with_the_true_first_score_and_says_since_when(
    app, client, login, make_patient, make_user, make_visit, record_pain
):
    login()
    patient, now = _patient_seen_long_ago_and_lately(make_patient, make_user, make_visit, record_pain)
    default = _text(client.get(f"/patients/{patient.id}/pain/"))
    all_time = _text(client.get(f"/patients/{patient.id}/pain/?period=all"))
    row = "Lower back, left 8 4 −4 Meaningful improvement"
    assert row in default and row in all_time
    assert "Baselines compare with each region's first score ever: since" in default
    assert "first score ever" not in all_time  # the baseline is in the period shown
    # A period the user chose compares within it, as before.
    start = (now - timedelta(days=30)).date().isoformat()
    chosen = _text(client.get(f"/patients/{patient.id}/pain/?start={start}"))
    assert "Lower back, left 6 4 −2 Meaningful improvement" in chosen


def test_the_csv_exports_exactly_the_period_asked_for_and_names_it(
    app, client, login, make_patient, make_user, make_visit, record_pain
):
    login()
    patient, _ = _patient_seen_long_ago_and_lately(make_patient, make_user, make_visit, record_pain)
    default = client.get(f"/patients/{patient.id}/pain/export.csv")
    rows = list(csv.reader(io.StringIO(default.get_data(as_text=True))))[1:]
    assert [row[5] for row in rows] == ["6", "4"]
    assert re.search(r'filename="pain-scores-[A-Za-z0-9-]+-\d{4}-\d\d-\d\d-to-today\.csv"', default.headers[
        "Content-Disposition"
    ])  # fmt: skip
    everything = client.get(f"/patients/{patient.id}/pain/export.csv?period=all")
    assert [row[5] for row in csv.reader(io.StringIO(everything.get_data(as_text=True)))][1:] == [
        "8",
        "6",
        "4",
    ]
    assert everything.headers["Content-Disposition"].endswith(f'pain-scores-{patient.chart_number}.csv"')


def test_a_patient_not_seen_for_a_while_sees_the_year_up_to_the_latest_score(
    app, client, login, make_patient, record_pain
):
    login()
    patient = make_patient()
    long_ago = utcnow() - timedelta(days=800)
    record_pain(patient, {"jaw": 7}, recorded_at=long_ago - timedelta(days=500))
    record_pain(patient, {"jaw": 5}, recorded_at=long_ago)
    text = _text(client.get(f"/patients/{patient.id}/pain/"))
    assert "Showing the last 12 months: from" in text and "1 older occasion not shown" in text
    assert "Jaw 7 5 −2 Meaningful improvement" in text


def test_the_table_pages_fifty_occasions_newest_first_keeping_the_period(
    app, client, login, make_patient, record_pain
):
    login()
    patient = make_patient()
    now = utcnow().replace(microsecond=0)
    for day in range(60):
        record_pain(patient, {"neck_back": day % 11}, recorded_at=now - timedelta(days=day + 1, hours=1))
    first = client.get(f"/patients/{patient.id}/pain/table?period=all")
    html = first.get_data(as_text=True)
    assert html.count('<td data-label="Context">Check-in</td>') == 50
    assert f'href="/patients/{patient.id}/pain/table?page=2&amp;period=all"' in html
    assert 'rel="prev"' not in html
    with app.app_context():
        newest = format_datetime(now - timedelta(days=1, hours=1))
    assert newest in _text(first).split("Every time pain was scored", 1)[1][:400]
    second = client.get(f"/patients/{patient.id}/pain/table?period=all&page=2").get_data(as_text=True)
    assert second.count('<td data-label="Context">Check-in</td>') == 10
    assert 'rel="next"' not in second
    assert f'href="/patients/{patient.id}/pain/table?page=1&amp;period=all"' in second
    for junk in ("0", "-3", "abc", "²", "99999999999"):
        assert client.get(f"/patients/{patient.id}/pain/table?page={junk}").status_code == 200
    past_the_end = client.get(f"/patients/{patient.id}/pain/table?page=9").get_data(as_text=True)
    assert "No scores on page 9." in past_the_end


def test_a_region_scored_only_after_treatment_still_has_its_column_in_the_table(
    client, login, make_patient, make_user, make_visit, record_pain
):
    login()
    practitioner = make_user(role="practitioner")
    patient = make_patient()
    visit = make_visit(patient, practitioner)
    at = utcnow().replace(microsecond=0) - timedelta(days=3)
    record_pain(patient, {"neck_back": 5}, context=BEFORE_TREATMENT, recorded_at=at, visit=visit)
    record_pain(
        patient, {"jaw": 2}, context=AFTER_TREATMENT, recorded_at=at + timedelta(hours=1), visit=visit
    )
    html = client.get(f"/patients/{patient.id}/pain/table").get_data(as_text=True)
    assert '<th scope="col">Jaw</th>' in html and '<td data-label="Jaw">2</td>' in html


def test_the_default_period_compares_the_oswestry_index_with_the_first_intake_ever(
    client, login, make_patient, make_intake, record_pain
):
    login()
    patient = make_patient()
    now = utcnow().replace(microsecond=0)
    first = make_intake(patient, status="submitted", submitted_at=now - timedelta(days=600), odi_percent=46.0)
    record_pain(patient, {"jaw": 6}, context=INTAKE, recorded_at=now - timedelta(days=600), intake=first)
    make_intake(patient, status="submitted", submitted_at=now - timedelta(days=10), odi_percent=30.0)
    record_pain(patient, {"jaw": 3}, recorded_at=now - timedelta(days=10))
    default = _text(client.get(f"/patients/{patient.id}/pain/"))
    assert "46% → 30% (−16 points). Meaningful improvement" in default
    assert "Baselines compare with each region's first score ever: since" in default
    assert "46% → 30% (−16 points)" in _text(client.get(f"/patients/{patient.id}/pain/?period=all"))


def test_a_region_first_scored_lately_compares_within_the_period_beside_one_scored_for_years(
    app, client, login, make_patient, make_user, make_visit, record_pain
):
    login()
    patient, now = _patient_seen_long_ago_and_lately(make_patient, make_user, make_visit, record_pain)
    # Scored for the first time this past month, twice, while the lower back has scores from 18 months ago.
    for days, score in ((15, 7), (5, 3)):
        record_pain(patient, {"hip_r": score}, context=CHECK_IN, recorded_at=now - timedelta(days=days))
    record_pain(
        patient, {"neck_back": 5}, context=CHECK_IN, recorded_at=now - timedelta(days=400)
    )  # not shown
    for page in ("", "table"):
        text = _text(client.get(f"/patients/{patient.id}/pain/{page}"))
        assert "Lower back, left 8 4 −4 Meaningful improvement" in text
        assert "Hip, right 7 3 −4 Meaningful improvement" in text
        assert "Neck" not in text.split("By region", 1)[1]  # only scored before the period


def test_older_occasions_are_counted_to_a_hundred_and_beyond_it_said_as_more_than_a_hundred(
    client, login, make_patient, make_user, make_treatment_history, record_pain
):
    login()
    practitioner = make_user(role="practitioner", full_name="Mei Chen")
    patient = make_patient(first_name="Margaret", last_name="Okafor")
    now = utcnow().replace(microsecond=0)
    # Fifty treatments scored before and after, years ago: a hundred older occasions.
    make_treatment_history(patient, practitioner, visits=50, start=now - timedelta(days=1500))
    record_pain(patient, {"lower_back_l": 4}, recorded_at=now - timedelta(days=3), recorded_by=practitioner)
    text = _text(client.get(f"/patients/{patient.id}/pain/"))
    assert "100 older occasions not shown: show all time" in text and "More than" not in text

    record_pain(
        patient, {"lower_back_l": 7}, recorded_at=now - timedelta(days=1600), recorded_by=practitioner
    )
    for page in ("", "table"):
        text = _text(client.get(f"/patients/{patient.id}/pain/{page}"))
        assert "More than 100 older occasions not shown: show all time" in text
    assert "older occasion" not in _text(client.get(f"/patients/{patient.id}/pain/?period=all"))
