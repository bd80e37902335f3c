"""One form per questionnaire step; each turns saved answers into form data and back."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from intake.forms import WholeNumberField
from intake.patients.forms import (
    ContactDetailsFields,
    birth_date_field,
    max_length,
    valid_phone,
)
from intake.questionnaire import check_in_steps as c
from intake.questionnaire import steps as q
from intake.questionnaire.signature import signature_problem

SCORE_CHOICES = [(str(n), str(n)) for n in range(11)]
SCORE_VALUES = {value for value, _ in SCORE_CHOICES}
ANSWER_YES_OR_NO = "Answer yes or no."


def yes_no(question: str) -> RadioField:
    return RadioField(question, choices=q.YES_NO, validators=[InputRequired(ANSWER_YES_OR_NO)])


def _to_radio(value) -> str | None:
    """Stored True/False → the form's "yes"/"no" (None stays unanswered)."""
    if value is None:
        return None
    return "yes" if value else "no"


def _text(field) -> str:
    return (field.data or "").strip()


class StepForm(FlaskForm):
    """A questionnaire step: ``from_answers`` fills it, ``answers`` reads it back for storage."""

    #: Yes/no radio fields stored as booleans.
    yes_no_fields: tuple[str, ...] = ()

    @classmethod
    def from_answers(cls, saved: dict, **kwargs):
        data = dict(saved)
        for name in cls.yes_no_fields:
            data[name] = _to_radio(saved.get(name))
        return cls(data=data, **kwargs)

    def answers(self) -> dict:
        values = {}
        for name, field in self._fields.items():
            if name == "csrf_token":
                continue
            if name in self.yes_no_fields:
                values[name] = field.data == "yes"
            elif isinstance(field.data, str):
                values[name] = field.data.strip()
            else:
                values[name] = field.data
        return values


class ContactForm(ContactDetailsFields, StepForm):
    emergency_contact_name = StringField(
        "Emergency contact name",
        validators=[DataRequired("Enter someone we can call in an emergency."), max_length(120, "Name")],
    )
    emergency_contact_relationship = StringField(
        "Relationship to you (optional)", validators=[Optional(), max_length(60, "Relationship")]
    )
    emergency_contact_phone = TelField(
        "Emergency contact phone",
        validators=[
            DataRequired("Enter your emergency contact's phone number."),
            max_length(30, "Phone"),
            valid_phone,
        ],
    )


class ComplaintForm(StepForm):
    yes_no_fields = ("previous_acupuncture", "previous_massage")

    reason = TextAreaField(
        "What brings you in?",
        validators=[DataRequired("Tell us briefly why you are coming."), max_length(2000, "Your answer")],
    )
    goals = TextAreaField(
        "What would you like to be able to do again? (optional)",
        validators=[Optional(), max_length(2000, "Your answer")],
    )
    onset_description = TextAreaField(
        "How did it start? (optional)", validators=[Optional(), max_length(2000, "Your answer")]
    )
    started = RadioField(
        "When did it start?", choices=q.STARTED_CHOICES, validators=[InputRequired("Choose when it started.")]
    )
    pattern = RadioField(
        "Is it constant, or does it come and go?",
        choices=q.PATTERN_CHOICES,
        validators=[InputRequired("Choose constant or comes and goes.")],
    )
    worse = TextAreaField(
        "What makes it worse? (optional)", validators=[Optional(), max_length(2000, "Your answer")]
    )
    better = TextAreaField(
        "What makes it better? (optional)", validators=[Optional(), max_length(2000, "Your answer")]
    )
    previous_treatment = TextAreaField(
        "What treatment have you had for it so far? (optional)",
        validators=[Optional(), max_length(2000, "Your answer")],
    )
    previous_acupuncture = yes_no("Have you had acupuncture before?")
    previous_massage = yes_no("Have you had massage therapy before?")


def _score(label: str, message: str) -> RadioField:
    return RadioField(label, choices=SCORE_CHOICES, validators=[InputRequired(message)])


