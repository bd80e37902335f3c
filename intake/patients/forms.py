"""Patient demographics form."""

import re

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from intake.forms import DayMonthYearField
from intake.patients.models import SEX_AT_BIRTH_CHOICES

PROVINCES = [
    ("AB", "Alberta"),
    ("BC", "British Columbia"),
    ("MB", "Manitoba"),
    ("NB", "New Brunswick"),
    ("NL", "Newfoundland and Labrador"),
    ("NS", "Nova Scotia"),
    ("NT", "Northwest Territories"),
    ("NU", "Nunavut"),
    ("ON", "Ontario"),
    ("PE", "Prince Edward Island"),
    ("QC", "Quebec"),
    ("SK", "Saskatchewan"),
    ("YT", "Yukon"),
]
PHONE_CHARS = re.compile(r"^\+?[0-9 ().\-]+$")
POSTAL_CODE = re.compile(r"^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$")
#: The charts a possible-duplicate warning showed, as the form carries them back: "12,40".
CHART_IDS = re.compile(r"^\d{1,12}(,\d{1,12}){0,19}$")


def phone_problem(text: str) -> str | None:
    """Return why a phone number is refused, or None."""
    digits = re.sub(r"\D", "", text)
    if not PHONE_CHARS.match(text) or not 10 <= len(digits) <= 15:
        return "Enter a phone number with area code, like 780-555-0123."
    return None


def valid_phone(form, field):
    if field.data and field.data.strip():
        problem = phone_problem(field.data.strip())
        if problem:
            raise ValidationError(problem)


def birth_date_field(label: str) -> DayMonthYearField:
    """A date of birth typed as day, month and year: real, from 1900, not after today."""
    return DayMonthYearField(label, what="Date of birth")


def valid_phn(form, field):
    text = (field.data or "").strip()
    if text and not re.fullmatch(r"\d{9}", re.sub(r"[ \-]", "", text)):
        raise ValidationError("An Alberta personal health number has exactly 9 digits.")


def valid_postal_code(form, field):
    text = (field.data or "").strip()
    if text and not POSTAL_CODE.match(text):
        raise ValidationError("Enter a Canadian postal code, like T5K 2J1.")


def max_length(n: int, label: str):
    """A length limit whose message names the field."""
    return Length(max=n, message=f"{label} must be at most {n} characters.")


class ContactDetailsFields:
    """How to reach a patient: on the staff's patient form and the patient's own intake."""

    phone = TelField(
        "Phone", validators=[DataRequired("Enter a phone number."), max_length(30, "Phone"), valid_phone]
    )
    email = EmailField(
        "Email (optional)",
        validators=[
            Optional(),
            max_length(254, "Email"),
            Email("Enter a valid email address, like name@example.com."),
        ],
    )
    address_line = StringField(
        "Street address (optional)", validators=[Optional(), max_length(200, "Street address")]
    )
    city = StringField("City (optional)", validators=[Optional(), max_length(80, "City")])
    province = SelectField("Province", choices=PROVINCES, default="AB")
    postal_code = StringField(
        "Postal code (optional)", validators=[Optional(), max_length(7, "Postal code"), valid_postal_code]
    )


class PatientForm(ContactDetailsFields, FlaskForm):
    first_name = StringField(
        "First name", validators=[DataRequired("Enter the first name."), max_length(80, "First name")]
    )
    last_name = StringField(
        "Last name", validators=[DataRequired("Enter the last name."), max_length(80, "Last name")]
    )
    preferred_name = StringField(
        "Preferred name (optional)", validators=[Optional(), max_length(80, "Preferred name")]
    )
    date_of_birth = birth_date_field("Date of birth")
    sex_at_birth = SelectField("Sex at birth (optional)", choices=SEX_AT_BIRTH_CHOICES, default="")
    gender = StringField("Gender (optional)", validators=[Optional(), max_length(60, "Gender")])
    personal_health_number = StringField(
        "Alberta personal health number (optional, 9 digits)",
        validators=[Optional(), max_length(11, "Personal health number"), valid_phn],
    )
    emergency_contact_name = StringField(
        "Emergency contact name (optional)",
        validators=[Optional(), max_length(120, "Emergency contact name")],
    )
    emergency_contact_relationship = StringField(
        "Relationship (optional)", validators=[Optional(), max_length(60, "Relationship")]
    )
    emergency_contact_phone = TelField(
        "Emergency contact phone (optional)",
        validators=[Optional(), max_length(30, "Emergency contact phone"), valid_phone],
    )
    staff_notes = TextAreaField(
        "Notes for staff (optional)", validators=[Optional(), max_length(4000, "Notes for staff")]
    )
    #: The charts the possible-duplicate warning showed: saving with them seen creates the chart anyway.
    duplicates_seen = HiddenField(validators=[Optional(), Length(max=260)])
    submit = SubmitField("Save patient")

    def demographics(self) -> dict:
        """Return the cleaned values for the patient record."""
        return {
            name: field.data if field.data is not None else ""
            for name, field in self._fields.items()
            if name not in ("submit", "csrf_token", "duplicates_seen")
        }

    def seen_duplicates(self) -> set[int]:
        """Return the ids of the charts a possible-duplicate warning showed (nothing, if tampered with)."""
        text = (self.duplicates_seen.data or "").strip()
        return {int(each) for each in text.split(",")} if CHART_IDS.match(text) else set()

    def show_duplicates(self, chart_ids) -> None:
        """Carry the charts a warning shows back with the form, so saving again confirms them seen."""
        self.duplicates_seen.data = ",".join(str(each) for each in chart_ids)


class PatientSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        "Search by name, phone, date of birth or chart number",
        validators=[Optional(), max_length(100, "Search")],
    )
