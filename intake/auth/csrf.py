"""CSRF protection on every POST, kind to long forms.

Every POST must carry a valid token. When the only problem is that the token of a form
page (a URL that also answers GET) has expired, the request goes on to its view instead of
a bare 400: the view's FlaskForm fails its own token check and shows the form again with
everything typed and a message. Nothing can be saved on that request (commits are refused),
and every other POST (buttons, JSON) is refused outright.
"""

from flask import current_app, flash, g, has_request_context, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.orm import Session

from intake.extensions import csrf

EXPIRED_TOKEN_MESSAGE = "Your session's security token expired; check the form and save again."
EXPIRED_TOKEN_REASON = "The CSRF token has expired."
FORM_MIMETYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def protect_posts():
    """Before each request: refuse a POST without a valid CSRF token (see the module docstring)."""
    config = current_app.config
    if not config["WTF_CSRF_ENABLED"] or request.method not in config["WTF_CSRF_METHODS"]:
        return None
    try:
        csrf.protect()
    except CSRFError as error:
        if error.description == EXPIRED_TOKEN_REASON and _is_form_page():
            g.csrf_token_expired = True
            flash(EXPIRED_TOKEN_MESSAGE, "warning")
            return None
        raise
    return None


def _is_form_page() -> bool:
    rule = request.url_rule
    return rule is not None and "GET" in (rule.methods or ()) and request.mimetype in FORM_MIMETYPES


@event.listens_for(Session, "before_commit")
def _refuse_commit_with_expired_token(session):
    # Belt and braces: a view that forgot to validate its form still cannot save on an expired token.
    if has_request_context() and g.get("csrf_token_expired"):
        raise CSRFError(EXPIRED_TOKEN_REASON)
