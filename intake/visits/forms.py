"""The visit note form: parses what the practitioner typed into a note dict (see ``intake.visits.note_fields``)."""

import re
from datetime import UTC, datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from intake.clinic_time import clinic_local_to_utc, to_clinic_time
from intake.forms import PlainDecimalField, WholeNumberField, clinical_date_range
from intake.pain.bodymap import parse_region_scores
from intake.pain.regions import REGIONS
from intake.visits.models import ACUPUNCTURE, BOTH, KIND_LABELS, MASSAGE
from intake.visits.note_fields import CHOICE, CHOICES, FLAG, NUMBER, TEXT, names_of
from intake.visits.points import find_point
from intake.visits.safety import CAUTIONS
from intake.visits.vocabulary import (
    CUPPING_LABELS,
    INTENSITY_LABELS,
    MASSAGE_TECHNIQUE_LABELS,
    MOXIBUSTION_LABELS,
    NO_REACTION,
    PRESSURE_LABELS,
    PROGRESS_LABELS,
    REACTION_LABELS,
    SIDE_LABELS,
    SLEEP_LABELS,
    TECHNIQUE_LABELS,
    TOLERANCE_LABELS,
)

NEEDLE_GAUGES = ("0.16 mm", "0.18 mm", "0.20 mm", "0.22 mm", "0.25 mm", "0.30 mm", "0.35 mm")
NEEDLE_LENGTHS = ("13 mm", "15 mm", "25 mm", "30 mm", "40 mm", "50 mm", "60 mm", "75 mm")
UNKNOWN_POINT = "“{}” is not a point in the WHO list. Search by code (BL23, UB23), pinyin or English name."
#: A record id or version as a form posts it: ASCII digits that fit a database integer ("²" is a digit to Python).
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
#: Longer than any point code, alias or pinyin name: not looked up (and never turned into a number).
LONGEST_POINT_TEXT = 30


#: The parts of the note folded away until a visit uses them: each names the form fields it holds.
#: A part opens when the kind of visit uses it (``KIND_PARTS``) or when one of its fields holds something.
FOLDS = {
    "needling": (
        "protocol_id",
        "points",
        "needle_gauge",
        "needle_length",
        "retention_minutes",
        "needles_inserted",
        "needles_removed",
        "override_points_in_first_trimester",
    ),
    "needle_count_incident": ("needle_count_incident",),
    "electro": ("electro_pairs", "override_electro_with_pacemaker"),
    "moxibustion": ("moxibustion_kind", "moxibustion_points"),
    "cupping": ("cupping_style", "cupping_sites", "cupping_minutes"),
    "gua_sha": ("gua_sha", "gua_sha_areas"),
    # Not part of the note: naming the points as a protocol, open while a name is typed or refused.
    "protocol_save": ("protocol_name",),
    "massage": (
        "massage_techniques",
        "massage_areas",
        "massage_pressure",
        "massage_minutes",
        "massage_tolerance",
        "massage_response",
        "massage_areas_to_avoid",
    ),
}
#: Folds that sit inside another part of the note.
FOLDED_INSIDE = {"needle_count_incident": "needling", "electro": "needling", "protocol_save": "needling"}
KIND_PARTS = {
    ACUPUNCTURE: frozenset({"needling"}),
    MASSAGE: frozenset({"massage"}),
    BOTH: frozenset({"needling", "massage"}),
}


def whole_number(text) -> int | None:
    """Return a posted id or version as an int, or None when it is blank or not one."""
    return int(text) if isinstance(text, str) and WHOLE_NUMBER.fullmatch(text) else None


def _choices(labels: dict, blank: str | None = None) -> list[tuple[str, str]]:
    return ([("", blank)] if blank is not None else []) + list(labels.items())


def _whole(label: str, low: int, high: int, unit: str = ""):
    """A blank-allowed whole number between ``low`` and ``high``, with a message that says so."""
    message = f"{label}: enter a whole number from {low} to {high}{unit}."
    return WholeNumberField(label, validators=[Optional(), NumberRange(low, high, message)], message=message)


def _text(label: str, length: int = 4000):
    return TextAreaField(
        label, validators=[Optional(), Length(max=length, message=f"Keep it under {length} characters.")]
    )


