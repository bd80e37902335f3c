"""The chart's progress section: the brief sentences of the progress page, found by index at any history size."""

import re
from datetime import timedelta

from intake.questionnaire.models import CHECK_IN_FORM, SUBMITTED
from tests.outcomes.conftest import EPISODE_START
from tests.test_query_plans import captured_statements, query_plan, the_statement


def _statements(html: str) -> list[str]:
    """Return the progress sentences of a page, in order."""
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'<li class="outcome-statement[^"]*">(.*?)</li>', html, re.S)
    ]


def test_the_chart_says_the_progress_pages_sentences_but_those_of_each_region(
    app, client, login, make_patient, make_episode, make_intake, treat
):
    practitioner = login("practitioner")
    patient = make_patient()
    episode = make_episode(patient)
    for n, (before, after) in enumerate([(7, 5), (6, 4), (5, 3), (4, 2)]):
        treat(
            patient, practitioner, EPISODE_START + timedelta(days=7 * n, hours=1),
            {"lower_back_c": before, "buttock_l": 3}, {"lower_back_c": after, "buttock_l": 2},
            flare_ups=n % 2, reactions=["bruising"] if n == 2 else ["none"], lumbar_flexion_degrees=40 + 5 * n,
        )  # fmt: skip
    for n, odi in enumerate((44.0, 30.0)):
        submitted_at = EPISODE_START + timedelta(days=14 * n)
        make_intake(patient, status=SUBMITTED, submitted_at=submitted_at, odi_percent=odi)
    page = _statements(client.get(f"/patients/{patient.id}/episodes/{episode.id}").get_data(as_text=True))
    chart = _statements(client.get(f"/patients/{patient.id}").get_data(as_text=True))
    regions = [s for s in page if s.startswith(("Lower back, centre: pain", "Buttock, left: pain"))]
    assert len(regions) == 2, page
    assert chart == [s for s in page if s not in regions]
    assert "ODI fell from 44 % to 30 % — a meaningful improvement." in chart
    assert "Right after treatment, pain was" in " ".join(chart)


def test_the_odi_of_an_episode_is_found_through_the_patients_own_intakes(
    app, client, login, make_patient, make_episode, make_intake
):
    """Not by walking every submitted intake of the clinic since the episode started."""
    patient = make_patient()
    make_episode(patient)
    make_intake(patient, status=SUBMITTED, submitted_at=EPISODE_START + timedelta(days=1), odi_percent=40.0)
    make_intake(
        patient, form_kind=CHECK_IN_FORM, status=SUBMITTED, submitted_at=EPISODE_START + timedelta(days=8)
    )
    for n in range(30):  # other patients' submitted intakes in the episode's time
        other = make_patient()
        make_intake(other, status=SUBMITTED, submitted_at=EPISODE_START + timedelta(days=n), odi_percent=20.0)
    login("practitioner")
    with captured_statements(app) as statements:
        assert client.get(f"/patients/{patient.id}").status_code == 200
    sql, params = the_statement(statements, "SELECT patient_intake.submitted_at, patient_intake.odi_percent")
    plan = query_plan(app, sql, params, price_out=("enable_seqscan", "enable_bitmapscan"))
    # Either index that starts at the patient serves it (PostgreSQL may take the plain one for a handful of rows).
    assert re.search(r"ix_patient_intake_patient_(kind|id)\b", plan), plan
    assert "ix_patient_intake_status_submitted" not in plan, plan
