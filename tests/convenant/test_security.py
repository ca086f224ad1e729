"""What protects the platform against a hostile page, a stolen session and guessed
secrets: the response headers (a Content-Security-Policy without inline code, framing
refused, referrer and MIME sniffing limited, HSTS and secure cookies in production),
pages that need no inline script or style, an idle session timeout, the password asked
again before account and two-factor settings change, and rate limits on passwords and
two-factor codes that hold across web processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time
import uuid
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.middleware import SESSION_ACTIVE_AT, SESSION_REFRESH_SECONDS
from tests.conftest import ROLES, make_person
from tests.governance.factories import PASSWORD
from tests.ketenkaart import test_releases
from tests.monitoring import test_overview

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")
DASHBOARD = reverse("dashboard")
REAUTHENTICATE = reverse("account_reauthenticate")
TOO_MANY = "Too many failed login attempts. Try again later."
MANAGE_PY = str(django_settings.BASE_DIR / "manage.py")


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def signed_in_client(role: str = "company_member") -> tuple[Client, object]:
    person = make_person(role)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client, person


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def run_django(code: str, env: dict[str, str]) -> str:
    """Runs `code` in a Django process of its own (`manage.py shell -c`): another web
    process, sharing with this one only what the settings say is shared."""
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, MANAGE_PY, "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- headers ----------------------------------------------------------------------------


def assert_protective_headers(response) -> None:
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_sign_in_page_carries_the_protective_headers():
    response = Client().get(LOGIN_URL)
    assert response.status_code == 200
    assert_protective_headers(response)


def test_a_signed_in_page_carries_the_protective_headers():
    client, _ = signed_in_client("secretariat")
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert_protective_headers(response)


def test_the_not_found_and_refused_pages_carry_them_too():
    client, _ = signed_in_client("company_admin")
    assert_protective_headers(client.get("/no/such/page/"))
    assert_protective_headers(client.get(reverse("convenant:audit_log")))


def test_images_may_be_data_uris_for_the_authenticator_qr_code():
    response = Client().get(LOGIN_URL)
    assert csp_directives(response)["img-src"] == ["'self'", "data:"]


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    """The settings with DEBUG off, as the deploy check loads them, from a process of
    their own (they are read once, at start-up). That process also runs
    `check --deploy`, which fails on any warning."""
    folder = tmp_path_factory.mktemp("production")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "convenant.example.org",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
    }
    code = textwrap.dedent(
        """
        import json
        from django.conf import settings
        from django.core.management import call_command
        call_command("check", deploy=True, fail_level="WARNING")
        names = [
            "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
            "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
            "CONVENANT_REQUIRE_MFA",
        ]
        print(json.dumps({name: getattr(settings, name) for name in names}))
        """
    )
    output = run_django(code, env)
    return json.loads(output.strip().splitlines()[-1])


def test_production_settings_pass_the_deploy_check_and_are_strict(production):
    assert production == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CONVENANT_REQUIRE_MFA": True,
    }


@pytest.fixture
def production_security(settings, production):
    for name, value in production.items():
        if name.startswith(("SECURE_", "SESSION_", "CSRF_")):
            setattr(settings, name, tuple(value) if isinstance(value, list) else value)


@pytest.mark.usefixtures("production_security")
def test_in_production_http_is_sent_to_https():
    response = Client().get(LOGIN_URL)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{LOGIN_URL}"


@pytest.mark.usefixtures("production_security")
def test_in_production_https_answers_with_hsts_and_secure_cookies():
    person = make_person("company_member")
    client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_X_FORWARDED_PROTO="https")
    page = client.get(LOGIN_URL)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert_protective_headers(page)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"

    response = sign_in(client, person.email)

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    # Gone when the browser closes: no lasting date on the cookie.
    assert session["expires"] == ""
    assert session["max-age"] == ""


# --- no inline script or style on the pages -------------------------------------------


class InlineCode(HTMLParser):
    """Everything on a page the policy would refuse: style attributes, <style>
    elements, <script> elements without src (data islands of type application/json
    are not run and are fine), and on... event-handler attributes. Links and forms are
    collected to visit the pages they lead to."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[str] = []
        self.links: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=...> (htmx evaluates it as code)")
        if tag == "style":
            self.found.append("<style>")
        if (
            tag == "script"
            and not attributes.get("src")
            and attributes.get("type") != "application/json"
        ):
            self.found.append("<script> without src")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def inline_code_on(client: Client, url: str) -> tuple[list[str], list[str]]:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    if not response["Content-Type"].startswith("text/html"):
        return [], []
    parsed = InlineCode(response.content.decode())
    return parsed.found, parsed.links


