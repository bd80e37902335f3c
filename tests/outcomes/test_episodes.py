"""Episodes of care on the chart: opened by an intake or a practitioner, closed with a reason, inactive after a gap."""

import re
from datetime import timedelta

from intake.audit.models import AuditEvent
from intake.clinic_time import clinic_today
from intake.database import utcnow
from intake.extensions import db
from intake.outcomes.models import Episode
from tests.conftest import query_count
from tests.outcomes.conftest import EPISODE_START


def _today(app):
    with app.app_context():
        return clinic_today()


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _episodes(app, patient):
    with app.app_context():
        return db.session.scalars(db.select(Episode).where(Episode.patient_id == patient.id)).all()


def _events(app, record_type):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent).where(AuditEvent.record_type == record_type)).all()


def test_a_submitted_intake_opens_an_episode_for_its_most_painful_area(
    app, client, login, make_patient, make_submitted_intake
):
    login("practitioner")
    patient = make_patient()
    intake = make_submitted_intake(patient, regions={"neck_back": 4, "lower_back_c": 6})
    episodes = _episodes(app, patient)
    assert [(e.complaint_area, e.intake_id) for e in episodes] == [("lower_back", intake.id)]
    text = _text(client.get(f"/patients/{patient.id}"))
    assert "Progress" in text and "Lower back · started" in text
    assert "Not enough measurements yet to judge lower back pain: one score, 6" in text


def test_a_second_intake_for_the_same_open_complaint_opens_no_new_episode(
    app, make_patient, make_submitted_intake
):
    patient = make_patient()
    make_submitted_intake(patient)
    make_submitted_intake(patient)
    assert len(_episodes(app, patient)) == 1


def test_a_practitioner_starts_an_episode_and_it_is_audited(app, client, login, make_patient):
    login("practitioner")
    patient = make_patient()
    page = client.get(f"/patients/{patient.id}/episodes/new")
    assert page.status_code == 200
    assert '<label class="field__label" for="complaint_area">Complaint</label>' in page.get_data(as_text=True)
    response = client.post(
        f"/patients/{patient.id}/episodes/new",
        data={"complaint_area": "neck", "started_on": _today(app).isoformat()},
    )
    assert response.status_code == 302
    (episode,) = _episodes(app, patient)
    assert episode.complaint_area == "neck" and episode.intake_id is None
    (event_,) = _events(app, "care_episode")
    assert event_.action == "create" and event_.patient_id == patient.id