def _line(label: str, length: int = 200, **kw):
    return StringField(
        label,
        validators=[Optional(), Length(max=length, message=f"Keep it under {length} characters.")],
        **kw,
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def ordered(self) -> list[str]:
        """Return the ticked values in the order the choices are listed."""
        ticked = set(self.data or ())
        return [value for value, _ in self.choices if value in ticked]


def _find_point(text: str | None):
    """The point ``text`` names, or None; a blank row, or text longer than any name, is not looked up."""
    text = (text or "").strip()
    return find_point(text) if text and len(text) <= LONGEST_POINT_TEXT else None


def _point_code(text: str | None) -> str | None:
    point = _find_point(text)
    return point.code if point else None


def _check_point(form, field):
    if field.data and len(field.data.strip()) > LONGEST_POINT_TEXT:
        return  # Length() has said so
    if field.data and field.data.strip() and _point_code(field.data) is None:
        raise ValidationError(UNKNOWN_POINT.format(field.data.strip()))


class PointRowForm(Form):
    code = StringField("Point", validators=[Optional(), Length(max=LONGEST_POINT_TEXT), _check_point])
    side = SelectField("Side", choices=_choices(SIDE_LABELS, blank="Usual side"), default="")
    technique = SelectField("Technique", choices=_choices(TECHNIQUE_LABELS), default="even")
    de_qi = BooleanField("De qi")
    depth_cun = PlainDecimalField(
        "Depth (cun)",
        places=1,
        validators=[Optional(), NumberRange(0.1, 5, "Depth: from 0.1 to 5 cun, or leave it blank.")],
        message="Depth: a number of cun like 1.5, from 0.1 to 5, or leave it blank.",
    )

    def validate_side(self, field):
        point = _find_point(self.code.data)
        if point and not point.is_midline and field.data == "midline":
            raise ValidationError(f"{point.code} is a paired point: choose left, right or both sides.")

    def value(self) -> dict | None:
        point = _find_point(self.code.data)
        if point is None:
            return None
        side = self.side.data or "bilateral"
        depth = self.depth_cun.data
        return {
            "code": point.code,
            "side": "midline" if point.is_midline else side,
            "technique": self.technique.data or "even",
            "de_qi": bool(self.de_qi.data),
            "depth_cun": None if depth is None else float(round(depth, 1)),
        }


class ElectroPairForm(Form):
    first_point = StringField(
        "First point", validators=[Optional(), Length(max=LONGEST_POINT_TEXT), _check_point]
    )
    second_point = StringField(
        "Second point", validators=[Optional(), Length(max=LONGEST_POINT_TEXT), _check_point]
    )
    frequency_hz = WholeNumberField(
        "Frequency (Hz)",
        validators=[Optional(), NumberRange(1, 200, "Frequency: a whole number of hertz from 1 to 200.")],
        message="Frequency: a whole number of hertz from 1 to 200.",
    )
    intensity = SelectField("Intensity", choices=_choices(INTENSITY_LABELS), default="mild")
    minutes = WholeNumberField(
        "Minutes",
        validators=[Optional(), NumberRange(1, 120, "Minutes: a whole number from 1 to 120.")],
        message="Minutes: a whole number from 1 to 120.",
    )

    def is_blank(self) -> bool:
        return not (self.first_point.data or "").strip() and not (self.second_point.data or "").strip()

    def validate_second_point(self, field):
        if self.is_blank():
            return
        if not (self.first_point.data or "").strip() or not (field.data or "").strip():
            raise ValidationError("Choose both points of the pair.")
        if _point_code(self.first_point.data) and _point_code(self.first_point.data) == _point_code(
            field.data
        ):
            raise ValidationError("A pair joins two different points.")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Optional() stops a blank field before any inline check, so the pair rules for blanks live here.
        if self.is_blank():
            return valid
        if not (self.second_point.data or "").strip() and not self.second_point.errors:
            self.second_point.errors = ["Choose both points of the pair."]
            valid = False
        if self.frequency_hz.data is None and not self.frequency_hz.errors:
            self.frequency_hz.errors = ["Enter the frequency in hertz (1 to 200)."]
            valid = False
        return valid

    def value(self) -> dict | None:
        if self.is_blank():
            return None
        return {
            "first_point": _point_code(self.first_point.data),
            "second_point": _point_code(self.second_point.data),
            "frequency_hz": self.frequency_hz.data,
            "intensity": self.intensity.data or "mild",
            "minutes": self.minutes.data,
        }


class VisitNoteForm(FlaskForm):
    """Everything on a visit note; ``note(...)`` returns it as the note dict."""

    version = HiddenField()
    protocol_id = HiddenField()
    visit_at = DateTimeLocalField(
        "Date and time",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[
            DataRequired("Enter the date and time of the visit."),
            clinical_date_range("The visit date"),
        ],
    )
    kind = RadioField("Kind of visit", choices=_choices(KIND_LABELS), default="acupuncture")
    duration_minutes = _whole("Duration (minutes)", 1, 240)
    # Subjective
    progress = RadioField("Since the last visit", choices=_choices(PROGRESS_LABELS), validators=[Optional()])
    flare_ups = _whole("Flare-ups since the last visit", 0, 99)
    flare_up_worst = _whole("Worst flare-up (0–10)", 0, 10)
    sleep = RadioField("Sleep", choices=_choices(SLEEP_LABELS), validators=[Optional()])
    activity = _text("Activity")
    patient_report = _text("What the patient reports")
    # Objective
    observations = _text("Observations")
    tender_points = _text("Tender points")
    lumbar_flexion_degrees = _whole("Lumbar flexion (degrees)", 0, 120)
    lumbar_extension_degrees = _whole("Lumbar extension (degrees)", 0, 60)
    fingertip_to_floor_cm = _whole("Fingertip to floor (cm)", 0, 100)
    slr_left_degrees = _whole("Straight-leg raise, left (degrees)", 0, 120)
    slr_right_degrees = _whole("Straight-leg raise, right (degrees)", 0, 120)
    tongue = _line("Tongue")
    pulse = _line("Pulse")
    # Assessment and plan
    tcm_pattern = _line("TCM pattern", render_kw={"list": "tcm-patterns", "autocomplete": "off"})
    progress_against_plan = _text("Progress against the plan")
    next_visit = _line("Next visit")
    frequency = _line("Frequency")
    home_care = _text("Home care")
    # Needling
    points = FieldList(FormField(PointRowForm), label="Points needled")
    needle_gauge = SelectField(
        "Needle gauge", choices=[("", "Not recorded")] + [(g, g) for g in NEEDLE_GAUGES], default=""
    )
    needle_length = SelectField(
        "Needle length", choices=[("", "Not recorded")] + [(n, n) for n in NEEDLE_LENGTHS], default=""
    )
    retention_minutes = WholeNumberField(
        "Retention (minutes)",
        validators=[Optional(), NumberRange(0, 120, "Retention must be from 0 to 120 minutes.")],
        message="Retention: a whole number of minutes from 0 to 120.",
    )
    needles_inserted = WholeNumberField(
        "Needles inserted",
        validators=[Optional(), NumberRange(0, 500, "Needles inserted cannot be negative.")],
        message="Needles inserted: a whole number from 0 to 500.",
    )
    needles_removed = WholeNumberField(
        "Needles removed",
        validators=[Optional(), NumberRange(0, 500, "Needles removed cannot be negative.")],
        message="Needles removed: a whole number from 0 to 500.",
    )
    needle_count_incident = _text("If the counts differ: what happened")
    electro_pairs = FieldList(FormField(ElectroPairForm), label="Electro-acupuncture")
    moxibustion_kind = SelectField(
        "Moxibustion", choices=_choices(MOXIBUSTION_LABELS, blank="None"), default=""
    )
    moxibustion_points = _line("Moxibustion points (codes, e.g. BL23 GV4)")
    cupping_style = SelectField("Cupping", choices=_choices(CUPPING_LABELS, blank="None"), default="")
    cupping_sites = _line("Cupping sites")
    cupping_minutes = _whole("Cupping (minutes)", 0, 60)
    gua_sha = BooleanField("Gua sha")
    gua_sha_areas = _line("Gua sha areas")
    heat_lamp = BooleanField("Heat lamp")
    # Massage
    massage_techniques = MultiCheckboxField("Techniques", choices=_choices(MASSAGE_TECHNIQUE_LABELS))
    massage_areas = MultiCheckboxField("Areas treated", choices=[(r.code, r.label) for r in REGIONS])
    massage_pressure = RadioField("Pressure", choices=_choices(PRESSURE_LABELS), validators=[Optional()])
    massage_minutes = _whole("Massage (minutes)", 0, 180)
    massage_tolerance = RadioField("Tolerance", choices=_choices(TOLERANCE_LABELS), validators=[Optional()])
    massage_response = _text("Response")
    massage_areas_to_avoid = _text("Areas to avoid")
    # Reactions
    reactions = MultiCheckboxField("Reactions", choices=_choices(REACTION_LABELS))
    reaction_other = _line("Other reaction")
    reaction_action = _text("What was done")
    # Safety overrides, one per caution (see intake.visits.safety)
    override_electro_with_pacemaker = _text("Reason to use electro-acupuncture despite the pacemaker")
    override_points_in_first_trimester = _text("Reason to use these points in the first trimester")
    # Saving the points as a protocol (not part of the note)
    protocol_name = _line("Protocol name", 120)

    def validate_moxibustion_points(self, field):
        unknown = [code for code in _split_codes(field.data) if _point_code(code) is None]
        if unknown:
            raise ValidationError(UNKNOWN_POINT.format(unknown[0]))

    def validate_reactions(self, field):
        if NO_REACTION in (field.data or ()) and len(field.data) > 1:
            raise ValidationError("“None” cannot be ticked together with a reaction.")

    def validate_version(self, field):
        if field.data and whole_number(field.data) is None:
            raise ValidationError("This page is out of date: reload it.")

    def base_version(self) -> int | None:
        return whole_number(self.version.data)

    def note(self, pain_before: dict, pain_after: dict) -> dict:
        """Return the note dict for what was typed (call after validation)."""
        text = {name: (getattr(self, name).data or "").strip() for name in names_of(CHOICE, TEXT)}
        numbers = {name: getattr(self, name).data for name in names_of(NUMBER)}
        flags = {name: bool(getattr(self, name).data) for name in names_of(FLAG)}
        ticked = {name: getattr(self, name).ordered() for name in names_of(CHOICES)}
        moxibustion_points = list(
            dict.fromkeys(_point_code(c) for c in _split_codes(self.moxibustion_points.data))
        )
        return {
            **text,
            **numbers,
            **flags,
            **ticked,
            "visit_at": clinic_local_to_utc(self.visit_at.data).astimezone(UTC).isoformat(),
            "kind": self.kind.data or ACUPUNCTURE,
            "protocol_id": whole_number(self.protocol_id.data),
            "moxibustion_points": moxibustion_points,
            "points": [v for v in (row.form.value() for row in self.points) if v],
            "electro_pairs": [v for v in (row.form.value() for row in self.electro_pairs) if v],
            "overrides": {
                caution: getattr(self, f"override_{caution}").data.strip()
                for caution in CAUTIONS
                if (getattr(self, f"override_{caution}").data or "").strip()
            },
            "pain_before": pain_before,
            "pain_after": pain_after,
        }


def _split_codes(text: str | None) -> list[str]:
    return [code for code in (text or "").replace(",", " ").replace(";", " ").split() if code]


class AmendmentForm(VisitNoteForm):
    reason = TextAreaField(
        "Why is the note being amended?",
        validators=[DataRequired("Write why the note is being amended."), Length(max=2000)],
    )


def read_note_form(form: VisitNoteForm, formdata) -> tuple[dict | None, dict[str, str]]:
    """Validate the form and the two body maps; return (note, body-map errors), note None if anything is wrong."""
    valid = form.validate()
    pain_before, before_errors = parse_region_scores(formdata, "pain_before")
    pain_after, after_errors = parse_region_scores(formdata, "pain_after")
    pain_errors = {**before_errors, **after_errors}
    if not valid or pain_errors:
        return None, pain_errors
    return form.note(pain_before, pain_after), {}


def _holds_something(field) -> bool:
    """True when a field (or any row of a list of rows) holds an entry or an error."""
    if field.errors:
        return True
    if hasattr(field, "entries"):
        return any(_row_holds_something(entry.form) for entry in field.entries)
    data = field.data
    if isinstance(data, str):
        return bool(data.strip())
    if isinstance(data, list | tuple):
        return bool(data)
    return data is not None and data is not False


def _row_holds_something(row: Form) -> bool:
    if any(row_field.errors for row_field in row):
        return True
    if isinstance(row, ElectroPairForm):
        return not row.is_blank()
    return bool((row["code"].data or "").strip())


def open_folds(form: VisitNoteForm) -> frozenset[str]:
    """Return the folded parts of the note shown open: those of the kind of visit and those holding something."""
    used = KIND_PARTS.get(form.kind.data or ACUPUNCTURE, KIND_PARTS[ACUPUNCTURE])
    holding = {
        part for part, names in FOLDS.items() if any(_holds_something(form[n]) for n in names if n in form)
    }
    opened = used | holding
    # Folds inside the needling part (the count's incident, electro, the protocol's name) open it too.
    return frozenset(opened | {FOLDED_INSIDE[part] for part in opened if part in FOLDED_INSIDE})


def form_data_for(note: dict, version: int | None) -> dict:
    """Return the form's initial data for a stored note."""
    data = {key: value for key, value in note.items() if key not in ("overrides", "moxibustion_points")}
    data["visit_at"] = to_clinic_time(datetime.fromisoformat(note["visit_at"])).replace(tzinfo=None)
    data["moxibustion_points"] = " ".join(note["moxibustion_points"])
    data["protocol_id"] = "" if note["protocol_id"] is None else str(note["protocol_id"])
    data["version"] = "" if version is None else str(version)
    for caution in CAUTIONS:
        data[f"override_{caution}"] = note["overrides"].get(caution, "")
    return data
