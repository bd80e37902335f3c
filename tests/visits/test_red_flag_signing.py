"""A visit note cannot be signed while a red flag of the patient's latest intake waits for a decision."""

import pytest

from intake.extensions import db
from intake.visits.models import SafetyOverride, Visit

ELECTRO = [
    {"first_point": "BL23", "second_point": "GV4", "frequency_hz": 2, "intensity": "mild", "minutes": 15}
]


def edit_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}/edit"


def show_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}"


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def sign(client, app, note_form):
    """Save and sign the note as the form stands now (at the draft's current version)."""

    def do_sign(visit, **fields):
        with app.app_context():
            current = db.session.get(Visit, visit.id)
            db.session.expunge(current)
        fields = {"points": ["BL23", "GV4"], "needles_inserted": 3, "needles_removed": 3, **fields}
        return client.post(edit_url(visit), data=note_form(current, action="sign", **fields))

    return do_sign


def decide(client, patient, intake, flag_code, **fields):
    data = {"flag_code": flag_code, "kind": "cleared", "reason": "Examined: sensation normal", **fields}
    return client.post(f"/patients/{patient.id}/intakes/{intake.id}/red-flags/decide", data=data)


def test_signing_is_refused_naming_the_undecided_flags_and_the_draft_is_kept(
    client, practitioner, make_patient, make_submitted_intake, make_visit, note_form, stored_note, sign
):
    patient = make_patient()
    intake = make_submitted_intake(patient, saddle_numbness=True, leg_weakness=True)
    visit = make_visit(patient, practitioner)
    response = sign(visit, observations="Gentle work only")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Decide on these red flags before signing: saddle numbness; progressive leg weakness." in html
    # The banner at the top of the note links to the decision form of each flag.
    assert f"/patients/{patient.id}/intakes/{intake.id}/red-flags?flag=red_flag_saddle_numbness" in html
    assert "Record a decision" in html
    note, row = stored_note(visit)
    assert not row.is_signed and note["needles_inserted"] == 3

    decide(client, patient, intake, "red_flag_saddle_numbness")
    response = sign(visit)
    assert response.status_code == 422
    assert "Decide on this red flag before signing: progressive leg weakness." in response.get_data(
        as_text=True
    )

    decide(
        client, patient, intake, "red_flag_leg_weakness", kind="referred", referred_to="Dr. Singh", reason=""
    )
    assert sign(visit).status_code == 422  # a referral needs its date: nothing recorded
    decide(
        client, patient, intake, "red_flag_leg_weakness", kind="referred", referred_to="Dr. Singh",
        referred_on="2026-12-01", reason="",
    )  # fmt: skip
    assert sign(visit).status_code == 302
    assert stored_note(visit)[1].is_signed


def test_a_patient_without_red_flags_or_with_precautions_only_signs_as_before(
    client, practitioner, make_patient, make_submitted_intake, make_visit, note_form, sign
):
    plain = make_patient()
    make_submitted_intake(plain, anticoagulant=True, anticoagulant_name="warfarin")
    assert sign(make_visit(plain, practitioner)).status_code == 302
    never_screened = make_patient()
    assert sign(make_visit(never_screened, practitioner)).status_code == 302


def test_amending_a_signed_note_is_not_blocked_by_a_later_red_flag(
    client, practitioner, make_patient, make_submitted_intake, make_visit, note_form, stored_note, sign
):
    patient = make_patient()
    visit = make_visit(patient, practitioner)
    assert sign(visit).status_code == 302
    make_submitted_intake(patient, bladder_bowel=True)
    _, row = stored_note(visit)
    data = note_form(
        row, points=["BL23", "GV4"], needles_inserted=3, needles_removed=3, reason="Observed more"
    )
    data.pop("version")
    data["observations"] = "Guarding on forward flexion"
    response = client.post(f"{show_url(visit)}/amend", data=data)
    assert response.status_code == 302
    assert len(stored_note(visit)[1].amendments) == 1
    # A new note for the same patient waits for the decision.
    assert sign(make_visit(patient, practitioner)).status_code == 422


def test_every_note_shows_the_decision_beside_the_flag(
    client, practitioner, make_patient, make_submitted_intake, make_visit, note_form, sign
):
    patient = make_patient()
    intake = make_submitted_intake(patient, night_pain=True)
    decide(client, patient, intake, "red_flag_night_pain", reason="Pain eases lying on the side; mechanical")
    visit = make_visit(patient, practitioner)
    sign(visit)
    for url in (show_url(visit), edit_url(make_visit(patient, practitioner))):
        html = client.get(url).get_data(as_text=True)
        assert "Red flag: night pain not eased by rest or position" in html
        assert "Cleared to treat: Pain eases lying on the side; mechanical" in html
        assert "— Mei Chen, R.Ac," in html


def test_an_electro_override_shows_who_wrote_the_reason_and_when(
    app, client, practitioner, make_patient, make_submitted_intake, make_visit, note_form, stored_note, sign
):
    patient = make_patient()
    make_submitted_intake(patient, pacemaker=True)
    visit = make_visit(patient, practitioner)
    response = sign(
        visit,
        electro=ELECTRO,
        override_electro_with_pacemaker="Cardiologist's letter on file",
    )
    assert response.status_code == 302
    with app.app_context():
        override = db.session.scalars(
            db.select(SafetyOverride).where(SafetyOverride.visit_id == visit.id)
        ).one()
        assert override.recorded_by_id == practitioner.id and override.recorded_at is not None
    html = client.get(show_url(visit)).get_data(as_text=True)
    assert "Safety overrides: who and when" in html
    assert "“Cardiologist&#39;s letter on file” — Mei Chen, R.Ac," in html


def test_changing_an_override_reason_on_a_draft_restamps_who_and_when(
    app, client, practitioner, make_patient, make_submitted_intake, make_visit, note_form, sign
):
    patient = make_patient()
    make_submitted_intake(patient, pacemaker=True)
    visit = make_visit(patient, practitioner)
    common = {"points": ["BL23", "GV4"], "needles_inserted": 3, "needles_removed": 3, "electro": ELECTRO}
    client.post(
        edit_url(visit), data=note_form(visit, override_electro_with_pacemaker="First reason", **common)
    )
    with app.app_context():
        first = db.session.scalars(db.select(SafetyOverride)).one().recorded_at
        current = db.session.get(type(visit), visit.id)
        version = current.version
    visit.version = version
    client.post(
        edit_url(visit), data=note_form(visit, override_electro_with_pacemaker="Second reason", **common)
    )
    with app.app_context():
        override = db.session.scalars(db.select(SafetyOverride)).one()
        assert override.reason == "Second reason" and override.recorded_at > first
