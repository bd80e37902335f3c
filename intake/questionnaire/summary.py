"""Intake answers put into words, for the patient's review page, the chart and the full intake page."""

from dataclasses import dataclass, field

from intake.pain.regions import region_label
from intake.patients.forms import PROVINCES
from intake.patients.models import Patient
from intake.questionnaire import steps as q
from intake.questionnaire.alerts import DANGER, Alert, intake_alerts
from intake.questionnaire.models import Intake

NOT_ANSWERED = "Not answered"
PROVINCE_NAMES = dict(PROVINCES)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str


@dataclass
class AnswerSection:
    key: str
    title: str
    staff_title: str
    answers: list[Answer] = field(default_factory=list)
    saved: bool = True


@dataclass
class IntakeSummary:
    sections: list[AnswerSection]
    complaint: dict
    pain_regions: list[tuple[str, int]]
    pain_week: dict
    odi_percent: float | None
    odi_whole_percent: int | None
    odi_band: str | None
    odi_answered: int
    red_flags: list[Alert]
    precautions: list[Alert]
    health: dict
    contact_changes: list[tuple[str, str, str]]

    @property
    def section_by_key(self) -> dict:
        return {section.key: section for section in self.sections}


def _yes_no(value) -> str:
    if value is None:
        return NOT_ANSWERED
    return "Yes" if value else "No"


def _choice(choices, value) -> str:
    return dict(choices).get(value, NOT_ANSWERED if not value else value)


def _text(value) -> str:
    return (value or "").strip() or "—"


def contact_answers(saved: dict) -> list[Answer]:
    answers = []
    for name in q.CONTACT_FIELDS:
        value = saved.get(name) or ""
        if name == "province":
            value = PROVINCE_NAMES.get(value, value)
        answers.append(Answer(q.CONTACT_LABELS[name], _text(value)))
    return answers


def complaint_answers(saved: dict) -> list[Answer]:
    return [
        Answer("What brings you in", _text(saved.get("reason"))),
        Answer("Goals", _text(saved.get("goals"))),
        Answer("How it started", _text(saved.get("onset_description"))),
        Answer("When it started", _choice(q.STARTED_CHOICES, saved.get("started"))),
        Answer("Constant or comes and goes", _choice(q.PATTERN_CHOICES, saved.get("pattern"))),
        Answer("Worse with", _text(saved.get("worse"))),
        Answer("Better with", _text(saved.get("better"))),
        Answer("Treatment so far", _text(saved.get("previous_treatment"))),
        Answer("Acupuncture before", _yes_no(saved.get("previous_acupuncture"))),
        Answer("Massage therapy before", _yes_no(saved.get("previous_massage"))),
    ]


def pain_regions(saved: dict) -> list[tuple[str, int]]:
    """Return (region label, score) pairs, most painful first."""
    regions = saved.get("regions") or {}
    return sorted(
        ((region_label(code), int(score)) for code, score in regions.items()), key=lambda r: (-r[1], r[0])
    )


def pain_answers(saved: dict) -> list[Answer]:
    regions = pain_regions(saved)
    where = "; ".join(f"{label}: {score}" for label, score in regions) or "No areas marked"
    return [
        Answer("Where it hurts (0-10)", where),
        Answer("Worst pain in the last week", _score(saved.get("worst"))),
        Answer("Least pain in the last week", _score(saved.get("least"))),
        Answer("Average pain in the last week", _score(saved.get("average"))),
    ]


def _score(value) -> str:
    return NOT_ANSWERED if value is None else f"{value} / 10"


def odi_answers(saved: dict) -> list[Answer]:
    answers = []
    for section in q.ODI_SECTIONS:
        value = saved.get(section.key)
        text = "Skipped" if value is None else f"{section.statements[value]} ({value})"
        answers.append(Answer(section.title, text))
    return answers


def red_flag_answers(saved: dict) -> list[Answer]:
    return [Answer(flag.question, _yes_no(saved.get(flag.key))) for flag in q.RED_FLAGS_ASKED]