def test_starting_refuses_a_future_date_and_a_second_open_episode_beside_the_field(
    app, client, login, make_patient, make_episode
):
    login("practitioner")
    patient = make_patient()
    future = (_today(app) + timedelta(days=2)).isoformat()
    response = client.post(
        f"/patients/{patient.id}/episodes/new", data={"complaint_area": "neck", "started_on": future}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="started_on-error">An episode cannot start in the future.' in html
    assert 'value="neck" selected' in html or 'selected value="neck"' in html
    make_episode(patient, complaint_area="neck", started_at=utcnow() - timedelta(days=3))
    response = client.post(
        f"/patients/{patient.id}/episodes/new",
        data={"complaint_area": "neck", "started_on": _today(app).isoformat()},
    )
    assert response.status_code == 422
    assert "An episode for neck is already open: close it first." in _text(response)
    response = client.post(
        f"/patients/{patient.id}/episodes/new", data={"complaint_area": "", "started_on": "2025-13-40"}
    )
    assert response.status_code == 422
    assert "Choose the complaint this episode treats." in _text(response)
    assert "Enter the start date as YYYY-MM-DD." in _text(response)
    assert len(_episodes(app, patient)) == 1


def test_closing_an_episode_records_why_and_when(app, client, login, make_patient, make_episode):
    login("practitioner")
    patient = make_patient()
    episode = make_episode(patient, started_at=utcnow() - timedelta(days=20))
    url = f"/patients/{patient.id}/episodes/{episode.id}/close"
    refused = client.post(url, data={"reason": "", "closed_on": _today(app).isoformat()})
    assert refused.status_code == 422
    assert 'id="reason-error">Choose why the episode ends.' in refused.get_data(as_text=True)
    too_early = client.post(url, data={"reason": "discharged", "closed_on": "2020-01-01"})
    assert too_early.status_code == 422
    assert "it cannot end before that" in _text(too_early)
    done = client.post(
        url,
        data={"reason": "discharged", "closed_on": _today(app).isoformat(), "note": "Back to gardening"},
    )
    assert done.status_code == 302
    (closed,) = _episodes(app, patient)
    assert closed.closed_reason == "discharged" and closed.close_note == "Back to gardening"
    page = _text(client.get(f"/patients/{patient.id}/episodes/{episode.id}"))
    assert "Discharged — goals met" in page and "Close this episode" not in page
    assert [e.action for e in _events(app, "care_episode")] == ["edit"]
    again = client.post(url, data={"reason": "stopped", "closed_on": _today(app).isoformat()})
    assert again.status_code == 422 and "This episode is already closed." in _text(again)


def test_an_episode_without_a_visit_for_ninety_days_reads_inactive(
    app, client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    patient = make_patient()
    episode = make_episode(patient, started_at=utcnow() - timedelta(days=200))
    treat(patient, practitioner, utcnow() - timedelta(days=91), {"lower_back_c": 5})
    assert "Inactive — no visit for over 90 days" in _text(
        client.get(f"/patients/{patient.id}/episodes/{episode.id}")
    )
    app.config["EPISODE_INACTIVE_AFTER_DAYS"] = 120
    assert "Inactive" not in _text(client.get(f"/patients/{patient.id}/episodes/{episode.id}"))


def test_visits_belong_to_the_episode_open_at_their_time(
    app, client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    patient = make_patient()
    first = make_episode(
        patient,
        started_at=EPISODE_START,
        closed_at=EPISODE_START + timedelta(days=30),
        closed_reason="discharged",
    )
    second = make_episode(patient, complaint_area="neck", started_at=EPISODE_START + timedelta(days=60))
    for day in (1, 8, 15, 45, 61, 70):  # day 45 falls between the two: in neither
        treat(patient, practitioner, EPISODE_START + timedelta(days=day), {"lower_back_c": 5, "neck_back": 4})
    page = _text(client.get(f"/patients/{patient.id}/episodes/{first.id}"))
    assert "3 visits since 2025-03-03" in page
    page = _text(client.get(f"/patients/{patient.id}/episodes/{second.id}"))
    assert "2 visits since 2025-05-02" in page


def test_the_progress_page_is_audited_and_closed_to_front_desk(
    app, client, login, make_patient, make_episode
):
    patient = make_patient()
    episode = make_episode(patient)
    login("front_desk")
    assert client.get(f"/patients/{patient.id}/episodes/{episode.id}").status_code == 403
    assert client.get(f"/patients/{patient.id}/episodes/new").status_code == 403
    assert "Progress summary" not in _text(client.get(f"/patients/{patient.id}"))


def test_a_view_of_the_progress_summary_is_audited(app, client, login, make_patient, make_episode):
    login("practitioner")
    patient = make_patient()
    episode = make_episode(patient)
    assert client.get(f"/patients/{patient.id}/episodes/{episode.id}").status_code == 200
    (viewed,) = _events(app, "progress_summary")
    assert viewed.action == "view" and viewed.record_id == episode.id


def test_another_patients_episode_is_not_found(client, login, make_patient, make_episode):
    login("practitioner")
    patient, other = make_patient(), make_patient()
    episode = make_episode(other)
    assert client.get(f"/patients/{patient.id}/episodes/{episode.id}").status_code == 404
    assert client.post(f"/patients/{patient.id}/episodes/{episode.id}/close", data={}).status_code == 404


def test_the_chart_and_progress_page_cost_the_same_queries_for_two_visits_or_twenty(
    app, client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    counts = []
    for visits in (2, 20):
        patient = make_patient()
        episode = make_episode(patient, started_at=EPISODE_START)
        for n in range(visits):
            treat(
                patient, practitioner, EPISODE_START + timedelta(days=3 * n), {"lower_back_c": 7 - n % 5},
                {"lower_back_c": 4}, flare_ups=1, reactions=["bruising"], lumbar_flexion_degrees=40 + n,
            )  # fmt: skip
        make_episode(patient, complaint_area="neck", started_at=EPISODE_START - timedelta(days=400),
                     closed_at=EPISODE_START - timedelta(days=300), closed_reason="stopped")  # fmt: skip
        counts.append(
            (
                query_count(app, client, f"/patients/{patient.id}"),
                query_count(app, client, f"/patients/{patient.id}/episodes/{episode.id}"),
            )
        )
    assert counts[0] == counts[1]


def test_the_progress_summary_says_in_words_how_the_episode_went(
    app, client, login, make_patient, make_episode, treat
):
    practitioner = login("practitioner")
    patient = make_patient()
    episode = make_episode(patient)
    history = [(7, 5), (6, 4), (6, 4), (5, 3), (4, 2), (3, 2)]
    for n, (before, after) in enumerate(history):
        treat(
            patient, practitioner, EPISODE_START + timedelta(days=7 * n, hours=1),
            {"lower_back_c": before, "buttock_l": 3}, {"lower_back_c": after, "buttock_l": 3},
            flare_ups=1 if n in (1, 4) else 0, reactions=["bruising"] if n == 2 else ["none"],
            fingertip_to_floor_cm=30 - 3 * n,
        )  # fmt: skip
    text = _text(client.get(f"/patients/{patient.id}/episodes/{episode.id}"))
    assert "6 visits since 2025-03-03 (acupuncture 6)." in text
    assert "Lower back pain fell from 7 to 3 over 6 visits — a meaningful improvement." in text
    assert (
        "Overall pain (the worst region) fell from 7 to 3 over 6 visits — a meaningful improvement." in text
    )
    assert "Buttock, left: pain stayed at 3 over 6 visits — not a meaningful change." in text
    assert (
        "Right after treatment, pain was 0.9 points lower on average (6 treatments scored before and after) "
        "— not a meaningful immediate effect." in text
    )
    assert "No ODI in this episode yet." in text and "No PEG scores yet." in text
    assert "Fingertip to floor improved: 30 cm at the first measurement (2025-03-03), 15 cm now." in text
    assert "2 flare-ups reported since 2025-03-03 — 0.5 a month." in text
    assert "Reactions to treatment: Bruising after 1 of 6 visits." in text
    assert "<svg" in client.get(f"/patients/{patient.id}/episodes/{episode.id}").get_data(as_text=True)
