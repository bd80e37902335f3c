"""The one way a clinic rule says no: ``Refused(errors={field: message})``.

Every write-side rule lives in a feature's ``operations.py``. When a rule refuses, the operation
raises ``Refused`` before changing anything, with a message per form field (``FORM`` for the
form as a whole), so the view shows each message beside its field without re-checking the rule.
"""

#: The key for a message about the whole request rather than one field.
FORM = ""


class Refused(Exception):
    """A clinic rule refused the change; ``errors`` maps each field to what to fix. Nothing was changed."""

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {FORM: errors}
        super().__init__("; ".join(errors.values()))
        self.errors: dict[str, str] = dict(errors)

    @property
    def message(self) -> str:
        """Every message in one line, for a flash."""
        return " ".join(self.errors.values())
