"""The dashboard: a practitioner's unsigned notes and today's visits."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from intake.auth.access import roles_required
from intake.auth.roles import PRACTITIONER, STAFF
from intake.clinic_time import clinic_today
from intake.home import bp
from intake.visits.operations import overdue_drafts, visits_today


@bp.route("/")
@roles_required(*STAFF)
def index():
    if current_user.role != PRACTITIONER:
        return redirect(url_for("patients.index"))
    return render_template(
        "home/dashboard.html",
        overdue=overdue_drafts(current_user.id),
        today=visits_today(current_user.id),
        day=clinic_today(),
    )
