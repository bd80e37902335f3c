"""The landing page after sign-in."""

from flask import Blueprint, redirect, url_for

from intake.auth.access import roles_required
from intake.auth.roles import STAFF

bp = Blueprint("home", __name__)


@bp.route("/")
@roles_required(*STAFF)
def index():
    return redirect(url_for("patients.index"))
