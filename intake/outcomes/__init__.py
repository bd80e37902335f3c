"""Episodes of care and their outcomes: progress in plain words, the clinic outcomes report."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__)
