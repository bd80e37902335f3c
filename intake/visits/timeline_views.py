"""All of a patient's visits, a page at a time (the chart shows only the most recent ones)."""

from flask import render_template
from flask_login import current_user

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.access import roles_required
from intake.auth.roles import STAFF
from intake.extensions import db
from intake.forms import requested_page
from intake.patients.records import get_patient
from intake.visits import bp
from intake.visits.timeline import timeline_page

VISITS_PER_PAGE = 25


@bp.route("/patients/<int:patient_id>/visits", methods=["GET"])
@roles_required(*STAFF)
def index(patient_id: int):
    patient = get_patient(patient_id)
    clinical = current_user.is_clinical
    page = requested_page()  # bounded: a huge ?page= would overflow the database's OFFSET
    record_event(audit.VIEW, patient=patient, record_type="visit_list", detail=f"page {page}")
    db.session.commit()
    visits = timeline_page(patient.id, page=page, per_page=VISITS_PER_PAGE, clinical=clinical)
    return render_template("visits/index.html", patient=patient, visits=visits, clinical=clinical)
