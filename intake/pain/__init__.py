"""Pain scores by body region and the patient's pain history."""

from flask import Blueprint

bp = Blueprint("pain", __name__, url_prefix="/patients/<int:patient_id>/pain")
