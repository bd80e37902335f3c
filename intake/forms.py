"""Form pieces shared by every feature."""

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """An empty form, so POST-only buttons (archive, sign out, deactivate) carry a CSRF token."""
