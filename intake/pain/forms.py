"""Forms of the pain pages: the quick check-in and the history's date range.

The body map itself is not a WTForms field: it posts one ``<prefix>-<region>`` select per
region, read with ``intake.pain.bodymap.parse_region_scores``.
"""

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SubmitField
from wtforms.validators import StopValidation, ValidationError

from intake.clinic_time import clinic_today, clinic_zone
from intake.forms import clinical_date_range, first_date_field, last_date_field
from intake.pain.operations import is_in_the_future

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def required_moment(form, field):
    """Refuse an empty or unreadable date and time with one clear message."""
    if field.data is not None:
        return
    typed = " ".join(field.raw_data or []).strip()
    field.errors[:] = []
    if typed:
        raise StopValidation("Enter the date and time like 2026-03-14 09:30.")
    raise StopValidation("Enter when the scores were given.")


def not_in_the_future(form, field):
    if field.data is not None and is_in_the_future(field.data):
        raise ValidationError("The time cannot be in the future; enter when the patient gave these scores.")


class CheckInForm(FlaskForm):
    """A quick check-in between visits ("how was the week?"), scored on the body map."""

    recorded_at = DateTimeLocalField(
        "When (clinic time)",
        format=DATETIME_FORMATS,
        tz=clinic_zone,
        validators=[required_moment, clinical_date_range("The check-in date"), not_in_the_future],
    )
    submit = SubmitField("Save check-in")


class HistoryPeriodForm(FlaskForm):
    """The date range of the pain history (both ends optional, inclusive, clinic dates)."""

    class Meta:
        csrf = False

    start = first_date_field()
    end = last_date_field()

    def period_args(self) -> dict[str, str]:
        """The period as query arguments for a link back to the history (only ``start`` and ``end``, as typed)."""
        args = {}
        for field in (self.start, self.end):
            typed = (field.raw_data or [""])[0] if field.raw_data else ""
            if typed:
                args[field.name] = typed[:40]
        return args

    def validate_start(self, field):
        if field.data is not None and field.data > clinic_today():
            raise ValidationError("The first date cannot be in the future.")

    def validate_end(self, field):
        if field.data is not None and field.data > clinic_today():
            raise ValidationError("The last date cannot be in the future.")
        if field.data is not None and self.start.data is not None and field.data < self.start.data:
            raise ValidationError("The last date must be on or after the first date.")
