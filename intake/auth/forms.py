"""Forms for signing in and for a staff member's own account."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from intake.auth.passwords import PASSWORD_MAX, password_problem


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter your email."), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in")


class TwoStepCodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app, or a recovery code."),
            Length(max=20, message="A code is at most 20 characters."),
        ],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )
    submit = SubmitField("Continue")


class TwoStepSetupForm(FlaskForm):
    code = StringField(
        "6-digit code shown in the app",
        validators=[
            DataRequired("Enter the 6-digit code your authenticator app shows."),
            Length(max=10, message="The code has 6 digits."),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField("Turn on 2-step sign-in")


class NewRecoveryCodesForm(FlaskForm):
    password = PasswordField(
        "Your password, to make new recovery codes",
        validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )


class TurnOffTwoStepForm(FlaskForm):
    password = PasswordField(
        "Your password, to turn 2-step sign-in off",
        validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=PASSWORD_MAX)],
    )
    password = PasswordField(
        "New password (at least 12 characters)", validators=[DataRequired("Enter a new password.")]
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[
            DataRequired("Repeat the new password."),
            EqualTo("password", "The passwords do not match."),
        ],
    )
    submit = SubmitField("Change password")

    def validate_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)