class PainForm(StepForm):
    """Worst, least and average pain over the last week; the body map is read beside it."""

    worst = _score("Your worst pain in the last week", "Choose your worst pain, 0 to 10.")
    least = _score("Your least pain in the last week", "Choose your least pain, 0 to 10.")
    average = _score("Your average pain in the last week", "Choose your average pain, 0 to 10.")

    @classmethod
    def from_answers(cls, saved: dict, **kwargs):
        data = {
            name: str(saved[name]) for name in ("worst", "least", "average") if saved.get(name) is not None
        }
        return cls(data=data, **kwargs)

    def answers(self) -> dict:
        return {name: _score_value(self[name]) for name in ("worst", "least", "average")}

    def validate_least(self, field):
        least, worst = _score_value(field), _score_value(self.worst)
        if least is not None and worst is not None and least > worst:
            raise ValidationError("Your least pain cannot be more than your worst pain.")

    def validate_average(self, field):
        average, least, worst = _score_value(field), _score_value(self.least), _score_value(self.worst)
        if average is None or least is None or worst is None:
            return  # a missing or unreadable score has its own message beside it
        if not least <= average <= worst:
            raise ValidationError("Your average pain should be between your least and your worst pain.")


def _score_value(field) -> int | None:
    """The 0–10 score chosen, or None when the answer is not one of the choices (letters, "²", "11")."""
    return int(field.data) if field.data in SCORE_VALUES else None


SKIP = "skip"


class OdiFormBase(StepForm):
    @classmethod
    def from_answers(cls, saved: dict, **kwargs):
        data = {key: (SKIP if value is None else str(value)) for key, value in saved.items()}
        return cls(data=data, **kwargs)

    def answers(self) -> dict:
        """Return {section: 0-5 or None when skipped}."""
        values = {}
        for key in q.ODI_SECTION_KEYS:
            value = self[key].data
            values[key] = int(value) if value and value != SKIP else None
        return values


def _odi_form() -> type[OdiFormBase]:
    fields = {}
    for number, section in enumerate(q.ODI_SECTIONS, start=1):
        choices = [(str(score), text) for score, text in enumerate(section.statements)]
        choices.append((SKIP, "Skip this section"))
        fields[section.key] = RadioField(
            f"Section {number}: {section.title}", choices=choices, validators=[Optional()]
        )
    return type("OdiForm", (OdiFormBase,), fields)


OdiForm = _odi_form()


def _red_flags_form() -> type[StepForm]:
    fields = {flag.key: yes_no(flag.question) for flag in q.RED_FLAGS_ASKED}
    fields["yes_no_fields"] = q.RED_FLAG_KEYS
    return type("RedFlagsForm", (StepForm,), fields)


RedFlagsForm = _red_flags_form()


class HealthFormBase(StepForm):
    conditions = TextAreaField(
        "Other health conditions (optional)",
        validators=[Optional(), max_length(2000, "Your answer")],
    )
    medications = TextAreaField(
        "Medicines and supplements you take (optional)",
        validators=[Optional(), max_length(2000, "Your answer")],
    )
    anticoagulant = yes_no(
        "Do you take a blood thinner (anticoagulant), such as warfarin, apixaban or rivaroxaban?"
    )
    anticoagulant_name = StringField(
        "Which blood thinner?", validators=[Optional(), max_length(120, "The name")]
    )
    allergy_other = StringField(
        "Other allergies (optional)", validators=[Optional(), max_length(300, "Your answer")]
    )
    pregnant = RadioField(
        "Are you pregnant, or could you be?",
        choices=q.PREGNANCY_CHOICES,
        validators=[InputRequired("Answer no, yes or possibly.")],
    )
    trimester = RadioField("How far along are you?", choices=q.TRIMESTER_CHOICES, validators=[Optional()])

    @classmethod
    def from_answers(cls, saved: dict, **kwargs):
        data = dict(saved)
        for name in cls.yes_no_fields:
            data[name] = _to_radio(saved.get(name))
        data["trimester"] = saved.get("trimester") or None
        return cls(data=data, **kwargs)

    def answers(self) -> dict:
        values = super().answers()
        values["trimester"] = self.trimester.data or ""
        return values

    def validate(self, extra_validators=None):
        # Follow-up questions depend on another answer; Optional() would skip a field-level check
        # when the follow-up is empty, so the combinations are checked here.
        valid = super().validate(extra_validators)
        for field, message in self.combination_problems():
            if not field.errors:
                field.errors.append(message)
            valid = False
        return valid

    def combination_problems(self) -> list:
        """Return (field, message) for each follow-up answer that does not fit its question."""
        problems = []
        if self.pregnant.data == "yes" and not self.trimester.data:
            problems.append((self.trimester, "Choose how far along you are (or “Not sure”)."))
        if self.trimester.data and self.pregnant.data != "yes":
            problems.append(
                (self.trimester, "Choose a trimester only if you answered yes to being pregnant.")
            )
        follow_ups = [
            (
                "anticoagulant",
                "anticoagulant_name",
                "Enter the name of your blood thinner.",
                "a blood thinner",
            )
        ]
        follow_ups += [
            (p.key, f"{p.key}_detail", f"Tell us about the {label}.", f"the {label}")
            for p, label in zip(q.DETAILED_PRECAUTIONS, ("skin condition", "surgery"), strict=True)
        ]
        for question, detail, missing, what in follow_ups:
            answered_yes = self[question].data == "yes"
            text = _text(self[detail])
            if answered_yes and not text:
                problems.append((self[detail], missing))
            if text and not answered_yes:
                problems.append((self[detail], f"Describe {what} only if you answered yes."))
        return problems


