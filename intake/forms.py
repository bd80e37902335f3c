"""Form pieces shared by every feature: list pages, confirm buttons, and the clinic's sane dates and numbers.

Every date the app accepts lies in a range a clinic can have: clinical events (visits, check-ins,
history periods) from 1900 to the end of next year. Every number parser reads plain ASCII digits
of a sensible length only, so "NaN", "inf", "1e999", "sNaN", "²" or 5,000 digits get a message
beside the field instead of reaching arithmetic that breaks.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from flask import request
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField
from wtforms.validators import Optional, ValidationError

from intake.clinic_time import clinic_today

#: No list is this long; a larger ?page= is a typo or a probe, answered like any page past the end.
MAX_PAGE = 100_000
#: The earliest year of any date the clinic records.
EARLIEST_YEAR = 1900
#: A whole number as a form posts it: ASCII digits, at most nine (fits any database integer).
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")
#: A decimal as a form posts it: ASCII digits with an optional fraction, no exponent, NaN or infinity.
PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,6}(?:\.[0-9]{0,6})?|\.[0-9]{1,6})")


def requested_page() -> int:
    """Return the list page asked for with ``?page=``, from 1 to ``MAX_PAGE`` (1 when unreadable)."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


class ConfirmForm(FlaskForm):
    """An empty form, so POST-only buttons (archive, sign out, deactivate) carry a CSRF token."""


def latest_clinical_date() -> date:
    """The last day a clinical date may name: 31 December of next year (clinic time)."""
    return date(clinic_today().year + 1, 12, 31)


def clinical_date_range(what: str):
    """A validator: a date or date-and-time from 1900 to the end of next year, else a message naming ``what``."""

    def check(form, field):
        value = field.data
        if value is None:
            return
        day = value.date() if isinstance(value, datetime) else value
        if day.year < EARLIEST_YEAR:
            raise ValidationError(f"{what} cannot be before {EARLIEST_YEAR}; check the year.")
        if day > latest_clinical_date():
            raise ValidationError(f"{what} cannot be after {latest_clinical_date().year}; check the year.")

    return check


def first_date_field(label: str = "From") -> DateField:
    """The first day of a range of clinic dates (optional, inclusive, bounded like every clinical date)."""
    return DateField(
        label,
        validators=[Optional(), clinical_date_range("The first date")],
        invalid_value_message="Enter the first date as YYYY-MM-DD.",
    )


def last_date_field(label: str = "To") -> DateField:
    """The last day of a range of clinic dates (optional, inclusive, bounded like every clinical date)."""
    return DateField(
        label,
        validators=[Optional(), clinical_date_range("The last date")],
        invalid_value_message="Enter the last date as YYYY-MM-DD.",
    )


class _PlainlyTypedNumber:
    """A number field that accepts only ``PATTERN`` (plain digits), refusing anything else with its message."""

    PATTERN: re.Pattern[str]
    DEFAULT_MESSAGE: str

    def __init__(self, label=None, validators=None, message: str = "", **kwargs):
        super().__init__(label, validators, **kwargs)  # type: ignore[call-arg]
        self.number_message = message or self.DEFAULT_MESSAGE

    def convert(self, text: str):
        raise NotImplementedError

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = (valuelist[0] or "").strip()
        self.data = None
        if not text:
            return
        if not self.PATTERN.fullmatch(text):
            raise ValueError(self.number_message)
        self.data = self.convert(text)


class WholeNumberField(_PlainlyTypedNumber, IntegerField):
    """A whole number typed in plain digits (at most nine); anything else is refused with ``message``."""

    PATTERN = WHOLE_NUMBER
    DEFAULT_MESSAGE = "Enter a whole number, like 12."

    def convert(self, text: str) -> int:
        return int(text)


class PlainDecimalField(_PlainlyTypedNumber, DecimalField):
    """A decimal typed in plain digits, like 1.5: no exponent, NaN or infinity, at most six digits each side."""

    PATTERN = PLAIN_DECIMAL
    DEFAULT_MESSAGE = "Enter a number like 1.5."

    def convert(self, text: str) -> Decimal:
        return Decimal(text)
