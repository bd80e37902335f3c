"""Forms for managing staff accounts."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from intake.auth.models import User, normalize_email
from intake.auth.passwords import password_problem  # also imported from here by the create-user command
from intake.auth.roles import ROLE_LABELS
from intake.extensions import db


class NewPasswordMixin:
    def validate_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class StaffDetailsForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter the staff member's email."),
            Length(max=254, message="Email must be at most 254 characters."),
            Email("Enter a valid email address, like name@example.com."),
        ],
    )
    full_name = StringField(
        "Full name",
        validators=[
            DataRequired("Enter the staff member's full name."),
            Length(max=120, message="Full name must be at most 120 characters."),
        ],
    )
    role = SelectField("Role", choices=list(ROLE_LABELS.items()))
    designation = StringField(
        "Professional designation (shown on signed notes, e.g. R.Ac, RMT)",
        validators=[Optional(), Length(max=40, message="Designation must be at most 40 characters.")],
    )

    def __init__(self, *args, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_email(self, field):
        email = normalize_email(field.data)
        existing = db.session.scalar(db.select(User).where(User.email == email))
        if existing is not None and existing is not self.editing:
            raise ValidationError("Another staff account already uses this email.")


class NewStaffForm(NewPasswordMixin, StaffDetailsForm):
    password = PasswordField(
        "Password (at least 12 characters)", validators=[DataRequired("Enter a password.")]
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired("Repeat the password."), EqualTo("password", "The passwords do not match.")],
    )
    submit = SubmitField("Create staff account")


class EditStaffForm(StaffDetailsForm):
    submit = SubmitField("Save changes")


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    password = PasswordField(
        "New password (at least 12 characters)", validators=[DataRequired("Enter a new password.")]
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired("Repeat the password."), EqualTo("password", "The passwords do not match.")],
    )
    submit = SubmitField("Set new password")


class SignInSecurityForm(FlaskForm):
    require_two_step = BooleanField("Require 2-step sign-in for every staff account")
    submit = SubmitField("Save sign-in settings")


def _chart_number_field(label: str, missing: str) -> StringField:
    return StringField(
        label,
        validators=[
            DataRequired(missing),
            Length(max=12, message="A chart number is at most 12 characters, like C-001001."),
        ],
    )


class MergeChartsForm(FlaskForm):
    """The two charts of one person an administrator merges: the duplicate, and the chart to keep."""

    class Meta:
        csrf = False  # the choice is a GET (a preview that changes nothing); the merge itself is a POST with CSRF

    duplicate = _chart_number_field(
        "Duplicate chart (archived by the merge)", "Type the duplicate's chart number, like C-001002."
    )
    kept = _chart_number_field(
        "Chart to keep (everything moves here)", "Type the chart number to keep, like C-001001."
    )
