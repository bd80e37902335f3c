"""CSV export of the pain history."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from intake.pain.export import CSV_HEADERS, spreadsheet_safe
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, INTAKE

MARCH = datetime(2025, 3, 3, 16, 30, tzinfo=UTC)  # 09:30 in Edmonton


def _rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_csv_export_has_headers_one_row_per_score_and_a_download_name(
    client, login, make_patient, make_user, make_visit, make_intake, record_pain
):
    login()
    practitioner = make_user(full_name="Mei Chen")
    patient = make_patient()
    intake = make_intake(patient, status="submitted", submitted_at=MARCH)
    record_pain(patient, {"lower_back_l": 8}, context=INTAKE, recorded_at=MARCH, intake=intake)
    visit = make_visit(patient, practitioner)
    later = MARCH + timedelta(days=7)
    record_pain(patient, {"hip_r": 6, "lower_back_l": 7}, context=BEFORE_TREATMENT, recorded_at=later, visit=visit,
                recorded_by=practitioner)  # fmt: skip
    record_pain(patient, {"lower_back_l": 4}, context=AFTER_TREATMENT, recorded_at=later + timedelta(hours=1),
                visit=visit, recorded_by=practitioner)  # fmt: skip

    response = client.get(f"/patients/{patient.id}/pain/export.csv?period=all")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="pain-scores-{patient.chart_number}.csv"'
    )
    header, *rows = _rows(response)
    assert tuple(header) == CSV_HEADERS
    assert rows[0] == [
        "2025-03-03 09:30", "Intake", "lower_back_l", "Lower back, left", "left", "8", "37822005", "7771000",
        "", str(intake.id), "Patient (intake questionnaire)",
    ]  # fmt: skip
    assert [(r[1], r[2], r[5]) for r in rows[1:]] == [
        ("Before treatment", "hip_r", "6"),
        ("Before treatment", "lower_back_l", "7"),
        ("After treatment", "lower_back_l", "4"),
    ]
    assert rows[1][7] == "24028007" and rows[1][8] == str(visit.id) and rows[1][10] == "Mei Chen"


def test_csv_export_follows_the_date_range(client, login, make_patient, record_pain):
    login()
    patient = make_patient()
    record_pain(patient, {"calf_l": 3}, recorded_at=MARCH)
    record_pain(patient, {"calf_l": 2}, recorded_at=MARCH + timedelta(days=40))
    response = client.get(f"/patients/{patient.id}/pain/export.csv?start=2025-04-01&end=2025-04-30")
    assert "2025-04-01-to-2025-04-30.csv" in response.headers["Content-Disposition"]
    assert [row[5] for row in _rows(response)[1:]] == ["2"]


def test_csv_export_with_bad_dates_goes_back_to_the_history_with_the_message(client, login, make_patient):
    login()
    patient = make_patient()
    response = client.get(f"/patients/{patient.id}/pain/export.csv?start=nonsense", follow_redirects=True)
    assert response.status_code == 422
    assert "Enter the first date as YYYY-MM-DD." in response.get_data(as_text=True)


def test_csv_cells_never_run_as_spreadsheet_formulas(client, login, make_patient, make_user, record_pain):
    login()
    attacker = make_user(full_name='=HYPERLINK("http://evil.example","x")')
    patient = make_patient()
    record_pain(patient, {"jaw": 2}, recorded_at=MARCH, recorded_by=attacker)
    [_, row] = _rows(client.get(f"/patients/{patient.id}/pain/export.csv"))
    assert row[10] == '\'=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize(
    "value, expected",
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
     ("Mei Chen", "Mei Chen"), (7, "7"), (None, "")],
)  # fmt: skip
def test_spreadsheet_safe_prefixes_formula_starts(value, expected):
    assert spreadsheet_safe(value) == expected
