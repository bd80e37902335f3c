"""The patient's own record, sent out of the app: a FHIR R4 Bundle of the whole chart."""

from flask import Blueprint

bp = Blueprint("fhir", __name__, url_prefix="/patients/<int:patient_id>/record")
