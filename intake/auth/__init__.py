"""Signing in and out."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from intake.auth import views  # noqa: E402,F401
