"""Treatment visit notes: SOAP, needling, massage, pain before and after, sign and amend."""

from flask import Blueprint

bp = Blueprint("visits", __name__)

from intake.visits import timeline_views, views  # noqa: E402,F401
