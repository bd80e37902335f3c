"""Downloads of one patient's record: the whole chart as FHIR R4 JSON, the PDF and FHIR together, the visits CSV.

Clinical staff only.
"""

import json
import re

from flask import Response

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.access import roles_required
from intake.auth.roles import CLINICAL
from intake.clinic_time import clinic_today
from intake.extensions import db
from intake.fhir import bp
from intake.fhir.bundle import patient_record
from intake.fhir.own_record import ZIP_MIMETYPE, build_own_record
from intake.patients.records import get_patient
from intake.visits.export import export_filename, load_visit_lines, visits_csv

FHIR_JSON = "application/fhir+json"


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.route("/fhir.json")
@roles_required(*CLINICAL)
def fhir_record(patient_id: int):
    patient = get_patient(patient_id)
    bundle = patient_record(patient)
    record_event(
        audit.EXPORT,
        patient=patient,
        record_type="patient_record",
        detail=f"FHIR R4 bundle, whole record ({len(bundle['entry'])} resources)",
    )
    db.session.commit()
    chart = re.sub(r"[^A-Za-z0-9-]", "", patient.chart_number)
    filename = f"record-{chart}-{clinic_today().isoformat()}.fhir.json"
    return _download(json.dumps(bundle, ensure_ascii=False, indent=1), FHIR_JSON, filename)


@bp.route("/own-record.zip")
@roles_required(*CLINICAL)
def own_record(patient_id: int):
    patient = get_patient(patient_id)
    record = build_own_record(patient, clinic_today())
    # One export naming both files; recorded once they exist, committed before they leave.
    record_event(
        audit.EXPORT,
        patient=patient,
        record_type="patient_record",
        detail=(
            f"Patient's own record, whole chart: {' and '.join(record.member_names)} "
            f"(PDF; FHIR R4 bundle of {record.resource_count} resources)"
        ),
    )
    db.session.commit()
    return _download(record.archive, ZIP_MIMETYPE, record.filename)


@bp.route("/visits.csv")
@roles_required(*CLINICAL)
def visits_export(patient_id: int):
    patient = get_patient(patient_id)
    lines = load_visit_lines(patient.id)
    record_event(audit.EXPORT, patient=patient, record_type="visits", detail=f"CSV, {len(lines)} visits")
    db.session.commit()
    return _download(visits_csv(lines), "text/csv", export_filename(patient.chart_number, clinic_today()))
