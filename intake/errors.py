"""Branded error pages, and ids too large to exist answered with 404 instead of a database error."""

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from intake.extensions import db

#: Largest id a 32-bit INTEGER column holds (the smallest id range of our databases).
MAX_RECORD_ID = 2**31 - 1

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
    415: ("That was not sent as a form", "Use the pages of the app to send it; they send what it expects."),
    429: ("Too many attempts", "Wait a few minutes and try again."),
    500: (
        "Something went wrong on our side",
        "Nothing you saved before this was lost. Try again, and tell the clinic administrator if it keeps happening.",
    ),
}
CSRF_MESSAGE = (
    "This page's security token was missing or has expired",
    "Go back, reload the page, and do it again. If you were away for a while, you may need to sign in again.",
)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` in URLs, refusing values no record id can have (so they 404, never a 500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_RECORD_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def render_error(status: int, title: str | None = None, advice: str | None = None):
    default_title, default_advice = MESSAGES.get(status, (f"Error {status}", ""))
    page = render_template(
        "errors/error.html", status=status, title=title or default_title, advice=advice or default_advice
    )
    return page, status


def register_error_handlers(app):
    @app.errorhandler(CSRFError)
    def handle_csrf_error(error):
        app.logger.info("CSRF refused on %s %s: %s", request.method, request.path, error.description)
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            # An unexpected error reaches here as InternalServerError: drop the half-done work.
            db.session.rollback()
        return render_error(error.code)