def internal_pages(links: list[str]) -> list[str]:
    pages = set()
    for href in links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        if parts.path.startswith(("/static/", "/media/")):
            continue
        pages.add(href)
    return sorted(pages)


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_the_dashboard_and_every_page_it_links_to_have_no_inline_code(role):
    client, _ = signed_in_client(role)
    found, links = inline_code_on(client, DASHBOARD)
    assert found == []
    inline = {}
    for url in internal_pages(links):
        found, _ = inline_code_on(client, url)
        if found:
            inline[url] = found
    assert inline == {}


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_reset_password", "account_signup"],
)
def test_the_pages_before_signing_in_have_no_inline_code(url_name):
    found, _ = inline_code_on(Client(), reverse(url_name))
    assert found == []


def test_the_account_and_two_factor_pages_have_no_inline_code():
    client, person = signed_in_client()
    TOTP.activate(person, generate_totp_secret())
    RecoveryCodes.activate(person)
    reauthenticate(client)
    inline = {}
    for url_name in (
        "account_change_password",
        "account_email",
        "mfa_index",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
    ):
        found, _ = inline_code_on(client, reverse(url_name))
        if found:
            inline[url_name] = found
    assert inline == {}


# The data of the secretariat's monitoring overview (charts) and of a published
# ketenkaart (the world map), borrowed from the tests of those pages.
results = test_overview.results
cohort = test_releases.cohort


def test_the_charts_and_the_map_need_no_inline_code(results, cohort):
    secretariat = make_person("secretariat")
    release = test_releases.publish(secretariat)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(secretariat)
    overview = reverse("monitoring:overview")
    assert "<svg" in client.get(overview).content.decode()
    assert inline_code_on(client, overview)[0] == []
    release_page = reverse("ketenkaart:release_detail", args=[release.pk])
    for role in ("secretariat", "ngo", "company_admin"):
        client, _ = signed_in_client(role)
        assert 'class="worldmap' in client.get(release_page).content.decode()
        assert inline_code_on(client, release_page)[0] == []


def test_the_secretariats_charts_are_sized_by_class_not_by_style():
    from django.template.loader import render_to_string

    from monitoring import charts

    chart = charts.bar_chart([charts.BarItem("Green", 3), charts.BarItem("Red", 1)])
    html = render_to_string(
        "monitoring/secretariat/_bar_chart.html",
        {"chart": chart, "chart_id": "c", "title": "Levels"},
    )
    assert "style=" not in html
    assert 'class="chart__svg"' in html
    assert 'width="560"' in html or 'width="560.0"' in html


# --- the session ends when idle ---------------------------------------------------------


def test_sessions_end_after_half_an_hour_idle_and_when_the_browser_closes():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert "convenant.middleware.SessionIdleTimeoutMiddleware" in (
        django_settings.MIDDLEWARE
    )


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def signed_in_a_while_ago(seconds: int) -> Client:
    """Signed in with the password; the session was last moved forward `seconds` ago
    and now ends in a minute."""
    person = make_person("company_member")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert sign_in(client, person.email).status_code == 302
    session = client.session
    assert isinstance(session[SESSION_ACTIVE_AT], int)
    session[SESSION_ACTIVE_AT] = int(time.time()) - seconds
    session.save()
    soon = timezone.now() + dt.timedelta(minutes=1)
    Session.objects.filter(pk=session_row(client).pk).update(expire_date=soon)
    return client


def test_a_request_moves_the_end_of_the_session_forward():
    client = signed_in_a_while_ago(SESSION_REFRESH_SECONDS)

    assert client.get(DASHBOARD).status_code == 200

    expected = timezone.now() + dt.timedelta(seconds=django_settings.SESSION_COOKIE_AGE)
    assert abs(session_row(client).expire_date - expected) < dt.timedelta(seconds=30)


def test_within_a_minute_of_the_last_move_a_request_writes_nothing():
    client = signed_in_a_while_ago(10)
    before = session_row(client).expire_date

    assert client.get(DASHBOARD).status_code == 200

    assert session_row(client).expire_date == before


def test_a_visitor_who_is_not_signed_in_gets_no_session():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(LOGIN_URL)
    assert "sessionid" not in client.cookies
    assert not Session.objects.exists()


def test_an_idle_session_has_ended():
    person = make_person("company_member")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    sign_in(client, person.email)
    assert client.get(DASHBOARD).status_code == 200
    past = timezone.now() - dt.timedelta(seconds=1)
    Session.objects.filter(pk=session_row(client).pk).update(expire_date=past)

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == LOGIN_URL


# --- the password again before account and two-factor settings change -----------------


