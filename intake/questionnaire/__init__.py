"""The intake questionnaire patients fill before their first visit (link or clinic tablet).

Two blueprints: ``intake`` holds the staff pages under a patient's chart; ``intake_link`` holds
the questionnaire itself, opened only by a patient's link token or a clinic tablet's kiosk grant.
"""

from flask import Blueprint

bp = Blueprint("intake", __name__, url_prefix="/patients/<int:patient_id>/intakes")
link_bp = Blueprint("intake_link", __name__)
