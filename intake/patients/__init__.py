"""Patient records: demographics, search, and the chart page that other features fill."""

from flask import Blueprint

bp = Blueprint("patients", __name__, url_prefix="/patients")
