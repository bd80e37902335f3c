"""A visit note started on the day of the patient's check-in begins with what the patient answered.

"Pain before", flare-ups, progress (from the change in PEG) and the patient's report start from that day's
check-in, marked "from the patient's check-in" on the note form while they still hold the patient's values; they
stay editable, and a check-in of another day fills nothing.
"""

from datetime import timedelta

from sqlalchemy import select, update

from intake.audit.models import AuditEvent
from intake.extensions import db
from intake.pain.models import PainScore
from intake.questionnaire.models import Intake
from intake.visits.models import Visit

MARK = "from the patient&#39;s check-in"


def start_note(app, client, patient) -> Visit:
    assert client.post(f"/patients/{patient.id}/visits").status_code == 302
    with app.app_context():
        visit = db.session.scalars(select(Visit).where(Visit.patient_id == patient.id)).one()
        db.session.expunge(visit)
    return visit


def test_a_note_started_on_the_check_in_day_takes_pain_before_and_the_subjective_fields(
    app, client, login, make_patient, make_submitted_intake, make_submitted_check_in, stored_note
):
    login("practitioner")
    patient = make_patient()
    make_submitted_intake(patient)
    make_submitted_check_in(patient, peg={"peg_pain": 7, "peg_enjoyment": 6, "peg_activity": 8})  # PEG 7.0
    check_in = make_submitted_check_in(
        patient,
        pain_now={"regions": {"lower_back_c": 4, "buttock_l": 2}},
        flare_ups={"count": 2, "worst": 8},
        injury=True,
        injury_detail="Slipped on the ice",
    )  # PEG (4 + 3 + 5) / 3 = 4.0: two points better, a meaningful change
    visit = start_note(app, client, patient)

    note, _row = stored_note(visit)
    assert note["pain_before"] == {"lower_back_c": 4, "buttock_l": 2}
    assert note["pain_after"] == {}
    assert (note["flare_ups"], note["flare_up_worst"]) == (2, 8)
    assert note["progress"] == "better"
    report = note["patient_report"]
    assert "PEG 4.0 (was 7.0)." in report
    assert "After the last treatment: Soreness where I was treated, Feeling better." in report
    assert "New injury or fall" in report and "Slipped on the ice" in report
    assert note["reactions"] == []  # reactions of this visit are the practitioner's to record

    with app.app_context():
        created = db.session.scalars(
            select(AuditEvent).where(AuditEvent.record_type == "visit", AuditEvent.record_id == visit.id)
        ).one()
        assert created.detail == (
            f"prefilled from check-in {check_in.id}: progress, flare_ups, flare_up_worst, patient_report, pain_before"
        )
        before = db.session.scalars(
            select(PainScore).where(PainScore.visit_id == visit.id, PainScore.context == "before_treatment")
        ).all()
        assert {score.region_code: score.score for score in before} == {"lower_back_c": 4, "buttock_l": 2}

    form = client.get(f"/patients/{patient.id}/visits/{visit.id}/edit").get_data(as_text=True)
    assert form.count(MARK) == 6  # progress, flare-ups, worst, report, pain before, and the part's lead line


def test_what_the_practitioner_changes_loses_its_mark_and_stays_as_typed(
    app, client, login, make_patient, make_submitted_check_in, note_form, stored_note
):
    login("practitioner")
    patient = make_patient()
    make_submitted_check_in(patient, flare_ups={"count": 1, "worst": 7})
    visit = start_note(app, client, patient)
    note, row = stored_note(visit)
    assert note["flare_ups"] == 1 and note["pain_before"] == {"lower_back_c": 4}
    marked = client.get(f"/patients/{patient.id}/visits/{visit.id}/edit").get_data(as_text=True).count(MARK)

    data = note_form(
        row,
        pain_before={"lower_back_c": 4},
        flare_ups=3,
        flare_up_worst=7,
        patient_report=note["patient_report"],
    )
    saved = client.post(f"/patients/{patient.id}/visits/{visit.id}/edit", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:400]
    assert stored_note(visit)[0]["flare_ups"] == 3
    after = client.get(f"/patients/{patient.id}/visits/{visit.id}/edit").get_data(as_text=True).count(MARK)
    assert after == marked - 1  # flare-ups is the practitioner's now; the rest still the patient's


def test_a_first_check_in_sets_no_progress_and_a_check_in_of_another_day_fills_nothing(
    app, client, login, make_patient, make_submitted_check_in, stored_note
):
    login("practitioner")
    patient = make_patient()
    make_submitted_check_in(patient)
    first = start_note(app, client, patient)
    note, _row = stored_note(first)
    assert note["progress"] is None or note["progress"] == ""  # no PEG before it to compare with
    assert note["flare_ups"] == 1

    other = make_patient(first_name="Yesterday")
    check_in = make_submitted_check_in(other)
    with app.app_context():
        moved = check_in.submitted_at - timedelta(days=1)
        db.session.execute(update(Intake).where(Intake.id == check_in.id).values(submitted_at=moved))
        db.session.commit()
    visit = start_note(app, client, other)
    note, _row = stored_note(visit)
    assert note["pain_before"] == {} and note["flare_ups"] is None and note["patient_report"] == ""
    form = client.get(f"/patients/{other.id}/visits/{visit.id}/edit").get_data(as_text=True)
    assert MARK not in form


def test_a_note_started_without_a_check_in_is_blank(app, client, login, make_patient, stored_note):
    login("practitioner")
    patient = make_patient()
    visit = start_note(app, client, patient)
    note, _row = stored_note(visit)
    assert note["pain_before"] == {} and note["flare_ups"] is None and note["patient_report"] == ""
