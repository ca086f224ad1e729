"""The daily reminders: each of the five kinds makes one reminder and mails the right
people once; people read and dismiss their organisation's reminders; the secretariat
reads what was sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from convenant.reminders import selectors, services
from convenant.reminders.models import Reminder, ReminderKind, ReminderLead
from convenant.reminders.tasks import send_reminders
from governance.models import OrganisationStatus
from ketenkaart.models import ListStatus
from monitoring.models import AssessmentStatus, PlanOfApproach, RoundKind
from tests.governance.factories import (
    ConfidentialityAgreementFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.ketenkaart.factories import LocationListFactory
from tests.monitoring.factories import AssessmentFactory, RoundFactory, agreement_year

pytestmark = pytest.mark.django_db

# A day on which neither a plan (year 1 ends 15 October 2026) nor a location list (due
# 1 July 2026, from the data migration) is due within its lead time.
QUIET_DAY = dt.date(2026, 3, 10)


def company_with_people(**fields):
    company = OrganisationFactory(**fields)
    admin = UserFactory(organisation=company, organisation_role="admin")
    member = UserFactory(organisation=company)
    UserFactory(organisation=company, is_active=False)
    return company, sorted([admin.email, member.email])


def recipients_of(kind: str) -> list[str]:
    return sorted(
        address
        for message in mail.outbox
        for address in message.to
        if message.subject.startswith("Reminder")
        and kind in message.body + message.subject
    )


def only_reminder() -> Reminder:
    reminders = list(Reminder.objects.all())
    assert len(reminders) == 1
    return reminders[0]


# --- Each kind ----------------------------------------------------------------------------


def test_baseline_due_reminds_the_company_that_has_not_submitted():
    round_ = RoundFactory(
        kind=RoundKind.BASELINE,
        opens_on=dt.date(2026, 3, 2),
        closes_on=dt.date(2026, 3, 20),
    )
    company, emails = company_with_people()
    assessment = AssessmentFactory(
        round=round_, organisation=company, status=AssessmentStatus.IN_PROGRESS
    )
    AssessmentFactory(round=round_, status=AssessmentStatus.SUBMITTED)

    result = services.reminders_send(today=QUIET_DAY)

    reminder = only_reminder()
    assert (reminder.kind, reminder.organisation, reminder.subject_key) == (
        ReminderKind.BASELINE_DUE,
        company,
        f"assessment:{assessment.pk}",
    )
    assert (reminder.deadline, reminder.lead_days) == (dt.date(2026, 3, 20), 14)
    assert sorted(m.to[0] for m in mail.outbox) == emails
    assert mail.outbox[0].subject == (
        "Reminder: submit your baseline self-assessment by 20 March 2026"
    )
    assert "http://127.0.0.1:8000/monitoring/assessments/" in mail.outbox[0].body
    assert reminder.mailed_to == emails
    assert result == services.SendResult(due=1, created=1, mailed=2)


def test_improvement_window_closing():
    company, emails = company_with_people()
    AssessmentFactory(
        organisation=company,
        status=AssessmentStatus.IMPROVING,
        window_closes_on=QUIET_DAY + dt.timedelta(days=2),
        round=RoundFactory(kind=RoundKind.YEAR2),
    )

    services.reminders_send(today=QUIET_DAY)

    reminder = only_reminder()
    assert (reminder.kind, reminder.lead_days) == (ReminderKind.IMPROVEMENT_WINDOW, 3)
    assert sorted(m.to[0] for m in mail.outbox) == emails
    assert mail.outbox[0].subject == (
        "Reminder: the improvement window closes on 12 March 2026"
    )


def test_plan_due_for_companies_without_a_plan():
    year = agreement_year(1)
    company, emails = company_with_people()
    handed_in, _ = company_with_people()
    PlanOfApproach.objects.create(
        organisation=handed_in,
        agreement_year=year,
        themes=["wages"],
        risks_addressed="Lonen",
        planned_actions="Audit",
        submitted_by=handed_in.users.first(),
    )
    OrganisationFactory(status=OrganisationStatus.WITHDRAWN)

    services.reminders_send(today=dt.date(2026, 10, 1))

    reminder = only_reminder()
    assert (reminder.kind, reminder.organisation, reminder.deadline) == (
        ReminderKind.PLAN_DUE,
        company,
        year.ends_on,
    )
    assert reminder.lead_days == 30
    assert sorted(m.to[0] for m in mail.outbox) == emails


def test_location_list_due_for_companies_that_have_not_submitted():
    draft, draft_emails = company_with_people()
    missing, missing_emails = company_with_people()
    submitted, _ = company_with_people()
    LocationListFactory(company=draft, year=2026, status=ListStatus.DRAFT)
    LocationListFactory(
        company=submitted,
        year=2026,
        status=ListStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )

    services.reminders_send(today=dt.date(2026, 6, 20))

    reminders = Reminder.objects.order_by("organisation__name")
    assert {(r.kind, r.organisation, r.deadline, r.lead_days) for r in reminders} == {
        (ReminderKind.LOCATION_LIST_DUE, company, dt.date(2026, 7, 1), 14)
        for company in (draft, missing)
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(draft_emails + missing_emails)


def test_the_location_list_due_date_is_the_years_data():
    year = agreement_year(1)
    assert year.location_list_due_on == dt.date(2026, 7, 1)
    year.location_list_due_on = dt.date(2026, 5, 1)
    year.save()
    company_with_people()

    services.reminders_send(today=dt.date(2026, 6, 20))
    assert not Reminder.objects.exists()
    services.reminders_send(today=dt.date(2026, 4, 28))
    assert only_reminder().deadline == dt.date(2026, 5, 1)


def test_confidentiality_expiring_reminds_the_admins_only():
    ngo = OrganisationFactory(ngo=True)
    admin = UserFactory(organisation=ngo, organisation_role="admin")
    UserFactory(organisation=ngo)
    agreement = ConfidentialityAgreementFactory(
        organisation=ngo, valid_until=QUIET_DAY + dt.timedelta(days=20)
    )
    renewed = OrganisationFactory(union=True)
    UserFactory(organisation=renewed, organisation_role="admin")
    ConfidentialityAgreementFactory(
        organisation=renewed, valid_until=QUIET_DAY + dt.timedelta(days=20)
    )
    ConfidentialityAgreementFactory(
        organisation=renewed,
        valid_from=QUIET_DAY + dt.timedelta(days=21),
        valid_until=None,
    )

    services.reminders_send(today=QUIET_DAY)

    reminder = only_reminder()
    assert (reminder.kind, reminder.subject_key, reminder.lead_days) == (
        ReminderKind.CONFIDENTIALITY_EXPIRING,
        f"confidentiality:{agreement.pk}",
        30,
    )
    assert [m.to for m in mail.outbox] == [[admin.email]]


def test_lead_times_are_data():
    ngo = OrganisationFactory(ngo=True)
    UserFactory(organisation=ngo, organisation_role="admin")
    ConfidentialityAgreementFactory(
        organisation=ngo, valid_until=QUIET_DAY + dt.timedelta(days=20)
    )
    ReminderLead.objects.filter(kind=ReminderKind.CONFIDENTIALITY_EXPIRING).update(
        days=10
    )

    services.reminders_send(today=QUIET_DAY)
    assert not Reminder.objects.exists()
    services.reminders_send(today=QUIET_DAY + dt.timedelta(days=10))
    assert only_reminder().lead_days == 10


# --- Once ---------------------------------------------------------------------------------


def baseline_company():
    company, emails = company_with_people()
    AssessmentFactory(
        organisation=company,
        round=RoundFactory(
            opens_on=dt.date(2026, 3, 2), closes_on=dt.date(2026, 3, 20)
        ),
    )
    return company, emails


def test_running_twice_sends_nothing_more():
    baseline_company()
    services.reminders_send(today=QUIET_DAY)
    assert len(mail.outbox) == 2
    audit = AuditEntry.objects.filter(action="reminder.send").count()

    again = services.reminders_send(today=QUIET_DAY)
    later = services.reminders_send(today=QUIET_DAY + dt.timedelta(days=3))

    assert again == services.SendResult(due=1, created=0, mailed=0)
    assert later == services.SendResult(due=1, created=0, mailed=0)
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 1
    assert AuditEntry.objects.filter(action="reminder.send").count() == audit == 1


def test_the_next_lead_sends_the_next_reminder():
    baseline_company()
    services.reminders_send(today=QUIET_DAY)
    services.reminders_send(today=dt.date(2026, 3, 18))
    assert list(Reminder.objects.values_list("lead_days", flat=True)) == [14, 3]
    assert len(mail.outbox) == 4


def test_a_deadline_met_meanwhile_leaves_the_open_list():
    company, _ = baseline_company()
    services.reminders_send(today=QUIET_DAY)
    company.assessments.update(status=AssessmentStatus.SUBMITTED)
    person = company.users.filter(is_active=True).first()

    result = services.reminders_send(today=QUIET_DAY + dt.timedelta(days=1))

    assert result.settled == 1
    reminder = only_reminder()
    assert reminder.settled_at is not None
    day = QUIET_DAY + dt.timedelta(days=1)
    assert list(selectors.reminder_open_list(user=person, today=day)) == []
    assert list(selectors.reminder_past_list(user=person, today=day)) == [reminder]
    assert len(mail.outbox) == 2


def test_nothing_after_the_deadline():
    baseline_company()
    services.reminders_send(today=dt.date(2026, 3, 21))
    assert not Reminder.objects.exists()
    assert mail.outbox == []


def test_a_reminder_already_claimed_by_another_run_is_not_mailed_again():
    baseline_company()
    services.reminders_send(today=QUIET_DAY)
    reminder = only_reminder()
    mail.outbox.clear()
    assert services.reminder_mail(reminder=reminder) == 0
    assert mail.outbox == []


def test_a_failed_mail_is_tried_again_by_the_next_run(monkeypatch):
    baseline_company()

    def broken(self, messages):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", broken
    )
    with pytest.raises(ConnectionError):
        services.reminders_send(today=QUIET_DAY)
    assert only_reminder().mailed_at is None
    monkeypatch.undo()

    services.reminders_send(today=QUIET_DAY)
    assert only_reminder().mailed_at is not None
    assert len(mail.outbox) == 2


def test_one_failed_mail_does_not_hold_up_the_others(monkeypatch):
    baseline_company()
    baseline_company()
    real = services.reminder_mail
    calls = []

    def first_fails(*, reminder):
        calls.append(reminder.pk)
        if len(calls) == 1:
            raise ConnectionError("SMTP down")
        return real(reminder=reminder)

    monkeypatch.setattr(services, "reminder_mail", first_fails)
    with pytest.raises(ConnectionError):
        services.reminders_send(today=QUIET_DAY)
    assert len(calls) == 2
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2


def test_the_task_and_the_command_run_the_service(monkeypatch):
    baseline_company()
    monkeypatch.setattr(timezone, "localdate", lambda *args: QUIET_DAY)
    assert send_reminders.delay().get() == 2
    call_command("send_reminders")
    assert Reminder.objects.count() == 1
    assert len(mail.outbox) == 2


def test_the_audit_log_names_the_organisation_of_each_reminder():
    company, _ = baseline_company()
    services.reminders_send(today=QUIET_DAY)
    entry = AuditEntry.objects.get(action="reminder.send")
    assert entry.organisation == company
    assert entry.actor is None
    assert entry.details == {
        "kind": "baseline_due",
        "deadline": "2026-03-20",
        "lead_days": 14,
        "recipients": 2,
    }


# --- In the platform ----------------------------------------------------------------------


def make_reminder(organisation, *, deadline=None, kind=ReminderKind.PLAN_DUE, n=0):
    return Reminder.objects.create(
        kind=kind,
        organisation=organisation,
        subject_key=f"plan:{organisation.pk}:{n}",
        deadline=deadline or timezone.localdate() + dt.timedelta(days=5),
        lead_days=7,
    )


@pytest.fixture
def person(client):
    user = UserFactory(organisation_role="admin")
    client.force_login(user)
    return user


def test_the_dashboard_card_shows_open_reminders(client, person):
    make_reminder(person.organisation)
    make_reminder(
        person.organisation, deadline=timezone.localdate() - dt.timedelta(days=1), n=1
    )
    dismissed = make_reminder(person.organisation, n=2)
    dismissed.dismissed_at = timezone.now()
    dismissed.save()
    make_reminder(OrganisationFactory())

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert len(response.context["deadline_reminders"]) == 1
    assert "Deadlines" in response.content.decode()
    assert "Hand in your plan of approach by" in response.content.decode()


def test_no_card_without_open_reminders(client, person):
    response = client.get(reverse("dashboard"))
    assert response.context["deadline_reminders"] == []
    assert 'id="card-deadlines"' not in response.content.decode()


def test_the_secretariats_dashboard_leads_to_the_overview(secretariat_client):
    response = secretariat_client.get(reverse("dashboard"))
    assert reverse("reminders:reminder_overview") in response.content.decode()


def test_a_person_dismisses_their_organisations_reminder(client, person):
    reminder = make_reminder(person.organisation)
    response = client.post(reverse("reminders:reminder_dismiss", args=[reminder.pk]))
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.dismissed_by == person
    assert reminder.dismissed_at is not None
    page = client.get(reverse("reminders:reminder_list"))
    assert page.context["open"] == []
    assert page.context["past"] == [reminder]


def test_another_organisations_reminder_cannot_be_dismissed(client, person):
    reminder = make_reminder(OrganisationFactory())
    before = list(Reminder.objects.values())
    response = client.post(reverse("reminders:reminder_dismiss", args=[reminder.pk]))
    assert response.status_code == 404
    assert list(Reminder.objects.values()) == before


def test_the_secretariat_does_not_dismiss(secretariat_client):
    reminder = make_reminder(OrganisationFactory())
    before = list(Reminder.objects.values())
    response = secretariat_client.post(
        reverse("reminders:reminder_dismiss", args=[reminder.pk])
    )
    assert response.status_code == 403
    assert list(Reminder.objects.values()) == before


def test_the_secretariat_sees_what_was_sent_to_whom(secretariat_client):
    company, _ = baseline_company()
    services.reminders_send(today=QUIET_DAY)
    response = secretariat_client.get(
        reverse("reminders:reminder_overview"), {"kind": "baseline_due"}
    )
    content = response.content.decode()
    assert company.name in content
    assert "2 people" in content
    other = secretariat_client.get(
        reverse("reminders:reminder_overview"), {"kind": "plan_due"}
    )
    assert company.name not in other.content.decode()


@pytest.mark.parametrize("url_name", ["reminders:reminder_list", "dashboard"])
def test_the_organisations_pages_cost_the_same_at_10_and_100_reminders(
    client, person, django_assert_max_num_queries, url_name
):
    def grow_to(total):
        for n in range(Reminder.objects.count(), total):
            make_reminder(person.organisation, n=n)
            make_reminder(
                person.organisation,
                deadline=timezone.localdate() - dt.timedelta(days=1),
                n=1000 + n,
            )

    grow_to(10)
    client.get(reverse(url_name))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ten:
        assert client.get(reverse(url_name)).status_code == 200
    grow_to(100)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200


def test_the_overview_costs_the_same_at_10_and_100_reminders(
    secretariat_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow_to(total):
        for n in range(Reminder.objects.count(), total):
            make_reminder(OrganisationFactory(), n=n)

    url = reverse("reminders:reminder_overview")
    grow_to(10)
    secretariat_client.get(url)
    with CaptureQueriesContext(connection) as ten:
        assert secretariat_client.get(url).status_code == 200
    grow_to(100)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        assert secretariat_client.get(url).status_code == 200


# --- The due date of the location list, on the agreement calendar ------------------------


def test_the_secretariat_sets_the_location_list_due_date(secretariat_client):
    year = agreement_year(2)
    response = secretariat_client.post(
        reverse("convenant:year_update", args=[year.pk]),
        {
            "starts_on": "2026-10-16",
            "ends_on": "2027-10-15",
            "location_list_due_on": "2027-04-01",
        },
    )
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.location_list_due_on == dt.date(2027, 4, 1)
    entry = AuditEntry.objects.get(action="agreement_year.update")
    assert entry.details["location_list_due_on"] == ["2027-07-01", "2027-04-01"]


def test_a_due_date_outside_the_year_is_refused(secretariat_client):
    year = agreement_year(2)
    response = secretariat_client.post(
        reverse("convenant:year_update", args=[year.pk]),
        {
            "starts_on": "2026-10-16",
            "ends_on": "2027-10-15",
            "location_list_due_on": "2028-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "location_list_due_on": [
            "The date must lie within the year (2026-10-16 to 2027-10-15)."
        ]
    }
    assert 'value="2028-01-01"' in response.content.decode()
    year.refresh_from_db()
    assert year.location_list_due_on == dt.date(2027, 7, 1)
    assert not AuditEntry.objects.exists()


# --- Demo data ------------------------------------------------------------------------------


def test_the_demo_leaves_open_reminders_once(monkeypatch):
    from convenant.reminders import demo

    company, _ = company_with_people(name="Hollandse Draadtrekkerij B.V.")
    monkeypatch.setattr(timezone, "localdate", lambda *args: QUIET_DAY)

    assert demo.seed() == 2
    assert demo.seed() == 0
    kinds = set(
        Reminder.objects.filter(organisation=company).values_list("kind", flat=True)
    )
    assert kinds == {ReminderKind.LOCATION_LIST_DUE, ReminderKind.PLAN_DUE}
    assert mail.outbox == []
