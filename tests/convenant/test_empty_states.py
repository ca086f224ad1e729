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


@pytest.mark.parametrize(
    ("url_name", "empty", "next_step"),
    [
        (
            "governance:news_list",
            "There is no news yet.",
            "Write the first item with the button above.",
        ),
        (
            "monitoring:talk_queue",
            "No talks are planned.",
            "Plan one from the list above for each company judged orange or red.",
        ),
        (
            "reminders:reminder_list",
            "No open reminders.",
            "A reminder appears here when a deadline of your organisation comes close.",
        ),
        (
            "reminders:reminder_list",
            "No past reminders.",
            "A reminder moves here once its deadline is met or it is dismissed.",
        ),
        (
            "governance:accession_list",
            "There are no applications.",
            "An application appears here once an organisation applies to join",
        ),
        (
            "governance:signature_list",
            "There are no supporters yet.",
            "A supporter appears here once it has signed the supporter's texts.",
        ),
        (
            "governance:withdrawal_list",
            "No party has given notice.",
            "A notice appears here once a party gives notice of withdrawal",
        ),
        (
            "governance:removal_list",
            "There are no removal cases.",
            "Open one with the button above.",
        ),
        (
            "governance:meeting_list",
            "No meetings are planned for this year yet.",
            "Plan one with the button above.",
        ),
        (
            "governance:decision_list",
            "No decision has been put to the Kerngroep yet.",
            "Put one to the Kerngroep with the button above.",
        ),
        (
            "ketenkaart:restriction_list",
            "There are no requests.",
            "A request appears here once a company asks to restrict the disclosure",
        ),
        (
            "ketenkaart:area_request_list",
            "There are no requests.",
            "A request appears here once an NGO or trade union asks which companies",
        ),
        (
            "ketenkaart:supplier_report_list",
            "There are no reports.",
            "A report appears here once an NGO or trade union reports a supplier.",
        ),
        (
            "ketenkaart:expertise_list",
            "No profile matches.",
            "Clear a filter to see every profile",
        ),
    ],
)
def test_more_empty_lists_tell_the_secretariat_what_to_do(
    secretariat_client, url_name, empty, next_step
):
    page = secretariat_client.get(reverse(url_name)).content.decode()

    assert empty in page
    assert next_step in page


@pytest.mark.parametrize(
    ("role", "url_name", "told", "not_told"),
    [
        (
            "company_admin",
            "governance:news_list",
            "News appears here once the secretariat publishes it.",
            "Write the first item",
        ),
        (
            "company_admin",
            "governance:meeting_list",
            "Meetings appear here once the secretariat plans them.",
            "Plan one with the button above.",
        ),
        (
            "kerngroep",
            "governance:removal_list",
            "A case appears here once the secretariat opens one.",
            "Open one with the button above.",
        ),
        (
            "company_admin",
            "governance:complaint_list",
            "File one with the button above.",
            "",
        ),
        (
            "company_admin",
            "governance:decision_list",
            "Decisions appear here once the Kerngroep has taken them.",
            "Put one to the Kerngroep",
        ),
        (
            "company_admin",
            "ketenkaart:restriction_list",
            "Ask for restricted disclosure with the form below.",
            "A request appears here once a company",
        ),
        (
            "company_admin",
            "ketenkaart:supplier_report_list",
            "A report appears here once the secretariat points your company to one.",
            "Report a supplier with the button above.",
        ),
        (
            "ngo",
            "ketenkaart:supplier_report_list",
            "Report a supplier with the button above.",
            "A report appears here once",
        ),
        (
            "ngo",
            "ketenkaart:expertise_list",
            "describe your own organisation's expertise with the link above.",
            "",
        ),
    ],
)
def test_others_are_told_who_fills_these_lists(
    client, person_factory, role, url_name, told, not_told
):
    client.force_login(person_factory(role))

    page = client.get(reverse(url_name)).content.decode()

    assert told in page
    assert not not_told or not_told not in page


def test_an_empty_audit_log_suggests_clearing_a_filter(secretariat_client):
    page = secretariat_client.get(
        reverse("convenant:audit_log") + "?action=nothing.like.this"
    ).content.decode()

    assert "Nothing has been recorded that matches." in page
    assert "Clear a filter to see more of the log." in page


def test_a_calendar_without_years_says_who_sets_them(client, person_factory):
    from convenant.models import AgreementYear

    AgreementYear.objects.all().delete()
    secretariat = person_factory("secretariat")
    member = person_factory("company_member")

    client.force_login(secretariat)
    for_secretariat = client.get(reverse("convenant:calendar")).content.decode()
    client.force_login(member)
    for_member = client.get(reverse("convenant:calendar")).content.decode()

    assert "Add the agreement years under the agreement in the admin site" in (
        for_secretariat
    )
    assert "The years appear here once the secretariat has set them." in for_member
    assert "admin site" not in for_member


def test_a_module_without_participants_says_who_adds_them(client, person_factory):
    from tests.governance.factories import ModuleFactory

    secretariat = person_factory("secretariat")
    module = ModuleFactory(updated_by=secretariat)
    url = reverse("governance:module_detail", args=[module.pk])

    client.force_login(secretariat)
    for_secretariat = client.get(url).content.decode()
    client.force_login(person_factory("ngo"))
    for_ngo = client.get(url).content.decode()

    assert "Add a participant with the button above." in for_secretariat
    assert "Participants appear here once the secretariat adds them." in for_ngo
    assert "Add a participant" not in for_ngo


def test_talks_and_clarifications_say_who_starts_them(client, person_factory):
    from monitoring.models import AssessmentStatus
    from tests.monitoring.factories import AssessmentFactory

    company_person = person_factory("company_admin")
    secretariat = person_factory("secretariat")
    assessment = AssessmentFactory(
        organisation=company_person.organisation, status=AssessmentStatus.SUBMITTED
    )
    talks = reverse("monitoring:talk_list", args=[assessment.pk])
    clarifications = reverse("monitoring:clarification_list", args=[assessment.pk])

    client.force_login(company_person)
    company_talks = client.get(talks).content.decode()
    company_clarifications = client.get(clarifications).content.decode()
    client.force_login(secretariat)
    secretariat_talks = client.get(talks).content.decode()
    secretariat_clarifications = client.get(clarifications).content.decode()

    assert "the secretariat plans a talk with your company" in company_talks
    assert "Plan a talk with this company." not in company_talks
    assert "Plan a talk with this company." in secretariat_talks
    assert reverse("monitoring:talk_create", args=[assessment.pk]) in (
        secretariat_talks
    )
    assert "the request appears here for you to reply to" in company_clarifications
    assert "Ask about an answer from the review of this assessment." in (
        secretariat_clarifications
    )
    review = reverse("monitoring:assessment_review_secretariat", args=[assessment.pk])
    assert review in secretariat_clarifications