def _health_form() -> type[HealthFormBase]:
    fields = {}
    for key, label, _alert in q.ALLERGIES:
        fields[key] = BooleanField(label)
    for precaution in q.PRECAUTIONS_ASKED:
        fields[precaution.key] = yes_no(precaution.question)
    detail_labels = {
        "skin_condition": "Which skin condition, and where?",
        "recent_surgery": "What surgery, and when?",
    }
    for precaution in q.DETAILED_PRECAUTIONS:
        fields[precaution.key] = yes_no(precaution.question)
        fields[f"{precaution.key}_detail"] = StringField(
            detail_labels[precaution.key], validators=[Optional(), max_length(300, "Your answer")]
        )
    fields["yes_no_fields"] = (
        "anticoagulant",
        *q.PRECAUTION_KEYS,
        *(p.key for p in q.DETAILED_PRECAUTIONS),
    )
    return type("HealthForm", (HealthFormBase,), fields)


HealthForm = _health_form()


class ConsentForm(FlaskForm):
    agree = BooleanField(
        "I have read the consent above and agree to treatment",
        validators=[DataRequired("Tick the box to give your consent, or talk to the clinic first.")],
    )
    privacy_acknowledged = BooleanField(
        "I have read how the clinic protects my information",
        validators=[DataRequired("Tick the box to confirm you have read the privacy notice.")],
    )
    full_name = StringField(
        "Your full name",
        validators=[DataRequired("Type your full name."), max_length(160, "Your name")],
    )
    signature_path = HiddenField("Drawn signature")
    signature_typed = StringField(
        "Or type your name as your signature",
        validators=[Optional(), max_length(160, "Your typed signature")],
    )

    def validate_signature_path(self, field):
        path = (field.data or "").strip()
        if path:
            problem = signature_problem(path)
            if problem:
                raise ValidationError(problem)
        elif not _text(self.signature_typed):
            raise ValidationError("Sign in the box, or type your name as your signature.")


class IdentityForm(FlaskForm):
    """The patient's date of birth, asked before answers saved earlier are shown again."""

    date_of_birth = birth_date_field("Your date of birth")


