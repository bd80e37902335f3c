"""Each region's first, latest and first-ever score, found region by region along the patient's own scores."""

import re
from datetime import timedelta

from intake.database import utcnow
from intake.pain.history import load_chart_scores
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, CHECK_IN, INTAKE
from tests.test_query_plans import assert_uses_index, captured_statements, query_plan


def _region_row(html: str, label: str) -> list[str]:
    """Return the cells of one region's row in the table by region: baseline, latest, change."""
    row = re.search(rf">{re.escape(label)}</a></th>(.*?)</tr>", html, re.S)
    assert row, f"no row for {label}"
    return re.findall(r'data-label="(?:Baseline|Latest|Change)">([^<]*)<', row.group(1))


def test_each_regions_baseline_is_its_first_score_ever_and_its_latest_the_last_recorded(
    client, login, make_patient, make_visit, record_pain
):
    practitioner = login("practitioner")
    patient = make_patient()
    now = utcnow().replace(microsecond=0)
    two_years_ago, lately = now - timedelta(days=730), now - timedelta(days=10)
    record_pain(patient, {"lower_back_l": 8, "hip_l": 5}, context=INTAKE, recorded_at=two_years_ago)
    record_pain(patient, {"lower_back_l": 9}, context=CHECK_IN, recorded_at=two_years_ago)  # same time, later
    record_pain(patient, {"lower_back_l": 6}, context=CHECK_IN, recorded_at=now - timedelta(days=60))
    record_pain(patient, {"lower_back_l": 4}, context=CHECK_IN, recorded_at=lately)
    record_pain(patient, {"lower_back_l": 3}, context=CHECK_IN, recorded_at=lately)  # same time, later
    visit = make_visit(patient, practitioner)
    record_pain(patient, {"knee_back_l": 2}, context=BEFORE_TREATMENT, recorded_at=lately, visit=visit)
    record_pain(
        patient, {"knee_back_l": 1, "neck_back": 4}, context=AFTER_TREATMENT, recorded_at=lately, visit=visit
    )
    html = client.get(f"/patients/{patient.id}/pain/").get_data(as_text=True)
    # The first recorded of the first moment ever (before the 12 months shown), the last recorded of the latest.
    assert _region_row(html, "Lower back, left") == ["8", "3", "−5"]
    assert _region_row(html, "Knee, back, left") == ["2", "2", "—"]
    # Scored only after treatment: nothing to compare.
    assert _region_row(html, "Neck, back") == ["—", "—", "—"]
    assert ">Hip, left</a></th>" not in html  # scored only before the period shown
    html = client.get(f"/patients/{patient.id}/pain/?period=all").get_data(as_text=True)
    assert _region_row(html, "Lower back, left") == ["8", "3", "−5"]
    assert _region_row(html, "Hip, left") == ["5", "5", "—"]


def test_the_map_leaves_out_a_region_scored_only_after_treatment(
    app, make_patient, make_visit, login, record_pain
):
    practitioner = login("practitioner")
    patient = make_patient()
    visit = make_visit(patient, practitioner)
    at = utcnow().replace(microsecond=0)
    record_pain(
        patient, {"lower_back_l": 6, "hip_l": 5}, context=BEFORE_TREATMENT, recorded_at=at, visit=visit
    )
    record_pain(
        patient, {"lower_back_l": 3, "neck_back": 2}, context=AFTER_TREATMENT, recorded_at=at, visit=visit
    )
    with app.app_context():
        scores = load_chart_scores(patient.id)
    assert scores.latest_scores == {"lower_back_l": 6, "hip_l": 5}


def test_each_regions_first_and_latest_scores_are_read_along_the_patients_regions(
    app, client, login, make_patient, record_pain
):
    login("practitioner")
    patient = make_patient()
    other = make_patient()
    for n in range(3):
        at = utcnow() - timedelta(days=400 - 100 * n)
        record_pain(patient, {"lower_back_l": 5, "hip_l": 4}, context=CHECK_IN, recorded_at=at)
        record_pain(other, {"lower_back_l": 5, "hip_l": 4}, context=CHECK_IN, recorded_at=at)
    for page in (
        f"/patients/{patient.id}",
        f"/patients/{patient.id}/pain/",
        f"/patients/{patient.id}/pain/table",
    ):
        with captured_statements(app) as statements:
            assert client.get(page).status_code == 200
        [(sql, params)] = [found for found in statements if "WITH RECURSIVE scored_region" in found[0]]
        plan = query_plan(app, sql, params, price_out=("enable_seqscan", "enable_bitmapscan"))
        assert_uses_index(plan, "pain_score", "ix_pain_score_patient_region")
