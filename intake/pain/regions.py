"""Body regions for pain scores: a fixed vocabulary, front and back.

Each region has a stable code (stored with every score, never renamed), a label, its
side, the view of the body map it is drawn on, and the SNOMED CT body-structure concept.
SNOMED CT states laterality separately (qualifier 272741003 "Laterality"), so a left or
right region carries the concept of the structure plus ``side``; ``SNOMED_LATERALITY``
gives the qualifier values.
"""

from dataclasses import dataclass

LEFT, RIGHT, MIDLINE = "left", "right", "midline"
FRONT, BACK = "front", "back"
SNOMED_LATERALITY = {LEFT: "7771000", RIGHT: "24028007"}


@dataclass(frozen=True)
class Region:
    code: str
    label: str
    side: str
    view: str
    snomed: str | None
    snomed_term: str | None

    @property
    def snomed_laterality(self) -> str | None:
        return SNOMED_LATERALITY.get(self.side)


def _pair(code, label, view, snomed, term):
    return (
        Region(f"{code}_l", f"{label}, left", LEFT, view, snomed, term),
        Region(f"{code}_r", f"{label}, right", RIGHT, view, snomed, term),
    )


REGIONS: tuple[Region, ...] = (
    Region("head", "Head", MIDLINE, FRONT, "69536005", "Head structure"),
    Region("jaw", "Jaw", MIDLINE, FRONT, "661005", "Jaw region structure"),
    Region("neck_front", "Neck, front", MIDLINE, FRONT, "45048000", "Neck structure"),
    *_pair("shoulder", "Shoulder", FRONT, "16982005", "Shoulder region structure"),
    *_pair("upper_arm", "Upper arm", FRONT, "40983000", "Upper arm structure"),
    *_pair("elbow", "Elbow", FRONT, "127949000", "Elbow region structure"),
    *_pair("forearm", "Forearm", FRONT, "14975008", "Forearm structure"),
    *_pair("wrist_hand", "Wrist and hand", FRONT, "85562004", "Hand structure"),
    Region("chest", "Chest", MIDLINE, FRONT, "51185008", "Thoracic structure"),
    Region("abdomen", "Abdomen", MIDLINE, FRONT, "113345001", "Abdominal structure"),
    *_pair("hip", "Hip", FRONT, "29836001", "Hip region structure"),
    Region("groin", "Groin", MIDLINE, FRONT, "26893007", "Inguinal region structure"),
    *_pair("thigh_front", "Thigh, front", FRONT, "68367000", "Thigh structure"),
    *_pair("knee_front", "Knee, front", FRONT, "72696002", "Knee region structure"),
    *_pair("shin", "Shin", FRONT, "30021000", "Lower leg structure"),
    *_pair("ankle_foot", "Ankle and foot", FRONT, "56459004", "Foot structure"),
    Region("neck_back", "Neck, back", MIDLINE, BACK, "45048000", "Neck structure"),
    *_pair("upper_back", "Upper back", BACK, "77568009", "Back structure, excluding neck"),
    *_pair("mid_back", "Mid back", BACK, "77568009", "Back structure, excluding neck"),
    *_pair("lower_back", "Lower back", BACK, "37822005", "Lower back structure"),
    Region("lower_back_c", "Lower back, centre", MIDLINE, BACK, "37822005", "Lower back structure"),
    *_pair("sacroiliac", "Sacrum / SI joint", BACK, "39723000", "Sacroiliac joint structure"),
    *_pair("buttock", "Buttock", BACK, "46862004", "Buttock structure"),
    *_pair("thigh_back", "Thigh, back", BACK, "68367000", "Thigh structure"),
    *_pair("knee_back", "Knee, back", BACK, "72696002", "Knee region structure"),
    *_pair("calf", "Calf", BACK, "53840002", "Calf of leg structure"),
)

REGION_BY_CODE: dict[str, Region] = {region.code: region for region in REGIONS}
FRONT_REGIONS = tuple(r for r in REGIONS if r.view == FRONT)
BACK_REGIONS = tuple(r for r in REGIONS if r.view == BACK)


def region_label(code: str) -> str:
    """Return the label for a region code (the code itself if it is unknown)."""
    region = REGION_BY_CODE.get(code)
    return region.label if region else code
