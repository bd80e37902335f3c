"""The audit trail: who looked at or changed which record, when."""

from flask import Blueprint

# cli_group=None: the command is ``flask --app wsgi audit-verify``, not ``flask audit ...``.
bp = Blueprint("audit", __name__, url_prefix="/audit", cli_group=None)
