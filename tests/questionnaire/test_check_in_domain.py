"""Return-visit check-ins in the domain: PEG scoring, starting and sending, the latest of a day, what flows into care."""

from datetime import timedelta

import pytest

from intake.audit.models import AuditEvent
from intake.clinic_time import clinic_today, to_clinic_time
from intake.extensions import db
from intake.outcomes.models import Episode
from intake.pain.models import PATIENT_CHECK_IN, PainScore
from intake.patients.models import Patient
from intake.questionnaire import check_in_steps as c
from intake.questionnaire import operations
from intake.questionnaire.alerts import latest_submitted_intake, patient_alerts
from intake.questionnaire.check_ins import (
    last_scored_regions,
    latest_check_in,
    prefill_from,
    previous_peg_score,
    visit_prefill,
)
from intake.questionnaire.decisions import undecided_red_flags
from intake.questionnaire.models import CHECK_IN_FORM, INTAKE_FORM, Intake


@pytest.mark.db_independent
@pytest.mark.parametrize(
    ("items", "score"),
    [
        ((0, 0, 0), 0.0),
        ((10, 10, 10), 10.0),
        ((4, 4, 5), 4.3),  # 13 / 3 = 4.333…
        ((4, 5, 5), 4.7),  # 14 / 3 = 4.666…
        ((0, 0, 1), 0.3),
        ((9, 10, 10), 9.7),
        ((3, 5, 7), 5.0),
    ],
)
def test_peg_score_is_the_mean_of_its_three_items_to_one_decimal(items, score):
    assert c.peg_score(dict(zip(c.PEG_KEYS, items, strict=True))) == score


@pytest.mark.db_independent
@pytest.mark.parametrize(
    "items",
    [
        {"peg_pain": 4, "peg_enjoyment": 3},
        {"peg_pain": 4, "peg_enjoyment": 3, "peg_activity": None},
        {"peg_pain": 4, "peg_enjoyment": 3, "peg_activity": 11},
        {"peg_pain": -1, "peg_enjoyment": 3, "peg_activity": 2},
        {"peg_pain": "4", "peg_enjoyment": 3, "peg_activity": 2},
        {"peg_pain": True, "peg_enjoyment": 3, "peg_activity": 2},
    ],
)
def test_peg_score_needs_all_three_items_in_range(items):
    assert c.peg_score(items) is None


@pytest.mark.db_independent
@pytest.mark.parametrize(
    ("before", "after", "meaningful"),
    [
        (5.0, 4.0, True),
        (4.3, 5.3, True),
        (4.3, 5.0, False),
        (4.7, 5.3, False),
        (6.0, 6.0, False),
        (None, 4.0, False),
    ],
)
def test_a_peg_change_of_one_point_either_way_is_meaningful(before, after, meaningful):
    assert c.is_meaningful_peg_change(c.peg_change(before, after)) is meaningful


def test_start_check_in_builds_a_check_in_beside_an_intake_in_progress(app, make_patient):
    patient = make_patient()
    with app.app_context():
        record = db.session.get(Patient, patient.id)
        intake = operations.start_intake(record)
        check_in = operations.start_check_in(record)
        assert check_in.id != intake.id
        assert check_in.form_kind == CHECK_IN_FORM and intake.form_kind == INTAKE_FORM
        assert operations.start_check_in(record).id == check_in.id
        assert operations.start_intake(record).id == intake.id
        assert operations.in_progress_intake(patient.id).id == intake.id
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == 0


def test_sending_a_check_in_link_is_audited_and_refused_for_an_archived_patient(app, make_patient, make_user):
    patient = make_patient()
    archived = make_patient(is_archived=True)
    staff = make_user(role="front_desk")
    with app.app_context():
        record = db.session.get(Patient, patient.id)
        check_in, token, grant = operations.send_check_in_link(record, by=staff)
        db.session.commit()
        assert check_in.is_check_in and grant is not None and grant.intake_id == check_in.id
        assert len(token) == 43
        details = [
            (event.action, event.detail)
            for event in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))
        ]
        assert ("create", "check-in") in details
        assert ("issue_link", "check-in link") in details
        with pytest.raises(operations.Refused) as refused:
            operations.send_check_in_link(db.session.get(Patient, archived.id), by=staff)
        assert "before starting a check-in" in refused.value.message


def test_a_submitted_check_in_records_pain_now_and_peg_and_opens_no_episode(
    app, make_patient, make_submitted_intake, make_submitted_check_in
):
    patient = make_patient()
    intake = make_submitted_intake(patient)
    check_in = make_submitted_check_in(patient, peg={"peg_pain": 4, "peg_enjoyment": 4, "peg_activity": 5})
    with app.app_context():
        assert db.session.get(Intake, check_in.id).peg_score == 4.3
        scores = db.session.scalars(db.select(PainScore).where(PainScore.intake_id == check_in.id)).all()
        assert [(s.region_code, s.score, s.context) for s in scores] == [
            ("lower_back_c", 4, PATIENT_CHECK_IN)
        ]
        assert scores[0].recorded_by_patient
        assert db.session.scalar(db.select(db.func.count()).select_from(Episode)) == 1  # the intake's only
        assert latest_submitted_intake(patient.id).id == intake.id
        assert latest_check_in(patient.id).id == check_in.id
        assert last_scored_regions(patient.id) == {"lower_back_c": 4}


