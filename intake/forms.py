"""Form pieces shared by every feature."""

from flask import request
from flask_wtf import FlaskForm

#: No list is this long; a larger ?page= is a typo or a probe, answered like any page past the end.
MAX_PAGE = 100_000


def requested_page() -> int:
    """Return the list page asked for with ``?page=``, from 1 to ``MAX_PAGE`` (1 when unreadable)."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


class ConfirmForm(FlaskForm):
    """An empty form, so POST-only buttons (archive, sign out, deactivate) carry a CSRF token."""
