"""PostgreSQL restarts and Redis goes away while the platform is in use.

The platform runs as in production (gunicorn with DEBUG off, a Celery worker with the
beat scheduler) against a PostgreSQL and a Redis of this test's own
(tests/convenant/fault_servers.py), which the tests stop and start again:

- PostgreSQL stops: pages answer a clean 503 and /healthz says 503; it starts again:
  the same person's pages work again, without restarting anything.
- Redis stops: the dashboard, lists, detail pages and signing in keep working; a
  yearly report started meanwhile is saved and said to wait for the queue; Redis
  starts again: the report gets made without anyone doing anything.

Run in CI's PostgreSQL and Redis run (they need PostgreSQL's and Redis's programs,
not the servers in DATABASE_URL and REDIS_URL, which they leave alone).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from tests.convenant.fault_servers import (
    Browser,
    PrivatePostgres,
    PrivateRedis,
    Process,
    celery_worker,
    gunicorn,
    manage,
    platform_environment,
    postgres_bin,
    wait_for,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")),
        reason="runs in the PostgreSQL and Redis run only",
    ),
    pytest.mark.skipif(
        postgres_bin() is None or shutil.which("redis-server") is None,
        reason="needs PostgreSQL's programs and redis-server",
    ),
    # One process for the module: the servers and the platform are started once.
    pytest.mark.xdist_group("fault_servers"),
]

EMAIL = "secretariaat@faults.test"
COMPANY_EMAIL = "bedrijf@faults.test"
PASSWORD = "Faults-Horse-Battery-9"


@dataclass
class Platform:
    postgres: PrivatePostgres
    redis: PrivateRedis
    web: Process
    worker: Process
    base: str
    year_id: int
    assessment_id: int

    def browser(self) -> Browser:
        return Browser(self.base)

    def signed_in(self, email: str = EMAIL) -> Browser:
        browser = self.browser()
        response = browser.sign_in(email, PASSWORD)
        assert response.status_code == 302, response.text[:2000]
        assert response.headers["Location"] == "/"
        return browser


def _seed(env: dict[str, str]) -> dict[str, int]:
    """A secretariat person and a company person with an assessment in progress, each
    signing in with a password; returns the ids the tests need."""
    script = f"""
import json
from convenant.models import AgreementYear
from tests.conftest import make_person
from tests.monitoring.company_factories import company_person, profiled_assessment

