"""The printed chart reads a constant number of queries whatever the length of the patient's history."""

from datetime import UTC, datetime, timedelta

import pytest

from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT
from intake.pain.operations import record_scores
from intake.visits.models import Amendment, ElectroPair, SafetyOverride, Visit, VisitPoint
from intake.visits.note_record import read_note
from tests.conftest import counting_queries

FIRST_VISIT = datetime(2025, 1, 6, 16, 30, tzinfo=UTC)


@pytest.fixture
def treated_patient(app, make_user, make_patient, make_submitted_intake):
    """Return ``treated(visits)``: a patient with an intake and that many signed, scored, amended visit notes."""
    practitioner = make_user(role="practitioner", full_name="Mei Chen", designation="R.Ac")

    def treated(visits: int):
        patient = make_patient()
        make_submitted_intake(patient)
        with app.app_context():
            for n in range(visits):
                visit_at = FIRST_VISIT + timedelta(days=7 * n)
                visit = Visit(
                    patient_id=patient.id,
                    practitioner_id=practitioner.id,
                    visit_at=visit_at,
                    kind="both",
                    duration_minutes=60,
                    patient_report=f"Report of visit {n + 1}",
                    massage_areas=["lower_back_l"],
                    signed_at=visit_at + timedelta(hours=1),
                    signed_by_id=practitioner.id,
                    signed_name="Mei Chen, R.Ac",
                )
                visit.points = [
                    VisitPoint(position=0, code="BL23", side="bilateral", technique="tonify", de_qi=True),
                    VisitPoint(position=1, code="GV4", side="midline", technique="even", de_qi=False),
                ]
                visit.electro_pairs = [
                    ElectroPair(
                        position=0,
                        first_point="BL23",
                        second_point="BL25",
                        frequency_hz=2,
                        intensity="mild",
                        minutes=20,
                    )
                ]
                visit.overrides = [
                    SafetyOverride(
                        caution="anticoagulant", reason="Light needling", recorded_by_id=practitioner.id
                    )
                ]
                db.session.add(visit)
                db.session.flush()
                for context, score, minutes in ((BEFORE_TREATMENT, 7, 0), (AFTER_TREATMENT, 4, 50)):
                    record_scores(
                        patient.id,
                        {"lower_back_l": score, "buttock_r": score - 1},
                        context=context,
                        recorded_at=visit_at + timedelta(minutes=minutes),
                        recorded_by_id=practitioner.id,
                        visit_id=visit.id,
                    )
                db.session.flush()
                note = read_note(visit)
                visit.amendments.append(
                    Amendment(
                        amended_by_id=practitioner.id,
                        amended_by_name="Mei Chen, R.Ac",
                        amended_at=visit_at + timedelta(days=1),
                        reason=f"Tongue of visit {n + 1}",
                        changes=[["Tongue", "—", "Pale"]],
                        note_after={**note, "tongue": "Pale"},
                    )
                )
            db.session.commit()
        return patient

    return treated


def test_the_printed_chart_costs_the_same_queries_for_one_visit_or_thirty(
    app, client, login, treated_patient
):
    short, long = treated_patient(1), treated_patient(30)
    login("practitioner")

    def pdf_queries(patient) -> int:
        with counting_queries(app) as statements:
            response = client.get(f"/patients/{patient.id}/printout/chart.pdf?scope=whole")
        assert response.status_code == 200 and response.data.startswith(b"%PDF-")
        return len(statements)

    assert pdf_queries(long) == pdf_queries(short)


def test_the_patients_own_record_costs_the_same_queries_for_one_visit_or_thirty(
    app, client, login, treated_patient
):
    short, long = treated_patient(1), treated_patient(30)
    login("practitioner")

    def record_queries(patient) -> int:
        with counting_queries(app) as statements:
            response = client.get(f"/patients/{patient.id}/record/own-record.zip")
        assert response.status_code == 200
        return len(statements)

    assert record_queries(long) == record_queries(short)
