"""The landing page after sign-in: a practitioner's day, everyone else's patient list."""

from flask import Blueprint

bp = Blueprint("home", __name__)
