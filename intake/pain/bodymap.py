"""Reading body-map answers from a submitted form.

The body map posts one field per region, named ``<prefix>-<region code>``, holding ''
(not painful / not scored) or a whole number 0-10.
"""

import re

from intake.pain.figure import SCORE_FILLS, UNSCORED_FILL
from intake.pain.regions import BACK_REGIONS, FRONT_REGIONS, REGION_BY_CODE, region_label

SCORE_CHOICES = tuple(range(0, 11))
#: The regions this clinic scores most, offered as one-tap chips above the figure (back pain first).
QUICK_REGIONS: tuple[str, ...] = (
    "lower_back_l",
    "lower_back_c",
    "lower_back_r",
    "buttock_l",
    "buttock_r",
    "sacroiliac_l",
    "sacroiliac_r",
    "neck_back",
    "shoulder_l",
    "shoulder_r",
)
#: The regions of the close-up of the lower back and pelvis.
LUMBAR_PELVIC_REGIONS: tuple[str, ...] = (
    "lower_back_l",
    "lower_back_c",
    "lower_back_r",
    "sacroiliac_l",
    "sacroiliac_r",
    "buttock_l",
    "buttock_r",
)
#: ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
SCORE_TEXT = re.compile(r"[0-9]{1,2}")


def field_name(prefix: str, code: str) -> str:
    return f"{prefix}-{code}"


def parse_region_scores(formdata, prefix: str = "pain") -> tuple[dict[str, int], dict[str, str]]:
    """Return ``(scores by region code, error message by field name)`` from form data."""
    scores: dict[str, int] = {}
    errors: dict[str, str] = {}
    start = f"{prefix}-"
    for key in formdata.keys():
        if not key.startswith(start):
            continue
        code = key[len(start) :]
        values = [v.strip() for v in formdata.getlist(key)]
        if code not in REGION_BY_CODE:
            errors[key] = f"“{code}” is not a body region this clinic records."
            continue
        if len([v for v in values if v != ""]) > 1:
            errors[key] = f"{region_label(code)} was given more than once; give one score."
            continue
        value = next((v for v in values if v != ""), "")
        if value == "":
            continue
        if not SCORE_TEXT.fullmatch(value) or not 0 <= int(value) <= 10:
            errors[key] = f"{region_label(code)}: choose a whole number from 0 (no pain) to 10 (worst)."
            continue
        scores[code] = int(value)
    return scores, errors


def body_map_template_context() -> dict:
    """Template globals the body map macro reads (regions grouped by view, the score colours)."""
    return {
        "body_map_regions": (("Front", FRONT_REGIONS), ("Back", BACK_REGIONS)),
        "body_map_codes": frozenset(REGION_BY_CODE),
        "body_map_quick_regions": tuple(REGION_BY_CODE[code] for code in QUICK_REGIONS),
        "body_map_lumbar_codes": LUMBAR_PELVIC_REGIONS,
        "body_map_fills": SCORE_FILLS,
        "body_map_unscored_fill": UNSCORED_FILL,
    }
