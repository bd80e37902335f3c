"""Fixtures shared by the record's tests: a patient with every kind of record."""

from tests.fhir.test_record import full_record  # noqa: F401  (a fixture, registered for this folder)
