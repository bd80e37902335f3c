"""A red flag waits for a practitioner's decision: referred (to whom, when), cleared to treat, or not applicable."""

import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from intake.audit.models import AuditEvent
from intake.clinic_time import clinic_today
from intake.extensions import db
from intake.questionnaire.decisions import (
    count_patients_with_undecided_red_flags,
    patients_with_undecided_red_flags,
    undecided_red_flags,
)
from intake.questionnaire.models import RedFlagDecision
from tests.conftest import sign_in

SADDLE = "red_flag_saddle_numbness"
FEVER = "red_flag_fever"


def decide_url(patient, intake):
    return f"/patients/{patient.id}/intakes/{intake.id}/red-flags/decide"


def page_url(patient, intake):
    return f"/patients/{patient.id}/intakes/{intake.id}/red-flags"


def decide(client, patient, intake, **fields):
    data = {"flag_code": SADDLE, "kind": "cleared", "reason": "", "referred_to": "", "referred_on": ""}
    data.update(fields)
    return client.post(decide_url(patient, intake), data=data)


@pytest.fixture
def today(app):
    with app.app_context():
        return clinic_today()


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def flagged(make_patient, make_submitted_intake):
    patient = make_patient(first_name="Rosa", last_name="Nakamura")
    return patient, make_submitted_intake(patient, saddle_numbness=True, fever=True)


