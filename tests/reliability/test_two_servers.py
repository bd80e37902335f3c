"""Two app servers on one database, as behind a clinic group's load balancer: one session, one throttle, one trail."""

from tests.reliability.client import Client, Tablet
from tests.reliability.clinic import (
    FRONT_DESK,
    PRACTITIONERS,
    Clinic,
    Server,
    alarms_in,
    env_int,
    missing_writes,
    start_tablets,
    summary,
    wait_for_tablets,
)

TABLETS = env_int("RELIABILITY_TWO_SERVER_TABLETS", 8)
WRITES = env_int("RELIABILITY_TWO_SERVER_WRITES", 40)
RUN_SECONDS = 300
#: config.py's LOGIN_ACCOUNT_LIMIT: failed sign-ins an account may have before it is refused for a while.
ACCOUNT_LIMIT = 5


def _two_servers(clinic: Clinic, tmp_path) -> list[Server]:
    servers = []
    try:
        for name in ("a", "b"):
            servers.append(Server(clinic, tmp_path / f"gunicorn-{name}.log", workers=2).start())
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


def test_a_session_made_on_one_server_is_valid_on_the_other(clinic: Clinic, tmp_path):
    a, b = _two_servers(clinic, tmp_path)
    try:
        email, password = PRACTITIONERS[0]
        on_a = Tablet(a.base, email, password)
        assert on_a.sign_in().status == 302
        on_b = Tablet(b.base, email, password)
        on_b.client = Client(b.base, cookies=dict(on_a.client.cookies))
        on_b.token = on_a.token
        chart = on_b.call("GET", f"/patients/{clinic.patient_ids[0]}")
        assert chart.status == 200, (chart.status, chart.headers.get("location"))
        visit_id, edit_path = on_b.start_draft(clinic.patient_ids[0])  # a write with the token A's page gave
        assert on_a.call("GET", edit_path).status == 200
        signed_out = Tablet(b.base, email, password)
        assert signed_out.call("GET", f"/patients/{clinic.patient_ids[0]}").status == 302
    finally:
        a.stop()
        b.stop()
    assert alarms_in(a.log_text() + b.log_text()) == []


def test_failed_sign_ins_split_across_both_servers_reach_the_one_limit(clinic: Clinic, tmp_path):
    servers = _two_servers(clinic, tmp_path)
    try:
        email, password = FRONT_DESK
        statuses = []
        for attempt in range(ACCOUNT_LIMIT):
            tablet = Tablet(servers[attempt % 2].base, email, password)
            statuses.append(tablet.sign_in("not the password").status)
        assert statuses == [422] * ACCOUNT_LIMIT
        # The next attempt, on either server and even with the right password, is refused.
        for server in servers:
            refused = Tablet(server.base, email, password).sign_in()
            assert refused.status == 429 and "Too many sign-in attempts" in refused.text
    finally:
        for server in servers:
            server.stop()
    assert alarms_in("".join(server.log_text() for server in servers)) == []


def test_concurrent_writes_through_both_servers_keep_the_audit_chain_intact(clinic: Clinic, tmp_path):
    servers = _two_servers(clinic, tmp_path)
    try:
        bases = [server.base for server in servers]
        tablets = start_tablets(bases, clinic, tmp_path, TABLETS, WRITES, seconds=RUN_SECONDS - 60)
        lines = wait_for_tablets(tablets, RUN_SECONDS)
    finally:
        for server in servers:
            server.stop()
    print(summary(f"{TABLETS} tablets × {WRITES} writes through two servers", lines))
    assert [line for line in lines if line["kind"] == "failure"] == []
    assert alarms_in("".join(server.log_text() for server in servers)) == []
    assert missing_writes(clinic, lines, exact_events=True) == []
    verified = clinic.audit_verify()
    assert verified.returncode == 0, verified.stdout + verified.stderr
