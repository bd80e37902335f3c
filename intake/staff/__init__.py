"""Administrators manage staff accounts: create, change role, deactivate, reset password."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
