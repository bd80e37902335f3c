"""An intake and a visit (or a check-in) in the same minute are kept in the order they happened.

Forms show times to the minute; what is stored keeps the rest, so the visit started just after the
patient submitted the intake sorts after it and the intake's score stays the baseline of the change.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from intake.clinic_time import to_clinic_time
from intake.extensions import db
from intake.pain.models import PainScore
from intake.questionnaire.models import Intake
from intake.visits.models import Visit

REGION = "lower_back_c"  # scored 6 in the test intake


def _on_the_form(app, moment: datetime) -> str:
    """Return ``moment`` as the forms show it: clinic time, to the minute."""
    with app.app_context():
        return to_clinic_time(moment).strftime("%Y-%m-%dT%H:%M")


def _submitted_at_the_start_of_this_minute(app, intake) -> datetime:
    """Move the intake and its scores to this minute's first moment, so the visit comes within the same minute."""
    moment = datetime.now(UTC).replace(second=0, microsecond=1)
    with app.app_context():
        db.session.execute(update(Intake).where(Intake.id == intake.id).values(submitted_at=moment))
        db.session.execute(update(PainScore).where(PainScore.intake_id == intake.id).values(recorded_at=moment))
        db.session.commit()
    return moment


def test_a_visit_started_in_the_intake_s_minute_sorts_after_it(
    app, client, login, make_patient, make_submitted_intake, note_form
):
    practitioner = login("practitioner")
    patient = make_patient()
    intake = make_submitted_intake(patient)
    submitted = _submitted_at_the_start_of_this_minute(app, intake)
    assert client.post(f"/patients/{patient.id}/visits").status_code == 302
    with app.app_context():
        visit = db.session.scalars(select(Visit).where(Visit.patient_id == patient.id)).one()
        db.session.expunge(visit)
    assert visit.visit_at > submitted
    assert visit.practitioner_id == practitioner.id

    data = note_form(visit, pain_before={REGION: 3}, pain_after={REGION: 2})
    assert data["visit_at"] == _on_the_form(app, submitted)  # the same minute on the form
    saved = client.post(f"/patients/{patient.id}/visits/{visit.id}/edit", data=data)
    assert saved.status_code in (200, 302), saved.data[:500]

    with app.app_context():
        stored = db.session.get(Visit, visit.id)
        assert stored.visit_at == visit.visit_at  # the seconds survive a save of the unchanged minute
        scores = db.session.scalars(
            select(PainScore)
            .where(PainScore.patient_id == patient.id, PainScore.region_code == REGION)
            .order_by(PainScore.recorded_at, PainScore.id)
        ).all()
    assert [(s.context, s.score) for s in scores] == [
        ("intake", 6),
        ("before_treatment", 3),
        ("after_treatment", 2),
    ]
    history = client.get(f"/patients/{patient.id}/pain/?period=all")
    assert history.status_code == 200
    assert "6 → 3" in history.get_data(as_text=True)  # from the intake's 6, not "3 → 6"


def test_a_visit_moved_to_another_minute_takes_that_minute(app, client, login, make_patient, note_form):
    login("practitioner")
    patient = make_patient()
    assert client.post(f"/patients/{patient.id}/visits").status_code == 302
    with app.app_context():
        visit = db.session.scalars(select(Visit).where(Visit.patient_id == patient.id)).one()
        db.session.expunge(visit)
    earlier = _on_the_form(app, visit.visit_at - timedelta(hours=2))
    data = note_form(visit, pain_before={REGION: 5})
    data["visit_at"] = earlier
    assert client.post(f"/patients/{patient.id}/visits/{visit.id}/edit", data=data).status_code in (200, 302)
    with app.app_context():
        stored = db.session.get(Visit, visit.id)
        score = db.session.scalars(select(PainScore).where(PainScore.visit_id == visit.id)).one()
    assert _on_the_form(app, stored.visit_at) == earlier
    assert (stored.visit_at.second, stored.visit_at.microsecond) == (0, 0)
    assert score.recorded_at == stored.visit_at


def test_a_check_in_entered_for_now_sorts_after_the_intake_submitted_this_minute(
    app, client, login, make_patient, make_submitted_intake
):
    login("practitioner")
    patient = make_patient()
    intake = make_submitted_intake(patient)
    submitted = _submitted_at_the_start_of_this_minute(app, intake)
    form = client.get(f"/patients/{patient.id}/pain/check-in")
    assert form.status_code == 200
    shown = _on_the_form(app, submitted)
    saved = client.post(
        f"/patients/{patient.id}/pain/check-in",
        data={"recorded_at": shown, f"pain-{REGION}": "4"},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:800]
    with app.app_context():
        scores = db.session.scalars(
            select(PainScore)
            .where(PainScore.patient_id == patient.id, PainScore.region_code == REGION)
            .order_by(PainScore.recorded_at, PainScore.id)
        ).all()
    assert [(s.context, s.score) for s in scores] == [("intake", 6), ("check_in", 4)]
    assert scores[1].recorded_at > submitted