class TypedDateField(DateField):
    """A date typed as YYYY-MM-DD, with a message that says so when it is not."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter the date as YYYY-MM-DD.") from None


DECISION_KIND_CHOICES = [
    ("referred", "Referred — to whom and when"),
    ("cleared", "Cleared to treat — with the reason"),
    ("not_applicable", "Not applicable — with the reason"),
]


class RedFlagDecisionForm(FlaskForm):
    """A practitioner's decision on one red flag; the clinic's rules on it live in operations.decide_red_flag."""

    flag_code = RadioField(
        "Red flag", validate_choice=False, validators=[InputRequired("Choose the red flag.")]
    )
    kind = RadioField(
        "Decision",
        choices=DECISION_KIND_CHOICES,
        validate_choice=False,
        validators=[InputRequired("Choose referred, cleared to treat, or not applicable.")],
    )
    referred_to = StringField(
        "Referred to (for a referral)", validators=[Optional(), max_length(160, "Referred to")]
    )
    referred_on = TypedDateField("Date of the referral", validators=[Optional()])
    reason = TextAreaField(
        "Reason (required to clear or set aside; optional for a referral)",
        validators=[Optional(), max_length(2000, "The reason")],
    )

    def decision(self) -> dict:
        return {
            "flag_code": self.flag_code.data or "",
            "kind": self.kind.data or "",
            "referred_to": _text(self.referred_to),
            "referred_on": self.referred_on.data,
            "reason": _text(self.reason),
        }


class ReviewForm(FlaskForm):
    """Mark an intake reviewed, with what the reviewer noted (optional)."""

    comment = TextAreaField("Comment (optional)", validators=[Optional(), max_length(2000, "The comment")])


# --- The return-visit check-in ---------------------------------------------------------------


def _peg_form() -> type[StepForm]:
    fields = {item.key: _score(item.question, "Choose a number from 0 to 10.") for item in c.PEG_ITEMS}
    return type("PegFormBase", (StepForm,), fields)


class PegForm(_peg_form()):  # type: ignore[misc]
    """The three PEG items, each 0-10 (stored as whole numbers)."""

    @classmethod
    def from_answers(cls, saved: dict, **kwargs):
        return cls(data={key: str(saved[key]) for key in c.PEG_KEYS if saved.get(key) is not None}, **kwargs)

    def answers(self) -> dict:
        return {key: _score_value(self[key]) for key in c.PEG_KEYS}


class FlareUpsForm(StepForm):
    count = WholeNumberField(
        "How many flare-ups have you had since your last visit?",
        validators=[
            InputRequired(f"Enter how many, from 0 to {c.MOST_FLARE_UPS} (0 if none)."),
            NumberRange(0, c.MOST_FLARE_UPS, f"Enter a number from 0 to {c.MOST_FLARE_UPS}."),
        ],
        message=f"Enter a whole number from 0 to {c.MOST_FLARE_UPS}, like 2.",
    )
    worst = RadioField("How bad was the worst flare-up?", choices=SCORE_CHOICES, validators=[Optional()])

    @classmethod
    def from_answers(cls, saved: dict, **kwargs):
        data = {"count": saved.get("count")}
        if saved.get("worst") is not None:
            data["worst"] = str(saved["worst"])
        return cls(data=data, **kwargs)

    def answers(self) -> dict:
        count = self.count.data or 0
        return {"count": count, "worst": _score_value(self.worst) if count else None}

    def validate(self, extra_validators=None):
        # Optional() ends the worst answer's own checks when it is empty, so the pair is checked here.
        valid = super().validate(extra_validators)
        count, worst = (None if self.count.errors else self.count.data), self.worst
        if count and not worst.errors and _score_value(worst) is None:
            worst.errors.append("Choose how bad the worst flare-up was, 0 to 10.")
            valid = False
        if count == 0 and worst.data and not worst.errors:
            worst.errors.append("Leave this empty when you had no flare-ups (or change the number above).")
            valid = False
        return valid


def _last_treatment_form() -> type[StepForm]:
    fields: dict = {f"reaction_{key}": BooleanField(label) for key, label in c.REACTIONS}
    fields[c.NO_REACTION] = BooleanField(c.NO_REACTION_LABEL)
    return type("LastTreatmentFormBase", (StepForm,), fields)


class LastTreatmentForm(_last_treatment_form()):  # type: ignore[misc]
    other = StringField(
        "Anything else you noticed? (optional)", validators=[Optional(), max_length(300, "Your answer")]
    )

    @classmethod
    def from_answers(cls, saved: dict, **kwargs):
        data: dict[str, object] = {
            f"reaction_{key}": key in (saved.get("reactions") or []) for key in c.REACTION_KEYS
        }
        data[c.NO_REACTION] = bool(saved.get(c.NO_REACTION))
        data["other"] = saved.get("other") or ""
        return cls(data=data, **kwargs)

    def reactions(self) -> list[str]:
        return [key for key in c.REACTION_KEYS if self[f"reaction_{key}"].data]

    def answers(self) -> dict:
        return {
            "reactions": self.reactions(),
            c.NO_REACTION: bool(self[c.NO_REACTION].data),
            "other": _text(self.other),
        }

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        nothing = self[c.NO_REACTION].data
        message = ""
        if nothing and self.reactions():
            message = f"You ticked “{c.NO_REACTION_LABEL}” and a reaction: untick one of them."
        elif not nothing and not self.reactions() and not _text(self.other):
            message = f"Tick what you noticed, or “{c.NO_REACTION_LABEL}”."
        if message and not self.other.errors:
            self.other.errors.append(message)
            valid = False
        return valid


def _changes_form() -> type[StepForm]:
    fields: dict = {}
    for question in c.CHANGE_QUESTIONS:
        if question.key == "pregnancy":
            fields["pregnancy"] = RadioField(
                question.question,
                choices=c.PREGNANCY_CHOICES,
                validators=[InputRequired("Answer no, yes or possibly.")],
            )
            continue
        fields[question.key] = yes_no(question.question)
        if question.detail_label:
            fields[f"{question.key}_detail"] = StringField(
                question.detail_label, validators=[Optional(), max_length(300, "Your answer")]
            )
    for key, label in c.BLOOD_THINNERS:
        fields[f"thinner_{key}"] = BooleanField(label)
    fields["yes_no_fields"] = tuple(
        question.key for question in c.CHANGE_QUESTIONS if question.key != "pregnancy"
    )
    return type("ChangesFormBase", (StepForm,), fields)


class ChangesForm(_changes_form()):  # type: ignore[misc]
    """What changed since the last visit; each "yes" has its follow-up, checked here (with or without JavaScript)."""

    medicines_started = StringField(
        "Which medicines did you start?", validators=[Optional(), max_length(300, "Your answer")]
    )
    medicines_stopped = StringField(
        "Which medicines did you stop?", validators=[Optional(), max_length(300, "Your answer")]
    )
    trimester = RadioField("How far along are you?", choices=c.TRIMESTER_CHOICES, validators=[Optional()])
    device_kind = RadioField("What kind of device?", choices=c.DEVICE_CHOICES, validators=[Optional()])

    @classmethod
    def from_answers(cls, saved: dict, **kwargs):
        data = dict(saved)
        for name in cls.yes_no_fields:
            data[name] = _to_radio(saved.get(name))
        for key in c.BLOOD_THINNER_KEYS:
            data[f"thinner_{key}"] = key in (saved.get("blood_thinners") or [])
        data["trimester"] = saved.get("trimester") or None
        data["device_kind"] = saved.get("device_kind") or None
        data["pregnancy"] = saved.get("pregnancy") or None
        return cls(data=data, **kwargs)

    def blood_thinners(self) -> list[str]:
        return [key for key in c.BLOOD_THINNER_KEYS if self[f"thinner_{key}"].data]

    def answers(self) -> dict:
        values = {name: value for name, value in super().answers().items() if not name.startswith("thinner_")}
        values["blood_thinners"] = self.blood_thinners()
        values["trimester"] = self.trimester.data or ""
        values["device_kind"] = self.device_kind.data or ""
        values["pregnancy"] = self.pregnancy.data or ""
        return values

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field, message in self.follow_up_problems():
            if not field.errors:
                field.errors.append(message)
            valid = False
        return valid

    def follow_up_problems(self) -> list:
        """Return (field, message) for each follow-up missing after a "yes", or answered after a "no"."""
        problems = []
        medicines = self.medicines.data == "yes"
        if medicines and not (
            _text(self.medicines_started) or _text(self.medicines_stopped) or self.blood_thinners()
        ):
            problems.append((self.medicines_started, "Tell us which medicines you started or stopped."))
        if not medicines:
            for field in (self.medicines_started, self.medicines_stopped):
                if _text(field):
                    problems.append(
                        (field, "Name a medicine only if you answered yes to a change in medicines.")
                    )
            if self.blood_thinners():
                problems.append(
                    (
                        self.medicines_started,
                        "Tick a blood thinner only if you answered yes to a change in medicines.",
                    )
                )
        if self.pregnancy.data == "yes" and not self.trimester.data:
            problems.append((self.trimester, "Choose how far along you are (or “Not sure”)."))
        if self.trimester.data and self.pregnancy.data != "yes":
            problems.append(
                (self.trimester, "Choose a trimester only if you answered yes to being pregnant.")
            )
        device = self.device.data == "yes"
        if device and not self.device_kind.data:
            problems.append((self.device_kind, "Choose what kind of device it is."))
        if not device and (self.device_kind.data or _text(self.device_detail)):
            problems.append((self.device_kind, "Describe a device only if you answered yes to a new device."))
        for question in c.CHANGE_QUESTIONS:
            if not question.detail_missing:
                continue
            answered_yes = self[question.key].data == "yes"
            detail = self[f"{question.key}_detail"]
            if answered_yes and not _text(detail):
                problems.append((detail, question.detail_missing))
            if _text(detail) and not answered_yes:
                problems.append((detail, "Tell us about this only if you answered yes."))
        return problems


def _check_in_red_flags_form() -> type[StepForm]:
    fields: dict = {flag.key: yes_no(flag.question) for flag in c.RED_FLAGS_ASKED}
    fields["yes_no_fields"] = c.RED_FLAG_KEYS
    return type("CheckInRedFlagsForm", (StepForm,), fields)


CheckInRedFlagsForm = _check_in_red_flags_form()
