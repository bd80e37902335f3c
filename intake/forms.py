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
from markupsafe import Markup
from wtforms import DateField, DecimalField, Field, IntegerField
from wtforms.utils import unset_value
from wtforms.validators import Optional, StopValidation, ValidationError

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


#: The months as a person names them, for the month of a date typed in parts.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: A typed day or month: one or two ASCII digits; a typed year: four.
DAY_OR_MONTH_TEXT = re.compile(r"[0-9]{1,2}")
YEAR_TEXT = re.compile(r"[0-9]{4}")
ISO_DATE_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class DayMonthYearInputs:
    """Day and year boxes (the number keypad on a phone) around a month list, each with its label."""

    def __call__(self, field: "DayMonthYearField", **kwargs) -> Markup:
        ids = field.part_ids
        wrong = (field.error_part or "day") if field.errors else None

        def invalid(part: str) -> Markup:
            return Markup(' aria-invalid="true"') if wrong == part else Markup("")

        def box(part: str, label: str, length: int) -> Markup:
            return Markup(
                '<div class="date-parts__part date-parts__part--{part}"><label for="{id}">{label}</label>'
                '<input class="input" type="text" inputmode="numeric" maxlength="{length}" autocomplete="bday-{part}"'
                ' id="{id}" name="{name}" value="{value}"{invalid}></div>'
            ).format(
                part=part,
                id=ids[part],
                label=label,
                length=length,
                name=f"{field.name}-{part}",
                value=field.typed[part],
                invalid=invalid(part),
            )

        typed_month = field.typed["month"].lstrip("0")
        options = Markup("").join(
            Markup('<option value="{value}"{selected}>{name}</option>').format(
                value=value, name=name, selected=Markup(" selected") if value == typed_month else Markup("")
            )
            for value, name in field.month_choices
        )
        month = Markup(
            '<div class="date-parts__part date-parts__part--month"><label for="{id}">Month</label>'
            '<select class="input" id="{id}" name="{name}" autocomplete="bday-month"{invalid}>'
            '<option value="">Choose</option>{options}</select></div>'
        ).format(id=ids["month"], name=f"{field.name}-month", invalid=invalid("month"), options=options)
        return Markup('<div class="date-parts__inputs">{}{}{}</div>').format(
            box("day", "Day", 2), month, box("year", "Year", 4)
        )


class DayMonthYearField(Field):
    """A remembered date (a birth date) typed as day, month and year, never picked from a calendar.

    The form posts ``<name>-day``, ``<name>-month`` (1-12) and ``<name>-year``; one ``YYYY-MM-DD``
    value posted under the field's own name (a script, a bookmarked old page) is read too. What was typed is kept in ``typed`` to show
    again; each problem is one message naming the part to fix (``error_part``). The date must be
    real, not before ``EARLIEST_YEAR`` and, unless ``allow_future``, not after today (clinic time).
    """

    PARTS = ("day", "month", "year")
    widget = DayMonthYearInputs()

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        what: str = "Date",
        required: bool = True,
        allow_future: bool = False,
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.what = what
        self.required = required
        self.allow_future = allow_future
        self.typed: dict[str, str] = dict.fromkeys(self.PARTS, "")
        self.error_part: str | None = None

    @property
    def part_ids(self) -> dict[str, str]:
        """The id of each part's input, for labels and links."""
        return {part: f"{self.id}-{part}" for part in self.PARTS}

    @property
    def first_input_id(self) -> str:
        """The input a link to this field's error should land on."""
        return self.part_ids[self.error_part or "day"]

    @property
    def month_choices(self) -> tuple[tuple[str, str], ...]:
        return tuple((str(n), name) for n, name in enumerate(MONTH_NAMES, start=1))

    def process_data(self, value):
        self.data = value if isinstance(value, date) else None
        if self.data is not None:
            self.typed = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(None, data, extra_filters)
        if formdata is None:
            return
        keys = [f"{self.name}-{part}" for part in self.PARTS]
        if any(key in formdata for key in keys):
            typed = {
                part: (formdata.get(key) or "").strip()[:20]
                for part, key in zip(self.PARTS, keys, strict=True)
            }
        elif self.name in formdata:
            whole = (formdata.get(self.name) or "").strip()[:20]
            match = ISO_DATE_TEXT.fullmatch(whole)
            if not match:  # one value is a YYYY-MM-DD value, and is told so
                self.data = None
                self.error_part = "day"
                if whole or self.required:
                    self.process_errors.append(f"Enter the {self.what.lower()} as YYYY-MM-DD.")
                return
            year, month, day = match.groups() if match else ("", "", "")
            typed = {"day": day.lstrip("0") or day, "month": month.lstrip("0") or month, "year": year}
        else:
            return
        self.typed = typed
        self.raw_data = [typed[part] for part in self.PARTS]
        self.data = None
        try:
            self.data = self._parse(typed)
        except _PartProblem as problem:
            self.error_part = problem.part
            self.process_errors.append(problem.message)

    def _parse(self, typed: dict[str, str]) -> date | None:
        what = self.what
        if not any(typed.values()):
            return None
        for part in self.PARTS:
            if not typed[part]:
                raise _PartProblem(part, f"{what} must include the {part}.")
        if not DAY_OR_MONTH_TEXT.fullmatch(typed["day"]) or not 1 <= int(typed["day"]) <= 31:
            raise _PartProblem("day", "Enter the day as a number from 1 to 31.")
        if not DAY_OR_MONTH_TEXT.fullmatch(typed["month"]) or not 1 <= int(typed["month"]) <= 12:
            raise _PartProblem("month", "Choose the month.")
        if not YEAR_TEXT.fullmatch(typed["year"]):
            raise _PartProblem("year", "Enter the year with four digits, like 1978.")
        day, month, year = int(typed["day"]), int(typed["month"]), int(typed["year"])
        if year < EARLIEST_YEAR:
            raise _PartProblem("year", f"{what} cannot be before {EARLIEST_YEAR}.")
        try:
            return date(year, month, day)
        except ValueError:
            raise _PartProblem(
                "day", f"{MONTH_NAMES[month - 1]} {year} has no day {day}; check the day and the month."
            ) from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            if self.required:
                self.error_part = "day"
                raise StopValidation(f"Enter the {self.what.lower()}: day, month and year.")
            return
        if not self.allow_future and self.data > clinic_today():
            self.error_part = "year"
            raise StopValidation(f"{self.what} cannot be in the future.")

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


class _PartProblem(Exception):
    """Which part of a date typed in parts is wrong, and what to say beside it."""

    def __init__(self, part: str, message: str):
        super().__init__(message)
        self.part = part
        self.message = message
