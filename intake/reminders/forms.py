"""Forms of the chart's messages: email a form link, plan the next visit."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, StringField
from wtforms.validators import InputRequired, Length

from intake.mail import ADDRESS_LIMIT
from intake.reminders.models import CHECK_IN_LINK, INTAKE_LINK

PURPOSE_CHOICES = [
    (INTAKE_LINK, "Intake (before the first visit)"),
    (CHECK_IN_LINK, "Check-in (before a return visit)"),
]


class SendLinkForm(FlaskForm):
    """Which form to send, to which address, and whether to keep the address on the chart."""

    purpose = RadioField(
        "Form to send",
        choices=PURPOSE_CHOICES,
        validators=[InputRequired("Choose the intake or the check-in.")],
    )
    address = StringField(
        "Email address",
        validators=[
            InputRequired("Enter the patient's email address."),
            Length(max=ADDRESS_LIMIT, message=f"An email address has at most {ADDRESS_LIMIT} characters."),
        ],
        render_kw={"type": "email", "autocomplete": "off", "inputmode": "email"},
    )
    save_address = BooleanField("Also save this address on the chart")


class PlanVisitForm(FlaskForm):
    """The clinic day of the patient's next visit."""

    visit_on = DateField(
        "Date of the next visit",
        validators=[InputRequired("Enter the date of the next visit.")],
        invalid_value_message="Enter the date as YYYY-MM-DD.",
    )
