"""Private PostgreSQL and Redis servers, and the platform served against them in
processes of its own, for tests/convenant/test_fault_servers.py.

The servers shared by the machine (and by other test processes) are never stopped:
each test run starts its own PostgreSQL cluster and Redis on free ports under a
temporary folder, and may stop and start them at will. PostgreSQL refuses to run as
root, so as root its programs run as the "postgres" user.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def postgres_bin() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


class PrivatePostgres:
    """A PostgreSQL cluster of its own, with trust authentication on 127.0.0.1."""

    def __init__(self, folder: Path) -> None:
        self.bin = postgres_bin()
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        completed = subprocess.run(  # noqa: S603
            command, check=False, capture_output=True, text=True, timeout=120
        )
        assert completed.returncode == 0, completed.stderr[-2000:]

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"
        )
        self.start()
        self._run(
            "createdb",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "convenant",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "postgres.log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def stop_quietly(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/convenant"

    def query(self, sql: str, *params) -> list[tuple]:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="convenant"
        ) as connection:
            return connection.execute(sql, params).fetchall()


class PrivateRedis:
    """A Redis of its own that keeps nothing on disk; stopped and started again on the
    same port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.answers, 10), "the private Redis did not start"

    def answers(self) -> bool:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection,
        ):
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def platform_environment(
    *, postgres: PrivatePostgres, redis: PrivateRedis, folder: Path
) -> dict[str, str]:
    """The platform as in production (DEBUG off, PostgreSQL, Redis), over plain HTTP
    on 127.0.0.1 and without the second factor, on the private servers."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO", "DATABASE", "REDIS", "CELERY"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "convenant.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "CONVENANT_REQUIRE_MFA": "false",
            "DATABASE_URL": postgres.url,
            "DATABASE_CONN_MAX_AGE": "60",
            "REDIS_URL": redis.url,
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
            "PRIVATE_MEDIA_ROOT": str(folder / "private"),
            # The beat sends queued work again every two seconds, not two minutes.
            "CONVENANT_RESEND_QUEUED_SECONDS": "2",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


class Process:
    """A long-running process of the platform (gunicorn, a Celery worker)."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._log_file = log.open("wb")
        self.popen = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self) -> None:
        """Quickly: gunicorn and Celery both end at once on SIGQUIT; whatever of the
        process group is left after a few seconds is killed."""
        if self.alive:
            self.popen.send_signal(signal.SIGQUIT)
            try:
                self.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self._log_file.close()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def gunicorn(env: dict[str, str], folder: Path) -> tuple[Process, str]:
    port = free_port()
    process = Process(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "convenant.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        env,
        folder / "gunicorn.log",
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        with contextlib.suppress(requests.RequestException):
            return requests.get(f"{base}/healthz", timeout=2).status_code == 200
        return False

    assert wait_for(up, 30), process.tail()
    return process, base


def celery_worker(env: dict[str, str], folder: Path) -> Process:
    """A worker with the beat scheduler in it (-B), as `make worker` and `make beat`."""
    return Process(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "convenant",
            "worker",
            "-B",
            "-s",
            str(folder / "celerybeat-schedule"),
            "-P",
            "solo",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        env,
        folder / "worker.log",
    )


class Browser:
    """A person's browser: keeps the cookies the platform sets, also those marked
    Secure (the platform is served over plain HTTP here), and follows no redirect by
    itself."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Accept-Language": "en", **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method,
            self.base + path,
            headers=headers,
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:  # deleted, as the messages cookie once they are shown
                    self.cookies.pop(name, None)
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        return self.request("POST", path, data=data, **kwargs)

    def sign_in(self, email: str, password: str) -> requests.Response:
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"login": email, "password": password})
