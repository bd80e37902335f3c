"""Finding patient records for the pages that show one."""

from intake.extensions import db
from intake.patients.models import Patient


def get_patient(patient_id: int) -> Patient:
    """Fetch a patient for the chart, or 404."""
    return db.get_or_404(Patient, patient_id)
