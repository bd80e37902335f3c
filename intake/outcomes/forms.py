"""Forms of the outcomes pages: start and close an episode, and the clinic report's filters."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from intake.clinic_time import clinic_today
from intake.forms import clinical_date_range, first_date_field, last_date_field
from intake.outcomes.complaints import COMPLAINT_AREAS
from intake.outcomes.models import CLOSE_REASON_LABELS
from intake.visits.models import KIND_LABELS

COMPLAINT_CHOICES = [("", "Choose…")] + [(area.code, area.label) for area in COMPLAINT_AREAS]


class StartEpisodeForm(FlaskForm):
    """A practitioner starts an episode of care on the chart."""

    complaint_area = SelectField(
        "Complaint",
        choices=COMPLAINT_CHOICES,
        validators=[InputRequired("Choose the complaint this episode treats.")],
    )
    started_on = DateField(
        "Start date",
        validators=[InputRequired("Enter the start date."), clinical_date_range("The start date")],
        invalid_value_message="Enter the start date as YYYY-MM-DD.",
    )
    submit = SubmitField("Start episode")

    def validate_complaint_area(self, field):
        if field.data not in dict(COMPLAINT_CHOICES) or not field.data:
            raise ValidationError("Choose the complaint this episode treats.")


class CloseEpisodeForm(FlaskForm):
    """A practitioner closes an episode: why, on which day, and an optional note."""

    reason = SelectField(
        "Why it ends",
        choices=[("", "Choose…")] + list(CLOSE_REASON_LABELS.items()),
        validators=[InputRequired("Choose why the episode ends.")],
    )
    closed_on = DateField(
        "Last day",
        validators=[InputRequired("Enter the episode's last day."), clinical_date_range("The last day")],
        invalid_value_message="Enter the last day as YYYY-MM-DD.",
    )
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Close episode")

    def validate_reason(self, field):
        if field.data not in CLOSE_REASON_LABELS:
            raise ValidationError("Choose why the episode ends.")


ANY = ""
KIND_CHOICES = [(ANY, "Any")] + [(kind, label) for kind, label in KIND_LABELS.items()]
ELECTRO_CHOICES = [
    (ANY, "Either"),
    ("yes", "With electro-acupuncture"),
    ("no", "Without electro-acupuncture"),
]


class ReportFilterForm(FlaskForm):
    """The clinic outcomes report's filters (all optional; dates inclusive, clinic days)."""

    class Meta:
        csrf = False

    start = first_date_field("Episodes started from")
    end = last_date_field("to")
    practitioner = SelectField("Practitioner", choices=[(ANY, "Any")], validate_choice=False)
    complaint = SelectField(
        "Main complaint", choices=[(ANY, "Any")] + COMPLAINT_CHOICES[1:], validate_choice=False
    )
    kind = SelectField("Treatment", choices=KIND_CHOICES, validate_choice=False)
    electro = SelectField("Electro-acupuncture", choices=ELECTRO_CHOICES, validate_choice=False)

    def validate_start(self, field):
        if field.data is not None and field.data > clinic_today():
            raise ValidationError("The first date cannot be in the future.")

    def validate_end(self, field):
        if field.data is not None and self.start.data is not None and field.data < self.start.data:
            raise ValidationError("The last date must be on or after the first date.")

    def validate_practitioner(self, field):
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose a practitioner from the list.")

    def validate_complaint(self, field):
        if (field.data or "") not in dict(self.complaint.choices):
            raise ValidationError("Choose a complaint from the list.")

    def validate_kind(self, field):
        if (field.data or "") not in dict(KIND_CHOICES):
            raise ValidationError("Choose a kind of treatment from the list.")

    def validate_electro(self, field):
        if (field.data or "") not in dict(ELECTRO_CHOICES):
            raise ValidationError("Choose with or without electro-acupuncture.")

    def query_args(self) -> dict[str, str]:
        """The filters as typed, for the CSV link (each bounded in length)."""
        args = {}
        for name in ("start", "end", "practitioner", "complaint", "kind", "electro"):
            typed = (getattr(self, name).raw_data or [""])[0] if getattr(self, name).raw_data else ""
            if typed:
                args[name] = typed[:40]
        return args
