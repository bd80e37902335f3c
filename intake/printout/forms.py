"""The printout's choice: the whole chart, or the records between two clinic dates."""

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import ValidationError

from intake.clinic_time import clinic_today
from intake.forms import first_date_field, last_date_field

WHOLE_CHART = "whole"
BETWEEN_DATES = "dates"
SCOPE_CHOICES = [(WHOLE_CHART, "The whole chart"), (BETWEEN_DATES, "Between two dates")]
EMPTY_RANGE = "Enter a first date, a last date or both, or choose the whole chart."
REVERSED_RANGE = "The last date must be on or after the first date."


class PrintoutForm(FlaskForm):
    """What to print: the whole chart, or between two dates (both inclusive, clinic dates; one end may be open)."""

    class Meta:
        csrf = False  # a GET that only reads: the link can be bookmarked and opened again

    scope = RadioField("What to print", choices=SCOPE_CHOICES, default=WHOLE_CHART)
    start = first_date_field()
    end = last_date_field()

    def validate(self, extra_validators=None) -> bool:
        """Check the choice; dates typed and then left for the whole chart are ignored."""
        valid = super().validate(extra_validators)
        if self.is_whole_chart and not self.scope.errors:
            self.start.errors, self.end.errors = [], []
            return True
        if valid and self.start.data is None and self.end.data is None:
            self.start.errors = [EMPTY_RANGE]  # the empty range is said where the range begins
            return False
        return valid

    @property
    def is_whole_chart(self) -> bool:
        return self.scope.data != BETWEEN_DATES

    def validate_scope(self, field):
        if field.data not in (WHOLE_CHART, BETWEEN_DATES):
            raise ValidationError("Choose the whole chart or between two dates.")

    def validate_start(self, field):
        if field.data is not None and field.data > clinic_today():
            raise ValidationError("The first date cannot be in the future.")

    def validate_end(self, field):
        if self.is_whole_chart or field.data is None:
            return
        if self.start.data is not None and field.data < self.start.data:
            raise ValidationError(REVERSED_RANGE)
