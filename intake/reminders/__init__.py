"""Links sent to patients from the app (email now, text messages later) and the check-in reminders before visits."""

from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/patients")
