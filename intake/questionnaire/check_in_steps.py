"""What the return-visit check-in asks: its steps, the PEG scale, reactions, what changed, the red flags again.

A check-in is short (under two minutes on a phone) and asks the same numbers before every return visit.
Answers are stored per step under the stable keys below (the red flags under the intake's own key and codes,
so decisions, urgent advice and the refusal to sign work on them unchanged).
"""

import math
from dataclasses import dataclass

from intake.pain.peg import PEG_MEANINGFUL_CHANGE
from intake.questionnaire import steps as q
from intake.questionnaire.steps import Step

PAIN_NOW = "pain_now"
PEG = "peg"
FLARE_UPS = "flare_ups"
LAST_TREATMENT = "last_treatment"
CHANGES = "changes"
RED_FLAGS = q.RED_FLAGS
REVIEW = q.REVIEW

#: The steps in the order the patient fills them; the last one is the review before submitting.
STEPS: tuple[Step, ...] = (
    Step(PAIN_NOW, "Your pain today", "Pain now"),
    Step(PEG, "Your pain over the past week", "PEG scale"),
    Step(FLARE_UPS, "Flare-ups since your last visit", "Flare-ups"),
    Step(LAST_TREATMENT, "After your last treatment", "Reactions to the last treatment"),
    Step(CHANGES, "What has changed", "Changes since the last visit"),
    Step(RED_FLAGS, "Important warning signs", "Red flag screening"),
    Step(REVIEW, "Check and send", "Review"),
)
STEP_BY_KEY = {step.key: step for step in STEPS}
ANSWER_STEPS = tuple(step.key for step in STEPS if step.key != REVIEW)


# --- PEG: Pain, Enjoyment of life, General activity (Krebs et al., J Gen Intern Med 2009) --------------


@dataclass(frozen=True)
class PegItem:
    key: str
    question: str
    low: str  # what 0 means
    high: str  # what 10 means
    staff_label: str


PEG_ITEMS: tuple[PegItem, ...] = (
    PegItem(
        "peg_pain",
        "What number best describes your pain on average in the past week?",
        "0 = no pain",
        "10 = pain as bad as you can imagine",
        "Average pain",
    ),
    PegItem(
        "peg_enjoyment",
        "What number best describes how, during the past week, pain has interfered with your enjoyment of life?",
        "0 = does not interfere",
        "10 = completely interferes",
        "Interference with enjoyment of life",
    ),
    PegItem(
        "peg_activity",
        "What number best describes how, during the past week, pain has interfered with your general activity?",
        "0 = does not interfere",
        "10 = completely interferes",
        "Interference with general activity",
    ),
)
PEG_KEYS = tuple(item.key for item in PEG_ITEMS)


def peg_score(items: dict) -> float | None:
    """Return the PEG score: the mean of its three 0-10 items, to one decimal; None when any is missing."""
    values = [items.get(key) for key in PEG_KEYS]
    if any(not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10 for value in values):
        return None
    # Three whole numbers: the mean ends in .0, .33 or .67, so rounding half up never meets a tie.
    return math.floor(sum(values) / 3 * 10 + 0.5) / 10  # type: ignore[arg-type]


def peg_change(before: float | None, after: float | None) -> float | None:
    """Return after - before, to one decimal (None when either is missing)."""
    if before is None or after is None:
        return None
    return round(after - before, 1)


def is_meaningful_peg_change(change: float | None) -> bool:
    """Return whether a PEG change is clinically meaningful (at least one point either way)."""
    return change is not None and abs(change) >= PEG_MEANINGFUL_CHANGE


# --- Flare-ups --------------------------------------------------------------------------

#: The most flare-ups a patient may report since the last visit (more reads as "constant", not a count).
MOST_FLARE_UPS = 30

# --- How the last treatment went ----------------------------------------------------------

REACTIONS: tuple[tuple[str, str], ...] = (
    ("soreness", "Soreness where I was treated"),
    ("bruising", "Bruising"),
    ("tiredness", "Tiredness"),
    ("dizziness", "Dizziness or fainting"),
    ("feeling_better", "Feeling better"),
)
REACTION_KEYS = tuple(key for key, _label in REACTIONS)
REACTION_LABELS = dict(REACTIONS)
#: Ticked when the patient noticed none of the reactions above.
NO_REACTION = "no_reaction"
NO_REACTION_LABEL = "Nothing of these"
#: Reactions the practitioner must see before treating again.
ADVERSE_REACTIONS = ("bruising", "dizziness")

