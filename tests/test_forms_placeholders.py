"""Placeholder text never looks like something typed: where a box has one, it reads as an example."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.db_independent

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"""placeholder["']?\s*[:=]\s*["']([^"']*)["']""")


def _placeholders():
    for folder, pattern in (("templates", "*.html"), ("intake", "*.py")):
        for path in sorted((ROOT / folder).rglob(pattern)):
            for text in PLACEHOLDER.findall(path.read_text(encoding="utf-8")):
                yield path.relative_to(ROOT), text


def test_every_placeholder_reads_as_an_example_not_as_data():
    looks_like_data = [(str(path), text) for path, text in _placeholders() if not text.startswith("e.g. ")]
    assert not looks_like_data


def test_placeholder_text_is_styled_as_a_hint():
    css = (ROOT / "static" / "css" / "forms.css").read_text(encoding="utf-8")
    rule = re.search(r"\.input::placeholder\s*\{([^}]*)\}", css)
    assert rule and "italic" in rule.group(1) and "opacity: 1" in rule.group(1)
