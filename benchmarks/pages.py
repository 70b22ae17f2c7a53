"""The page benchmark: the platform served as in production, loaded by wrk, side by side with
two references measured on the same server in the same run.

    python manage.py generate_load_data          # once, on an empty PostgreSQL database
    python -m benchmarks.pages                   # or: make bench

It collects the static files and starts gunicorn through ``deploy/`` (DEBUG off, the
production settings plus one reference URL: ``benchmarks/settings.py``), logs in as a
coordinator, an accompanier and a beneficiary of the generated programme, then, page after page,
runs wrk with 10 connections for a few seconds, waits until the server has drained, and
writes requests per second, p50/p95/p99 and the ratios to the references into
``docs/benchmarks.md``. The references: a bare view returning one row, and Django admin's
beneficiary change list. Everything talks to 127.0.0.1; the server started here is stopped by
its process group.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
REPORT = Path(__file__).resolve().parent / "report.lua"
START, END = "<!-- pages:start -->", "<!-- pages:end -->"
ADMIN_EMAIL = "admin@charge.example.org"
# Targets of the issue: p95 under 150 ms at 10 users, 0.3× the bare view, 1× the admin list.
P95_TARGET_MS, BARE_RATIO_TARGET, ADMIN_RATIO_TARGET = 150, 0.3, 1.0


@dataclass
class Slot:
    name: str
    role: str  # "coordinator", "accompanier", "beneficiary", "admin" or "anonymous"
    path: str
    reference: bool = False


@dataclass
class Result:
    slot: Slot
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    single_ms: float
    cpu_ms: float
    size_kb: float
    rows: int | None
    non_2xx: int
    socket_errors: int


def totp_now(secret: str) -> str:
    """The code an authenticator app shows now for ``secret``."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_data(password: str) -> dict[str, object]:
    """The ids the slots need, and the admin account of the second reference."""
    from accompaniment import load_data
    from accompaniment.models.calendar import CalendarFeed
    from beneficiaries.models import Beneficiary, Commune
    from soli_dome.users.models import User

    if not load_data.holds_generated_data():
        sys.exit("No generated programme here: run `python manage.py generate_load_data` first.")
    admin, _ = User.objects.get_or_create(email=ADMIN_EMAIL)
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    # The administration is for superusers with a second factor: a TOTP device of known secret.
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).delete()
    admin_totp_secret = generate_totp_secret()
    TOTP.activate(admin, admin_totp_secret)
    accompanier = User.objects.get(email=load_data.accompanier_email(1))
    heavy = Beneficiary.objects.get(user__email=load_data.BENEFICIARY_EMAIL)
    return {
        "heavy": heavy.pk,
        "feed": CalendarFeed.objects.get(user=accompanier).token,
        "commune": Commune.objects.get(insee_code="63113").pk,
        "accompanier": load_data.accompanier_email(1),
        "admin_totp_secret": admin_totp_secret,
        "coordinator": load_data.COORDINATOR_EMAIL,
        "beneficiary": load_data.BENEFICIARY_EMAIL,
        "sizes": {
            "beneficiaries": Beneficiary.objects.count(),
            "sessions": django.apps.apps.get_model("accompaniment", "Session").objects.count(),
            "partners": django.apps.apps.get_model("partners", "Partner").objects.count(),
            "notifications": django.apps.apps.get_model(
                "notifications", "Notification"
            ).objects.count(),
            "journal": django.apps.apps.get_model("audit", "AuditEntry").objects.count(),
        },
    }