# --- What changed since the last visit ----------------------------------------------------------

#: Blood thinners asked by name (generic and common Canadian brand names).
BLOOD_THINNERS: tuple[tuple[str, str], ...] = (
    ("warfarin", "Warfarin (Coumadin)"),
    ("apixaban", "Apixaban (Eliquis)"),
    ("rivaroxaban", "Rivaroxaban (Xarelto)"),
    ("dabigatran", "Dabigatran (Pradaxa)"),
    ("edoxaban", "Edoxaban (Lixiana)"),
    ("heparin", "Heparin or enoxaparin (Lovenox) injections"),
    ("clopidogrel", "Clopidogrel (Plavix)"),
    ("ticagrelor", "Ticagrelor (Brilinta)"),
    ("aspirin", "Daily aspirin"),
)
BLOOD_THINNER_KEYS = tuple(key for key, _label in BLOOD_THINNERS)
BLOOD_THINNER_LABELS = dict(BLOOD_THINNERS)

PACEMAKER_DEVICE = "pacemaker"
ELECTRICAL_DEVICE = "electrical"
OTHER_DEVICE = "other"
DEVICE_CHOICES = [
    (PACEMAKER_DEVICE, "A pacemaker or defibrillator"),
    (ELECTRICAL_DEVICE, "Another electrical device (such as a nerve stimulator or a pump)"),
    (OTHER_DEVICE, "Something not electrical (such as a joint replacement, a stent or a screw)"),
]
#: Devices that make electro-acupuncture unsafe.
ELECTRICAL_DEVICES = (PACEMAKER_DEVICE, ELECTRICAL_DEVICE)


@dataclass(frozen=True)
class ChangeQuestion:
    key: str
    question: str  # as the patient reads it
    staff_label: str  # as the practitioner reads it
    detail_label: str = ""  # the follow-up text question, when the change has one
    detail_missing: str = ""


#: Yes/no questions whose "yes" opens a follow-up (the medicines, pregnancy and device follow-ups are choices too).
CHANGE_QUESTIONS: tuple[ChangeQuestion, ...] = (
    ChangeQuestion(
        "medicines",
        "Have you started or stopped any medicine since your last visit?",
        "Medicines started or stopped",
    ),
    ChangeQuestion("pregnancy", "Are you pregnant now, or could you be?", "Pregnancy"),
    ChangeQuestion(
        "device",
        "Have you had a device implanted since your last visit (such as a pacemaker)?",
        "New implanted device",
        "What device, and where? (optional)",
    ),
    ChangeQuestion(
        "injury",
        "Have you had a new injury or a fall since your last visit?",
        "New injury or fall",
        "What happened, and where were you hurt?",
        "Tell us what happened and where you were hurt.",
    ),
    ChangeQuestion(
        "surgery",
        "Have you had surgery since your last visit?",
        "Surgery",
        "What surgery, and when?",
        "Tell us what surgery you had and when.",
    ),
    ChangeQuestion(
        "diagnosis",
        "Has a doctor told you about a new health condition since your last visit?",
        "New diagnosis",
        "What were you told?",
        "Tell us what the doctor told you.",
    ),
)
CHANGE_KEYS = tuple(change.key for change in CHANGE_QUESTIONS)
CHANGE_BY_KEY = {change.key: change for change in CHANGE_QUESTIONS}
PREGNANCY_CHOICES = q.PREGNANCY_CHOICES
TRIMESTER_CHOICES = q.TRIMESTER_CHOICES

# --- Red flags, again ---------------------------------------------------------------------------------

#: The intake's red flags that can arise between visits (cancer and long steroid use are history, asked
#: at intake; a new diagnosis or medicine is asked under what changed).
RED_FLAGS_ASKED = tuple(flag for flag in q.RED_FLAGS_ASKED if flag.key not in ("cancer_history", "steroids"))
RED_FLAG_KEYS = tuple(flag.key for flag in RED_FLAGS_ASKED)
