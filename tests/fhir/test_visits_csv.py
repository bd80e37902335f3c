"""One patient's visits as CSV: a line per visit as the note now reads, clinical staff only, audited, formula-safe."""

import csv
import io
from datetime import UTC, datetime, timedelta

from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT
from intake.visits.export import CSV_HEADERS
from intake.visits.models import Amendment, Visit
from intake.visits.note_record import read_note
from tests.conftest import sign_in
from tests.fixtures.security import CLINICAL_CANARY, NAME_CANARY

MARCH = datetime(2025, 3, 3, 16, 30, tzinfo=UTC)  # 09:30 in Edmonton


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _amend(app, visit, practitioner, **changed):
    with app.app_context():
        row = db.session.get(Visit, visit.id)
        note = read_note(row)
        row.amendments.append(
            Amendment(
                amended_by_id=practitioner.id,
                amended_by_name=practitioner.full_name,
                amended_at=MARCH + timedelta(days=2),
                reason="Corrected the points",
                changes=[["Points needled", "BL23", "BL23; GV4"]],
                note_after={**note, **changed},
            )
        )
        db.session.commit()


def test_visits_csv_has_one_line_per_visit_as_the_note_now_reads(
    app, client, login, make_patient, make_user, make_visit, record_pain, audit_events
):
    user = login("practitioner")
    practitioner = make_user(full_name="Mei Chen")
    patient = make_patient()
    signed = make_visit(patient, practitioner, points=["BL23"], signed=True, visit_at=MARCH, kind="both",
                        massage_areas=["lower_back_l"])  # fmt: skip
    record_pain(patient, {"lower_back_l": 7, "hip_r": 5}, context=BEFORE_TREATMENT, recorded_at=MARCH, visit=signed,
                recorded_by=practitioner)  # fmt: skip
    record_pain(patient, {"lower_back_l": 3}, context=AFTER_TREATMENT, recorded_at=MARCH + timedelta(hours=1),
                visit=signed, recorded_by=practitioner)  # fmt: skip
    amended_points = [
        {"code": "BL23", "side": "bilateral", "technique": "even", "de_qi": False, "depth_cun": None},
        {"code": "GV4", "side": "midline", "technique": "even", "de_qi": False, "depth_cun": None},
    ]
    _amend(app, signed, practitioner, points=amended_points)
    make_visit(patient, practitioner, visit_at=MARCH + timedelta(days=7), kind="massage")

    response = client.get(f"/patients/{patient.id}/record/visits.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="visits-{patient.chart_number}-')
    assert patient.last_name not in disposition
    header, first, second = _rows(response)
    assert tuple(header) == CSV_HEADERS
    line = dict(zip(header, first, strict=True))
    assert line["Visit date and time (clinic time)"] == "2025-03-03 09:30"
    assert line["Practitioner"] == "Mei Chen"
    assert line["Kind of visit"] == "Acupuncture and massage"
    assert line["Points needled"] == "BL23; GV4"  # the amendment's points, not the signed original's
    assert line["Massage areas"] == "Lower back, left"
    assert line["Pain before → after"] == "Lower back, left 7 → 3; Hip, right 5 → –"
    assert line["Status"] == "Signed, amended"
    assert line["Signed by"] == "Mei Chen"
    assert line["Amendments"] == "1"
    assert line["Last amended at (clinic time)"] == "2025-03-05 09:30"
    draft = dict(zip(header, second, strict=True))
    assert draft["Status"] == "Draft (not signed)" and draft["Kind of visit"] == "Massage"
    assert draft["Signed by"] == "" and draft["Pain before → after"] == ""

    (event,) = audit_events(action="export")
    assert (event.patient_id, event.user_id, event.record_type) == (patient.id, user.id, "visits")


def test_visits_csv_cells_never_run_as_spreadsheet_formulas(
    client, login, make_patient, make_user, make_visit
):
    login("admin")
    practitioner = make_user(full_name='=HYPERLINK("http://evil.example")')
    patient = make_patient()
    make_visit(patient, practitioner, visit_at=MARCH)

    _header, line = _rows(client.get(f"/patients/{patient.id}/record/visits.csv"))

    assert line[1] == '\'=HYPERLINK("http://evil.example")'
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in line)


def test_a_patient_with_no_visits_gets_the_headers_only(client, login, make_patient):
    login("practitioner")
    patient = make_patient(is_archived=True)  # an archived patient's export works too
    response = client.get(f"/patients/{patient.id}/record/visits.csv")
    assert response.status_code == 200
    assert _rows(response) == [list(CSV_HEADERS)]


def test_visits_csv_never_includes_another_patients_visits(
    client, other_patient_world, make_patient, make_user, make_visit
):
    world = other_patient_world
    sign_in(client, world.email("practitioner"))
    patient = make_patient()
    make_visit(patient, make_user(full_name="Noor Haddad"), visit_at=MARCH, points=["LI4"])

    own = client.get(f"/patients/{patient.id}/record/visits.csv").get_data(as_text=True)
    other = client.get(f"/patients/{world.patient_b_id}/record/visits.csv").get_data(as_text=True)

    assert len(own.strip().splitlines()) == 2 and "LI4" in own
    assert "Mei Practitioner" not in own and NAME_CANARY not in own and CLINICAL_CANARY not in own
    assert len(other.strip().splitlines()) == 3  # B's signed note and draft


def test_visits_csv_costs_the_same_queries_for_one_visit_or_many(app, client, login, make_patient, make_user,
                                                                 make_visit):  # fmt: skip
    from sqlalchemy import event

    login("practitioner")
    practitioner = make_user()
    few, many = make_patient(), make_patient()
    make_visit(few, practitioner, points=["BL23"], signed=True)
    for n in range(12):
        make_visit(
            many, practitioner, points=["BL23", "GV4"], signed=n % 2 == 0, visit_at=MARCH + timedelta(days=n)
        )

    def count(patient_id: int) -> int:
        statements: list[str] = []
        with app.app_context():
            engine = db.engine

        def on_execute(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            assert client.get(f"/patients/{patient_id}/record/visits.csv").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)
        return len(statements)

    assert count(few.id) == count(many.id)