def health_answers(saved: dict) -> list[Answer]:
    allergies = [label for key, label, _alert in q.ALLERGIES if saved.get(key)]
    if (saved.get("allergy_other") or "").strip():
        allergies.append(saved["allergy_other"].strip())
    pregnant = _choice(q.PREGNANCY_CHOICES, saved.get("pregnant"))
    if saved.get("pregnant") == "yes":
        pregnant += f" ({q.TRIMESTER_LABELS.get(saved.get('trimester') or '', 'trimester unknown')})"
    anticoagulant = _yes_no(saved.get("anticoagulant"))
    if saved.get("anticoagulant") and saved.get("anticoagulant_name"):
        anticoagulant += f": {saved['anticoagulant_name']}"
    answers = [
        Answer("Other health conditions", _text(saved.get("conditions"))),
        Answer("Medicines and supplements", _text(saved.get("medications"))),
        Answer("Blood thinner", anticoagulant),
        Answer("Allergies", ", ".join(allergies) or "None"),
        Answer("Pregnant", pregnant),
    ]
    for precaution in q.PRECAUTIONS_ASKED:
        answers.append(Answer(precaution.question, _yes_no(saved.get(precaution.key))))
    for precaution in q.DETAILED_PRECAUTIONS:
        text = _yes_no(saved.get(precaution.key))
        detail = (saved.get(f"{precaution.key}_detail") or "").strip()
        answers.append(Answer(precaution.question, f"{text}: {detail}" if detail else text))
    return answers


def consent_answers(intake: Intake) -> list[Answer]:
    if intake.consent_signed_at is None:
        return []
    signature = "Drawn signature" if intake.signature_path else f"Typed: {intake.signature_typed}"
    return [
        Answer("Consent given by", intake.consent_name or "—"),
        Answer("Signature", signature),
        Answer("Consent version", intake.consent_version or "—"),
        Answer("Privacy notice", "Acknowledged"),
    ]


SECTION_ANSWERS = {
    q.CONTACT: contact_answers,
    q.COMPLAINT: complaint_answers,
    q.PAIN: pain_answers,
    q.ODI: odi_answers,
    q.RED_FLAGS: red_flag_answers,
    q.HEALTH: health_answers,
}


def summarise(intake: Intake, patient: Patient) -> IntakeSummary:
    """Put every saved answer of an intake into words, with its score, red flags and precautions."""
    saved = intake.answers or {}
    sections = []
    for step in q.STEPS:
        if step.key == q.REVIEW:
            continue
        if step.key == q.CONSENT:
            answers = consent_answers(intake)
            sections.append(
                AnswerSection(step.key, step.title, step.staff_title, answers, saved=bool(answers))
            )
            continue
        present = step.key in saved
        answers = SECTION_ANSWERS[step.key](saved.get(step.key) or {}) if present else []
        sections.append(AnswerSection(step.key, step.title, step.staff_title, answers, saved=present))
    odi = saved.get(q.ODI) or {}
    percent = intake.odi_percent if intake.is_submitted else q.odi_percent(odi)
    alerts = intake_alerts(intake, patient)
    changes = saved.get("contact_changes") or {}
    return IntakeSummary(
        sections=sections,
        complaint={a.question: a.answer for a in complaint_answers(saved.get(q.COMPLAINT) or {})},
        pain_regions=pain_regions(saved.get(q.PAIN) or {}),
        pain_week={name: (saved.get(q.PAIN) or {}).get(name) for name in ("worst", "least", "average")},
        odi_percent=percent,
        odi_whole_percent=q.odi_whole_percent(percent),
        odi_band=q.odi_band(percent),
        odi_answered=sum(1 for value in odi.values() if value is not None),
        red_flags=[a for a in alerts if a.severity == DANGER],
        precautions=[a for a in alerts if a.severity != DANGER],
        health=saved.get(q.HEALTH) or {},
        contact_changes=[
            (q.CONTACT_LABELS[name], old or "—", new or "—") for name, (old, new) in changes.items()
        ],
    )
