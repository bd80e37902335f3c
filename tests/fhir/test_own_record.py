"""The patient's own record in one action: the printed chart (PDF) and the FHIR R4 Bundle in one ZIP."""

import io
import json
import zipfile

from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from intake.clinic_time import clinic_today
from tests.conftest import sign_in
from tests.fhir.test_record import references_in, resources, schema_errors
from tests.fixtures.security import CLINICAL_CANARY, NAME_CANARY


def own_record(client, patient_id: int):
    """Download the ZIP and return the response and its files by name."""
    response = client.get(f"/patients/{patient_id}/record/own-record.zip")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.testzip() is None
        return response, {name: archive.read(name) for name in archive.namelist()}


def pdf_words(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_one_download_holds_the_printed_chart_and_the_fhir_bundle_named_by_chart_and_date(
    app, client, login, full_record
):
    patient, _practitioner, _intake, _visit_id = full_record
    login("practitioner")
    response, files = own_record(client, patient.id)

    with app.app_context():
        stem = f"chart-{patient.chart_number}-{clinic_today().isoformat()}"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{stem}.zip"'
    assert response.headers["Cache-Control"] == "no-store"
    assert list(files) == [f"{stem}.pdf", f"{stem}.fhir.json"]
    assert not any(
        "Ashgrove" in name or "Rowan" in name for name in [*files, response.headers["Content-Disposition"]]
    )

    text = pdf_words(files[f"{stem}.pdf"])
    assert "Ashgrove, Rowan" in text
    assert "Sleeping better" in text  # the signed note's text
    assert "Tongue was not written down" in text  # its amendment's reason
    assert "Signed by Mei Chen" in text

    bundle = json.loads(files[f"{stem}.fhir.json"].decode("utf-8"))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert schema_errors(bundle) == []
    Bundle.model_validate(bundle)
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert [ref for ref in references_in(bundle["entry"]) if ref not in full_urls] == []
    (person,) = resources(bundle, "Patient")
    assert person["name"][0]["family"] == "Ashgrove"
    assert len(resources(bundle, "Encounter")) == 2


def test_the_own_record_is_audited_as_one_export_naming_both_files(
    app, client, login, full_record, audit_events
):
    patient, *_ = full_record
    user = login("admin")
    own_record(client, patient.id)

    with app.app_context():
        stem = f"chart-{patient.chart_number}-{clinic_today().isoformat()}"
    (event,) = audit_events(action="export")
    assert event.patient_id == patient.id and event.user_id == user.id
    assert event.record_type == "patient_record"
    assert f"{stem}.pdf" in event.detail and f"{stem}.fhir.json" in event.detail
    assert "Ashgrove" not in event.detail


def test_the_own_record_never_holds_another_patients_rows(client, other_patient_world, full_record):
    patient, *_ = full_record
    world = other_patient_world
    sign_in(client, world.email("practitioner"))

    _response, own = own_record(client, patient.id)
    _response, theirs = own_record(client, world.patient_b_id)

    def contents(files: dict[str, bytes]) -> str:
        return " ".join(
            pdf_words(body) if name.endswith(".pdf") else body.decode("utf-8") for name, body in files.items()
        )

    assert CLINICAL_CANARY not in contents(own) and NAME_CANARY not in contents(own)
    # The canary patient's own record does hold them, in both files: their absence above means something.
    for name, body in theirs.items():
        text = pdf_words(body) if name.endswith(".pdf") else body.decode("utf-8")
        assert CLINICAL_CANARY in text and NAME_CANARY in text, name


def test_front_desk_cannot_download_the_own_record(client, login, full_record, audit_events):
    patient, *_ = full_record
    login("front_desk")
    response = client.get(f"/patients/{patient.id}/record/own-record.zip")
    assert response.status_code == 403
    assert "Ashgrove" not in response.get_data(as_text=True)
    assert audit_events(action="export") == []
    assert len(audit_events(action="access_denied")) == 1


def test_an_archived_patient_with_nothing_recorded_gets_their_own_record(client, login, make_patient):
    patient = make_patient(first_name="Ines", last_name="Quarrington", is_archived=True)
    login("practitioner")
    _response, files = own_record(client, patient.id)

    (pdf_name,) = [name for name in files if name.endswith(".pdf")]
    assert "Quarrington, Ines" in pdf_words(files[pdf_name])
    (json_name,) = [name for name in files if name.endswith(".fhir.json")]
    bundle = json.loads(files[json_name])
    assert [entry["resource"]["resourceType"] for entry in bundle["entry"]] == ["Patient"]
    assert schema_errors(bundle) == []


def test_the_chart_offers_the_own_record_to_clinical_staff_only(client, login, make_patient):
    patient = make_patient()
    login("practitioner")
    page = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert f"/patients/{patient.id}/record/own-record.zip" in page
    assert "Patient&#39;s own record (PDF + FHIR)" in page or "Patient's own record (PDF + FHIR)" in page

    client.post("/logout")
    login("front_desk")
    page = client.get(f"/patients/{patient.id}").get_data(as_text=True)
    assert "own-record.zip" not in page


def test_an_unknown_patient_is_not_found(client, login):
    login("practitioner")
    assert client.get("/patients/999999/record/own-record.zip").status_code == 404
