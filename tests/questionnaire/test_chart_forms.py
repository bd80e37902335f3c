"""The chart's intake sections, its alerts and its messages read the patient's forms once, whatever their number:
the latest submitted intake (by when it was submitted), the earlier ones, the check-ins since it, the check-in
and intake in progress."""

from datetime import UTC, datetime

from intake.extensions import db
from intake.questionnaire.models import Intake
from tests.conftest import counting_queries


def intake_reads(app, client, url: str) -> int:
    """Count the statements of a page that read whole forms (the progress summary's ODI and PEG read two columns)."""
    with counting_queries(app) as statements:
        assert client.get(url).status_code == 200
    return sum(
        1 for sql in statements if sql.startswith("SELECT patient_intake.id, patient_intake.patient_id")
    )


def submitted_on(app, intake_id: int, moment: datetime) -> None:
    with app.app_context():
        db.session.get(Intake, intake_id).submitted_at = moment
        db.session.commit()


def test_the_chart_reads_the_forms_once_for_every_section(
    app, client, login, make_patient, make_submitted_intake, make_submitted_check_in
):
    login("practitioner")
    few, many = make_patient(), make_patient()
    make_submitted_intake(few)
    make_submitted_intake(many)
    make_submitted_intake(many)
    for _ in range(6):
        make_submitted_check_in(many)
    client.get(f"/patients/{few.id}")
    # The patient's intakes with the check-in in progress, the check-ins since the latest intake, the latest
    # check-in when none is since: read once, shared by the alerts, the intake card, the answers and the messages.
    assert intake_reads(app, client, f"/patients/{few.id}") <= 3
    assert intake_reads(app, client, f"/patients/{many.id}") <= intake_reads(
        app, client, f"/patients/{few.id}"
    )


def test_front_desk_reads_the_forms_once_too(app, client, login, make_patient, make_submitted_intake):
    login("front_desk")
    patient = make_patient()
    make_submitted_intake(patient, pacemaker=True)
    assert intake_reads(app, client, f"/patients/{patient.id}") <= 3
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Alerts for the practitioner" in html and "Pacemaker" not in html


def test_the_latest_intake_is_the_one_submitted_last_not_the_one_started_last(
    app, client, login, make_patient, make_submitted_intake
):
    patient = make_patient()
    started_first = make_submitted_intake(patient, reason="Lower back pain again")
    started_later = make_submitted_intake(patient, reason="Neck pain last spring")
    submitted_on(app, started_first.id, datetime(2026, 6, 2, 17, 0, tzinfo=UTC))
    submitted_on(app, started_later.id, datetime(2026, 3, 2, 17, 0, tzinfo=UTC))
    login("practitioner")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    latest = html.split('id="intake-answers-heading"')[1]
    assert "Lower back pain again" in latest and "Neck pain last spring" not in latest
    assert f"/intakes/{started_first.id}#review" in latest
    earlier = latest.split("Earlier intakes")[1]
    assert f"/intakes/{started_later.id}" in earlier and f'/intakes/{started_first.id}"' not in earlier
    assert "Last submitted" in html.split('id="intake-heading"')[1]


def test_the_alerts_come_from_the_latest_intake_and_the_check_ins_after_it(
    app, client, login, make_patient, make_submitted_intake, make_submitted_check_in
):
    patient = make_patient()
    earlier = make_submitted_intake(patient, pacemaker=True)
    before = make_submitted_check_in(patient, injury=True, injury_detail="Slipped on ice")
    latest = make_submitted_intake(patient)
    after = make_submitted_check_in(patient, surgery=True, surgery_detail="Knee arthroscopy")
    for intake, month in ((earlier, 1), (before, 2), (latest, 3), (after, 4)):
        submitted_on(app, intake.id, datetime(2026, month, 2, 17, 0, tzinfo=UTC))
    login("practitioner")
    html = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    banner = html.split('<details class="chart-alerts')[1].split("</details>")[0]
    assert "Recent surgery (Knee arthroscopy)" in banner
    assert "Slipped on ice" not in banner and "Pacemaker" not in banner
    assert "Check-in submitted" in html.split('id="intake-heading"')[1]


def test_an_intake_in_progress_shows_who_started_it_and_its_steps(
    client, login, make_user, make_patient, make_intake, make_submitted_intake
):
    patient = make_patient()
    make_submitted_intake(patient)
    starter = make_user(role="front_desk", full_name="Jordan Lee")
    make_intake(patient, status="in_progress", answers={}, started_by_id=starter.id)
    login("practitioner")
    card = client.get(f"/patients/{patient.id}").get_data(as_text=True).split('id="intake-heading"')[1]
    assert "by Jordan Lee; not submitted yet (0 of" in card
    assert "Cancel intake" in card


def test_a_check_in_in_progress_is_read_with_the_intakes_and_shown_beside_them(
    client, login, make_patient, make_intake, make_submitted_intake
):
    patient = make_patient()
    make_submitted_intake(patient)
    make_intake(patient, status="in_progress", answers={})
    make_intake(patient, form_kind="check_in", status="in_progress", answers={})
    login("front_desk")
    card = client.get(f"/patients/{patient.id}").get_data(as_text=True).split('id="intake-heading"')[1]
    intake_part, check_in_part = card.split("Check-in before a return visit")
    assert "not submitted yet (0 of" in intake_part and "Cancel intake" in intake_part
    assert "Check-in started" in check_in_part and "not sent yet (0 of" in check_in_part
    assert "Cancel check-in" in check_in_part and "Send a new check-in link" in check_in_part
