"""The intake questionnaire patients fill before their first visit (link or clinic tablet)."""

from flask import Blueprint

bp = Blueprint("intake", __name__)

from intake.intake import views  # noqa: E402,F401
