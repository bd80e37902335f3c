"""Time the pain history page for a patient with 300 visits x 10 regions; exit 1 above the target.

    python -m benchmarks.run [--visits 300] [--regions 10] [--repeat 5] [--target-ms 1000]

Builds a scratch SQLite database in a temporary folder, signs in through the test client and
reports the median render time of the history page (and, for information, its table view,
CSV export and the patient chart page).
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from intake import create_app
from intake.database import utcnow
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT
from intake.pain.operations import record_scores
from intake.pain.regions import REGIONS
from intake.patients.operations import create_patient
from intake.staff.operations import create_user
from intake.visits.models import Visit

PASSWORD = "benchmark-password-2026"


def build_patient(visits: int, regions: int) -> int:
    """Add a practitioner and a patient with ``visits`` visits scored before and after; return the patient id."""
    practitioner = create_user(
        email="bench@clinic.example", full_name="Bench Practitioner", role="practitioner", password=PASSWORD,
        designation="R.Ac",
    )  # fmt: skip
    db.session.flush()
    practitioner_id = practitioner.id
    patient = create_patient(
        dict(first_name="Bench", last_name="Patient", date_of_birth=date(1970, 1, 1), phone="780-555-0100")
    )
    codes = [region.code for region in REGIONS[:regions]]
    start = utcnow() - timedelta(days=2 * visits + 1)
    for n in range(visits):
        treated_at = start + timedelta(days=2 * n)
        visit = Visit(patient_id=patient.id, practitioner_id=practitioner_id, created_at=treated_at)
        db.session.add(visit)
        db.session.flush()
        before = {code: (n + i) % 11 for i, code in enumerate(codes)}
        after = {code: max(0, score - 2) for code, score in before.items()}
        common = dict(recorded_by_id=practitioner_id, visit_id=visit.id)
        record_scores(patient.id, before, context=BEFORE_TREATMENT, recorded_at=treated_at, **common)
        record_scores(
            patient.id,
            after,
            context=AFTER_TREATMENT,
            recorded_at=treated_at + timedelta(minutes=50),
            **common,
        )
    db.session.commit()
    return patient.id


def time_page(client, url: str, repeat: int) -> list[float]:
    """Return the render times of ``url`` in milliseconds (after one warm-up request)."""
    client.get(url)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=300)
    parser.add_argument("--regions", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--target-ms", type=float, default=1000.0)
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="intake-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            patient_id = build_patient(options.visits, options.regions)
            print(
                f"Built {options.visits} visits x {options.regions} regions "
                f"({2 * options.visits * options.regions} scores) in {time.perf_counter() - started:.1f} s"
            )
        client = app.test_client()
        signed_in = client.post("/login", data={"email": "bench@clinic.example", "password": PASSWORD})
        if signed_in.status_code != 302:
            print("Could not sign in the benchmark user", file=sys.stderr)
            return 1
        history_url = f"/patients/{patient_id}/pain/"
        pages = {
            "pain history": history_url,
            "pain table": f"/patients/{patient_id}/pain/table",
            "pain CSV export": f"/patients/{patient_id}/pain/export.csv",
            "patient chart": f"/patients/{patient_id}",  # every feature's section, for information
        }
        results = {name: time_page(client, page, options.repeat) for name, page in pages.items()}
        with app.app_context():
            db.engine.dispose()

    for name, timings in results.items():
        print(f"{name:<16} median {statistics.median(timings):7.1f} ms   max {max(timings):7.1f} ms")
    history_median = statistics.median(results["pain history"])
    if history_median > options.target_ms:
        print(
            f"FAIL: pain history median {history_median:.0f} ms is above the {options.target_ms:.0f} ms target"
        )
        return 1
    print(f"OK: pain history median {history_median:.0f} ms is within the {options.target_ms:.0f} ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
