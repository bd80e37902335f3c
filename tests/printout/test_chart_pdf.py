"""The printed chart: a real PDF of one patient's record, whole or between two dates, audited as an export."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from intake.audit.models import AuditEvent
from intake.clinic_time import clinic_today
from intake.extensions import db
from intake.pain.models import INTAKE
from intake.visits.models import Visit

MARCH = datetime(2025, 3, 3, 16, 30, tzinfo=UTC)  # 09:30 in Edmonton
CANARY = "CANARY-OTHER-PATIENT-7731"


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


def pdf_url(patient, **args):
    query = "&".join(f"{name}={value}" for name, value in args.items())
    return f"/patients/{patient.id}/printout/chart.pdf" + (f"?{query}" if query else "")


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:600]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    # Line breaks fall where the page does: compare words, not layout.
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def sign_note(client, app, note_form):
    """Write and sign a note through the note form: ``sign_note(visit, patient_report="…")``."""

    def sign(visit, **fields):
        with app.app_context():
            current = db.session.get(Visit, visit.id)
            db.session.expunge(current)
        fields = {"points": ["BL23", "GV4"], "needles_inserted": 3, "needles_removed": 3, **fields}
        response = client.post(
            f"/patients/{visit.patient_id}/visits/{visit.id}/edit",
            data=note_form(current, action="sign", **fields),
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:600]

    return sign


def amend(client, note_form, visit, **fields):
    data = note_form(visit, points=["BL23", "GV4"], needles_inserted=3, needles_removed=3, **fields)
    data.pop("version")
    response = client.post(f"/patients/{visit.patient_id}/visits/{visit.id}/amend", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:600]


def test_the_chart_pdf_holds_the_patients_record_with_a_signed_note_and_its_amendment(
    app, client, practitioner, make_patient, make_visit, make_submitted_intake, note_form, sign_note
):
    patient = make_patient(first_name="Rosalind", last_name="Okafor")
    make_submitted_intake(patient, goals="Carry my granddaughter")
    visit = make_visit(patient, practitioner)
    sign_note(visit, patient_report="Slept through the night after the last treatment",
              pain_before={"lower_back_l": 7}, pain_after={"lower_back_l": 3})  # fmt: skip
    amend(client, note_form, visit, patient_report="Slept through two nights after the last treatment",
          pain_before={"lower_back_l": 7}, pain_after={"lower_back_l": 3},
          reason="Patient phoned to correct the number of nights")  # fmt: skip

    response = client.get(pdf_url(patient, scope="whole"))
    text = pdf_text(response)

    assert "Okafor, Rosalind" in text
    assert patient.chart_number in text
    assert "Carry my granddaughter" in text  # the intake's answers
    assert "Slept through the night after the last treatment" in text  # the note as signed
    assert "Signed by Mei Chen" in text
    assert "Patient phoned to correct the number of nights" in text  # the amendment's reason
    assert "Slept through two nights after the last treatment" in text  # and what it set
    assert "Pain history" in text and "Worst region" in text


def test_the_file_is_named_by_chart_number_and_date_never_by_name(
    app, client, practitioner, make_patient, record_pain
):
    patient = make_patient(first_name="Rosalind", last_name="Okafor")
    record_pain(patient, {"lower_back_l": 6}, recorded_at=MARCH)
    response = client.get(pdf_url(patient, scope="whole"))
    disposition = response.headers["Content-Disposition"]
    with app.app_context():
        today = clinic_today().isoformat()
    assert disposition == f'attachment; filename="chart-{patient.chart_number}-{today}.pdf"'
    assert "Okafor" not in disposition and "Rosalind" not in disposition
    assert response.headers["Cache-Control"] == "no-store"


def test_another_patients_note_never_appears(
    client, practitioner, make_patient, make_visit, sign_note, record_pain
):
    other = make_patient(first_name="Other", last_name="Person")
    sign_note(make_visit(other, practitioner), patient_report=CANARY, pain_before={"hip_r": 9})
    record_pain(other, {"neck_back": 8}, recorded_at=MARCH)
    patient = make_patient(first_name="Rosalind", last_name="Okafor")
    sign_note(make_visit(patient, practitioner), patient_report="Own note of this patient")

    text = pdf_text(client.get(pdf_url(patient, scope="whole")))
    assert "Own note of this patient" in text
    assert CANARY not in text
    assert "Person, Other" not in text
    assert "Hip" not in text and "Neck, back" not in text


def test_an_archived_patients_chart_prints(app, client, practitioner, make_patient, make_visit, sign_note):
    patient = make_patient(first_name="Rosalind", last_name="Okafor")
    sign_note(make_visit(patient, practitioner), patient_report="Seen before the chart was archived")
    with app.app_context():
        from intake.patients.models import Patient

        db.session.get(Patient, patient.id).is_archived = True
        db.session.commit()
    text = pdf_text(client.get(pdf_url(patient, scope="whole")))
    assert "Seen before the chart was archived" in text
    assert "Archived chart" in text


def test_a_date_range_prints_only_the_records_inside_it(
    client, practitioner, make_patient, make_visit, sign_note, record_pain
):
    patient = make_patient()
    sign_note(make_visit(patient, practitioner, visit_at=MARCH), patient_report="The March visit")
    sign_note(
        make_visit(patient, practitioner, visit_at=MARCH + timedelta(days=60)), patient_report="The May visit"
    )
    record_pain(patient, {"lower_back_l": 6}, recorded_at=MARCH, context=INTAKE)

    text = pdf_text(client.get(pdf_url(patient, scope="dates", start="2025-05-01", end="2025-05-31")))
    assert "The May visit" in text
    assert "The March visit" not in text
    assert "From 2025-05-01 to 2025-05-31" in text


def test_the_export_is_audited_with_its_range(app, client, practitioner, make_patient, record_pain):
    patient = make_patient()
    record_pain(patient, {"lower_back_l": 6}, recorded_at=MARCH)
    assert (
        client.get(pdf_url(patient, scope="dates", start="2025-03-01", end="2025-03-31")).status_code == 200
    )
    with app.app_context():
        event = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.patient_id == patient.id).order_by(AuditEvent.id.desc())
        ).first()
        assert (event.action, event.record_type) == ("export", "chart")
        assert event.detail == "PDF, From 2025-03-01 to 2025-03-31"
        assert event.user_id == practitioner.id


def test_red_flags_print_with_their_decisions(client, practitioner, make_patient, make_submitted_intake):
    patient = make_patient()
    intake = make_submitted_intake(patient, saddle_numbness=True)
    response = client.post(
        f"/patients/{patient.id}/intakes/{intake.id}/red-flags/decide",
        data={
            "flag_code": "red_flag_saddle_numbness",
            "kind": "cleared",
            "reason": "Examined: sensation normal",
        },
    )
    assert response.status_code == 302
    text = pdf_text(client.get(pdf_url(patient, scope="whole")))
    assert "Red flag" in text
    assert "Cleared to treat: Examined: sensation normal" in text
    assert "Mei Chen" in text


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"scope": "dates"}, "start", "Enter a first date, a last date or both"),
        (
            {"scope": "dates", "start": "2025-05-01", "end": "2025-04-01"},
            "end",
            "The last date must be on or after",
        ),
        ({"scope": "dates", "start": "2025-13-01"}, "start", "Enter the first date as YYYY-MM-DD."),
        ({"scope": "dates", "start": "0001-01-01"}, "start", "The first date cannot be before 1900"),
        (
            {"scope": "dates", "start": "2024-01-01", "end": "2024-01-31"},
            "start",
            "Nothing was recorded between",
        ),
    ],
)
def test_a_range_to_fix_is_said_beside_its_field_and_kept(
    client, practitioner, make_patient, record_pain, args, field, message
):
    patient = make_patient()
    record_pain(patient, {"lower_back_l": 6}, recorded_at=MARCH)
    response = client.get(pdf_url(patient, **args))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error">{message}' in html
    for name in ("start", "end"):
        if name in args:
            assert f'value="{args[name]}"' in html  # what was typed is kept


def test_dates_left_typed_do_not_matter_for_the_whole_chart(client, practitioner, make_patient, record_pain):
    patient = make_patient()
    record_pain(patient, {"lower_back_l": 6}, recorded_at=MARCH)
    assert client.get(pdf_url(patient, scope="whole", start="nonsense")).status_code == 200


def test_a_patient_with_nothing_recorded_still_prints_saying_so(client, practitioner, make_patient):
    patient = make_patient(first_name="Newly", last_name="Registered")
    text = pdf_text(client.get(pdf_url(patient, scope="whole")))
    assert "Registered, Newly" in text
    assert "No intake submitted yet" in text
    assert "No signed visit notes yet" in text
    assert "No pain scores yet" in text


def test_front_desk_can_neither_choose_nor_download(client, login, make_patient):
    login("front_desk")
    patient = make_patient()
    assert client.get(f"/patients/{patient.id}/printout/").status_code == 403
    assert client.get(pdf_url(patient, scope="whole")).status_code == 403


def test_the_chart_offers_the_printout_to_clinical_staff_only(client, login, make_patient):
    patient = make_patient()
    login("practitioner")
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Print chart (PDF)" in chart
    choose = client.get(f"/patients/{patient.id}/printout/")
    assert choose.status_code == 200
    html = choose.get_data(as_text=True)
    assert '<label class="field__label" for="start">From</label>' in html
    assert "Download the chart as a PDF" in html
    client.post("/logout")
    login("front_desk")
    assert "Print chart (PDF)" not in client.get(f"/patients/{patient.id}").get_data(as_text=True)


@pytest.mark.db_independent
def test_the_renderer_reads_only_the_clinics_static_files(app):
    from pathlib import Path

    from intake.printout.pdf import StaticFilesOnly

    fetcher = StaticFilesOnly(app.static_folder)
    stylesheet = Path(app.static_folder, "css", "printout.css").resolve()
    assert fetcher.fetch(stylesheet.as_uri()).read().startswith(b"/*")
    for refused in (
        "https://example.com/tracker.png",
        "http://127.0.0.1:5000/patients/1",
        "file:///etc/passwd",
        stylesheet.as_uri().replace("css/printout.css", "../instance/secret_key"),
        "data:text/plain,hello",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)


def test_a_progress_summary_handed_to_the_printout_is_printed(app, client, practitioner, make_patient):
    from jinja2 import ChoiceLoader, DictLoader

    from intake.printout.content import PROGRESS_SUMMARY

    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader({"progress.html": "{% for s in progress.sentences %}<p>{{ s }}</p>{% endfor %}"}),
            app.jinja_loader,
        ]
    )
    asked = []

    def progress(patient, period):
        asked.append((patient.id, period.start, period.end))
        return {
            "sentences": [f"Lower back pain fell from 7 to 3 over 6 visits for chart {patient.chart_number}"]
        }

    app.extensions[PROGRESS_SUMMARY] = ("progress.html", progress)
    patient = make_patient()
    text = pdf_text(client.get(pdf_url(patient, scope="whole")))
    assert "Progress summary" in text
    assert f"Lower back pain fell from 7 to 3 over 6 visits for chart {patient.chart_number}" in text
    assert asked == [(patient.id, None, None)]


def test_the_choice_page_and_a_range_to_fix_are_audited_as_looks(app, client, practitioner, make_patient):
    patient = make_patient()
    assert client.get(f"/patients/{patient.id}/printout/").status_code == 200
    assert client.get(pdf_url(patient, scope="dates")).status_code == 422
    with app.app_context():
        events = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.patient_id == patient.id).order_by(AuditEvent.id)
        ).all()
        looks = [(e.action, e.record_type, e.detail) for e in events if e.record_type == "chart_printout"]
        assert looks == [
            ("view", "chart_printout", "print form"),
            ("view", "chart_printout", "print form, dates to fix"),
        ]
        assert not [e for e in events if e.action == "export"]  # nothing left the app


def test_each_episode_of_care_prints_its_progress_in_words(
    client, practitioner, make_patient, make_submitted_intake
):
    patient = make_patient()
    make_submitted_intake(patient)  # opens an episode of care for the area it scores worst
    text = pdf_text(client.get(pdf_url(patient, scope="whole")))
    assert "Progress summary" in text
    assert "Lower back" in text.split("Progress summary", 2)[2]  # the episode's complaint, past the contents
    assert "No episode of care yet" not in text
    assert "No visits in this episode yet" in text
    assert "Not enough measurements yet to judge ODI" in text  # the sentences the outcomes code builds
