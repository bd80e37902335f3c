"""The whole intake through the test client: staff send a link, the patient fills it over two sittings,
submits, and the practitioner sees it on the chart, with the alert banner, and marks it reviewed."""

import re
from datetime import date

from intake.extensions import db
from intake.pain.models import PainScore
from intake.patients.models import Patient
from intake.questionnaire import steps as q
from intake.questionnaire.models import Intake
from tests.questionnaire.answers import SIGNATURE, start_link, step_data


def test_patient_fills_intake_over_two_sittings_and_practitioner_reviews_it(app, client, login, make_patient):
    patient = make_patient(first_name="Margaret", last_name="Okafor", date_of_birth=date(1961, 4, 12))
    practitioner = login("practitioner", full_name="Mei Chen", designation="R.Ac")
    link = start_link(client, patient)

    phone = app.test_client()  # the patient's own phone: no staff session
    first = phone.get(link)
    assert first.status_code == 302 and first.headers["Location"].endswith(f"{link}/contact")

    page = phone.get(f"{link}/contact")
    html = page.get_data(as_text=True)
    assert "Step 1 of 8" in html
    assert "780-555-0100" in html  # the phone number on the chart, to confirm or correct
    assert 'class="main-nav"' not in html  # no site navigation on the questionnaire

    data = step_data()
    saved = phone.post(f"{link}/contact", data=data[q.CONTACT])
    assert saved.headers["Location"].endswith(f"{link}/complaint")
    phone.post(f"{link}/complaint", data=data[q.COMPLAINT])
    saved = phone.post(f"{link}/pain", data=data[q.PAIN])
    assert saved.headers["Location"].endswith(f"{link}/odi")

    # The patient leaves and comes back later through the same link: they carry on at the next step.
    later = app.test_client()
    resumed = later.get(link)
    assert resumed.headers["Location"].endswith(f"{link}/odi")
    odi_page = later.get(f"{link}/odi").get_data(as_text=True)
    assert "Step 4 of 8" in odi_page
    assert f'href="{link}/pain"' in odi_page  # Back
    pain_page = later.get(f"{link}/pain").get_data(as_text=True)
    assert 'value="7" selected' in pain_page  # what was saved is shown again

    odi = {key: "2" for key in q.ODI_SECTION_KEYS} | {"sex_life": "skip"}
    for step, values in ((q.ODI, odi), (q.RED_FLAGS, data[q.RED_FLAGS])):
        assert later.post(f"{link}/{step}", data=values).status_code == 302
    health = data[q.HEALTH] | {"pacemaker": "yes", "anticoagulant": "yes", "anticoagulant_name": "warfarin"}
    assert later.post(f"{link}/health", data=health).status_code == 302
    consent = later.post(f"{link}/consent", data=data[q.CONSENT])
    assert consent.headers["Location"].endswith(f"{link}/review")

    review = later.get(f"{link}/review").get_data(as_text=True)
    assert "Step 8 of 8" in review
    assert "Lower back, left: 7; Buttock, left: 4" in review
    assert "Yes: warfarin" in review
    assert "Submit my answers" in review and "disabled" not in review.split("Submit my answers")[0][-80:]

    done = later.post(f"{link}/submit")
    assert done.headers["Location"] == "/intake/thank-you"
    assert "Thank you" in later.get("/intake/thank-you").get_data(as_text=True)

    with app.app_context():
        intake = db.session.scalar(db.select(Intake).where(Intake.patient_id == patient.id))
        assert intake.status == "submitted" and intake.submitted_at is not None
        assert intake.odi_percent == 40.0  # 18 of 45 points, one section skipped
        assert intake.consent_name == "Margaret Okafor"
        assert intake.signature_path == SIGNATURE
        assert intake.consent_version == app.config["INTAKE_CONSENT_VERSION"]
        assert intake.consent_text == app.config["INTAKE_CONSENT_TEXT"]
        assert intake.consent_ip == "127.0.0.1"
        scores = db.session.scalars(db.select(PainScore).where(PainScore.intake_id == intake.id)).all()
        assert {(s.region_code, s.score, s.context) for s in scores} == {
            ("lower_back_l", 7, "intake"),
            ("buttock_l", 4, "intake"),
        }
        record = db.session.get(Patient, patient.id)
        assert record.phone == "780-555-0199"  # corrected contact details reach the chart on submit
        assert record.email == "margaret@example.com"
        assert record.postal_code == "T5J 4P6"
        assert record.emergency_contact_name == "Daniel Okafor"
        intake_id = intake.id

    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert 'role="alert"' in chart
    assert "Pacemaker — no electro-acupuncture" in chart
    assert "Anticoagulant (warfarin) — bleeding risk" in chart
    assert "<strong>40%</strong> — Moderate disability" in chart
    assert "9 of 10 sections answered" in chart
    assert "Lower back pain on the left, into the buttock" in chart
    assert "Read and review the intake" in chart

    full = client.get(f"/patients/{patient.id}/intakes/{intake_id}").get_data(as_text=True)
    assert "Contact details changed on this intake" in full
    assert "780-555-0100" in full and "780-555-0199" in full
    assert f'd="{SIGNATURE}"' in full
    assert "Sex life (if applicable)" in full and "Skipped" in full

    reviewed = client.post(f"/patients/{patient.id}/intakes/{intake_id}/reviewed")
    assert reviewed.status_code == 302
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Reviewed by Mei Chen, R.Ac" in chart
    assert "Read and review the intake" not in chart
    with app.app_context():
        intake = db.session.get(Intake, intake_id)
        assert intake.reviewed_by_id == practitioner.id and intake.reviewed_at is not None

    # The used link opens nothing now: it thanks the patient again, with nothing of their answers.
    used = phone.get(link)
    assert used.status_code == 200
    assert "This form was already sent to the clinic — thank you" in used.get_data(as_text=True)
    assert "Okafor" not in used.get_data(as_text=True)


