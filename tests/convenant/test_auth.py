"""Signing in: allauth with email and password, sign-up closed, failed attempts limited
across processes, the Django admin behind the same door, and two-factor authentication
for the roles that need it."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from governance.models import User
from tests.conftest import make_person
from tests.governance.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")
DASHBOARD = reverse("dashboard")
TOO_MANY = "Too many failed login attempts. Try again later."


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def new_client() -> Client:
    """A browser of its own, as a separate web process would see it: no shared session
    or cookies, only the shared cache and database."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN_URL, {"login": email, "password": password, **extra})


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# --- signing in -----------------------------------------------------------------------


def test_sign_in_with_email_and_password_lands_on_the_dashboard():
    person = UserFactory(email="anna@metaal.test", first_name="Anna")
    client = new_client()

    response = sign_in(client, "Anna@Metaal.test")

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert signed_in_user_id(client) == str(person.pk)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert "Welcome, Anna" in response.content.decode()


def test_a_wrong_password_does_not_sign_in():
    person = UserFactory()
    client = new_client()
    response = sign_in(client, person.email, "Not-The-Password-1")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The email address and/or password you specified are not correct."
    ]
    assert signed_in_user_id(client) is None


def test_sign_in_honours_next():
    person = UserFactory()
    client = new_client()
    response = sign_in(client, person.email, next=reverse("convenant:calendar"))
    assert response["Location"] == reverse("convenant:calendar")


def test_sign_in_does_not_follow_next_to_another_site():
    person = UserFactory()
    client = new_client()
    response = sign_in(client, person.email, next="https://evil.example/")
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD


# --- sign-up is closed ----------------------------------------------------------------


def test_the_sign_up_page_is_closed():
    response = new_client().get(reverse("account_signup"))
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert "By invitation only" in response.content.decode()


def test_posting_to_sign_up_creates_nobody():
    count = User.objects.count()
    response = new_client().post(
        reverse("account_signup"),
        {
            "email": "zelf@metaal.test",
            "password1": "Zilver-Erts-Smelt-42",
            "password2": "Zilver-Erts-Smelt-42",
        },
    )
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert User.objects.count() == count
    assert not User.objects.filter(email="zelf@metaal.test").exists()


# --- rate limit on failed sign-ins ----------------------------------------------------


def test_the_limit_is_five_failures_per_address_in_five_minutes():
    assert "5/5m/key" in django_settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")


def test_the_cache_is_shared_between_processes():
    """Rate-limit counters live in the cache: a per-process cache would let each web
    process count on its own."""
    backend = django_settings.CACHES["default"]["BACKEND"]
    assert backend in {
        "django.core.cache.backends.db.DatabaseCache",
        "convenant.cache.ResilientRedisCache",
    }
    assert "LocMemCache" not in backend
    assert "DummyCache" not in backend


def test_after_five_failures_the_right_password_is_refused_too():
    person = UserFactory()
    client = new_client()
    for _ in range(5):
        assert sign_in(client, person.email, "Not-The-Password-1").status_code == 200

    response = sign_in(client, person.email)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [TOO_MANY]
    assert signed_in_user_id(client) is None


def test_the_limit_holds_across_separate_clients():
    person = UserFactory()
    for _ in range(5):
        sign_in(new_client(), person.email.upper(), "Not-The-Password-1")

    client = new_client()
    response = sign_in(client, person.email)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [TOO_MANY]
    assert signed_in_user_id(client) is None


def test_four_failures_still_let_the_right_password_in():
    person = UserFactory()
    for _ in range(4):
        sign_in(new_client(), person.email, "Not-The-Password-1")

    client = new_client()
    response = sign_in(client, person.email)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(person.pk)


def test_failures_for_one_address_do_not_lock_out_another():
    victim, other = UserFactory(), UserFactory()
    for _ in range(5):
        sign_in(new_client(), victim.email, "Not-The-Password-1")

    client = new_client()
    assert sign_in(client, other.email).status_code == 302
    assert signed_in_user_id(client) == str(other.pk)


# --- the Django admin -----------------------------------------------------------------


