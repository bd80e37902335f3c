"""The audit trail: who looked at or changed which record, when."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from intake.audit import views  # noqa: E402,F401