def slots(ids: dict[str, object]) -> list[Slot]:
    heavy = ids["heavy"]
    return [
        Slot("bare view, one row (reference)", "anonymous", "/bench/one-row/", reference=True),
        Slot(
            "admin beneficiary change list (reference)",
            "admin",
            "/admin/beneficiaries/beneficiary/",
            reference=True,
        ),
        Slot("accompanier dashboard", "accompanier", "/tableau-de-bord/"),
        Slot("beneficiary list", "accompanier", "/beneficiaires/"),
        Slot(
            "beneficiary list, filtered",
            "coordinator",
            f"/beneficiaires/?status=active&commune={ids['commune']}",
        ),
        Slot("beneficiary list, searched", "coordinator", "/beneficiaires/?q=martin"),
        Slot("file page (100 sessions)", "accompanier", f"/beneficiaires/{heavy}/"),
        Slot("file history", "accompanier", f"/beneficiaires/{heavy}/historique/"),
        Slot("session list, coming", "accompanier", "/seances/"),
        Slot("session list, past", "accompanier", "/seances/?page=3"),
        Slot("calendar, week", "accompanier", "/agenda/"),
        Slot("calendar, month", "accompanier", "/agenda/mois/"),
        Slot("calendar feed (ICS)", "anonymous", f"/agenda/flux/{ids['feed']}.ics"),
        Slot("partner search", "accompanier", "/acteurs/?q=epicerie"),
        Slot("partner map", "accompanier", "/acteurs/carte/"),
        Slot("partner map markers (JSON)", "accompanier", "/acteurs/carte/marqueurs.json"),
        Slot("coordinator dashboard", "coordinator", "/tableau-de-bord/"),
        Slot("network view", "coordinator", "/reseau/"),
        Slot("statistics page (12 months)", "coordinator", "/statistiques/"),
        Slot("funder report (12 months)", "coordinator", "/statistiques/rapport/"),
        Slot("funder report, XLSX", "coordinator", "/statistiques/rapport.xlsx"),
        Slot("outbox page", "coordinator", "/messages/"),
        Slot("journal page", "coordinator", "/journal/"),
        Slot("file journal", "coordinator", f"/beneficiaires/{heavy}/journal/"),
        Slot("exports page", "coordinator", "/exports/"),
        Slot("partner chooser (JSON)", "accompanier", "/acteurs/choisir/?q=epicerie"),
        Slot("people chooser (JSON)", "coordinator", "/beneficiaires/choisir/?q=martin"),
        Slot("portal home", "beneficiary", "/mon-accompagnement/"),
        Slot("portal plan", "beneficiary", "/mon-accompagnement/parcours/"),
    ]