def test_the_admin_login_redirects_to_the_allauth_sign_in():
    response = new_client().get("/admin/login/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == LOGIN_URL
    assert parse_qs(location.query) == {"next": ["/admin/"]}


def test_staff_reach_the_admin_through_the_allauth_sign_in():
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = new_client()
    response = sign_in(client, staff.email, next="/admin/")
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_form_signs_nobody_in_anonymously():
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = new_client()
    response = client.post(
        "/admin/login/", {"username": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == LOGIN_URL
    assert signed_in_user_id(client) is None


def test_the_admin_login_form_is_no_way_around_the_allauth_sign_in():
    """Django's own admin login form authenticates without allauth's rate limit and
    two-factor step. A signed-in person who is not staff must not be able to use it to
    try passwords and switch to another account (a staff member's, say)."""
    staff = UserFactory(is_staff=True, is_superuser=True)
    member = UserFactory()
    client = new_client()
    client.force_login(member)

    for _ in range(5):
        client.post(
            "/admin/login/", {"username": staff.email, "password": "Not-The-Password-1"}
        )
    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})

    assert signed_in_user_id(client) == str(member.pk)
    assert client.get("/admin/").status_code == 302


# --- two-factor authentication --------------------------------------------------------


MFA_ROLES = ["secretariat", "kerngroep", "ngo", "union"]
NO_MFA_ROLES = ["company_admin", "company_member", "branch", "chair", "government"]


@pytest.fixture
def mfa_required(settings):
    settings.CONVENANT_REQUIRE_MFA = True


@pytest.mark.usefixtures("mfa_required")
@pytest.mark.parametrize("role", MFA_ROLES)
def test_roles_that_need_two_factor_are_sent_to_set_it_up(role):
    client = new_client()
    client.force_login(make_person(role))

    for path in (DASHBOARD, reverse("convenant:calendar"), "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.usefixtures("mfa_required")
@pytest.mark.parametrize("role", MFA_ROLES)
def test_the_account_pages_stay_reachable_while_setting_up(role):
    client = new_client()
    client.force_login(make_person(role))
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_change_password")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response["Location"] == LOGIN_URL
    assert signed_in_user_id(client) is None


@pytest.mark.usefixtures("mfa_required")
@pytest.mark.parametrize("role", NO_MFA_ROLES)
def test_other_roles_are_not_sent_to_set_up_two_factor(role):
    client = new_client()
    client.force_login(make_person(role))
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.usefixtures("mfa_required")
@pytest.mark.parametrize("role", MFA_ROLES)
def test_with_an_authenticator_they_reach_the_dashboard(role):
    person = make_person(role)
    TOTP.activate(person, generate_totp_secret())
    client = new_client()
    client.force_login(person)
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("role", MFA_ROLES + NO_MFA_ROLES)
def test_without_the_setting_nobody_is_sent_to_set_up_two_factor(settings, role):
    settings.CONVENANT_REQUIRE_MFA = False
    client = new_client()
    client.force_login(make_person(role))
    assert client.get(DASHBOARD).status_code == 200


def test_setting_up_two_factor_after_signing_in(mfa_required):
    person = make_person("ngo")
    client = new_client()

    response = sign_in(client, person.email)
    assert response["Location"] == DASHBOARD
    response = client.get(DASHBOARD)
    assert response["Location"] == reverse("mfa_activate_totp")

    # allauth asks for the password once more before an authenticator is added.
    activate = reverse("mfa_activate_totp")
    response = client.get(activate)
    assert urlsplit(response["Location"]).path == reverse("account_reauthenticate")
    response = client.post(
        reverse("account_reauthenticate"), {"password": PASSWORD, "next": activate}
    )
    assert response["Location"] == activate
    response = client.get(activate)
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302

    assert Authenticator.objects.filter(
        user=person, type=Authenticator.Type.TOTP
    ).exists()
    assert client.get(DASHBOARD).status_code == 200


def test_with_two_factor_on_signing_in_asks_for_the_code(mfa_required):
    person = make_person("secretariat")
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    client = new_client()

    response = sign_in(client, person.email)

    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    assert client.get(DASHBOARD)["Location"].startswith(LOGIN_URL)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == DASHBOARD
    assert signed_in_user_id(client) == str(person.pk)
    assert client.get(DASHBOARD).status_code == 200
