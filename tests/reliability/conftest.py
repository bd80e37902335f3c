"""Reliability runs (`make test-reliability`): real gunicorn processes, tablets as client processes, kills.

Collected only when named (pyproject.toml keeps this folder out of `make test`). Each test builds a clinic of
its own: a fresh SQLite file in a temporary instance folder, and with TEST_DATABASE_URL a PostgreSQL database
named after it (…_reliability), created and emptied by the test.
"""

import os

import pytest

from tests.reliability.clinic import Clinic, postgres_database

SHARED_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
DATABASES = ["sqlite"] + (["postgresql"] if SHARED_DATABASE_URL else [])


@pytest.fixture(params=DATABASES)
def clinic(request, tmp_path) -> Clinic:
    """A migrated clinic with the demo staff and patients, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""
    if request.param == "postgresql":
        return Clinic.open(tmp_path, postgres_database(SHARED_DATABASE_URL, "reliability"))
    return Clinic.open(tmp_path)


@pytest.fixture
def sqlite_clinic(tmp_path) -> Clinic:
    return Clinic.open(tmp_path)
