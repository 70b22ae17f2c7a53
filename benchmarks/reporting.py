"""The reporting benchmark: server time of the statistics page and of the funder report, and
the full sessions export as CSV and as XLSX (time to first byte, total time, peak memory).

    python manage.py generate_load_data          # once, on an empty PostgreSQL database
    python -m benchmarks.reporting

Everything runs with the production settings (DEBUG off, static files collected as the image
does) through Django's test client as the generated coordinator or accompanier: the views,
middleware and templates of a real request, without the network. Each export runs in a fresh
process, so that its peak resident memory (``ru_maxrss``) is its own; "before" is the same
process just before the export (Django loaded, logged in). Two ways an export is made:

- *streamed*: the answer to the request itself, as every export under
  ``EXPORT_BACKGROUND_FROM_ROWS`` is (the threshold raised here so that the whole programme
  goes this way): the CSV streams row by row, the XLSX is written to a temporary file by
  openpyxl's write-only mode and sent once complete (a ZIP's directory comes last);
- *worker*: the background task that writes an export over the threshold to a file (Celery
  eager, so the task's body runs in the measured process).

The results go between ``<!-- reporting:start -->`` and ``<!-- reporting:end -->`` in
``docs/benchmarks.md``.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
MARKERS = ("<!-- reporting:start -->", "<!-- reporting:end -->")
STATISTICS_URLS = [
    ("statistics page, last 12 months", "/statistiques/"),
    ("statistics page, 3 years, seniors", "/statistiques/?start=2024-01&end=2026-12&public=senior"),
    ("funder report, printable", "/statistiques/rapport/"),
    ("funder report, XLSX", "/statistiques/rapport.xlsx"),
]
EXPORT_CASES = [
    (who, way, file_format)
    for who in ("coordinator", "accompanier")
    for way in ("streamed", "worker")
    for file_format in ("csv", "xlsx")
]


def expect(condition: bool, failure: object) -> None:
    if not condition:
        sys.exit(f"Unexpected: {failure}")


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def logged_in_client(who: str):
    from django.test import Client

    from accompaniment import load_data
    from soli_dome.users.models import User

    email = load_data.COORDINATOR_EMAIL if who == "coordinator" else load_data.accompanier_email(1)
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def measure_statistics() -> list[dict]:
    """Each URL warmed once, then the median of three requests, with its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in_client("coordinator")
    results = []
    for name, url in STATISTICS_URLS:
        client.get(url, secure=True)
        times, slowest, count = [], 0.0, 0
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, secure=True)
                if response.streaming:  # a streamed answer is timed to its last byte
                    for _chunk in response.streaming_content:
                        pass
                times.append(time.perf_counter() - started)
            expect(response.status_code == 200, (url, response.status_code))
            count = len(queries)
            slowest = max([slowest, *(float(q["time"]) for q in queries.captured_queries)])
        results.append(
            {
                "name": name,
                "ms": 1000 * statistics.median(times),
                "queries": count,
                "slowest_ms": 1000 * slowest,
            }
        )
    return results


def measure_export(who: str, way: str, file_format: str) -> dict:
    """One export of every session the user may see, as they would ask for it on the
    Exports page."""
    from django.urls import reverse

    from accompaniment.models.exports import DataExport

    client = logged_in_client(who)
    client.get(reverse("accompaniment:export_list"), secure=True)
    before = peak_memory_mb()
    started = time.perf_counter()
    response = client.post(
        reverse("accompaniment:export_create", args=["seances"]),
        {"file_format": file_format},
        secure=True,
    )
    export = DataExport.objects.filter(kind="seances").latest("pk")
    if way == "streamed":
        expect(response.status_code == 200, response.status_code)
        chunks = (
            iter(response.streaming_content) if response.streaming else iter([response.content])
        )
        size = len(next(chunks))
        first_byte = time.perf_counter() - started
        size += sum(len(chunk) for chunk in chunks)
    else:
        expect(response.status_code == 302, response.status_code)
        export.refresh_from_db()
        expect(export.status == DataExport.Status.DONE, export.error)
        first_byte = None
        size = export.path.stat().st_size
        export.path.unlink()
    total = time.perf_counter() - started
    return {
        "who": who,
        "way": way,
        "format": file_format,
        "rows": export.row_count,
        "first_byte_s": first_byte,
        "total_s": total,
        "size_mb": size / 1e6,
        "before_mb": before,
        "peak_mb": peak_memory_mb(),
    }


def child(task: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soli_dome.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    if task == "statistics":
        result = measure_statistics()
    else:
        who, way, file_format = task.split(":")
        result = measure_export(who, way, file_format)
    print(json.dumps(result))


def run_child(task: str, environment: dict[str, str]):
    output = subprocess.run(  # noqa: S603 - this very module
        [sys.executable, "-m", "benchmarks.reporting", "--child", task],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if output.returncode != 0:
        sys.exit(f"{task} failed:\n{output.stdout}\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def report_lines(statistic_rows: list[dict], export_rows: list[dict], header: str) -> list[str]:
    lines = [
        header,
        "",
        "| page | server time ms | queries | slowest query ms |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {row['name']} | {row['ms']:.0f} | {row['queries']} | {row['slowest_ms']:.0f} |"
        for row in statistic_rows
    ]
    lines += [
        "",
        "| sessions export | as | rows | way | first byte s | total s | file MB | "
        "memory before MB | peak MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in export_rows:
        first = "—" if row["first_byte_s"] is None else f"{row['first_byte_s']:.2f}"
        lines.append(
            f"| {row['format'].upper()} | {row['who']} | {row['rows']:,} | {row['way']} | "
            f"{first} | {row['total_s']:.1f} | {row['size_mb']:.1f} | "
            f"{row['before_mb']:.0f} | {row['peak_mb']:.0f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--exports",
        nargs="*",
        default=[":".join(case) for case in EXPORT_CASES],
        help="who:way:format (coordinator or accompanier, streamed or worker, csv or xlsx)",
    )
    options = parser.parse_args()
    if options.child:
        child(options.child)
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database of generate_load_data.")
    from benchmarks.pages import (
        collect_static,
        machine_description,
        production_environment,
        write_report,
    )

    machine = machine_description()  # before the run: its load average is the machine's own
    var_dir = Path(tempfile.mkdtemp(prefix="solidome-reporting-"))
    environment = production_environment(
        var_dir,
        ALLOWED_HOSTS="testserver",
        # Every export answers the request itself ("streamed") or runs the worker's task here.
        EXPORT_BACKGROUND_FROM_ROWS=str(10**9),
    )
    try:
        collect_static(environment)
        statistic_rows = run_child("statistics", environment)
        export_rows = []
        for case in options.exports:
            who, way, file_format = case.split(":")
            case_environment = dict(environment)
            if way == "worker":
                case_environment.update(
                    EXPORT_BACKGROUND_FROM_ROWS="0", CELERY_TASK_ALWAYS_EAGER="true"
                )
            export_rows.append(run_child(case, case_environment))
            print(export_rows[-1], flush=True)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    header = (
        f"### Results — {time.strftime('%d %B %Y')}\n\nMachine: {machine}.\n"
        "Command: `python -m benchmarks.reporting`."
    )
    lines = report_lines(statistic_rows, export_rows, header)
    write_report(options.output, lines, MARKERS)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
