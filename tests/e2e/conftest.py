"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, language) for each test, and
the demo data loaded into the test database before each test.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path(os.environ.get("CONVENANT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Long enough for a slow CI machine, short enough that a broken page fails quickly.
TIMEOUT_MS = 15_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _serialized_contents() -> dict[str, str]:
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


def _restore_serialized_contents(contents: dict[str, str]) -> None:
    from django.db import connections

    for alias, data in contents.items():
        connections[alias]._test_serialized_contents = data


@pytest.fixture(scope="session")
def browser(django_db_setup) -> Iterator:
    """Debian's Chromium, started once. Missing, it fails the tests in CI and skips them
    elsewhere: Playwright's own browser download does not work on these machines."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium), or set CONVENANT_CHROMIUM to its path."
        )
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread. Django then
    # refuses ORM calls unless told this is deliberate (the fixtures' and tests' queries
    # are synchronous, so it is), and asgiref hands this thread fresh database
    # connection objects, as it does for async code. Those lack the copy of the migrated
    # data that serialized_rollback puts back after each test, so it is carried over:
    # otherwise the rows the migrations made vanish for every later test.
    contents = _serialized_contents()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            _restore_serialized_contents(contents)
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield chromium
            finally:
                chromium.close()


@pytest.fixture
def demo_data(transactional_db) -> None:
    """The demo's organisations, accounts and Kerngroep seats, committed so the live
    server's thread sees them."""
    call_command("seed_demo", "--without-monitoring", stdout=io.StringIO())


@pytest.fixture
def browser_locale() -> str:
    """The language the browser asks for; a test overrides this fixture to change it."""
    return "en-GB"


def is_csp_violation(text: str) -> bool:
    """Chromium's console message for something the Content-Security-Policy refused:
    "Applying inline style violates the following Content Security Policy directive
    ...", "Executing inline script violates ..." (older versions: "Refused to apply
    inline style because it violates ...")."""
    return "Content Security Policy directive" in text


@pytest.fixture
def csp_violations() -> list[str]:
    """What the policy refused on any page of the test, in order."""
    return []


@pytest.fixture
def page(browser, live_server, demo_data, browser_locale, csp_violations) -> Iterator:
    context = browser.new_context(base_url=live_server.url, locale=browser_locale)
    context.set_default_timeout(TIMEOUT_MS)

    # Every journey doubles as a check of the Content-Security-Policy: a page that
    # needs an inline script or style the policy refuses fails the test that opened it.
    def note_violation(message) -> None:
        if is_csp_violation(message.text):
            where = message.page.url if message.page else "?"
            csp_violations.append(f"{where}: {message.text}")

    context.on("console", note_violation)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    assert csp_violations == [], "The Content-Security-Policy refused parts of a page"
