"""Imports run downward only: core < audit < auth < patients < pain < questionnaire < visits < home, staff, fhir.

The app level (the factory, the model registry, the CLI, the demo, the health check) and the audit
trail's reading pages sit on top and may import anything. The walk reads every import statement,
those inside functions included, so a deferred import cannot hide an upward one.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.db_independent  # no database involved

PACKAGE = Path(__file__).resolve().parent.parent / "intake"

#: Each feature's rank; a module may import its own feature or a lower rank, never a higher or equal one.
FEATURE_RANKS = {
    "audit": 1,
    "auth": 2,
    "patients": 3,
    "pain": 4,
    "questionnaire": 5,
    "visits": 6,
    "home": 7,
    "outcomes": 7,
    "printout": 7,
    "staff": 7,
    "fhir": 7,
    "reminders": 7,
}
CORE_RANK = 0
APP_LEVEL = {
    "intake",
    "intake.models",
    "intake.commands",
    "intake.backup",
    "intake.demo",
    "intake.clinic_generator",
    "intake.healthcheck",
    "intake.audit.views",
    "intake.audit.search",
    "intake.audit.chart",
}
#: A leaf module imported on its own may pull in its package and a few core modules, not the app.
LEAF_MODULE = "intake.pain.regions"
LEAF_IMPORT_LIMIT = 6


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (PACKAGE.parent / relative).with_suffix(".py").exists() or (PACKAGE.parent / relative).is_dir()


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Return (line, module) for every intake module that ``path`` imports, anywhere in the file."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append((node.lineno, candidate if is_module(candidate) else base))
    return [(line, module) for line, module in found if module == "intake" or module.startswith("intake.")]


def layer_of(module: str) -> tuple[str, int | None]:
    """Return (layer name, rank) of an intake module; rank None is the app level."""
    if module in APP_LEVEL:
        return "app", None
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in FEATURE_RANKS:
        return parts[1], FEATURE_RANKS[parts[1]]
    return "core", CORE_RANK


def may_import(importer: str, imported: str) -> bool:
    importer_layer, importer_rank = layer_of(importer)
    imported_layer, imported_rank = layer_of(imported)
    if importer_rank is None:
        return True
    if imported_rank is None:
        return False
    if importer_layer == imported_layer:
        return True
    return imported_rank < importer_rank


def test_imports_run_downward_only():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = module_name(path)
        for line, imported in imported_modules(path):
            if not may_import(importer, imported):
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {importer} imports {imported}")
    assert upward == []


def test_the_layer_walk_sees_imports_inside_functions():
    assert not may_import("intake.pain.history", "intake.questionnaire.models")
    assert not may_import("intake.auth.views", "intake.staff.operations")
    assert not may_import("intake.home.views", "intake.staff.views")
    assert not may_import("intake.audit.operations", "intake.audit.views")
    assert may_import("intake.audit.views", "intake.visits.models")
    source = PACKAGE / "__init__.py"
    assert any(module == "intake.visits.views" for _, module in imported_modules(source))


def test_a_feature_package_only_creates_its_blueprints():
    for feature in FEATURE_RANKS:
        path = PACKAGE / feature / "__init__.py"
        assert imported_modules(path) == [], f"{path} imports more than flask"


def test_a_leaf_module_imports_only_a_handful_of_intake_modules():
    check = (
        f"import sys, {LEAF_MODULE}\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m == 'intake' or m.startswith('intake.'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = result.stdout.split()
    assert LEAF_MODULE in loaded
    assert len(loaded) <= LEAF_IMPORT_LIMIT, loaded