def test_back_shows_earlier_answers_and_saving_again_replaces_them(app, client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    link = start_link(client, patient)
    phone = app.test_client()
    data = step_data()
    phone.post(f"{link}/contact", data=data[q.CONTACT])
    phone.post(f"{link}/complaint", data=data[q.COMPLAINT])

    back = phone.get(f"{link}/complaint").get_data(as_text=True)
    assert "Lower back pain on the left, into the buttock" in back
    phone.post(f"{link}/complaint", data=data[q.COMPLAINT] | {"reason": "Neck pain"})
    with app.app_context():
        intake = db.session.scalar(db.select(Intake).where(Intake.patient_id == patient.id))
        assert intake.answers[q.COMPLAINT]["reason"] == "Neck pain"
        assert intake.status == "in_progress"


def test_submit_is_refused_until_every_step_is_saved(app, client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    link = start_link(client, patient)
    phone = app.test_client()
    phone.post(f"{link}/contact", data=step_data()[q.CONTACT])

    review = phone.get(f"{link}/review").get_data(as_text=True)
    assert "Some steps are not finished yet" in review
    assert f'href="{link}/complaint"' in review
    refused = phone.post(f"{link}/submit")
    assert refused.status_code == 422
    with app.app_context():
        intake = db.session.scalar(db.select(Intake).where(Intake.patient_id == patient.id))
        assert intake.status == "in_progress"


def test_typed_signature_is_accepted_without_drawing(app, client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    link = start_link(client, patient)
    phone = app.test_client()
    consent = step_data()[q.CONSENT] | {"signature_path": "", "signature_typed": "Margaret Okafor"}
    assert phone.post(f"{link}/consent", data=consent).status_code == 302
    with app.app_context():
        intake = db.session.scalar(db.select(Intake).where(Intake.patient_id == patient.id))
        assert intake.signature_typed == "Margaret Okafor" and intake.signature_path is None


def test_save_and_start_intake_from_the_new_patient_form(client, login):
    login("front_desk")
    response = client.post(
        "/patients/new",
        data={
            "first_name": "Tyler",
            "last_name": "Bergstrom",
            "date_of_birth": "1988-02-03",
            "phone": "780-555-0123",
            "province": "AB",
            "then": "intake",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/intakes/start")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Get a link for the patient's phone" in page
    assert "Sign me out and hand the tablet to the patient" in page


def test_every_questionnaire_form_carries_a_csrf_token(app, client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    link = start_link(client, patient)
    app.config["WTF_CSRF_ENABLED"] = True
    phone = app.test_client()
    for step, values in step_data().items():
        page = phone.get(f"{link}/{step}").get_data(as_text=True)
        [token] = re.findall(r'name="csrf_token" value="([^"]+)"', page)
        response = phone.post(f"{link}/{step}", data=values | {"csrf_token": token})
        assert response.status_code == 302, step
    review = phone.get(f"{link}/review").get_data(as_text=True)
    [token] = re.findall(r'name="csrf_token" value="([^"]+)"', review)
    assert phone.post(f"{link}/submit").status_code == 400
    assert phone.post(f"{link}/submit", data={"csrf_token": token}).headers["Location"] == "/intake/thank-you"
