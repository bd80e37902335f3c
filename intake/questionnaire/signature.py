"""Drawn signatures: SVG path data on a 600 x 200 box, as static/js/questionnaire-signature.js writes it.

Only "M x y" and "L x y" commands with whole-number coordinates are accepted, so a stored
signature can be drawn back into an <svg> without escaping surprises.
"""

import re

WIDTH = 600
HEIGHT = 200
MAX_LENGTH = 40_000
MIN_POINTS = 8
PATH_SHAPE = re.compile(r"^M\d{1,4} \d{1,4}(?: [ML]\d{1,4} \d{1,4})*$")
POINT = re.compile(r"[ML](\d+) (\d+)")


def signature_problem(path: str) -> str | None:
    """Return why a drawn signature is refused, or None when it is acceptable."""
    if len(path) > MAX_LENGTH:
        return "That signature is too large to store. Clear it and sign again with fewer strokes."
    if not PATH_SHAPE.match(path):
        return "That signature could not be read. Clear it and sign again."
    points = [(int(x), int(y)) for x, y in POINT.findall(path)]
    if any(x > WIDTH or y > HEIGHT for x, y in points):
        return "That signature goes outside the box. Clear it and sign again."
    if len(points) < MIN_POINTS:
        return "That signature is too short. Sign with your finger or mouse across the box."
    return None