person = make_person("secretariat")
person.email = "{EMAIL}"
person.set_password("{PASSWORD}")
person.save()
assessment = profiled_assessment()
member = company_person(assessment, email="{COMPANY_EMAIL}")
member.set_password("{PASSWORD}")
member.save()
year = AgreementYear.objects.order_by("number").values_list("pk", flat=True)[0]
print(json.dumps({{"year": year, "assessment": assessment.pk}}))
"""
    return json.loads(
        manage(env, "shell", "--no-imports", stdin=script).splitlines()[-1]
    )


@pytest.fixture(scope="module")
def platform() -> Iterator[Platform]:
    folder = Path(tempfile.mkdtemp(prefix="convenant-faults-"))
    folder.chmod(0o755)  # PostgreSQL runs as its own user
    postgres = PrivatePostgres(folder / "postgres")
    redis = PrivateRedis(folder / "redis")
    processes: list[Process] = []
    try:
        postgres.init()
        redis.start()
        env = platform_environment(postgres=postgres, redis=redis, folder=folder)
        with ThreadPoolExecutor(max_workers=1) as pool:
            static = pool.submit(manage, env, "collectstatic", "--noinput")
            manage(env, "migrate", "--noinput")
            static.result()
        ids = _seed(env)
        web, base = gunicorn(env, folder)
        processes.append(web)
        worker = celery_worker(env, folder)
        processes.append(worker)
        yield Platform(
            postgres, redis, web, worker, base, ids["year"], ids["assessment"]
        )
    finally:
        for process in processes:
            process.stop()
        redis.stop()
        postgres.stop_quietly()
        shutil.rmtree(folder, ignore_errors=True)


def _pages(platform: Platform) -> list[str]:
    return [
        "/",
        "/agreement/",
        "/reports/",
        f"/reports/years/{platform.year_id}/",
    ]


def test_a_database_restart_gives_clean_503s_and_the_site_recovers(platform):
    browser = platform.signed_in()
    for path in _pages(platform):
        assert browser.get(path).status_code == 200, path
    web_pid = platform.web.popen.pid

    platform.postgres.stop()
    try:
        for path in [*_pages(platform), "/"]:
            response = browser.get(path)
            assert response.status_code == 503, (path, response.text[:2000])
            assert response.headers["Retry-After"] == "30"
            assert "Temporarily unavailable" in response.text
            assert "Try again in a minute" in response.text
            assert "Traceback" not in response.text
            assert "OperationalError" not in response.text
        assert browser.get("/healthz").status_code == 503
        # The load balancer asks without a session.
        health = platform.browser().get("/healthz")
        assert health.status_code == 503
        assert health.json() == {"status": "unavailable", "database": False}
        # Someone signing in meanwhile gets the same page, not a 500.
        assert platform.browser().sign_in(EMAIL, PASSWORD).status_code == 503
    finally:
        platform.postgres.start()

    assert wait_for(lambda: browser.get("/healthz").status_code == 200, 30)
    # Each of gunicorn's workers had a connection that died with the server: every
    # page works again, several times over, in the same session.
    for _round in range(3):
        for path in _pages(platform):
            response = browser.get(path)
            assert response.status_code == 200, (path, response.text[:2000])
    assert platform.web.alive
    assert platform.web.popen.pid == web_pid


def test_without_redis_pages_work_and_queued_work_resumes_when_it_is_back(platform):
    browser = platform.signed_in()
    assert browser.get("/").status_code == 200

    platform.redis.stop()
    try:
        for path in _pages(platform):
            assert browser.get(path).status_code == 200, path
        # Signing in counts attempts in the cache: it works without Redis. So does
        # saving an answer of the questionnaire.
        company = platform.signed_in(COMPANY_EMAIL)
        assert company.get("/").status_code == 200
        answer_url = reverse(
            "monitoring:answer_save",
            kwargs={"pk": platform.assessment_id, "code": "1.1"},
        )
        saved = company.post(
            answer_url,
            {"q0-answer": "draft", "q0-explanation": "Concept.", "q0-revision": "0"},
            headers={"HX-Request": "true"},
        )
        assert saved.status_code == 200, saved.text[:2000]
        assert platform.postgres.query(
            "SELECT question_code, explanation, revision FROM monitoring_answer"
        ) == [("1.1", "Concept.", 1)]
        # Saving something works: the report is recorded, and waits for the queue.
        response = browser.post(
            f"/reports/years/{platform.year_id}/start/", {"versions": ["parties"]}
        )
        assert response.status_code == 302, response.text[:2000]
        page = browser.get(response.headers["Location"])
        assert page.status_code == 200
        assert "The background queue cannot be reached just now." in page.text
        assert platform.postgres.query(
            "SELECT status, dispatched_at FROM convenant_reportrun"
        ) == [("queued", None)]
        assert browser.get("/healthz").status_code == 200
    finally:
        platform.redis.start()

    def made() -> bool:
        return platform.postgres.query("SELECT status FROM convenant_reportrun") == [
            ("done",)
        ]

    assert wait_for(made, 90, step=0.5), platform.worker.tail()
    (dispatched_at,) = platform.postgres.query(
        "SELECT dispatched_at FROM convenant_reportrun"
    )[0]
    assert dispatched_at is not None
    page = browser.get(f"/reports/years/{platform.year_id}/")
    assert "Download the PDF" in page.text
    assert "The background queue cannot be reached" not in page.text
