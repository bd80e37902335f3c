"""Branded error pages."""

from flask import render_template
from werkzeug.exceptions import HTTPException

from intake.extensions import db

MESSAGES = {
    400: ("Something in that request was not right", "Go back, check the form and try again."),
    403: (
        "You do not have access to this page",
        "Your role does not include this page. Ask the clinic administrator if you need it.",
    ),
    404: ("Page not found", "The page or record you asked for does not exist, or is not yours to see."),
    405: ("That action is not allowed here", "Use the buttons on the page rather than typing the address."),
    413: (
        "That was too large to send",
        "The form or file you sent is larger than the clinic's limit. Send something smaller.",
    ),
    429: ("Too many attempts", "Wait a few minutes and try again."),
    500: (
        "Something went wrong on our side",
        "Nothing you saved before this was lost. Try again, and tell the clinic administrator if it keeps happening.",
    ),
}


def render_error(status: int):
    title, advice = MESSAGES.get(status, (f"Error {status}", ""))
    return render_template("errors/error.html", status=status, title=title, advice=advice), status


def register_error_handlers(app):
    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            # An unexpected error reaches here as InternalServerError: drop the half-done work.
            db.session.rollback()
        return render_error(error.code)