def reauthenticate(client: Client, next_url: str = DASHBOARD) -> None:
    response = client.post(REAUTHENTICATE, {"password": PASSWORD, "next": next_url})
    assert response.status_code == 302, response.content.decode()[:500]


def age_authentication(client: Client, seconds: float) -> None:
    """Moves every recorded authentication of the session `seconds` into the past."""
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - seconds} for record in records
    ]
    session.save()


def asks_for_password(response) -> bool:
    return response.status_code == 302 and (
        urlsplit(response["Location"]).path == REAUTHENTICATE
    )


def test_a_confirmed_password_counts_for_five_minutes():
    assert django_settings.ACCOUNT_REAUTHENTICATION_REQUIRED is True
    assert django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT == 300


SENSITIVE_GETS = [
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
]


def signed_in_with_password(person) -> Client:
    """Signed in, with the password confirmed again just now."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    reauthenticate(client)
    return client


@pytest.mark.parametrize("url_name", SENSITIVE_GETS)
def test_two_factor_settings_open_right_after_the_password(url_name):
    person = make_person("company_member")
    TOTP.activate(person, generate_totp_secret())
    RecoveryCodes.activate(person)
    client = signed_in_with_password(person)

    response = client.get(reverse(url_name))

    assert response.status_code == 200


@pytest.mark.parametrize("url_name", SENSITIVE_GETS)
def test_two_factor_settings_open_until_the_password_is_five_minutes_old(url_name):
    person = make_person("company_member")
    TOTP.activate(person, generate_totp_secret())
    RecoveryCodes.activate(person)
    client = signed_in_with_password(person)
    age_authentication(client, django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT - 30)

    response = client.get(reverse(url_name))

    assert response.status_code == 200


@pytest.mark.parametrize("url_name", SENSITIVE_GETS)
def test_two_factor_settings_ask_for_the_password_once_it_is_old(url_name):
    person = make_person("company_member")
    TOTP.activate(person, generate_totp_secret())
    RecoveryCodes.activate(person)
    client = signed_in_with_password(person)
    age_authentication(client, django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)

    response = client.get(reverse(url_name))

    assert asks_for_password(response)


def test_turning_two_factor_off_with_an_old_password_changes_nothing():
    person = make_person("company_member")
    TOTP.activate(person, generate_totp_secret())
    client = signed_in_with_password(person)
    age_authentication(client, django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert asks_for_password(response)
    assert Authenticator.objects.filter(user=person, type="totp").exists()


def test_new_recovery_codes_with_an_old_password_change_nothing():
    person = make_person("company_member")
    TOTP.activate(person, generate_totp_secret())
    codes = RecoveryCodes.activate(person).instance
    client = signed_in_with_password(person)
    age_authentication(client, django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)

    response = client.post(reverse("mfa_generate_recovery_codes"))

    assert asks_for_password(response)
    assert list(Authenticator.objects.filter(user=person, type="recovery_codes")) == [
        codes
    ]
    assert Authenticator.objects.get(pk=codes.pk).data == codes.data


def test_adding_an_authenticator_asks_for_the_password_once_it_is_old():
    person = make_person("company_member")
    client = signed_in_with_password(person)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200

    age_authentication(client, django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)

    assert asks_for_password(client.get(reverse("mfa_activate_totp")))
    assert not Authenticator.objects.filter(user=person).exists()


def test_a_password_given_once_at_sign_in_is_not_enough():
    """Signing in is not confirming: a session left open at someone's desk does not
    let another person add their own authenticator app."""
    person = make_person("company_member")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    sign_in(client, person.email)
    assert asks_for_password(client.get(reverse("mfa_activate_totp")))


def test_adding_an_email_address_asks_for_the_password_once_it_is_old():
    person = make_person("company_member")
    client = signed_in_with_password(person)
    age_authentication(client, django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "taken@over.example"}
    )

    assert asks_for_password(response)
    assert not EmailAddress.objects.filter(email="taken@over.example").exists()


def test_removing_an_email_address_asks_for_the_password_once_it_is_old():
    person = make_person("company_member")
    second = EmailAddress.objects.create(user=person, email="second@metaal.example")
    client = signed_in_with_password(person)
    age_authentication(client, django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)

    response = client.post(
        reverse("account_email"), {"action_remove": "", "email": second.email}
    )

    assert asks_for_password(response)
    assert EmailAddress.objects.filter(pk=second.pk).exists()


def test_adding_an_email_address_right_after_the_password_works():
    person = make_person("company_member")
    client = signed_in_with_password(person)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "second@metaal.example"}
    )

    assert response.status_code == 302
    assert EmailAddress.objects.filter(
        user=person, email="second@metaal.example"
    ).exists()


def test_changing_the_password_asks_for_the_current_one():
    person = make_person("company_member")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    new = "Another-Long-Password-77"

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "Not-The-Password-1", "password1": new, "password2": new},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["oldpassword"] == [
        "Please type your current password."
    ]
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert not person.check_password(new)


# --- rate limits hold across processes -------------------------------------------------


def test_wrong_passwords_and_codes_are_limited_to_five_per_five_minutes():
    rates = django_settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    assert "5/5m/key" in rates
    assert "10/m/ip" in rates


CONSUME = """
import json
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import RequestFactory
from allauth.core import ratelimit