@contextmanager
def counted_statements():
    """Collect every SQL statement run inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def stored_decisions(app):
    with app.app_context():
        rows = db.session.scalars(db.select(RedFlagDecision).order_by(RedFlagDecision.id)).all()
        db.session.expunge_all()
    return rows


def test_a_referral_is_recorded_with_whom_and_when_and_shown_beside_the_flag_on_the_chart(
    today, app, client, practitioner, flagged
):
    patient, intake = flagged
    referred_on = today
    response = decide(
        client,
        patient,
        intake,
        kind="referred",
        referred_to="Royal Alexandra emergency department",
        referred_on=referred_on.isoformat(),
        reason="Sent by ambulance",
    )
    assert response.status_code == 302
    [decision] = stored_decisions(app)
    assert (decision.flag_code, decision.kind, decision.intake_id) == (SADDLE, "referred", intake.id)
    assert decision.referred_to == "Royal Alexandra emergency department"
    assert decision.referred_on == referred_on
    assert decision.decided_by_id == practitioner.id and decision.decided_by_name == "Mei Chen, R.Ac"
    assert decision.decided_at is not None

    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "Referred to Royal Alexandra emergency department on" in chart
    assert "Mei Chen, R.Ac" in chart
    # The other red flag still waits, with a way to decide it.
    assert chart.count('data-decision="none"') == 1
    assert f"red-flags?flag={FEVER}" in chart


def test_clearing_or_setting_aside_a_flag_needs_a_reason_and_keeps_what_was_typed(
    app, client, practitioner, flagged
):
    patient, intake = flagged
    response = decide(client, patient, intake, kind="cleared", reason="   ", referred_to="Dr. Typed")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write why it is safe to treat." in html
    assert 'value="Dr. Typed"' in html
    response = decide(client, patient, intake, kind="not_applicable", reason="")
    assert "Write why this red flag does not apply." in response.get_data(as_text=True)
    assert stored_decisions(app) == []

    assert (
        decide(
            client, patient, intake, kind="not_applicable", reason="Numbness is from the bike seat"
        ).status_code
        == 302
    )
    assert [d.kind for d in stored_decisions(app)] == ["not_applicable"]


@pytest.mark.parametrize(
    ("fields", "field_message"),
    [
        ({"referred_to": "", "referred_on": "TODAY"}, "Write to whom the patient was referred"),
        ({"referred_to": "Dr. Singh", "referred_on": ""}, "Give the date of the referral."),
        ({"referred_to": "Dr. Singh", "referred_on": "2026-13-40"}, "Enter the date as YYYY-MM-DD."),
        ({"referred_to": "Dr. Singh", "referred_on": "1901-01-01"}, "cannot be before"),
        ({"referred_to": "Dr. Singh", "referred_on": "9999-01-01"}, "cannot be dated after"),
        ({"referred_to": "D" * 161, "referred_on": "TODAY"}, "at most 160 characters"),
    ],
)
def test_a_referral_needs_whom_and_a_bounded_date(
    today, app, client, practitioner, flagged, fields, field_message
):
    patient, intake = flagged
    if fields["referred_on"] == "TODAY":
        fields = {**fields, "referred_on": today.isoformat()}
    response = decide(client, patient, intake, kind="referred", **fields)
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert stored_decisions(app) == []


def test_a_decision_must_name_one_of_the_intakes_red_flags(app, client, practitioner, flagged):
    patient, intake = flagged
    for code in ("red_flag_weight_loss", "pacemaker", ""):
        response = decide(client, patient, intake, flag_code=code, kind="cleared", reason="Fine")
        assert response.status_code == 422
    assert "Choose" in response.get_data(as_text=True)
    assert decide(client, patient, intake, kind="maybe", reason="Fine").status_code == 422
    assert stored_decisions(app) == []


def test_only_a_practitioner_decides_admins_see_and_front_desk_never(app, client, make_user, flagged):
    patient, intake = flagged
    admin, desk = make_user(role="admin"), make_user(role="front_desk")
    sign_in(client, admin.email)
    page = client.get(page_url(patient, intake))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "saddle numbness" in html and "Only a practitioner records red-flag decisions." in html
    assert "Record the decision" not in html
    assert decide(client, patient, intake, reason="Looks fine").status_code == 403
    client.post("/logout")
    sign_in(client, desk.email)
    assert client.get(page_url(patient, intake)).status_code == 403
    assert decide(client, patient, intake, reason="Looks fine").status_code == 403
    assert stored_decisions(app) == []


def test_a_decision_is_audited_and_a_later_one_supersedes_it_with_both_kept(
    today, app, client, practitioner, flagged
):
    patient, intake = flagged
    decide(
        client,
        patient,
        intake,
        kind="referred",
        referred_to="Dr. Singh",
        referred_on=today.isoformat(),
    )
    decide(client, patient, intake, kind="cleared", reason="Dr. Singh ruled out cauda equina; MRI clear")
    assert [d.kind for d in stored_decisions(app)] == ["referred", "cleared"]
    with app.app_context():
        events = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.record_type == "red_flag_decision").order_by(AuditEvent.id)
        ).all()
        assert [(e.action, e.patient_id, e.user_id) for e in events] == [
            ("create", patient.id, practitioner.id)
        ] * 2
        assert events[1].detail == f"intake {intake.id} · {SADDLE}: cleared"
    page = client.get(page_url(patient, intake)).get_data(as_text=True)
    assert "Cleared to treat: Dr. Singh ruled out cauda equina; MRI clear" in page  # the banner: the latest
    assert "Every decision on this intake" in page and "Referred to Dr. Singh on" in page  # the history: both


def test_a_new_intake_with_the_same_flag_needs_a_new_decision(
    app, client, practitioner, flagged, make_submitted_intake
):
    patient, intake = flagged
    decide(client, patient, intake, reason="Bike seat")
    decide(client, patient, intake, flag_code=FEVER, reason="Had a cold last week")
    with app.app_context():
        assert undecided_red_flags([patient.id]) == {}
    newer = make_submitted_intake(patient, saddle_numbness=True)
    with app.app_context():
        [flag] = undecided_red_flags([patient.id])[patient.id]
        assert (flag.code, flag.intake_id) == (SADDLE, newer.id)
    chart = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert 'data-decision="none"' in chart and "Bike seat" not in chart
    old_page = client.get(page_url(patient, intake)).get_data(as_text=True)
    assert "A newer intake has been submitted" in old_page


def test_undecided_red_flags_costs_the_same_queries_for_one_patient_or_many(
    app, make_patient, make_submitted_intake
):
    first = make_patient()
    make_submitted_intake(first, saddle_numbness=True)
    many = [make_patient() for _ in range(12)]
    for n, patient in enumerate(many):
        make_submitted_intake(patient, fever=n % 2 == 0)
        make_submitted_intake(patient, leg_weakness=n % 3 == 0)  # only the latest intake counts
    with app.app_context():
        with counted_statements() as one:
            found_one = undecided_red_flags([first.id])
        with counted_statements() as twelve:
            found = undecided_red_flags([first.id] + [p.id for p in many])
        with counted_statements() as listed:
            open_list = patients_with_undecided_red_flags(limit=50)
            total = count_patients_with_undecided_red_flags()
    assert [a.code for a in found_one[first.id]] == [SADDLE]
    assert set(found) == {first.id} | {p.id for n, p in enumerate(many) if n % 3 == 0}
    selects = [[q for q in run if q.startswith("SELECT")] for run in (one, twelve, listed)]
    assert [len(run) for run in selects] == [2, 2, 3]
    assert total == len(open_list) == len(found)
    assert open_list[0].submitted_at >= open_list[-1].submitted_at  # newest first


def test_decisions_on_an_archived_patient_are_not_listed_for_the_clinic(
    app, make_patient, make_submitted_intake
):
    patient = make_patient(is_archived=True)
    make_submitted_intake(patient, saddle_numbness=True)
    with app.app_context():
        assert patients_with_undecided_red_flags(limit=10) == []
        assert undecided_red_flags([patient.id])[patient.id]  # its chart still says so


def test_the_decision_page_lists_the_flags_and_is_audited_as_a_view(app, client, practitioner, flagged):
    patient, intake = flagged
    response = client.get(page_url(patient, intake) + f"?flag={FEVER}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(rf'<input checked[^>]*value="{FEVER}"', html)
    assert "<label" in html and "Referred to (for a referral)" in html
    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.record_type, event.record_id, event.detail) == (
            "view",
            "intake",
            intake.id,
            "red-flag decisions",
        )


def test_referral_dates_a_year_either_side_are_accepted(today, app, client, practitioner, flagged):
    patient, intake = flagged
    for day in (today - timedelta(days=300), today + timedelta(days=300)):
        response = decide(
            client, patient, intake, kind="referred", referred_to="Dr. Singh", referred_on=day.isoformat()
        )
        assert response.status_code == 302
    assert [d.referred_on for d in stored_decisions(app)][-1] > date.today() - timedelta(days=400)
