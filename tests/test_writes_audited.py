"""Pages write only through operations that record their own audit event.

Read from the source, not run: every function of every ``operations.py`` is classed as writing (it adds, deletes,
flushes or executes through the session, or sets an attribute, directly or through a function it calls) and as
recording (it records an audit event, directly or through a function it calls). A page module may call an
operation that writes only if that operation also records, so a new page cannot change a record and forget its
event; pages themselves never touch the session's write methods and record only view and export events.
"""

import ast
from pathlib import Path

import pytest

from intake.audit import models as audit_models

pytestmark = pytest.mark.db_independent

PACKAGE = Path(__file__).resolve().parent.parent / "intake"
SESSION_WRITES = {"add", "add_all", "delete", "flush", "execute", "merge", "bulk_save_objects"}
#: Calls that leave an audit event: the trail's own function, and each feature's thin wrappers around it.
RECORDERS = {"record_event", "record_by_patient"}
#: The only events a page records itself: showing a record, and sending it out of the app.
PAGE_EVENTS = {"VIEW", "EXPORT"}


def _page_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name.endswith("views.py"))


def _operation_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("operations.py"))


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def _called_name(call: ast.Call) -> str | None:
    """The last name of what is called: ``f`` for ``f()``, ``operations.f()`` and ``x.y.f()``."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_session_write(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in SESSION_WRITES
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "session"
    )


def _sets_attribute(node: ast.AST) -> bool:
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        targets = [node.target]
    return any(isinstance(t, ast.Attribute) for t in targets)


def _operation_facts() -> tuple[dict[str, set[str]], set[str], set[str]]:
    """Return, over every operations module, each function's calls, and the functions that write and that record."""
    calls: dict[str, set[str]] = {}
    writes: set[str] = set()
    records: set[str] = set()
    for path in _operation_modules():
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            key = node.name
            calls.setdefault(key, set())
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call):
                    name = _called_name(inner)
                    if name:
                        calls[key].add(name)
                    if _is_session_write(inner):
                        writes.add(key)
                elif _sets_attribute(inner):
                    writes.add(key)
            if key in RECORDERS or calls[key] & RECORDERS or key.startswith("_record"):
                records.add(key)
    changed = True
    while changed:  # through the functions each one calls, across the features' operations
        changed = False
        for name, called in calls.items():
            if name not in writes and called & writes:
                writes.add(name)
                changed = True
            if name not in records and called & records:
                records.add(name)
                changed = True
    return calls, writes, records


def _operation_calls_of(path: Path) -> set[str]:
    """Names a page module calls on, or imports from, an operations module."""
    tree = ast.parse(path.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith(".operations"):
            imported |= {alias.asname or alias.name for alias in node.names}
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id.endswith(
                "operations"
            ):
                used.add(func.attr)
            elif isinstance(func, ast.Name) and func.id in imported:
                used.add(func.id)
    return used


def test_the_walk_sees_the_operations_that_write_and_record():
    _calls, writes, records = _operation_facts()
    # A few the clinic relies on, so a walk that finds nothing cannot pass the tests below.
    for name in ("sign_visit", "amend_visit", "register_patient", "submit_answers", "check_in", "deactivate"):
        assert name in writes and name in records, name
    for name in ("create_patient", "start_intake", "record_scores"):
        assert name in writes and name not in records, name


@pytest.mark.parametrize("path", _page_modules(), ids=_module_name)
def test_pages_call_only_operations_that_record_their_write(path):
    _calls, writes, records = _operation_facts()
    unrecorded = sorted(name for name in _operation_calls_of(path) if name in writes and name not in records)
    assert unrecorded == [], f"{_module_name(path)} writes through {unrecorded}, which record no audit event"


@pytest.mark.parametrize("path", _page_modules(), ids=_module_name)
def test_pages_never_write_through_the_session(path):
    tree = ast.parse(path.read_text())
    writes = sorted(
        f"line {node.lineno}" for node in ast.walk(tree) if isinstance(node, ast.Call) and _is_session_write(node)
    )
    assert writes == [], f"{_module_name(path)} writes through db.session at {writes}"


@pytest.mark.parametrize("path", _page_modules(), ids=_module_name)
def test_pages_record_only_view_and_export_events(path):
    used = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "audit":
            used.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module == "intake.audit.models":
            used |= {alias.name for alias in node.names}
    events = {name for name in used if getattr(audit_models, name, None) in audit_models.ACTIONS}
    assert events <= PAGE_EVENTS, f"{_module_name(path)} records {sorted(events - PAGE_EVENTS)} itself"
