"""Time the pain history and the patient chart (300 visits x 10 regions); exit 1 above a target.

    python -m benchmarks.run [--visits 300] [--regions 10] [--repeat 5] [--target-ms 1000] [--chart-target-ms 500]

Builds a scratch SQLite database in a temporary folder (signed visits with needled points, massage
areas, pain before and after, an amendment on every tenth), signs in through the test client and
reports the median render time of the history page and of the patient chart (and, for
information, the pain table view, CSV export and the full visit list).
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from intake import create_app
from intake.auth.operations import create_user
from intake.database import utcnow
from intake.extensions import db
from intake.pain.models import AFTER_TREATMENT, BEFORE_TREATMENT
from intake.pain.operations import record_scores
from intake.pain.regions import REGIONS
from intake.patients.operations import create_patient
from intake.visits.models import Amendment, Visit, VisitPoint
from intake.visits.note_record import read_note

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
        visit = Visit(
            patient_id=patient.id,
            practitioner_id=practitioner_id,
            created_at=treated_at,
            visit_at=treated_at,
            massage_areas=["lower_back_c"],
            signed_at=treated_at + timedelta(hours=1),
            signed_by_id=practitioner_id,
            signed_name="Bench Practitioner, R.Ac",
        )
        visit.points = [
            VisitPoint(position=p, code=code, side="bilateral", technique="even")
            for p, code in enumerate(("BL23", "BL25", "BL40", "KI3"))
        ]
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
        if n % 10 == 9:
            _amend(visit, practitioner_id)
    db.session.commit()
    return patient.id


def _amend(visit: Visit, practitioner_id: int) -> None:
    """Add an amendment that adds a point (the chart reads the note as amended)."""
    note = read_note(visit)
    note["points"] = note["points"] + [
        {"code": "GV4", "side": "midline", "technique": "tonify", "de_qi": False, "depth_cun": None}
    ]
    visit.amendments.append(
        Amendment(
            amended_by_id=practitioner_id,
            amended_by_name="Bench Practitioner, R.Ac",
            reason="Forgot GV4",
            changes=[["Points needled", "BL23 …", "BL23 … GV4"]],
            note_after=note,
        )
    )


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
    parser.add_argument("--target-ms", type=float, default=1000.0, help="pain history target")
    parser.add_argument("--chart-target-ms", type=float, default=500.0, help="patient chart target")
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
            "patient chart": f"/patients/{patient_id}",  # every feature's section
            "visit list": f"/patients/{patient_id}/visits",
        }
        results = {name: time_page(client, page, options.repeat) for name, page in pages.items()}
        with app.app_context():
            db.engine.dispose()

    for name, timings in results.items():
        print(f"{name:<16} median {statistics.median(timings):7.1f} ms   max {max(timings):7.1f} ms")
    failed = False
    for name, target in (("pain history", options.target_ms), ("patient chart", options.chart_target_ms)):
        median = statistics.median(results[name])
        if median > target:
            failed = True
            print(f"FAIL: {name} median {median:.0f} ms is above the {target:.0f} ms target")
        else:
            print(f"OK: {name} median {median:.0f} ms is within the {target:.0f} ms target")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
