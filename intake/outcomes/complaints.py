"""The complaints an episode of care treats: areas of the body, each a set of pain regions.

An episode is for one complaint ("Lower back"); its pain is the worst score among the area's regions at
each occasion. Every body region belongs to exactly one area, so an intake's most painful region names the
complaint it opens an episode for.
"""

from dataclasses import dataclass

from intake.pain.regions import REGION_BY_CODE, REGIONS


@dataclass(frozen=True)
class ComplaintArea:
    code: str
    label: str
    region_codes: tuple[str, ...]

    @property
    def pain_label(self) -> str:
        return f"{self.label} pain"


def _sided(*codes: str) -> tuple[str, ...]:
    return tuple(f"{code}_{side}" for code in codes for side in ("l", "r"))


LOWER_BACK = "lower_back"

COMPLAINT_AREAS: tuple[ComplaintArea, ...] = (
    ComplaintArea(LOWER_BACK, "Lower back", ("lower_back_c", *_sided("lower_back", "sacroiliac"))),
    ComplaintArea("buttock_leg", "Buttock and back of the leg", _sided("buttock", "thigh_back", "calf")),
    ComplaintArea("hip", "Hip and groin", ("groin", *_sided("hip"))),
    ComplaintArea("upper_back", "Upper and mid back", _sided("upper_back", "mid_back")),
    ComplaintArea("neck", "Neck", ("neck_front", "neck_back")),
    ComplaintArea("head_jaw", "Head and jaw", ("head", "jaw")),
    ComplaintArea(
        "shoulder_arm", "Shoulder and arm", _sided("shoulder", "upper_arm", "elbow", "forearm", "wrist_hand")
    ),
    ComplaintArea(
        "knee_leg",
        "Knee, shin and foot",
        _sided("thigh_front", "knee_front", "knee_back", "shin", "ankle_foot"),
    ),
    ComplaintArea("chest_abdomen", "Chest and abdomen", ("chest", "abdomen")),
)
AREA_BY_CODE = {area.code: area for area in COMPLAINT_AREAS}
AREA_CODES = tuple(AREA_BY_CODE)
AREA_OF_REGION = {code: area.code for area in COMPLAINT_AREAS for code in area.region_codes}
_REGION_ORDER = {region.code: n for n, region in enumerate(REGIONS)}


def area_label(code: str) -> str:
    """Return the label of a complaint area (the code itself if unknown)."""
    area = AREA_BY_CODE.get(code)
    return area.label if area else code


def complaint_of_scores(scores: dict[str, int]) -> str | None:
    """Return the area of the most painful region (the first in body order on a tie), None without a score."""
    scored = [(score, code) for code, score in scores.items() if code in REGION_BY_CODE and score > 0]
    if not scored:
        return None
    _, code = min(scored, key=lambda item: (-item[0], _REGION_ORDER[item[1]]))
    return AREA_OF_REGION[code]
