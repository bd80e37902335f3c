"""Sixteen tablets writing at once through gunicorn with four workers: nothing lost, nothing locked, no 500."""

from tests.reliability.clinic import (
    Clinic,
    Server,
    alarms_in,
    env_int,
    missing_writes,
    start_tablets,
    summary,
    wait_for_tablets,
)

TABLETS = env_int("RELIABILITY_TABLETS", 16)
#: 16 × 200 (RELIABILITY_WRITES=200) took 135 s on SQLite on a busy 2-core machine; half of it by default.
WRITES = env_int("RELIABILITY_WRITES", 100)
#: Bound on the whole run, whatever the machine.
RUN_SECONDS = 600


def test_every_acknowledged_write_from_sixteen_tablets_is_stored_with_its_audit_event(
    clinic: Clinic, tmp_path
):
    server = Server(clinic, tmp_path / "gunicorn.log", workers=4).start()
    try:
        tablets = start_tablets([server.base], clinic, tmp_path, TABLETS, WRITES, seconds=RUN_SECONDS - 60)
        lines = wait_for_tablets(tablets, RUN_SECONDS)
    finally:
        server.stop()
    failures = [line for line in lines if line["kind"] == "failure"]
    print(summary(f"{TABLETS} tablets × {WRITES} writes on {clinic.database_url.split(':')[0]}", lines))
    assert not failures, failures[:10]
    assert (
        sum(line["kind"] in ("draft", "autosave", "pain", "check_in") for line in lines) == TABLETS * WRITES
    )
    assert alarms_in(server.log_text()) == []
    assert missing_writes(clinic, lines, exact_events=True) == []
    verified = clinic.audit_verify()
    assert verified.returncode == 0, verified.stdout + verified.stderr
