""" "Copy from last visit" carries what a practitioner repeats, keeps what is already written, and says so."""

import html as html_text
from datetime import timedelta

import pytest

from intake.database import utcnow
from intake.visits.note_fields import NOT_REPEATED_FROM_LAST_VISIT, NOTE_FIELDS, REPEATED_FROM_LAST_VISIT


def edit_url(visit):
    return f"/patients/{visit.patient_id}/visits/{visit.id}/edit"


@pytest.fixture
def practitioner(login):
    return login("practitioner", full_name="Mei Chen", designation="R.Ac")


@pytest.fixture
def patient(make_patient):
    return make_patient()


@pytest.fixture
def last_visit(practitioner, patient, make_visit, make_protocol):
    protocol = make_protocol(practitioner, "Low back", ["BL23"])
    return make_visit(
        patient,
        practitioner,
        points=["BL23", "GV4"],
        protocol_id=protocol.id,
        kind="both",
        duration_minutes=60,
        needle_gauge="0.25 mm",
        needle_length="40 mm",
        retention_minutes=25,
        moxibustion_kind="stick",
        moxibustion_points=["GV4"],
        cupping_style="fixed",
        cupping_sites="Lumbar paraspinals",
        cupping_minutes=10,
        heat_lamp=True,
        massage_techniques=["deep_tissue", "trigger_point"],
        massage_pressure="firm",
        massage_minutes=30,
        massage_areas=["lower_back_l", "buttock_r"],
        massage_areas_to_avoid="Left calf (varicose veins)",
        needles_inserted=12,
        needles_removed=12,
        patient_report="Worse after gardening",
        tongue="Pale",
        tcm_pattern="Kidney deficiency",
        massage_response="Relaxed",
        reactions=["bruising"],
        reaction_action="Pressure applied",
        visit_at=utcnow() - timedelta(days=7),
        signed=True,
    )


def flashed(client, response) -> str:
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return html_text.unescape(page)


def test_copy_carries_points_settings_needles_retention_and_the_massage(
    client, practitioner, patient, last_visit, make_visit, note_form, stored_note
):
    today = make_visit(patient, practitioner)
    response = client.post(edit_url(today), data=note_form(today, pulse="Wiry", action="copy_last"))
    assert response.status_code == 302
    note, _ = stored_note(today)
    assert [(p["code"], p["side"], p["technique"], p["de_qi"]) for p in note["points"]] == [
        ("BL23", "bilateral", "even", False),
        ("GV4", "midline", "even", False),
    ]
    assert note["protocol_id"] == last_visit.protocol_id
    assert (note["kind"], note["duration_minutes"]) == ("both", 60)
    assert (note["needle_gauge"], note["needle_length"], note["retention_minutes"]) == (
        "0.25 mm",
        "40 mm",
        25,
    )
    assert (note["moxibustion_kind"], note["moxibustion_points"]) == ("stick", ["GV4"])
    assert (note["cupping_style"], note["cupping_sites"], note["cupping_minutes"]) == (
        "fixed",
        "Lumbar paraspinals",
        10,
    )
    assert note["heat_lamp"] is True
    assert note["massage_techniques"] == ["deep_tissue", "trigger_point"]
    assert (note["massage_pressure"], note["massage_minutes"]) == ("firm", 30)
    assert note["massage_areas"] == ["lower_back_l", "buttock_r"]
    assert note["massage_areas_to_avoid"] == "Left calf (varicose veins)"
    # New at every visit: never copied.
    assert note["pulse"] == "Wiry"  # what was typed is saved first
    assert (note["needles_inserted"], note["needles_removed"]) == (None, None)
    assert (note["patient_report"], note["tongue"], note["tcm_pattern"], note["massage_response"]) == (
        "",
    ) * 4
    assert note["reactions"] == [] and note["pain_before"] == {} and note["pain_after"] == {}

    message = flashed(client, response)
    assert "Copied from the visit on" in message
    for group in ("points and their settings", "needles", "retention", "massage techniques", "pressure"):
        assert group in message
    assert "massage minutes and massage areas and areas to avoid" in message
    assert "Not copied: pain scores, what the patient reports" in message
    assert "reactions, safety overrides and the signature." in message


def test_copy_keeps_what_was_already_written(
    client, practitioner, patient, last_visit, make_visit, note_form, stored_note
):
    today = make_visit(patient, practitioner)
    typed = note_form(
        today,
        points=[{"code": "BL40", "technique": "reduce"}, {"code": "BL23", "technique": "tonify"}],
        retention_minutes=15,
        massage_pressure="light",
        action="copy_last",
    )
    response = client.post(edit_url(today), data=typed)
    note, _ = stored_note(today)
    assert [(p["code"], p["technique"]) for p in note["points"]] == [
        ("BL40", "reduce"),
        ("BL23", "tonify"),
        ("GV4", "even"),
    ]  # the last visit's points are added beside today's, today's settings kept
    assert note["retention_minutes"] == 15 and note["massage_pressure"] == "light"
    assert note["needle_gauge"] == "0.25 mm"  # still blank today: copied
    assert "Kept what you had written for retention and pressure." in flashed(client, response)


def test_copy_is_on_the_trail_with_what_it_copied(
    client, practitioner, patient, last_visit, make_visit, note_form, app
):
    from intake.audit.models import AuditEvent
    from intake.extensions import db

    today = make_visit(patient, practitioner)
    client.post(edit_url(today), data=note_form(today, action="copy_last"))
    with app.app_context():
        details = list(
            db.session.scalars(
                db.select(AuditEvent.detail).where(
                    AuditEvent.record_type == "visit", AuditEvent.record_id == today.id
                )
            )
        )
    assert any(d.startswith(f"copied from visit {last_visit.id}: the kind and length") for d in details)


@pytest.mark.db_independent
def test_every_note_field_is_either_repeated_or_said_not_to_be():
    repeated = [name for _group, names in REPEATED_FROM_LAST_VISIT for name in names]
    not_repeated = [name for _group, names in NOT_REPEATED_FROM_LAST_VISIT for name in names]
    assert not set(repeated) & set(not_repeated)
    assert sorted(repeated + not_repeated) == sorted(field.name for field in NOTE_FIELDS)
