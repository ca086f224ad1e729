"""`make load`: the platform under fifty people at once, on this machine.

Builds a fresh PostgreSQL database (LOAD_DATABASE_URL) with the demo and the load
companies of tests/load/seed.py, empties a Redis database (LOAD_REDIS_URL), collects the
static files, starts gunicorn with DEBUG off and a Celery worker, waits for /healthz,
runs the locust scenario (tests/load/locustfile.py) for LOAD_TIME, stops everything and
prints p50/p95/p99 per kind of request, the requests per second, the minimal view's
figures and the platform's own overhead against it. The report is written to
var/load/report.txt as well; logs and locust's own CSV files stay in var/load/run/.

The figures are printed, never asserted: the run exits non-zero only when requests
failed (or something did not start).

Environment: LOAD_DATABASE_URL (postgres://postgres@127.0.0.1:5432/convenant_load; the
database is dropped and made again), LOAD_REDIS_URL (redis://127.0.0.1:6379/8; emptied),
LOAD_TIME (5m), LOAD_USERS (50), LOAD_SPAWN_RATE (10 a second), LOAD_WEB_WORKERS (4),
LOAD_COMPANIES (40), LOAD_THINK (seconds a person pauses between actions, "2,10").
LOAD_REUSE=1 keeps the database and the files of the previous run instead of building
them again (quicker when measuring again or profiling).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))

from tests.load.pages import PDF_NAMES  # noqa: E402

VAR = BASE_DIR / "var" / "load"
RUN = VAR / "run"
REPORT = VAR / "report.txt"
BIN = Path(sys.executable).parent
TARGET_MS = 300
# Not held to the page target: PDFs (built and stamped per reader), signing in (the
# password hash is slow on purpose) and the minimal view (the yardstick itself).
NOT_PAGES = PDF_NAMES | {"sign in", "sign in: form", "minimal view"}
MINIMAL = "minimal view"


def setting(name: str, default: str) -> str:
    return os.environ.get(name) or default


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def step(text: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {text}", flush=True)


def fresh_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str, log: Path) -> None:
    with log.open("a") as out:
        subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
        )


def prepare(env: dict, companies: int) -> None:
    """The database, the demo and the load companies, and the static files."""
    log = RUN / "prepare.log"
    step("Migrating a fresh database")
    manage(env, "migrate", "--noinput", log=log)
    # Without REDIS_URL the tasks of the demo (the meeting packs, the yearly report)
    # run at once, as in `make demo`, so everything is ready before the run starts;
    # the cache is then a database table.
    seed_env = {key: value for key, value in env.items() if key != "REDIS_URL"}
    manage(seed_env, "createcachetable", log=log)
    step("Loading the demo")
    manage(seed_env, "seed_demo", log=log)
    step(f"Adding {companies} load companies")
    manage(
        seed_env,
        "shell",
        "-c",
        "from pathlib import Path; from tests.load.seed import grow; "
        f"grow(companies={companies}, uploads=Path({str(RUN / 'uploads')!r}))",
        log=log,
    )
    step("Collecting the static files")
    manage(env, "collectstatic", "--noinput", log=log)


def start(env: dict, port: int, workers: int) -> list[subprocess.Popen]:
    """gunicorn and a Celery worker, each in a process group of its own."""
    web = subprocess.Popen(  # noqa: S603 - fixed command
        [
            str(BIN / "gunicorn"),
            "convenant.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            # Sync workers, two per core: while one waits for PostgreSQL another uses
            # the core; more would only contend with locust, PostgreSQL and Redis,
            # which share the same two cores in this run.
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--error-logfile",
            str(RUN / "gunicorn.log"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=(RUN / "gunicorn.out").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: S603 - fixed command
        [
            str(BIN / "celery"),
            "-A",
            "convenant",
            "worker",
            "--loglevel=warning",
            "--concurrency=1",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=(RUN / "celery.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return [web, worker]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for_health(url: str, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError(f"A process stopped; see the logs in {RUN}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or still starting its workers
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within a minute; see {RUN}")


def run_locust(env: dict, host: str, duration: str, users: int, rate: int) -> int:
    command = [
        str(BIN / "locust"),
        "-f",
        str(BASE_DIR / "tests" / "load" / "locustfile.py"),
        "--headless",
        "--host",
        host,
        "-u",
        str(users),
        "-r",
        str(rate),
        "-t",
        duration,
        "--csv",
        str(RUN / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    with (RUN / "locust.log").open("w") as out:
        return subprocess.run(  # noqa: S603 - fixed command
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        ).returncode


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def read_samples(path: Path) -> list[tuple[float, str, float, bool, str]]:
    """Every request: when it started (seconds), its name, milliseconds, whether it
    failed, and its phase ("start": signing in and finding the way, "work")."""
    with path.open(newline="") as source:
        return [
            (float(at), name, float(milliseconds), failed == "1", phase)
            for at, name, milliseconds, failed, phase in csv.reader(source)
        ]


def steady(
    samples: list[tuple[float, str, float, bool, str]],
) -> tuple[dict[str, list[float]], dict[str, int], float]:
    """Response times and failures per request name, and the seconds they cover.

    Signing in is counted over the whole run. The work is counted from the moment the
    last person has signed in and found the pages to work on: until then fifty password
    checks at once (slow on purpose) hold the two cores, which no page of a running
    platform meets. Failures are counted over the whole run."""
    if not samples:
        return {}, {}, 1.0
    starts = [
        at + ms / 1000 for at, _name, ms, _failed, phase in samples if phase == "start"
    ]
    start = max(starts) if starts else min(at for at, *_rest in samples)
    end = max(at for at, *_rest in samples)
    times: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    for at, name, milliseconds, failed, phase in samples:
        failures[name] += failed
        if name.startswith("sign in") or (phase == "work" and at >= start):
            times[name].append(milliseconds)
    return times, failures, max(end - start, 1.0)


def report(
    times: dict[str, list[float]],
    failures: dict[str, int],
    seconds: float,
    errors: list[str],
    settings: dict[str, str],
) -> tuple[str, bool]:
    """The printed report, and whether any request failed."""

    minimal = times.get(MINIMAL, [])
    yardstick = statistics.median(minimal) if minimal else 0.0

    def row(name: str, values: list[float], failed: int) -> str:
        rate = "" if name.startswith("sign in") else f"{len(values) / seconds:.2f}"
        ratio = f"{statistics.median(values) / yardstick:.0f}" if yardstick else ""
        return (
            f"{name:<38} {statistics.median(values):>7.0f} "
            f"{percentile(values, 0.95):>7.0f} {percentile(values, 0.99):>7.0f} "
            f"{len(values):>8} {failed:>6} {rate:>7} {ratio:>6}"
        )

    lines = [
        f"Convenant load run, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}",
        ", ".join(f"{key} {value}" for key, value in settings.items()),
        "",
        f"{'request (times in ms)':<38} {'p50':>7} {'p95':>7} {'p99':>7} "
        f"{'requests':>8} {'fails':>6} {'per s':>7} {'x min':>6}",
    ]
    pages: list[float] = []
    slow: list[str] = []
    for name in sorted(failures, key=lambda n: (n in NOT_PAGES, n)):
        if not times.get(name):
            if failures[name]:  # failed only while signing in or finding the way
                lines.append(f"{name:<38} {'':>23} {0:>8} {failures[name]:>6}")
            continue
        values = times[name]
        lines.append(row(name, values, failures[name]))
        if name not in NOT_PAGES:
            pages += values
            if percentile(values, 0.95) >= TARGET_MS:
                slow.append(name)
    everything = [value for values in times.values() for value in values]
    total_failures = sum(failures.values())
    lines.append(row("all requests", everything, total_failures))
    lines.append("")
    if pages:
        page_failures = sum(
            count for name, count in failures.items() if name not in NOT_PAGES
        )
        lines.append(row("pages and saves (no PDF, no sign-in)", pages, page_failures))
    if minimal and pages:
        ratio = statistics.median(pages) / statistics.median(minimal)
        lines += [
            f"minimal view: p50 {statistics.median(minimal):.1f} ms, "
            f"p95 {percentile(minimal, 0.95):.1f} ms",
            f"platform's own overhead: p50(pages and saves) / p50(minimal view) = "
            f"{ratio:.1f} (per kind of request: the column x min)",
        ]
    pages_p95 = percentile(pages, 0.95) if pages else 0.0
    holds = bool(pages) and pages_p95 < TARGET_MS and total_failures == 0 and not errors
    lines += [
        f"total: {len(everything) / seconds:.1f} requests per second over {seconds:.0f} s "
        "(once everybody had signed in; signing in is counted over the whole run)",
        f"target (pages and saves without PDFs: p95 < {TARGET_MS} ms, no failures): "
        + ("holds" if holds else "does not hold")
        + f" (p95 {pages_p95:.0f} ms, {total_failures} failures)",
    ]
    if slow:
        lines.append(
            f"page kinds with their own p95 >= {TARGET_MS} ms: {', '.join(slow)}"
        )
    if errors:
        lines += ["", "errors in the scenario (locust):", *errors]
    return "\n".join(lines) + "\n", total_failures > 0 or bool(errors)


def scenario_errors() -> list[str]:
    path = RUN / "locust_exceptions.csv"
    if not path.exists():
        return []
    with path.open(newline="") as source:
        return [
            f"{entry['Count']} x {entry['Message']}" for entry in csv.DictReader(source)
        ]


def main() -> int:
    database = setting(
        "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/convenant_load"
    )
    redis_url = setting("LOAD_REDIS_URL", "redis://127.0.0.1:6379/8")
    duration = setting("LOAD_TIME", "5m")
    users = int(setting("LOAD_USERS", "50"))
    rate = int(setting("LOAD_SPAWN_RATE", "10"))
    workers = int(setting("LOAD_WEB_WORKERS", "4"))
    companies = int(setting("LOAD_COMPANIES", "40"))
    port = free_port()
    host = f"http://127.0.0.1:{port}"

    reuse = setting("LOAD_REUSE", "") == "1" and (RUN / "static").exists()
    if not reuse:
        shutil.rmtree(RUN, ignore_errors=True)
    RUN.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.load.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "STATIC_ROOT": str(RUN / "static"),
        "MEDIA_ROOT": str(RUN / "media"),
        "PRIVATE_MEDIA_ROOT": str(RUN / "private"),
        "SITE_URL": host,
        "LOAD_UPLOADS": str(RUN / "uploads"),
        "LOAD_COMPANIES": str(companies),
        "LOAD_SAMPLES": str(RUN / "samples.csv"),
        "PYTHONUNBUFFERED": "1",
        # The locustfile imports tests.load.pages.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH", "")])
        ),
    }
    redis.Redis.from_url(redis_url).flushdb()
    if reuse:
        step("Using the database and files of the previous run")
    else:
        step(f"Fresh database {urlsplit(database).path.lstrip('/')}, Redis {redis_url}")
        fresh_database(database)
        prepare(env, companies)

    (RUN / "samples.csv").unlink(missing_ok=True)
    processes = start(env, port, workers)
    try:
        wait_for_health(f"{host}/healthz", processes)
        step(f"Running {users} users for {duration} against {host}")
        run_locust(env, host, duration, users, rate)
    finally:
        step("Stopping gunicorn and the Celery worker")
        stop(processes)

    if not (RUN / "samples.csv").exists():
        print(f"locust measured nothing; see {RUN / 'locust.log'}", file=sys.stderr)
        return 1
    times, failures, seconds = steady(read_samples(RUN / "samples.csv"))
    text, failed = report(
        times,
        failures,
        seconds,
        scenario_errors(),
        {
            "users": str(users),
            "duration": duration,
            "gunicorn sync workers": str(workers),
            "pause between actions (s)": setting("LOAD_THINK", "2,10").replace(
                ",", "-"
            ),
            "load companies": str(companies),
        },
    )
    print()
    print(text, end="")
    REPORT.write_text(text, encoding="utf-8")
    print(
        f"\nWritten to {REPORT.relative_to(BASE_DIR)}; logs in {RUN.relative_to(BASE_DIR)}/"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