def test_latest_check_in_of_a_clinic_day(app, make_patient, make_submitted_check_in):
    patient = make_patient()
    first = make_submitted_check_in(patient)
    second = make_submitted_check_in(patient, peg={"peg_pain": 2, "peg_enjoyment": 2, "peg_activity": 2})
    with app.app_context():
        today = to_clinic_time(db.session.get(Intake, second.id).submitted_at).date()
        assert latest_check_in(patient.id).id == second.id
        assert latest_check_in(patient.id, today).id == second.id
        assert latest_check_in(patient.id, today - timedelta(days=1)) is None
        assert previous_peg_score(db.session.get(Intake, second.id)) == 4.0
        assert previous_peg_score(db.session.get(Intake, first.id)) is None
        assert visit_prefill(patient.id, today - timedelta(days=1)) is None


def test_the_visit_note_prefill_holds_every_answer(app, make_patient, make_submitted_check_in):
    patient = make_patient()
    make_submitted_check_in(patient, peg={"peg_pain": 6, "peg_enjoyment": 6, "peg_activity": 6})
    make_submitted_check_in(
        patient,
        pain_now={"regions": {"lower_back_l": 5, "buttock_l": 3}},
        last_treatment={"reactions": ["bruising"], c.NO_REACTION: False, "other": "Slept badly"},
        flare_ups={"count": 2, "worst": 8},
        injury=True,
        injury_detail="Slipped on ice, left wrist",
        medicines=True,
        medicines_started="Naproxen",
        blood_thinners=["apixaban"],
    )
    with app.app_context():
        prefill = visit_prefill(patient.id, clinic_today())
    assert prefill.pain_now == {"lower_back_l": 5, "buttock_l": 3}
    assert prefill.flare_up_count == 2 and prefill.flare_up_worst == 8
    assert prefill.flare_up_words == "2 flare-ups since the last visit, the worst 8/10"
    assert prefill.reactions == ("bruising",) and prefill.reaction_other == "Slept badly"
    assert prefill.reaction_words == ["Bruising", "Slept badly"]
    assert prefill.peg_items == {"peg_pain": 4, "peg_enjoyment": 3, "peg_activity": 5}
    assert prefill.peg_score == 4.0 and prefill.peg_previous == 6.0
    assert prefill.peg_change == -2.0 and prefill.peg_change_is_meaningful
    assert [(change.code, change.follow_up) for change in prefill.changes] == [
        ("medicines", "blood thinner started: Apixaban (Eliquis); started: Naproxen"),
        ("injury", "Slipped on ice, left wrist"),
    ]


def test_an_in_progress_check_in_does_not_prefill(app, make_patient):
    patient = make_patient()
    with app.app_context():
        check_in = operations.start_check_in(db.session.get(Patient, patient.id))
        with pytest.raises(ValueError):
            prefill_from(check_in)


def test_a_pacemaker_declared_at_check_in_joins_the_intakes_alerts(
    app, make_patient, make_submitted_intake, make_submitted_check_in
):
    patient = make_patient()
    make_submitted_intake(patient, anticoagulant=True, anticoagulant_name="warfarin")
    make_submitted_check_in(patient, device=True, device_kind="pacemaker", device_detail="left chest, May")
    with app.app_context():
        alerts = {alert.code: alert.message for alert in patient_alerts(patient.id)}
    assert alerts["pacemaker"] == "Pacemaker (left chest, May) — no electro-acupuncture"
    assert alerts["anticoagulant"] == "Anticoagulant (warfarin) — bleeding risk"


def test_a_later_intake_starts_the_alerts_afresh(
    app, make_patient, make_submitted_intake, make_submitted_check_in
):
    patient = make_patient()
    make_submitted_intake(patient)
    make_submitted_check_in(patient, pregnancy="yes", trimester="1")
    with app.app_context():
        assert "pregnancy_first_trimester" in {alert.code for alert in patient_alerts(patient.id)}
    make_submitted_intake(patient)
    with app.app_context():
        assert patient_alerts(patient.id) == []


def test_red_flags_at_check_in_wait_for_a_decision_like_the_intakes(
    app, make_patient, make_submitted_intake, make_submitted_check_in
):
    patient = make_patient()
    make_submitted_intake(patient, fever=True)
    check_in = make_submitted_check_in(patient, saddle_numbness=True)
    with app.app_context():
        assert db.session.get(Intake, check_in.id).red_flag_count == 1
        undecided = undecided_red_flags([patient.id])[patient.id]
    assert sorted(flag.code for flag in undecided) == ["red_flag_fever", "red_flag_saddle_numbness"]
    assert {flag.intake_id for flag in undecided if flag.code == "red_flag_saddle_numbness"} == {check_in.id}


def test_pain_scored_at_check_in_counts_as_pain_on_arrival_in_the_history(
    app, make_patient, make_submitted_intake, make_submitted_check_in
):
    from intake.pain.history import load_pain_history

    patient = make_patient()
    make_submitted_intake(patient)  # lower back 6
    make_submitted_check_in(patient)  # lower back 4
    with app.app_context():
        history = load_pain_history(patient.id)
    assert history.first_scores == {"lower_back_c": 6}
    assert history.latest_scores == {"lower_back_c": 4}
    assert len(history.arrival_occasions) == 2
