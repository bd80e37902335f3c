"""The printable chart: a patient's record as a PDF, for a referral, an insurer or the patient."""

from flask import Blueprint

bp = Blueprint("printout", __name__, url_prefix="/patients/<int:patient_id>/printout")
