"""Links sent to patients from the app (email now, text messages later) and the check-in reminders before visits."""

from flask import Blueprint

# cli_group=None: the reminder run is ``flask --app wsgi send-check-ins``, not ``flask reminders ...``.
bp = Blueprint("reminders", __name__, url_prefix="/patients/<int:patient_id>", cli_group=None)
