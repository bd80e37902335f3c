"""Every module imports on its own, first: no import-order-dependent cycles (gunicorn imports wsgi first)."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.db_independent  # no database involved

CHECK = r"""
import importlib, pkgutil, sys
import intake
names = ["wsgi", "intake"] + [m.name for m in pkgutil.walk_packages(intake.__path__, prefix="intake.")]
failures = []
for name in names:
    for loaded in [m for m in sys.modules if m == "wsgi" or m == "intake" or m.startswith("intake.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failures.append(f"{name}: {type(exc).__name__}: {exc}")
print("\n".join(failures))
sys.exit(1 if failures else 0)
"""


def test_every_module_imports_first_in_a_fresh_interpreter(tmp_path):
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=300, check=False,
                            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                                 "INTAKE_INSTANCE_PATH": str(tmp_path / "instance")})
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
