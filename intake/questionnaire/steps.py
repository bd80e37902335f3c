"""What the intake questionnaire asks: its steps, the Oswestry Disability Index, red flags and precautions.

Answers are stored per step under stable keys (below), so they can be analysed later without
reading the templates.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    key: str
    title: str  # as the patient reads it
    staff_title: str  # as the practitioner reads it


CONTACT = "contact"
COMPLAINT = "complaint"
PAIN = "pain"
ODI = "odi"
RED_FLAGS = "red_flags"
HEALTH = "health"
CONSENT = "consent"
REVIEW = "review"

#: The steps in the order the patient fills them; the last one is the review before submitting.
STEPS: tuple[Step, ...] = (
    Step(CONTACT, "Your contact details", "Contact details"),
    Step(COMPLAINT, "Why you are coming", "Presenting complaint"),
    Step(PAIN, "Where it hurts", "Pain"),
    Step(ODI, "Your back and daily life", "Oswestry Disability Index"),
    Step(RED_FLAGS, "Important warning signs", "Red flag screening"),
    Step(HEALTH, "Health history", "Health history and precautions"),
    Step(CONSENT, "Consent", "Consent"),
    Step(REVIEW, "Check and submit", "Review"),
)
STEP_BY_KEY = {step.key: step for step in STEPS}
ANSWER_STEPS = tuple(step.key for step in STEPS if step.key != REVIEW)


def step_number(key: str, steps: tuple[Step, ...] = STEPS) -> int:
    """Return the 1-based position of a step (of the intake, or of the form whose ``steps`` are given)."""
    return [step.key for step in steps].index(key) + 1


def previous_step(key: str, steps: tuple[Step, ...] = STEPS) -> str | None:
    position = step_number(key, steps) - 1
    return steps[position - 1].key if position > 0 else None


def next_step(key: str, steps: tuple[Step, ...] = STEPS) -> str:
    position = step_number(key, steps)
    return steps[min(position, len(steps) - 1)].key


# --- Contact -------------------------------------------------------------------------

#: Patient fields the patient may confirm or correct; the chart takes them on submit.
CONTACT_FIELDS = (
    "phone",
    "email",
    "address_line",
    "city",
    "province",
    "postal_code",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
)
CONTACT_LABELS = {
    "phone": "Phone",
    "email": "Email",
    "address_line": "Street address",
    "city": "City",
    "province": "Province",
    "postal_code": "Postal code",
    "emergency_contact_name": "Emergency contact",
    "emergency_contact_relationship": "Relationship",
    "emergency_contact_phone": "Emergency contact phone",
}

# --- Complaint -----------------------------------------------------------------------

STARTED_CHOICES = [
    ("under_6_weeks", "Less than 6 weeks ago"),
    ("6_to_12_weeks", "6 to 12 weeks ago"),
    ("over_3_months", "More than 3 months ago"),
]
#: Onsets that count as "new" back pain for the age red flag.
NEW_ONSETS = {"under_6_weeks", "6_to_12_weeks"}
PATTERN_CHOICES = [("constant", "Constant (always there)"), ("intermittent", "Comes and goes")]

# --- Oswestry Disability Index (version 2.1a) ---------------------------------------------


@dataclass(frozen=True)
class OdiSection:
    key: str
    title: str
    statements: tuple[str, ...]  # scored 0..5 in this order


ODI_SECTIONS: tuple[OdiSection, ...] = (
    OdiSection(
        "pain_intensity",
        "Pain intensity",
        (
            "I have no pain at the moment",
            "The pain is very mild at the moment",
            "The pain is moderate at the moment",
            "The pain is fairly severe at the moment",
            "The pain is very severe at the moment",
            "The pain is the worst imaginable at the moment",
        ),
    ),
    OdiSection(
        "personal_care",
        "Personal care (washing, dressing etc.)",
        (
            "I can look after myself normally without causing extra pain",
            "I can look after myself normally but it causes extra pain",
            "It is painful to look after myself and I am slow and careful",
            "I need some help but manage most of my personal care",
            "I need help every day in most aspects of self-care",
            "I do not get dressed, I wash with difficulty and stay in bed",
        ),
    ),
    OdiSection(
        "lifting",
        "Lifting",
        (
            "I can lift heavy weights without extra pain",
            "I can lift heavy weights but it gives extra pain",
            "Pain prevents me from lifting heavy weights off the floor, but I can manage if they are "
            "conveniently placed, e.g. on a table",
            "Pain prevents me from lifting heavy weights, but I can manage light to medium weights if they "
            "are conveniently positioned",
            "I can lift very light weights",
            "I cannot lift or carry anything at all",
        ),
    ),
    OdiSection(
        "walking",
        "Walking",
        (
            "Pain does not prevent me walking any distance",
            "Pain prevents me from walking more than 1 mile",
            "Pain prevents me from walking more than 1/2 mile",
            "Pain prevents me from walking more than 100 yards",
            "I can only walk using a stick or crutches",
            "I am in bed most of the time",
        ),
    ),
    OdiSection(
        "sitting",
        "Sitting",
        (
            "I can sit in any chair as long as I like",
            "I can only sit in my favourite chair as long as I like",
            "Pain prevents me sitting more than one hour",
            "Pain prevents me from sitting more than 30 minutes",
            "Pain prevents me from sitting more than 10 minutes",
            "Pain prevents me from sitting at all",
        ),
    ),
    OdiSection(
        "standing",
        "Standing",
        (
            "I can stand as long as I want without extra pain",
            "I can stand as long as I want but it gives me extra pain",
            "Pain prevents me from standing for more than 1 hour",
            "Pain prevents me from standing for more than 30 minutes",
            "Pain prevents me from standing for more than 10 minutes",
            "Pain prevents me from standing at all",
        ),
    ),
    OdiSection(
        "sleeping",
        "Sleeping",
        (
            "My sleep is never disturbed by pain",
            "My sleep is occasionally disturbed by pain",
            "Because of pain I have less than 6 hours sleep",
            "Because of pain I have less than 4 hours sleep",
            "Because of pain I have less than 2 hours sleep",
            "Pain prevents me from sleeping at all",
        ),
    ),
    OdiSection(
        "sex_life",
        "Sex life (if applicable)",
        (
            "My sex life is normal and causes no extra pain",
            "My sex life is normal but causes some extra pain",
            "My sex life is nearly normal but is very painful",
            "My sex life is severely restricted by pain",
            "My sex life is nearly absent because of pain",
            "Pain prevents any sex life at all",
        ),
    ),
    OdiSection(
        "social_life",
        "Social life",
        (
            "My social life is normal and gives me no extra pain",
            "My social life is normal but increases the degree of pain",
            "Pain has no significant effect on my social life apart from limiting my more energetic "
            "interests, e.g. sport",
            "Pain has restricted my social life and I do not go out as often",
            "Pain has restricted my social life to my home",
            "I have no social life because of pain",
        ),
    ),
    OdiSection(
        "travelling",
        "Travelling",
        (
            "I can travel anywhere without pain",
            "I can travel anywhere but it gives me extra pain",
            "Pain is bad but I manage journeys over two hours",
            "Pain restricts me to journeys of less than one hour",
            "Pain restricts me to short necessary journeys under 30 minutes",
            "Pain prevents me from travelling except to receive treatment",
        ),
    ),
)
ODI_SECTION_KEYS = tuple(section.key for section in ODI_SECTIONS)

#: Upper bound (inclusive, in %) of each ODI band.
ODI_BANDS = (
    (20, "Minimal disability"),
    (40, "Moderate disability"),
    (60, "Severe disability"),
    (80, "Crippled"),
    (100, "Bed-bound"),
)


def odi_percent(section_scores: dict) -> float | None:
    """Return the ODI %: total ÷ (5 × sections answered) × 100; None when no section was answered."""
    answered = [score for score in section_scores.values() if score is not None]
    if not answered:
        return None
    return round(sum(answered) / (5 * len(answered)) * 100, 1)


def odi_whole_percent(percent: float | None) -> int | None:
    """Round an ODI % to the whole number staff read (halves round up)."""
    return None if percent is None else math.floor(percent + 0.5)


def odi_band(percent: float | None) -> str | None:
    """Return the ODI band of a percentage (0-20 minimal ... 81-100 bed-bound), read on the whole number."""
    whole = odi_whole_percent(percent)
    if whole is None:
        return None
    return next(label for upper, label in ODI_BANDS if whole <= upper)


# --- Red flags -------------------------------------------------------------------------


@dataclass(frozen=True)
class RedFlag:
    key: str
    question: str
    alert: str  # as the practitioner reads it: "Red flag: <alert> — refer before treating"


RED_FLAGS_ASKED: tuple[RedFlag, ...] = (
    RedFlag(
        "bladder_bowel",
        "Have you had new trouble passing or holding urine or stool?",
        "new bladder or bowel trouble",
    ),
    RedFlag(
        "saddle_numbness",
        "Do you have numbness around your genitals, buttocks or inner thighs (the “saddle” area)?",
        "saddle numbness",
    ),
    RedFlag("leg_weakness", "Is weakness in one or both legs getting worse?", "progressive leg weakness"),
    RedFlag("fever", "Do you have a fever or feel generally unwell?", "fever or feeling unwell"),
    RedFlag("weight_loss", "Have you lost weight without trying?", "unexplained weight loss"),
    RedFlag("cancer_history", "Have you ever had cancer?", "history of cancer"),
    RedFlag(
        "trauma",
        "Have you had a significant injury or fall recently (for example a car accident)?",
        "recent significant trauma or fall",
    ),
    RedFlag(
        "night_pain",
        "Do you have pain at night that does not ease with rest or changing position?",
        "night pain not eased by rest or position",
    ),
    RedFlag(
        "steroids",
        "Have you taken steroid medicine (such as prednisone) for a long time?",
        "long-term steroid use",
    ),
)
RED_FLAG_KEYS = tuple(flag.key for flag in RED_FLAGS_ASKED)
AGE_RED_FLAG = "age"
YOUNGEST_WITHOUT_FLAG = 20
OLDEST_WITHOUT_FLAG = 50

# --- Health history and precautions ---------------------------------------------------------


@dataclass(frozen=True)
class Precaution:
    key: str
    question: str
    alert: str  # shown on the chart and visit notes when the answer is yes


#: Yes/no precautions; each "yes" becomes a warning on the chart.
PRECAUTIONS_ASKED: tuple[Precaution, ...] = (
    Precaution(
        "pacemaker",
        "Do you have a pacemaker or another implanted electrical device?",
        "Pacemaker — no electro-acupuncture",
    ),
    Precaution(
        "bleeding_disorder",
        "Do you have a bleeding disorder (such as haemophilia) or bruise very easily?",
        "Bleeding disorder — bleeding risk",
    ),
    Precaution(
        "epilepsy", "Do you have epilepsy or seizures?", "Epilepsy — seizure risk; do not leave alone"
    ),
    Precaution("diabetes", "Do you have diabetes?", "Diabetes — check skin and sensation; slow healing"),
    Precaution(
        "immunosuppressed",
        "Is your immune system weakened (by illness or medicine such as chemotherapy)?",
        "Immunosuppressed — infection risk; strict clean technique",
    ),
    Precaution(
        "fainting",
        "Have you fainted before, or are you afraid of needles?",
        "Fainting or needle fear — treat lying down",
    ),
    Precaution(
        "dvt",
        "Have you had a blood clot in a vein (deep-vein thrombosis)?",
        "Deep-vein thrombosis — no deep massage of the legs",
    ),
    Precaution(
        "osteoporosis",
        "Do you have osteoporosis (thin or fragile bones)?",
        "Osteoporosis — gentle pressure only",
    ),
    Precaution(
        "varicose_veins",
        "Do you have varicose veins?",
        "Varicose veins — no needling or deep massage over them",
    ),
)
PRECAUTION_KEYS = tuple(p.key for p in PRECAUTIONS_ASKED)

#: Yes/no questions that open a "tell us more" box.
DETAILED_PRECAUTIONS = (
    Precaution(
        "skin_condition",
        "Do you have a skin condition (such as eczema, psoriasis or a rash)?",
        "Skin condition — avoid affected areas",
    ),
    Precaution(
        "recent_surgery",
        "Have you had surgery in the last 6 months?",
        "Recent surgery — avoid the surgical site",
    ),
)

ALLERGIES = (
    ("allergy_metal", "Metals, such as nickel", "Metal allergy — check needle material"),
    ("allergy_latex", "Latex", "Latex allergy — latex-free gloves"),
    ("allergy_adhesive", "Adhesives or tape", "Adhesive allergy — no tape or press needles"),
    ("allergy_oil", "Massage oils or lotions", "Oil or lotion allergy — check the massage medium"),
)

PREGNANCY_CHOICES = [("no", "No"), ("yes", "Yes"), ("possibly", "Possibly / not sure")]
TRIMESTER_CHOICES = [
    ("1", "1st trimester (weeks 1-12)"),
    ("2", "2nd trimester (weeks 13-27)"),
    ("3", "3rd trimester (week 28 on)"),
    ("unsure", "Not sure"),
]
TRIMESTER_LABELS = {
    "1": "1st trimester",
    "2": "2nd trimester",
    "3": "3rd trimester",
    "unsure": "trimester unknown",
}

YES_NO = [("yes", "Yes"), ("no", "No")]
