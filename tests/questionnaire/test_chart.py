"""The intake on the chart: the alert banner for all staff; answers only for practitioners and admins."""

from datetime import UTC, datetime

from intake.extensions import db
from intake.questionnaire.models import Intake


def test_front_desk_sees_alerts_and_intake_actions_but_no_answers(
    client, login, make_patient, make_submitted_intake
):
    patient = make_patient()
    intake = make_submitted_intake(patient, pacemaker=True, medications="Metoprolol", reason="Sciatica")
    login("front_desk")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Alerts for the practitioner" in html and "Pacemaker" not in html
    assert "Send intake link" in html and "Open on this tablet" in html
    assert "Last submitted" in html
    assert "Metoprolol" not in html and "Sciatica" not in html and "Oswestry" not in html
    assert client.get(f"/patients/{patient.id}/intakes/{intake.id}").status_code == 403
    assert client.post(f"/patients/{patient.id}/intakes/{intake.id}/reviewed").status_code == 403


def test_banner_sits_above_the_chart_with_red_flags_as_danger(
    client, login, make_patient, make_submitted_intake
):
    patient = make_patient()
    make_submitted_intake(patient, saddle_numbness=True, pregnant=True, trimester=1)
    login("practitioner")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    banner = html[html.index('class="alerts') : html.index("</section>", html.index('class="alerts'))]
    assert 'role="alert"' in html[html.index('class="alerts') - 80 : html.index('class="alerts') + 80]
    assert 'class="alert alert--danger" data-alert-code="red_flag_saddle_numbness"' in banner
    assert "Red flag: saddle numbness — refer before treating" in banner
    assert "Pregnant (1st trimester) — avoid lumbosacral and lower-abdominal points" in banner
    assert html.index("Red flag: saddle numbness") < html.index('id="contact-heading"')


def test_chart_says_when_nothing_has_been_screened(client, login, make_patient):
    patient = make_patient()
    login("practitioner")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "No intake submitted yet: red flags and precautions have not been screened." in html
    assert 'role="alert"' not in html


def test_chart_shows_the_latest_intake_and_lists_older_ones(
    app, client, login, make_patient, make_submitted_intake
):
    patient = make_patient()
    older = make_submitted_intake(patient, reason="Neck pain last spring")
    latest = make_submitted_intake(patient, reason="Lower back pain again")
    with app.app_context():
        row = db.session.get(Intake, older.id)
        row.submitted_at = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
        db.session.commit()
    login("practitioner")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Lower back pain again" in html
    assert "Neck pain last spring" not in html
    assert "Earlier intakes" in html
    assert f"/patients/{patient.id}/intakes/{older.id}" in html
    assert "Mar 2, 2026 10:00 AM" in html  # shown in the clinic's time zone
    older_page = client.get(f"/patients/{patient.id}/intakes/{older.id}").get_data(as_text=True)
    assert "Neck pain last spring" in older_page
    assert latest.id != older.id


def test_practitioner_marks_an_intake_reviewed_once(app, client, login, make_patient, make_submitted_intake):
    patient = make_patient()
    intake = make_submitted_intake(patient)
    first = login("practitioner", full_name="Mei Chen", designation="R.Ac")
    client.post(f"/patients/{patient.id}/intakes/{intake.id}/reviewed")
    with app.app_context():
        stamped = db.session.get(Intake, intake.id).reviewed_at
    client.post("/logout")
    login("admin", full_name="Ada Admin")
    client.post(f"/patients/{patient.id}/intakes/{intake.id}/reviewed")
    with app.app_context():
        row = db.session.get(Intake, intake.id)
        assert (row.reviewed_by_id, row.reviewed_at) == (first.id, stamped)


def test_an_intake_in_progress_cannot_be_marked_reviewed(app, client, login, make_patient, make_intake):
    patient = make_patient()
    intake = make_intake(patient)
    login("practitioner")
    client.post(f"/patients/{patient.id}/intakes/{intake.id}/reviewed")
    with app.app_context():
        assert db.session.get(Intake, intake.id).reviewed_at is None


def test_staff_cancel_an_intake_in_progress(app, client, login, make_patient):
    patient = make_patient()
    login("front_desk")
    client.post(f"/patients/{patient.id}/intakes/link")
    with app.app_context():
        intake = db.session.scalar(db.select(Intake))
    assert "Cancel intake" in client.get(f"/patients/{patient.id}").get_data(as_text=True)
    client.post(f"/patients/{patient.id}/intakes/{intake.id}/cancel")
    with app.app_context():
        assert db.session.get(Intake, intake.id).status == "revoked"
    assert "No intake yet" in client.get(f"/patients/{patient.id}").get_data(as_text=True)


def test_staff_actions_are_post_only(client, login, make_patient, make_intake):
    patient = make_patient()
    intake = make_intake(patient)
    login("admin")
    for url in (
        f"/patients/{patient.id}/intakes/link",
        f"/patients/{patient.id}/intakes/kiosk",
        f"/patients/{patient.id}/intakes/{intake.id}/revoke-link",
        f"/patients/{patient.id}/intakes/{intake.id}/cancel",
        f"/patients/{patient.id}/intakes/{intake.id}/reviewed",
    ):
        assert client.get(url).status_code == 405, url
