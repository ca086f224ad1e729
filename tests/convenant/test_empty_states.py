"""Empty lists say what to do next, and who may do it."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "next_step"),
    [
        ("governance:module_list", "Add one with the button above."),
        ("monitoring:insight_grant_list", "Give insight with the buttons above."),
        (
            "governance:confidentiality_list",
            "Clear a filter, or record an agreement signed on paper.",
        ),
        (
            "ketenkaart:overview",
            "A company appears here once it has joined the agreement.",
        ),
        (
            "reports:report_list",
            "Make and publish a year's report from the table below.",
        ),
        (
            "reminders:reminder_overview",
            "A reminder is made when a deadline comes close.",
        ),
    ],
)
def test_an_empty_list_tells_the_secretariat_what_to_do(
    secretariat_client, url_name, next_step
):
    response = secretariat_client.get(reverse(url_name))

    assert response.status_code == 200
    assert next_step in response.content.decode()


def test_others_are_told_who_fills_an_empty_list(client, person_factory):
    client.force_login(person_factory("company_admin"))

    modules = client.get(reverse("governance:module_list")).content.decode()
    reports = client.get(reverse("reports:report_list")).content.decode()

    assert "Modules appear here once the secretariat adds them." in modules
    assert "Add one with the button above." not in modules
    assert "appears here once it is published." in reports
    assert "Make the reports" not in reports


def test_an_ngo_without_an_agreement_is_sent_to_sign_it(client, person_factory):
    client.force_login(person_factory("ngo"))

    page = client.get(reverse("governance:confidentiality_own")).content.decode()

    assert "has not signed a confidentiality agreement yet." in page
    assert "Read and sign it with the button above." in page
