"""The server killed with SIGKILL ten times while tablets write: every acknowledged write survives each restart."""

import time

from tests.reliability.clinic import (
    Clinic,
    Server,
    alarms_in,
    env_int,
    missing_writes,
    read_lines,
    start_tablets,
    summary,
    wait_for_tablets,
)

KILLS = env_int("RELIABILITY_KILLS", 10)
WRITES = env_int("RELIABILITY_CRASH_WRITES", 1000)
TABLETS = 4
RUN_SECONDS = 600


def _acknowledged(files) -> int:
    return sum(line["kind"] in ("draft", "autosave", "pain", "check_in") for line in read_lines(files))


def test_sigkill_during_writes_loses_no_acknowledged_write_and_keeps_the_trail_verifiable(
    sqlite_clinic: Clinic, tmp_path
):
    clinic = sqlite_clinic
    # A signed checkpoint after every commit, so kills also land between a commit and its checkpoint.
    clinic.settings["AUDIT_CHECKPOINT_EVERY"] = "1"
    server = Server(clinic, tmp_path / "gunicorn.log", workers=4).start()
    deadline = time.monotonic() + RUN_SECONDS
    try:
        tablets = start_tablets(
            [server.base],
            clinic,
            tmp_path,
            TABLETS,
            WRITES // TABLETS,
            seconds=RUN_SECONDS - 60,
            patient_wait=60,
        )
        files = [out for _, out in tablets]
        # Kills spread over the run: the n-th once n/(KILLS+1) of the writes are acknowledged.
        while server.kills < KILLS and time.monotonic() < deadline:
            if all(process.poll() is not None for process, _ in tablets):
                break  # a tablet that is done early leaves the others writing, and being killed under
            if _acknowledged(files) >= WRITES * (server.kills + 1) // (KILLS + 1):
                server.kill()
                server.start()
            else:
                time.sleep(0.05)
        lines = wait_for_tablets(tablets, max(1.0, deadline - time.monotonic()))
    finally:
        server.stop()
    unexpected = [line for line in lines if line["kind"] == "failure" and line["status"] != 0]
    print(summary(f"{WRITES} writes, server killed", lines, kills=server.kills))
    assert server.kills == KILLS
    assert _acknowledged(files) == WRITES
    alarms = alarms_in(server.log_text())
    assert unexpected == [], (unexpected[:5], alarms[:20])
    assert alarms == []
    assert missing_writes(clinic, lines, exact_events=False) == []
    assert clinic.integrity_check() == "ok"
    verified = clinic.audit_verify()
    assert verified.returncode == 0, verified.stdout + verified.stderr
