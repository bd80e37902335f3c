"""The body-map figure shaded by score, drawn on the server (history page, chart page, print).

The figure is our own file, ``static/img/body-map.svg``: each region is one self-closing
``<path ... data-region="<code>" .../>``. It is read once and cut into literal markup and
region shapes, so shading a map is string joining; labels and titles we add are escaped.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from intake.pain.regions import region_label

FIGURE_PATH = Path(__file__).resolve().parents[2] / "static" / "img" / "body-map.svg"

#: Fill for a region with no score.
UNSCORED_FILL = "#f6f4f0"
#: Fill by score 0-10: pale green for "scored, no pain", then yellow to dark red.
SCORE_FILLS = (
    "#d8eedf",
    "#fff3b8",
    "#ffe38a",
    "#fecc5c",
    "#fdae4b",
    "#fd8d3c",
    "#f4622d",
    "#e0321f",
    "#bd1226",
    "#93001f",
    "#5e0019",
)
#: Scores at or above this are drawn on a dark fill, so their number is white.
LIGHT_TEXT_FROM = 6

_SVG_ROOT = re.compile(r"<svg\b[^>]*>")
_REGION_SHAPE = re.compile(r'<(?P<tag>path)\b(?P<attrs>[^>]*\bdata-region="(?P<code>[a-z0-9_]+)"[^>]*?)\s*/>')
_ATTRIBUTE = re.compile(r'\s(?P<name>[a-z:-]+)="(?P<value>[^"]*)"')


@dataclass(frozen=True)
class RegionShape:
    code: str
    tag: str
    attributes: dict[str, str]
    label_x: str
    label_y: str


@dataclass(frozen=True)
class Figure:
    root: str
    pieces: tuple[str | RegionShape, ...]

    @property
    def region_codes(self) -> list[str]:
        return [piece.code for piece in self.pieces if isinstance(piece, RegionShape)]


def _step(score: float) -> int:
    """Return the whole 0-10 step of a score, halves rounding up (an average of 4.5 shades as 5)."""
    return max(0, min(10, int(score + 0.5)))


def score_fill(score: float | None) -> str:
    """Return the fill colour for a 0-10 score (rounded), or the unscored fill."""
    if score is None:
        return UNSCORED_FILL
    return SCORE_FILLS[_step(score)]


def score_text_fill(score: float | None) -> str:
    """Return a number colour that reads on the region's fill."""
    return "#ffffff" if score is not None and _step(score) >= LIGHT_TEXT_FROM else "#1d2a33"


@cache
def load_figure(path: Path = FIGURE_PATH) -> Figure:
    """Read the body-map SVG once and split it into markup and region shapes."""
    text = path.read_text(encoding="utf-8")
    root = _SVG_ROOT.search(text)
    if root is None:
        raise ValueError(f"{path} has no <svg> element")
    pieces: list[str | RegionShape] = []
    position = root.end()
    for match in _REGION_SHAPE.finditer(text, position):
        pieces.append(text[position : match.start()])
        attributes = {m["name"]: m["value"] for m in _ATTRIBUTE.finditer(" " + match["attrs"])}
        attributes.pop("fill", None)
        pieces.append(
            RegionShape(
                code=match["code"],
                tag=match["tag"],
                attributes=attributes,
                label_x=attributes.pop("data-label-x"),
                label_y=attributes.pop("data-label-y"),
            )
        )
        position = match.end()
    pieces.append(text[position:])
    return Figure(root=root.group(0), pieces=tuple(pieces))


def _format_score(score: float) -> str:
    return str(int(score)) if float(score).is_integer() else f"{score:.1f}"


def shaded_body_map(
    scores: Mapping[str, float], *, id_prefix: str, title: str, css_class: str = ""
) -> Markup:
    """Return the figure as inline SVG with each scored region filled and numbered."""
    return _shaded_body_map(tuple(scores.items()), id_prefix, title, css_class)


#: Maps drawn lately, by their scores: the chart and the history redraw the same latest map on every view.
@lru_cache(maxsize=256)
def _shaded_body_map(
    scored: tuple[tuple[str, float], ...], id_prefix: str, title: str, css_class: str
) -> Markup:
    figure = load_figure()
    scores = dict(scored)
    parts = [_root_tag(figure.root, scores, id_prefix, title, css_class)]
    for piece in figure.pieces:
        if isinstance(piece, str):
            parts.append(piece)
        else:
            parts.append(_shape_markup(piece, scores.get(piece.code), id_prefix))
    # Safe: the markup is our own static SVG file, and every label, title and value added is escaped.
    return Markup("".join(parts))  # nosec B704


def _root_tag(root: str, scores, id_prefix: str, title: str, css_class: str) -> str:
    scored = "; ".join(
        f"{region_label(code)} {_format_score(score)}" for code, score in scores.items() if score is not None
    )
    label = f"{title}: {scored}" if scored else f"{title}: no regions scored"
    if css_class:
        root = root.replace('class="body-map__svg"', f'class="body-map__svg {escape(css_class)}"')
    return f'{root[:-1]} role="img" aria-label="{escape(label)}" id="{escape(id_prefix)}">'


def _shape_markup(shape: RegionShape, score: float | None, id_prefix: str) -> str:
    attributes = dict(shape.attributes)
    attributes["id"] = f"{id_prefix}-{attributes.get('id', shape.code)}"
    if score is not None:
        attributes["class"] = attributes.get("class", "") + " body-map__region--scored"
    rendered = "".join(f' {name}="{escape(value)}"' for name, value in attributes.items())
    label = region_label(shape.code) + (f": {_format_score(score)}" if score is not None else ": not scored")
    markup = f'<{shape.tag}{rendered} fill="{score_fill(score)}"><title>{escape(label)}</title></{shape.tag}>'
    if score is None:
        return markup
    # The number is drawn beside its shape (same group and transform), so colour is never the only cue.
    return markup + (
        f'<text class="body-map__number" x="{shape.label_x}" y="{shape.label_y}" fill="{score_text_fill(score)}" '
        'stroke="none" font-family="system-ui, sans-serif" font-size="11" font-weight="700" '
        f'text-anchor="middle" dominant-baseline="central">{escape(_format_score(score))}</text>'
    )
