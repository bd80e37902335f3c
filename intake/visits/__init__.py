"""Treatment visit notes: SOAP, needling, massage, pain before and after, sign and amend."""

from flask import Blueprint

bp = Blueprint("visits", __name__)