def production_environment(var_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a benchmark's processes: the production settings (DEBUG off), this
    interpreter's virtual environment (deploy/ runs `python` and `gunicorn`), files under
    ``var_dir``, and accounts that log in with a password alone (no TOTP device)."""
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-" + "s" * 40,
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "MFA_REQUIRED_ROLES": "",
        **overrides,
    }


def collect_static(environment: dict[str, str]) -> None:
    """The static files, collected as the image build does."""
    subprocess.run(  # noqa: S603
        ["sh", "deploy/collect-static"],  # noqa: S607
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Server:
    def __init__(self, environment: dict[str, str], var_dir: Path):
        self.environment = environment
        self.var_dir = var_dir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        collect_static(self.environment)
        with (self.var_dir / "gunicorn.log").open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603
                ["sh", "deploy/start-web"],  # noqa: S607
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn: the master, its live workers and the workers it
        has reaped (a worker is replaced every couple of thousand requests)."""
        ticks = os.sysconf("SC_CLK_TCK")

        def times(pid: int) -> tuple[int, int]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            # utime, stime, cutime, cstime are fields 14-17 of the stat line.
            return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])

        master = self.process.pid
        own, reaped = times(master)
        total = own + reaped
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        for child in children:
            try:
                total += times(int(child))[0]
            except FileNotFoundError:  # replaced in the meantime
                continue
        return total / ticks

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def wait_until_healthy(browser, server: Server, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit((server.var_dir / "gunicorn.log").read_text())
        try:
            response, _ = browser.get("/healthz/", https=False)
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("The server did not answer /healthz/ in time.")


# What a page lists: table rows, list items, options of a select, checkboxes.
ROW_TAGS = re.compile(rb"<(?:tr|li|option)[\s>]|<input[^>]*type=\"checkbox\"")
MAX_ROWS = 200


def rows_rendered(response, body: bytes) -> int | None:
    """How many rows the largest kind of list of an HTML page has (None for other answers)."""
    if not (response.getheader("Content-Type") or "").startswith("text/html"):
        return None
    counts: dict[bytes, int] = {}
    for match in ROW_TAGS.finditer(body):
        kind = match.group(0)[:3]
        counts[kind] = counts.get(kind, 0) + 1
    return max(counts.values(), default=0)


def single_request_ms(browser, path: str, repeat: int = 5) -> tuple[float, int, int, int | None]:
    """Median time of ``repeat`` requests one after the other, the status, the size and the
    rows rendered."""
    times, status, size, rows = [], 0, 0, None
    for _ in range(repeat):
        started = time.perf_counter()
        response, body = browser.get(path)
        times.append((time.perf_counter() - started) * 1000)
        status, size, rows = response.status, len(body), rows_rendered(response, body)
    return statistics.median(times), status, size, rows


def drain(browser, baseline_ms: float, timeout: float = 120) -> None:
    """Wait until the bare view answers about as fast as at rest three times running: the
    requests queued by the previous slot are done."""
    time.sleep(1)
    deadline, calm = time.monotonic() + timeout, 0
    while calm < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            browser.get("/bench/one-row/")
        except OSError:  # still busy: the request timed out
            calm = 0
            continue
        calm = calm + 1 if (time.perf_counter() - started) * 1000 < 3 * baseline_ms + 5 else 0


def run_wrk(port: int, browser, path: str, *, connections: int, duration: int) -> dict:
    headers = browser.headers()
    # A slow answer counts in the latencies, not as an error (wrk's default timeout is 2 s).
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    command += ["-s", str(REPORT)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in reversed(output.splitlines()) if line.startswith("{"))
    return json.loads(line)


def machine_description() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1).strip() if match else cpu
    postgres = subprocess.run(
        ["psql", "--version"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {postgres}, "
        f"load average before the run {os.getloadavg()[0]:.1f}"
    )


def table(results: list[Result], bare: Result, admin: Result) -> list[str]:
    lines = [
        "| page | as | req/s | p50 ms | p95 ms | p99 ms | 1 user ms | CPU ms/req | KB | rows | "
        "× bare | × admin | targets |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        slot = result.slot
        bare_ratio = result.requests_per_second / bare.requests_per_second
        admin_ratio = result.requests_per_second / admin.requests_per_second
        if slot.reference:
            verdict = "reference"
        else:
            misses = []
            if result.p95_ms >= P95_TARGET_MS:
                misses.append("p95")
            if bare_ratio < BARE_RATIO_TARGET:
                misses.append("× bare")
            if admin_ratio < ADMIN_RATIO_TARGET:
                misses.append("× admin")
            if result.rows is not None and result.rows > MAX_ROWS:
                misses.append(f"{result.rows} rows")
            if result.non_2xx:
                misses.append(f"{result.non_2xx} non-2xx")
            if result.socket_errors:
                misses.append(f"{result.socket_errors} timed out or cut")
            verdict = "met" if not misses else "missed: " + ", ".join(misses)
        lines.append(
            f"| {slot.name} | {slot.role} | {result.requests_per_second:,.0f} | "
            f"{result.p50_ms:.0f} | {result.p95_ms:.0f} | {result.p99_ms:.0f} | "
            f"{result.single_ms:.0f} | {result.cpu_ms:.1f} | {result.size_kb:,.0f} | "
            f"{'—' if result.rows is None else result.rows} | {bare_ratio:.2f} | "
            f"{admin_ratio:.2f} | {verdict} |"
        )
    return lines


def write_report(path: Path, lines: list[str], markers: tuple[str, str] = (START, END)) -> None:
    """``lines`` between the two markers of ``path``, replacing what was there (or at the end)."""
    start, end = markers
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = "\n".join([start, *lines, end])
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=10, help="concurrent users")
    parser.add_argument("--password", default="solidome-demo")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--only", nargs="*", help="pages whose name contains one of these")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt install wrk")
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database of generate_load_data.")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soli_dome.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    ids = prepare_data(options.password)

    from django.utils import timezone

    from benchmarks.client import Browser

    machine = machine_description()  # before the run: its load average is the machine's own
    port = free_port()
    var_dir = Path(tempfile.mkdtemp(prefix="solidome-bench-"))
    environment = production_environment(
        var_dir,
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_PROXY_SSL_HEADER_ENABLED="true",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=os.environ.get("WEB_CONCURRENCY", "2"),
        GUNICORN_THREADS=os.environ.get("GUNICORN_THREADS", "4"),
    )
    server = Server(environment, var_dir)
    server.start()
    try:
        anonymous = Browser(port)
        wait_until_healthy(anonymous, server)
        browsers = {"anonymous": anonymous}
        for role, email in [
            ("coordinator", ids["coordinator"]),
            ("accompanier", ids["accompanier"]),
            ("beneficiary", ids["beneficiary"]),
            ("admin", ADMIN_EMAIL),
        ]:
            browsers[role] = Browser(port)
            # The admin logs in like everyone (allauth), then gives its second factor.
            response, _ = browsers[role].post_form(
                "/compte/login/", {"login": email, "password": options.password}
            )
            if role == "admin" and response.status == 302:
                response, _ = browsers[role].post_form(
                    "/compte/2fa/authenticate/", {"code": totp_now(ids["admin_totp_secret"])}
                )
            if response.status != 302:
                sys.exit(f"Login as {role} ({email}) failed: {response.status}")
        baseline_ms, _, _, _ = single_request_ms(anonymous, "/bench/one-row/", repeat=20)
        results = []
        for slot in slots(ids):
            if (
                options.only
                and not slot.reference
                and not any(o in slot.name for o in options.only)
            ):
                continue
            browser = browsers[slot.role]
            single_ms, status, size, rows = single_request_ms(browser, slot.path)
            if status != 200:
                sys.exit(f"{slot.name}: {slot.path} answered {status}")
            cpu_before = server.cpu_seconds()
            load = run_wrk(
                port, browser, slot.path, connections=options.connections, duration=options.duration
            )
            cpu = server.cpu_seconds() - cpu_before
            results.append(
                Result(
                    slot=slot,
                    requests_per_second=load["requests"] / (load["duration_us"] / 1e6),
                    p50_ms=load["p50"] / 1000,
                    p95_ms=load["p95"] / 1000,
                    p99_ms=load["p99"] / 1000,
                    single_ms=single_ms,
                    cpu_ms=1000 * cpu / max(load["requests"], 1),
                    size_kb=size / 1024,
                    rows=rows,
                    non_2xx=load["non_2xx"],
                    socket_errors=load["socket_errors"],
                )
            )
            print(f"{slot.name}: {results[-1].requests_per_second:.0f} req/s", flush=True)
            drain(anonymous, baseline_ms)
    finally:
        server.stop()
        shutil.rmtree(var_dir, ignore_errors=True)

    bare, admin = results[0], results[1]
    sizes = ids["sizes"]
    lines = [
        f"### Results — {timezone.localdate():%d %B %Y}",
        "",
        f"Machine: {machine}.",
        f"Data: `generate_load_data` — {sizes['beneficiaries']:,} beneficiaries, "
        f"{sizes['sessions']:,} sessions, {sizes['partners']:,} partners, "
        f"{sizes['notifications']:,} messages, {sizes['journal']:,} journal entries.",
        f"Server: gunicorn through `deploy/start-web`, {environment['WEB_CONCURRENCY']} workers × "
        f"{environment['GUNICORN_THREADS']} threads, DEBUG off. Load: wrk, "
        f"{options.connections} connections, {options.duration} s per page.",
        "Command: `python -m benchmarks.pages"
        + (f" --duration {options.duration}" if options.duration != 10 else "")
        + "`",
        "",
        *table(results, bare, admin),
    ]
    write_report(options.output, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
