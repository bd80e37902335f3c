"""Acupuncture points: the 361 WHO standard points and the common extra (EX) points.

The table is package data (``data/acupuncture_points.csv``, sources in ``data/README.md``) and
is read once, on first use. Practitioners write codes many ways ("UB23", "bl-23", "Ren4",
"SJ5", "LV3"); ``find_point`` turns any of them into the WHO code stored on the note.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

#: The fourteen channels in WHO order, with the name practitioners read.
MERIDIANS = {
    "LU": "Lung",
    "LI": "Large Intestine",
    "ST": "Stomach",
    "SP": "Spleen",
    "HT": "Heart",
    "SI": "Small Intestine",
    "BL": "Bladder",
    "KI": "Kidney",
    "PC": "Pericardium",
    "TE": "Triple Energizer (San Jiao)",
    "GB": "Gallbladder",
    "LR": "Liver",
    "GV": "Governor Vessel (Du)",
    "CV": "Conception Vessel (Ren)",
}
EXTRA = "EX"

#: Other schools' channel abbreviations, mapped to the WHO code.
MERIDIAN_ALIASES = {
    **{code: code for code in MERIDIANS},
    "UB": "BL",
    "SJ": "TE",
    "TW": "TE",
    "TB": "TE",
    "LV": "LR",
    "LIV": "LR",
    "DU": "GV",
    "REN": "CV",
    "HE": "HT",
    "HP": "PC",
    "P": "PC",
    "K": "KI",
    "KID": "KI",
    "CO": "LI",
}

#: Points on the midline of the body: needled once, never "left" or "right".
MIDLINE_MERIDIANS = frozenset({"GV", "CV"})
MIDLINE_EXTRA_POINTS = frozenset({"EX-HN1", "EX-HN3", "EX-B8"})

#: What practitioners put between the parts of a code or a name ("BL-23", "Shen shu", "EX.HN3", "Zu San'li").
_SEPARATORS = re.compile(r"[\s\-_.·']")
_CHANNEL_CODE = re.compile(r"^([A-Z]+?)0*(\d+)$")
_EXTRA_CODE = re.compile(r"^EX(HN|B|UE|LE|CA)0*(\d+)$")


@dataclass(frozen=True)
class Point:
    code: str
    meridian: str
    number: int
    pinyin: str
    hanzi: str
    english: str

    @property
    def is_midline(self) -> bool:
        return self.meridian in MIDLINE_MERIDIANS or self.code in MIDLINE_EXTRA_POINTS

    @property
    def label(self) -> str:
        """'BL23 Shenshu · Kidney Shu', as shown in the picker."""
        return f"{self.code} {self.pinyin} · {self.english}"


@dataclass(frozen=True)
class Vocabulary:
    points: tuple[Point, ...]
    by_code: dict[str, Point]
    #: Squashed pinyin ("SHENSHU") → the one point of that name; names two points share are left out.
    by_name: dict[str, Point]
    #: Each point's squashed pinyin, by code, for searching.
    squashed_names: dict[str, str]


@cache
def vocabulary() -> Vocabulary:
    """Read the point table from package data (once per process)."""
    source = files("intake.visits") / "data" / "acupuncture_points.csv"
    # Traversable's stub leaves out newline=, which the csv module needs; the file is a plain pathlib.Path.
    with source.open(encoding="utf-8", newline="") as handle:  # type: ignore[call-overload]
        points = tuple(
            Point(
                code=row["code"],
                meridian=row["meridian"],
                number=int(row["number"]),
                pinyin=row["pinyin"],
                hanzi=row["hanzi"],
                english=row["english"],
            )
            for row in csv.DictReader(handle)
        )
    squashed_names = {point.code: _squash(point.pinyin) for point in points}
    named: dict[str, list[Point]] = {}
    for point in points:
        named.setdefault(squashed_names[point.code], []).append(point)
    return Vocabulary(
        points=points,
        by_code={point.code: point for point in points},
        by_name={name: same[0] for name, same in named.items() if len(same) == 1},
        squashed_names=squashed_names,
    )


def all_points() -> tuple[Point, ...]:
    """Every point, WHO channels in order, then the extra points."""
    return vocabulary().points


def _squash(text: str) -> str:
    """Upper-case ``text`` without separators or tone marks ("Shèn shū" → "SHENSHU")."""
    text = _SEPARATORS.sub("", text or "")
    if not text.isascii():
        # Tone marks and the umlaut of ü are combining marks once decomposed; the table writes ü as u.
        text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return text.upper()


def normalize_code(text: str) -> str | None:
    """Return the WHO code a practitioner meant ("UB 23" → "BL23"), or None if it is not code-shaped."""
    return _code_of(_squash(text))


def _code_of(squashed: str) -> str | None:
    extra = _EXTRA_CODE.match(squashed)
    if extra:
        return f"EX-{extra.group(1)}{int(extra.group(2))}"
    channel = _CHANNEL_CODE.match(squashed)
    if channel and channel.group(1) in MERIDIAN_ALIASES:
        return f"{MERIDIAN_ALIASES[channel.group(1)]}{int(channel.group(2))}"
    return None


def find_point(text: str) -> Point | None:
    """Return the point for a code, alias code or exact pinyin name, or None."""
    squashed = _squash(text)
    if not squashed:
        return None
    code = _code_of(squashed)
    if code:
        return vocabulary().by_code.get(code)
    return vocabulary().by_name.get(squashed)


def point_label(code: str) -> str:
    """Return 'BL23 Shenshu · Kidney Shu' for a stored code (the code itself if unknown)."""
    point = vocabulary().by_code.get(code)
    return point.label if point else code


def search_points(query: str, limit: int = 20) -> list[Point]:
    """Return points matching what was typed: code or alias, pinyin, English or hanzi, best first."""
    query = (query or "").strip()
    if not query:
        return []
    squashed = _squash(query)
    code = normalize_code(query)
    channel = MERIDIAN_ALIASES.get(squashed) or (EXTRA if squashed == EXTRA else None)
    words = query.lower().split()
    names = vocabulary().squashed_names
    ranked: list[tuple[int, int, Point]] = []
    for position, point in enumerate(all_points()):
        rank = _rank(point, names[point.code], squashed, code, channel, words, query)
        if rank is not None:
            ranked.append((rank, position, point))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [point for _, _, point in ranked[:limit]]


def _rank(
    point: Point, pinyin: str, squashed: str, code: str | None, channel: str | None, words, query
) -> int | None:
    if code == point.code:
        return 0
    if code and point.code.startswith(code) and point.code[len(code) :].isdigit():
        return 1
    if channel and point.meridian == channel:
        return 2
    if pinyin.startswith(squashed):
        return 3
    if squashed in pinyin:
        return 4
    english = point.english.lower()
    if all(any(w.startswith(word) for w in re.findall(r"[a-z']+", english)) for word in words):
        return 5
    if query.lower() in english or query in point.hanzi:
        return 6
    return None
