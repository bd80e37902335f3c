"""The history pages cost the same number of SQL queries for 1 visit or 200."""

import re

import pytest

from tests.conftest import counting_queries


@pytest.mark.parametrize("visit_counts", [(1, 200), (1, 300)])
@pytest.mark.parametrize("page", ["", "table", "export.csv", "?period=all", "table?period=all&page=2"])
def test_history_queries_do_not_grow_with_the_number_of_visits(
    app, client, login, make_user, make_patient, make_intake, make_treatment_history, page, visit_counts
):
    practitioner = make_user(role="practitioner")
    patients = {}
    for visits in visit_counts:
        patient = patients[visits] = make_patient()
        make_intake(patient, status="submitted", odi_percent=40.0)
        make_treatment_history(
            patient, practitioner, visits=visits, regions=("lower_back_l", "lower_back_r", "hip_l")
        )
    login("practitioner")
    counts = {}
    for visits, patient in patients.items():
        url = f"/patients/{patient.id}/pain/{page}"
        client.get(url)  # first request warms caches (figure, templates) outside the count
        with counting_queries(app) as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts[visits] = len(statements)
    assert counts[1] == counts[visit_counts[1]]
    # signed-in user and session checks, the patient, the audit row (chain head, insert); then, each bounded
    # by the period: the latest score's time (the default period), the occasion counts, each region's first
    # and latest, the before/after pairs, the scores (or monthly means, or one page of the table), the ODI
    assert counts[visit_counts[1]] <= 14


def test_two_hundred_visits_are_all_on_the_history(client, login, make_patient, make_treatment_history):
    practitioner = login("practitioner")
    patient = make_patient()
    make_treatment_history(patient, practitioner, visits=200, regions=("lower_back_l",))
    html = ""
    for page in range(1, 10):  # all time, 50 occasions a page: 400 occasions on 8 pages
        html += client.get(f"/patients/{patient.id}/pain/table?period=all&page={page}").get_data(as_text=True)
    assert html.count('<td data-label="Context">Before treatment') == 200
    assert html.count('<td data-label="Context">After treatment') == 200


def test_the_chart_pages_pain_section_costs_the_same_queries_for_1_or_300_visits(
    app, client, login, make_user, make_patient, make_treatment_history
):
    practitioner = make_user(role="practitioner")
    patients = {}
    for visits in (1, 300):
        patient = patients[visits] = make_patient()
        make_treatment_history(patient, practitioner, visits=visits, regions=("lower_back_l", "hip_l"))
    login("practitioner")
    counts = {}
    for visits, patient in patients.items():
        client.get(f"/patients/{patient.id}")
        with counting_queries(app) as statements:
            html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
        counts[visits] = (len(statements), sum("pain_score" in statement for statement in statements))
        assert 'class="sparkline"' in html and 'id="chart-latest-map-region-hip_l"' in html
    assert counts[1] == counts[300]
    # the pain section's three (the counts, the latest arrivals' worst, each region's latest), and the visit
    # timeline's before/after scores of the visits it shows
    assert counts[300][1] <= 4
    assert "Worst region, 300 times (the latest 30 drawn)" in re.sub(r"\s+", " ", html)


@pytest.mark.parametrize("query", ["", "?period=all"])
def test_the_history_of_a_300_visit_patient_stays_under_150_kb_as_monthly_means(
    client, login, make_patient, make_treatment_history, query
):
    practitioner = login("practitioner")
    patient = make_patient()
    make_treatment_history(
        patient, practitioner, visits=300, regions=("lower_back_l", "lower_back_r", "hip_l")
    )
    response = client.get(f"/patients/{patient.id}/pain/{query}")
    assert response.status_code == 200
    assert len(response.data) < 150_000
    html = response.get_data(as_text=True)
    assert "so each point is the month" in html and 'id="chart-region-hip_l"' in html
    table = client.get(f"/patients/{patient.id}/pain/table{query}")
    assert len(table.data) < 150_000


def test_fifteen_years_of_many_regions_stay_under_150_kb_on_every_pain_page(
    client, login, make_patient, make_treatment_history
):
    practitioner = login("practitioner")
    patient = make_patient()
    regions = (
        "lower_back_l",
        "lower_back_r",
        "hip_l",
        "hip_r",
        "buttock_l",
        "buttock_r",
        "neck_back",
        "head",
    )
    make_treatment_history(patient, practitioner, visits=300, regions=regions, every_days=18)
    for page in ("?period=all", "", "table?period=all", "table"):
        response = client.get(f"/patients/{patient.id}/pain/{page}")
        assert response.status_code == 200
        assert len(response.data) < 150_000, page
    html = client.get(f"/patients/{patient.id}/pain/?period=all").get_data(as_text=True)
    # Every region still has its chart of monthly means, before and after treatment marked.
    assert all(f'id="chart-region-{code}"' in html for code in regions)
    assert html.count("trend-chart__marks--before_treatment") >= len(regions) + 2
    assert html.count("trend-chart__marks--after_treatment") >= len(regions) + 2