call_command("createcachetable")


def attempt(key, ip):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=ip)
    request.user = AnonymousUser()
    return ratelimit.consume(request, action="login_failed", key=key)


print(json.dumps([attempt(key, ip) for key, ip in {attempts!r}]))
"""


def consume_in_another_process(attempts: list[tuple[str, str]], env) -> list[bool]:
    output = run_django(CONSUME.format(attempts=attempts), env)
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture
def shared_cache_env(tmp_path) -> dict[str, str]:
    """Web processes as deployed: the settings' own cache, the database cache in a
    database of their own (this test's in-memory database is not reachable from
    another process), or Redis when REDIS_URL is set."""
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}"}


def test_failed_sign_ins_counted_in_one_process_lock_out_in_another(shared_cache_env):
    run = uuid.uuid4().hex
    email = f"anna-{run}@metaal.test"
    mfa_key = f"mfa-auth-user-{run}"
    # Five wrong passwords and five wrong codes, each from addresses of their own, so
    # that only the per-account limit comes into play.
    first = consume_in_another_process(
        [(email, f"10.1.0.{n}") for n in range(5)]
        + [(mfa_key, f"10.2.0.{n}") for n in range(5)],
        shared_cache_env,
    )
    assert first == [True] * 10

    second = consume_in_another_process(
        [(email, "10.3.0.1"), (mfa_key, "10.3.0.2"), (f"other-{run}", "10.3.0.3")],
        shared_cache_env,
    )

    assert second == [False, False, True]


def test_one_address_is_limited_across_processes(shared_cache_env):
    run = uuid.uuid4().hex
    first = consume_in_another_process(
        [(f"{run}-{n}@metaal.test", "10.9.9.9") for n in range(10)], shared_cache_env
    )
    assert first == [True] * 10

    second = consume_in_another_process(
        [
            (f"{run}-new@metaal.test", "10.9.9.9"),
            (f"{run}-new@metaal.test", "10.9.9.8"),
        ],
        shared_cache_env,
    )

    assert second == [False, True]


def totp_code(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def wrong_code(secret: str) -> str:
    right = {totp_code(secret, offset) for offset in (-1, 0, 1)}
    return next(
        code for code in ("000000", "111111", "222222", "333333") if code not in right
    )


def test_five_wrong_codes_lock_the_code_step_even_from_other_browsers():
    person = make_person("company_member")
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    mfa_authenticate = reverse("mfa_authenticate")

    for _ in range(5):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        assert sign_in(client, person.email)["Location"] == mfa_authenticate
        response = client.post(mfa_authenticate, {"code": wrong_code(secret)})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert sign_in(client, person.email)["Location"] == mfa_authenticate
    response = client.post(mfa_authenticate, {"code": totp_code(secret)})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [TOO_MANY]
    assert "_auth_user_id" not in client.session


def test_four_wrong_codes_still_let_the_right_one_in():
    person = make_person("company_member")
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    mfa_authenticate = reverse("mfa_authenticate")
    for _ in range(4):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        sign_in(client, person.email)
        client.post(mfa_authenticate, {"code": wrong_code(secret)})

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    sign_in(client, person.email)
    response = client.post(mfa_authenticate, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_behind_a_proxy_each_client_address_is_counted_on_its_own(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    person = make_person("company_member")
    for n in range(10):
        client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_X_FORWARDED_FOR="198.51.100.7")
        sign_in(client, f"nobody-{n}@metaal.test", "Not-The-Password-1")

    same_address = Client(
        HTTP_ACCEPT_LANGUAGE="en", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    refused = sign_in(same_address, person.email)
    other_address = Client(
        HTTP_ACCEPT_LANGUAGE="en", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    let_in = sign_in(other_address, person.email)

    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [TOO_MANY]
    assert "_auth_user_id" not in same_address.session
    assert let_in.status_code == 302
    assert other_address.session["_auth_user_id"] == str(person.pk)
