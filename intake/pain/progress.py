"""Is it working? The clinic's rules for a clinically meaningful change.

Pain (0-10 Numeric Pain Rating Scale): a change is meaningful when it is at least 2 points
OR at least 30 % of the baseline score. Oswestry Disability Index (0-100 %): at least 10 points OR at least
30 % of the baseline.
Scores may be averages (the immediate effect of treatment), so the rules take floats; they are
compared at a precision of 1e-6 so that 30 % of 5 is exactly 1.5.
"""

from dataclasses import dataclass

PAIN_MEANINGFUL_POINTS = 2.0
PAIN_MEANINGFUL_FRACTION = 0.30
ODI_MEANINGFUL_POINTS = 10.0
ODI_MEANINGFUL_FRACTION = 0.30

#: The thresholds above as the pain history page words them (the page types no number of its own).
MEANINGFUL_CHANGE_WORDS = {
    "pain_points": f"{PAIN_MEANINGFUL_POINTS:g} points",
    "pain_percent": f"{PAIN_MEANINGFUL_FRACTION:.0%}",
    "odi_points": f"{ODI_MEANINGFUL_POINTS:g} points",
    "odi_percent": f"{ODI_MEANINGFUL_FRACTION:.0%}",
    "odi_drop": "meaningful",
}

IMPROVED = "improved"
WORSE = "worse"
NO_MEANINGFUL_CHANGE = "unchanged"


def _at_least(value: float, threshold: float) -> bool:
    return round(value, 6) >= round(threshold, 6)


def pain_change_is_meaningful(baseline: float, change: float) -> bool:
    """Return whether a change of ``change`` points from ``baseline`` is clinically meaningful."""
    size = abs(change)
    if size == 0:
        return False
    return _at_least(size, PAIN_MEANINGFUL_POINTS) or _at_least(size, PAIN_MEANINGFUL_FRACTION * baseline)


def pain_meaningful_drop(baseline: float) -> float:
    """Return the smallest drop from ``baseline`` that counts as meaningful (may exceed the baseline)."""
    return min(PAIN_MEANINGFUL_POINTS, PAIN_MEANINGFUL_FRACTION * baseline)


def odi_change_is_meaningful(baseline: float, change: float) -> bool:
    """Return whether a change of ``change`` points from ``baseline`` in the Oswestry Disability Index is meaningful."""
    size = abs(change)
    if size == 0:
        return False
    return _at_least(size, ODI_MEANINGFUL_POINTS) or _at_least(size, ODI_MEANINGFUL_FRACTION * baseline)


def odi_meaningful_drop(baseline: float) -> float:
    """Return the smallest ODI drop from ``baseline`` that counts as meaningful."""
    return min(ODI_MEANINGFUL_POINTS, ODI_MEANINGFUL_FRACTION * baseline)


@dataclass(frozen=True)
class Change:
    """A change from a baseline to a latest value, and what it means for the patient."""

    baseline: float
    latest: float
    verdict: str

    @property
    def amount(self) -> float:
        return self.latest - self.baseline

    @property
    def is_meaningful(self) -> bool:
        return self.verdict != NO_MEANINGFUL_CHANGE

    @property
    def in_words(self) -> str:
        if self.verdict == IMPROVED:
            return "Meaningful improvement"
        if self.verdict == WORSE:
            return "Meaningfully worse"
        return "No meaningful change"


def _verdict(change: float, meaningful: bool) -> str:
    if not meaningful:
        return NO_MEANINGFUL_CHANGE
    return IMPROVED if change < 0 else WORSE


def pain_change(baseline: float, latest: float) -> Change:
    """Judge a pain score's change from baseline (lower is better)."""
    change = latest - baseline
    return Change(baseline, latest, _verdict(change, pain_change_is_meaningful(baseline, change)))


def odi_change(baseline: float, latest: float) -> Change:
    """Judge an Oswestry Disability Index change from baseline (lower is better)."""
    change = latest - baseline
    return Change(baseline, latest, _verdict(change, odi_change_is_meaningful(baseline, change)))
