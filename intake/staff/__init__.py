"""Administrators manage staff accounts: create, change role, deactivate, reset password."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from intake.staff import views  # noqa: E402,F401
