"""Load on one URL from a separate process: ``wrk`` when installed (``make bench-deps``), else a bounded Python client.

    python -m benchmarks.load URL [--cookie 'session=…'] [--duration 5] [--connections 8]

Both print one JSON object: requests, duration_us, requests_per_s, p50_ms, p95_ms, p99_ms, errors (non-2xx/3xx
answers and socket errors). Every run is bounded by its duration; only 127.0.0.1 is ever loaded.
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess  # nosec B404 - runs wrk or this module, fixed arguments
import sys
import tempfile
import threading
import time
from urllib.parse import urlsplit

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
#: Longest a single request may take before it counts as an error.
REQUEST_TIMEOUT_S = 10


def check_local(url: str) -> None:
    if urlsplit(url).hostname != "127.0.0.1":
        raise SystemExit(f"The bench loads 127.0.0.1 only, not {url}")


def run_load(
    url: str, cookie: str = "", duration: float = 5, connections: int = 8, tool: str = "auto"
) -> dict:
    """Load ``url`` for ``duration`` seconds from another process; return the measurements."""
    check_local(url)
    if tool == "wrk" or (tool == "auto" and shutil.which("wrk")):
        return _wrk(url, cookie, duration, connections)
    command = [sys.executable, "-m", "benchmarks.load", url, "--cookie", cookie, "--duration", str(duration),
               "--connections", str(connections)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)  # nosec B603
    if done.returncode != 0:
        raise RuntimeError(f"the load client failed: {done.stderr[-1000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]), tool="python")


def _wrk(url: str, cookie: str, duration: float, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
               "--timeout", f"{REQUEST_TIMEOUT_S}s", "--latency", "-s", script.name]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    try:
        done = subprocess.run(command + [url], capture_output=True, text=True, timeout=duration + 60)  # nosec B603
    finally:
        os.unlink(script.name)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed: {(done.stdout + done.stderr)[-1000:]}")
    raw = json.loads(lines[-1])
    return _summary(raw["requests"], raw["duration_us"], raw["errors"],
                    [raw["p50_us"] / 1000, raw["p95_us"] / 1000, raw["p99_us"] / 1000], tool="wrk")  # fmt: skip


def _summary(requests: int, duration_us: int, errors: int, percentiles: list[float], tool: str) -> dict:
    return dict(
        requests=requests,
        duration_us=duration_us,
        requests_per_s=requests / (duration_us / 1e6) if duration_us else 0.0,
        p50_ms=percentiles[0],
        p95_ms=percentiles[1],
        p99_ms=percentiles[2],
        errors=errors,
        tool=tool,
    )


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def python_load(url: str, cookie: str, duration: float, connections: int) -> dict:
    """Keep-alive connections in threads, each sending GETs until the duration is over."""
    check_local(url)
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Cookie": cookie} if cookie else {}
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + duration

    def worker():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT_S)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            begun = time.perf_counter()
            try:
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT_S)
                continue
            mine.append((time.perf_counter() - begun) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 2 * REQUEST_TIMEOUT_S)
    elapsed_us = int((time.perf_counter() - started) * 1e6)
    shares = [percentile(latencies, share) for share in (0.5, 0.95, 0.99)]
    return _summary(
        len(latencies), elapsed_us, errors[0], shares or [statistics.median(latencies)] * 3, "python"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--connections", type=int, default=8)
    options = parser.parse_args(argv)
    if not 0 < options.duration <= 600 or not 0 < options.connections <= 256:
        raise SystemExit("--duration must be in (0, 600] seconds and --connections in 1..256")
    print(json.dumps(python_load(options.url, options.cookie, options.duration, options.connections)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
