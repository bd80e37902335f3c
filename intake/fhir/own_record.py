"""The patient's own record in one download: the printed chart (PDF) and the FHIR R4 Bundle, in one ZIP.

The printed chart belongs to the printout feature, a neighbour in the top layer: the factory hands its
renderer down under ``PRINTED_CHART`` (a callable taking the patient, returning the whole chart's PDF bytes),
so this feature never imports the printout.
"""

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app

from intake.fhir.bundle import patient_record
from intake.patients.models import Patient

#: ``app.extensions`` key of the whole printed chart's renderer: ``(patient) -> PDF bytes``.
PRINTED_CHART = "intake.fhir.printed_chart"
PrintedChart = Callable[[Patient], bytes]
ZIP_MIMETYPE = "application/zip"
_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9-]")


@dataclass(frozen=True)
class OwnRecord:
    """The ZIP's bytes, its file name and the names of the files it holds."""

    archive: bytes
    filename: str
    member_names: tuple[str, ...]
    resource_count: int


def file_stem(chart_number: str, day: date) -> str:
    """Return ``chart-<number>-<date>``: the chart number and the day, never the patient's name."""
    return f"chart-{_UNSAFE_IN_FILE_NAME.sub('', chart_number) or 'unnumbered'}-{day.isoformat()}"


def printed_chart_renderer() -> PrintedChart:
    """Return the printed chart's renderer the factory handed down."""
    renderer = current_app.extensions.get(PRINTED_CHART)
    if renderer is None:
        raise RuntimeError("No printed chart renderer was registered (intake.register_providers)")
    return renderer


def build_own_record(patient: Patient, day: date) -> OwnRecord:
    """Build the patient's whole record as a ZIP of the printed chart and the FHIR R4 Bundle."""
    stem = file_stem(patient.chart_number, day)
    pdf = printed_chart_renderer()(patient)
    bundle = patient_record(patient)
    members = (
        (f"{stem}.pdf", pdf),
        (f"{stem}.fhir.json", json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            # A fixed time inside the archive: the day is in the name, and the moment is in the audit trail.
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, content)
    return OwnRecord(
        archive=buffer.getvalue(),
        filename=f"{stem}.zip",
        member_names=tuple(name for name, _content in members),
        resource_count=len(bundle["entry"]),
    )
