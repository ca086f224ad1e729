"""Monitoring rounds: creating and changing them, opening and closing, inviting companies,
following their progress and reminding them; the services and the secretariat's pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from convenant.models import AgreementYear, AuditEntry
from governance.models import OrganisationRole
from monitoring import notifications, tasks
from monitoring.models import (
    Assessment,
    AssessmentStatus,
    Round,
    RoundKind,
    RoundStatus,
    ScoreKind,
)
from monitoring.services import rounds as services
from tests.conftest import make_person
from tests.governance.factories import OrganisationFactory, UserFactory
from tests.monitoring.factories import (
    AssessmentFactory,
    FrameworkFactory,
    RoundFactory,
    ScoreRecordFactory,
    agreement_year,
)

pytestmark = pytest.mark.django_db

OTHER_ROLES = (
    "company_admin",
    "company_member",
    "ngo",
    "union",
    "branch",
    "kerngroep",
    "chair",
    "government",
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def framework():
    return FrameworkFactory()


@pytest.fixture
def secretariat(secretariat_user) -> Client:
    return client_for(secretariat_user)


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def round_row(round_: Round) -> dict:
    return Round.objects.values().get(pk=round_.pk)


def assessment_rows() -> list[dict]:
    return list(Assessment.objects.order_by("pk").values())


def round_fields(framework, **changes) -> dict:
    fields = {
        "agreement_year": agreement_year(1),
        "kind": RoundKind.BASELINE,
        "name": "Nulmeting 2026",
        "framework": framework,
        "opens_on": dt.date(2026, 3, 2),
        "closes_on": dt.date(2026, 6, 30),
        "thresholds": None,
    }
    return fields | changes


def company_with_people(name: str, **kwargs):
    """A company with an admin, a member and a person who can no longer sign in."""
    company = OrganisationFactory(name=name, **kwargs)
    UserFactory(
        organisation=company,
        organisation_role=OrganisationRole.ADMIN,
        email=f"admin@{name.split()[0].lower()}.test",
    )
    UserFactory(organisation=company, email=f"member@{name.split()[0].lower()}.test")
    UserFactory(
        organisation=company,
        is_active=False,
        email=f"gone@{name.split()[0].lower()}.test",
    )
    return company


# --- creating and changing rounds -------------------------------------------------------


def test_create_makes_a_draft_round_with_an_audit_entry(secretariat_user, framework):
    round_ = services.round_create(**round_fields(framework), actor=secretariat_user)

    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT
    assert (round_.name, round_.kind, round_.thresholds) == (
        "Nulmeting 2026",
        "baseline",
        None,
    )
    assert round_.created_by == secretariat_user
    assert round_.signal_thresholds == framework.parsed.signal
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == ("round.create", str(round_.pk))


def test_create_with_thresholds_keeps_them_exactly(secretariat_user, framework):
    thresholds = {
        "green": {"final": "65", "step_min": "45.0"},
        "orange": {"final": "45"},
        "insufficient_below": "52.5",
    }

    round_ = services.round_create(
        **round_fields(framework, thresholds=thresholds), actor=secretariat_user
    )

    round_.refresh_from_db()
    assert round_.thresholds == {
        "green": {"final": 65, "step_min": 45},
        "orange": {"final": 45},
        "insufficient_below": "52.5",
    }


def test_create_refuses_wrong_thresholds_and_saves_nothing(secretariat_user, framework):
    thresholds = {
        "green": {"final": 60, "step_min": 40},
        "orange": {"final": 70},
        "insufficient_below": 150,
    }

    with pytest.raises(ValidationError) as error:
        services.round_create(
            **round_fields(framework, thresholds=thresholds), actor=secretariat_user
        )

    assert error.value.message_dict == {
        "thresholds": [
            "insufficient_below: must be between 0 and 100, not 150",
            "orange.final: must not be above green.final (60), not 70",
        ]
    }
    assert Round.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_create_refuses_a_round_that_closes_before_it_opens(
    secretariat_user, framework
):
    with pytest.raises(ValidationError) as error:
        services.round_create(
            **round_fields(framework, closes_on=dt.date(2026, 3, 1)),
            actor=secretariat_user,
        )

    assert error.value.message_dict == {
        "closes_on": ["The round cannot close before it opens."]
    }
    assert Round.objects.count() == 0


@pytest.mark.parametrize("role", ["company_admin", "ngo", "kerngroep", "government"])
def test_only_the_secretariat_creates_rounds(role, framework):
    with pytest.raises(PermissionDenied):
        services.round_create(**round_fields(framework), actor=make_person(role))

    assert Round.objects.count() == 0


def test_a_draft_round_may_change_its_framework(secretariat_user, framework):
    round_ = RoundFactory(status=RoundStatus.DRAFT, framework=framework)
    metals = FrameworkFactory(default=True)

    services.round_update(
        round=round_,
        **round_fields(metals, name="Nulmeting (metaal)"),
        actor=secretariat_user,
    )

    round_.refresh_from_db()
    assert (round_.framework, round_.name) == (metals, "Nulmeting (metaal)")
    entry = AuditEntry.objects.get()
    assert entry.action == "round.update"
    assert entry.details["changes"]["framework"] == [str(framework.pk), str(metals.pk)]


@pytest.mark.parametrize("status", [RoundStatus.OPEN, RoundStatus.CLOSED])
def test_an_opened_round_cannot_change_its_framework(
    secretariat_user, framework, status
):
    round_ = RoundFactory(status=status, framework=framework)
    before = round_row(round_)

    with pytest.raises(ValidationError) as error:
        services.round_update(
            round=round_,
            **round_fields(FrameworkFactory(default=True)),
            actor=secretariat_user,
        )

    label = "open" if status == RoundStatus.OPEN else "closed"
    assert error.value.message_dict == {
        "framework": [
            f"The round is {label}: its framework version can no longer change. "
            "Create a new round for another version."
        ]
    }
    assert round_row(round_) == before
    assert AuditEntry.objects.count() == 0


def test_thresholds_no_longer_change_once_a_company_is_judged(
    secretariat_user, framework
):
    record = ScoreRecordFactory(assessment__round__framework=framework)
    round_ = record.assessment.round
    before = round_row(round_)
    raised = {
        "green": {"final": 70, "step_min": 50},
        "orange": {"final": 50},
        "insufficient_below": 50,
    }

    with pytest.raises(ValidationError) as error:
        services.round_update(
            round=round_,
            **round_fields(framework, name=round_.name, thresholds=raised),
            actor=secretariat_user,
        )

    assert error.value.message_dict == {
        "thresholds": [
            "Companies have been judged under this round's thresholds already; "
            "they can no longer change."
        ]
    }
    assert round_row(round_) == before


def test_open_close_and_open_again(secretariat_user, framework):
    round_ = RoundFactory(status=RoundStatus.DRAFT, framework=framework)

    for status in (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.OPEN):
        services.round_change_status(
            round=round_, status=status, actor=secretariat_user
        )
        round_.refresh_from_db()
        assert round_.status == status

    assert [
        entry["details"]
        for entry in AuditEntry.objects.order_by("id").values("details")
    ] == [
        {"from": "draft", "to": "open"},
        {"from": "open", "to": "closed"},
        {"from": "closed", "to": "open"},
    ]


@pytest.mark.parametrize(
    ("current", "wanted", "message"),
    [
        ("open", "draft", "A round cannot go from “Open” to “Draft”."),
        ("draft", "closed", "A round cannot go from “Draft” to “Closed”."),
        ("open", "open", "A round cannot go from “Open” to “Open”."),
    ],
)
def test_status_changes_outside_the_allowed_steps_are_refused(
    secretariat_user, framework, current, wanted, message
):
    round_ = RoundFactory(status=current, framework=framework)

    with pytest.raises(ValidationError) as error:
        services.round_change_status(
            round=round_, status=wanted, actor=secretariat_user
        )

    assert error.value.messages == [message]
    assert Round.objects.get().status == current
    assert AuditEntry.objects.count() == 0


# --- invitations -------------------------------------------------------------------------


def test_assessments_link_falls_back_while_the_page_does_not_exist(monkeypatch):
    def missing(name, *args, **kwargs):
        raise NoReverseMatch(name)

    monkeypatch.setattr(notifications, "reverse", missing)

    assert notifications.assessments_link() == settings.SITE_URL + "/monitoring/"


def test_invite_makes_one_assessment_per_company_and_mails_its_people(
    secretariat_user, framework, django_capture_on_commit_callbacks
):
    round_ = RoundFactory(framework=framework, name="Nulmeting 2026")
    gieterij = company_with_people("Gieterij Oost B.V.")
    walserij = company_with_people("Walserij West B.V.")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = services.round_invite(
            round=round_, organisations=[gieterij, walserij], actor=secretariat_user
        )

    assert len(callbacks) == 1
    assert sorted(a.organisation.name for a in created) == [
        "Gieterij Oost B.V.",
        "Walserij West B.V.",
    ]
    assert list(
        round_.assessments.order_by("organisation__name").values_list(
            "organisation__name", "status"
        )
    ) == [
        ("Gieterij Oost B.V.", "invited"),
        ("Walserij West B.V.", "invited"),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "admin@gieterij.test",
        "admin@walserij.test",
        "member@gieterij.test",
        "member@walserij.test",
    ]
    message = mail.outbox[0]
    assert message.subject == (
        "Monitoring round “Nulmeting 2026”: your due-diligence self-assessment"
    )
    assert notifications.assessments_link() in message.body
    # Mail goes out in the site's language (Dutch): Django's own month names follow.
    assert "The round is open from 2 March 2026 to 30 June 2026." in message.body
    assert list(
        AuditEntry.objects.order_by("id").values_list("action", "organisation__name")
    ) == [
        ("round.invite", "Gieterij Oost B.V."),
        ("round.invite", "Walserij West B.V."),
    ]


def test_inviting_again_does_nothing_more(
    secretariat_user, framework, django_capture_on_commit_callbacks
):
    round_ = RoundFactory(framework=framework)
    company = company_with_people("Gieterij Oost B.V.")
    with django_capture_on_commit_callbacks(execute=True):
        services.round_invite(
            round=round_, organisations=[company], actor=secretariat_user
        )
    before = assessment_rows()
    mails, audit = len(mail.outbox), AuditEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = services.round_invite(
            round=round_, organisations=[company], actor=secretariat_user
        )

    assert created == []
    assert callbacks == []
    assert assessment_rows() == before
    assert (len(mail.outbox), AuditEntry.objects.count()) == (mails, audit)


def test_a_second_run_of_the_mail_task_sends_nothing(framework):
    assessment = AssessmentFactory(
        round__framework=framework,
        organisation=company_with_people("Gieterij Oost B.V."),
    )

    first = tasks.send_round_invitation(assessment.pk)
    second = tasks.send_round_invitation(assessment.pk)

    assert (first, second) == (2, 0)
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": "withdrawn"},
        {"status": "applicant", "signed_on": None},
        {"participation": "supporter", "in_metal_supply_chain": False},
        {"ngo": True},
    ],
)
def test_only_active_party_companies_can_be_invited(
    secretariat_user, framework, kwargs
):
    round_ = RoundFactory(framework=framework)
    fine = OrganisationFactory()
    wrong = OrganisationFactory(**kwargs)

    with pytest.raises(ValidationError) as error:
        services.round_invite(
            round=round_, organisations=[fine, wrong], actor=secretariat_user
        )

    assert error.value.messages == [
        "Only active companies that take part as a party can be invited to a round."
    ]
    assert Assessment.objects.count() == 0


def test_a_company_giving_notice_is_still_invited(secretariat_user, framework):
    round_ = RoundFactory(framework=framework)
    leaving = OrganisationFactory(status="withdrawing")

    created = services.round_invite(
        round=round_, organisations=[leaving], actor=secretariat_user
    )

    assert [a.organisation for a in created] == [leaving]


def test_a_closed_round_invites_nobody(secretariat_user, framework):
    round_ = RoundFactory(framework=framework, status=RoundStatus.CLOSED)

    with pytest.raises(ValidationError) as error:
        services.round_invite(
            round=round_, organisations=[OrganisationFactory()], actor=secretariat_user
        )

    assert error.value.messages == [
        "The round is closed; open it again before inviting companies."
    ]
    assert Assessment.objects.count() == 0


# --- reminders ---------------------------------------------------------------------------


@pytest.fixture
def invited(framework):
    """An open round with a company not started, one in progress, one submitted."""
    round_ = RoundFactory(framework=framework, name="Nulmeting 2026")
    return {
        "waiting": AssessmentFactory(
            round=round_, organisation=company_with_people("Gieterij Oost B.V.")
        ),
        "busy": AssessmentFactory(
            round=round_,
            organisation=company_with_people("Walserij West B.V."),
            status=AssessmentStatus.IN_PROGRESS,
            answered_count=3,
            applicable_count=8,
        ),
        "done": AssessmentFactory(
            round=round_,
            organisation=company_with_people("Draadtrekkerij Zuid B.V."),
            status=AssessmentStatus.SUBMITTED,
            submitted_at=timezone.now(),
        ),
    }


def test_remind_mails_everyone_who_has_not_submitted(
    secretariat_user, invited, django_capture_on_commit_callbacks
):
    round_ = invited["waiting"].round

    with django_capture_on_commit_callbacks(execute=True):
        reminders = services.round_remind(round=round_, actor=secretariat_user)

    assert sorted(a.organisation.name for a in reminders.sent) == [
        "Gieterij Oost B.V.",
        "Walserij West B.V.",
    ]
    assert reminders.skipped == []
    reminded = dict(Assessment.objects.values_list("organisation__name", "reminded_at"))
    assert reminded["Draadtrekkerij Zuid B.V."] is None
    assert reminded["Gieterij Oost B.V."] is not None
    assert sorted(message.to[0] for message in mail.outbox) == [
        "admin@gieterij.test",
        "admin@walserij.test",
        "member@gieterij.test",
        "member@walserij.test",
    ]
    busy = next(m for m in mail.outbox if m.to == ["admin@walserij.test"])
    assert busy.subject == (
        "Reminder: submit your self-assessment for “Nulmeting 2026” by 30 June 2026"
    )
    assert "You have answered 38% of the questions that apply to you." in busy.body
    assert AuditEntry.objects.filter(action="round.remind").count() == 2


def test_a_company_gets_at_most_one_reminder_a_day(
    secretariat_user, invited, django_capture_on_commit_callbacks
):
    round_ = invited["waiting"].round
    with django_capture_on_commit_callbacks(execute=True):
        services.round_remind(round=round_, actor=secretariat_user)
    before, mails = assessment_rows(), len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        again = services.round_remind(round=round_, actor=secretariat_user)

    assert again.sent == []
    assert sorted(a.organisation.name for a in again.skipped) == [
        "Gieterij Oost B.V.",
        "Walserij West B.V.",
    ]
    assert assessment_rows() == before
    assert len(mail.outbox) == mails


def test_a_reminder_yesterday_does_not_stop_one_today(
    secretariat_user, invited, django_capture_on_commit_callbacks
):
    waiting = invited["waiting"]
    Assessment.objects.filter(pk=waiting.pk).update(
        reminded_at=timezone.now() - dt.timedelta(days=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        reminders = services.round_remind(
            round=waiting.round,
            organisation=waiting.organisation,
            actor=secretariat_user,
        )

    assert reminders.sent == [waiting]
    waiting.refresh_from_db()
    assert timezone.localdate(waiting.reminded_at) == timezone.localdate()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "admin@gieterij.test",
        "member@gieterij.test",
    ]


def test_reminding_one_company_twice_a_day_is_refused(secretariat_user, invited):
    waiting = invited["waiting"]
    services.round_remind(
        round=waiting.round, organisation=waiting.organisation, actor=secretariat_user
    )
    before = assessment_rows()

    with pytest.raises(ValidationError) as error:
        services.round_remind(
            round=waiting.round,
            organisation=waiting.organisation,
            actor=secretariat_user,
        )

    assert error.value.messages == [
        "Gieterij Oost B.V. was reminded today already; a company gets at most one "
        "reminder a day."
    ]
    assert assessment_rows() == before


def test_a_company_that_submitted_gets_no_reminder(secretariat_user, invited):
    done = invited["done"]

    with pytest.raises(ValidationError) as error:
        services.round_remind(
            round=done.round, organisation=done.organisation, actor=secretariat_user
        )

    assert error.value.messages == [
        "Draadtrekkerij Zuid B.V. has submitted already; it needs no reminder."
    ]
    assert Assessment.objects.get(pk=done.pk).reminded_at is None


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.CLOSED])
def test_only_an_open_round_sends_reminders(secretariat_user, invited, status):
    round_ = invited["waiting"].round
    Round.objects.filter(pk=round_.pk).update(status=status)
    before = assessment_rows()

    with pytest.raises(ValidationError) as error:
        services.round_remind(round=round_, actor=secretariat_user)

    assert error.value.messages == ["Reminders go out only while the round is open."]
    assert assessment_rows() == before


def test_the_reminder_task_sends_nothing_once_the_company_submitted(invited):
    waiting = invited["waiting"]
    Assessment.objects.filter(pk=waiting.pk).update(
        reminded_at=timezone.now(), status=AssessmentStatus.SUBMITTED
    )

    assert tasks.send_round_reminder(waiting.pk) == 0
    assert mail.outbox == []


# --- pages: list, create, edit, status ------------------------------------------------


def test_round_list_without_a_framework_says_to_load_one(secretariat):
    response = secretariat.get(reverse("monitoring:round_list"))

    content = response.content.decode()
    assert "A round needs an assessment framework, and none has been loaded yet." in (
        content
    )
    assert reverse("monitoring:framework_upload") in content
    assert reverse("monitoring:round_create") not in content


def test_round_list_without_rounds_says_to_create_one(secretariat, framework):
    response = secretariat.get(reverse("monitoring:round_list"))

    content = response.content.decode()
    assert "There is no monitoring round yet. Create one" in content
    assert reverse("monitoring:round_create") in content


def test_round_list_counts_invited_and_submitted(secretariat, invited):
    response = secretariat.get(reverse("monitoring:round_list"))

    [round_] = response.context["rounds"]
    assert (round_.invited, round_.submitted) == (3, 1)


def test_create_page_proposes_the_current_year_and_latest_framework(
    secretariat, framework
):
    response = secretariat.get(reverse("monitoring:round_create"))

    form = response.context["form"]
    assert form.initial["framework"] == framework
    today = timezone.localdate()
    assert form.initial["agreement_year"] == (
        AgreementYear.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
    )


def create_data(framework, **changes) -> dict:
    data = {
        "agreement_year": agreement_year(1).pk,
        "kind": "baseline",
        "name": "Nulmeting 2026",
        "framework": framework.pk,
        "opens_on": "2026-03-02",
        "closes_on": "2026-06-30",
        "green_final": "",
        "green_step_min": "",
        "orange_final": "",
        "insufficient_below": "",
    }
    return data | changes


def test_create_page_makes_the_round(secretariat, framework):
    response = secretariat.post(
        reverse("monitoring:round_create"),
        create_data(
            framework,
            green_final="65",
            green_step_min="45",
            orange_final="42.5",
            insufficient_below="50",
        ),
    )

    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:round_detail", args=[round_.pk])
    assert round_.thresholds == {
        "green": {"final": 65, "step_min": 45},
        "orange": {"final": "42.5"},
        "insufficient_below": 50,
    }
    assert messages_of(response) == [
        "The round “Nulmeting 2026” was created as a draft."
    ]


def test_create_page_keeps_what_was_typed_when_refused(secretariat, framework):
    data = create_data(
        framework,
        name="Jaar 2",
        closes_on="2026-01-01",
        green_final="50",
        orange_final="60",
        green_step_min="",
        insufficient_below="40",
    )

    response = secretariat.post(reverse("monitoring:round_create"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "green_step_min": [
            "Fill in all four thresholds, or none to use the framework's."
        ]
    }
    assert form["name"].value() == "Jaar 2"
    assert form["orange_final"].value() == "60"
    assert Round.objects.count() == 0


def test_create_page_shows_threshold_problems_beside_their_fields(
    secretariat, framework
):
    data = create_data(
        framework,
        green_final="50",
        green_step_min="40",
        orange_final="60",
        insufficient_below="40",
    )

    response = secretariat.post(reverse("monitoring:round_create"), data)

    assert response.context["form"].errors == {
        "orange_final": ["must not be above green.final (50), not 60"]
    }
    assert Round.objects.count() == 0


def test_create_page_shows_the_services_refusal(secretariat, framework):
    data = create_data(framework, closes_on="2026-01-01")

    response = secretariat.post(reverse("monitoring:round_create"), data)

    assert response.context["form"].errors == {
        "closes_on": ["The round cannot close before it opens."]
    }
    assert Round.objects.count() == 0


def test_edit_page_fills_in_the_rounds_thresholds(secretariat, framework):
    round_ = RoundFactory(
        framework=framework,
        thresholds={
            "green": {"final": 65, "step_min": 45},
            "orange": {"final": "42.5"},
            "insufficient_below": 50,
        },
    )

    response = secretariat.get(reverse("monitoring:round_update", args=[round_.pk]))

    form = response.context["form"]
    assert [
        form[name].value() for name in ("green_final", "green_step_min", "orange_final")
    ] == [65, 45, "42.5"]
    assert form.fields["framework"].disabled is True


def test_edit_page_of_an_open_round_keeps_its_framework(secretariat, framework):
    round_ = RoundFactory(framework=framework)
    metals = FrameworkFactory(default=True)

    response = secretariat.post(
        reverse("monitoring:round_update", args=[round_.pk]),
        create_data(metals, name="Nulmeting, verlengd", closes_on="2026-07-31"),
    )

    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.framework, round_.name, round_.closes_on) == (
        framework,
        "Nulmeting, verlengd",
        dt.date(2026, 7, 31),
    )


@pytest.mark.parametrize(
    ("status", "action", "new_status", "message"),
    [
        ("draft", "open", "open", "The round is now open."),
        ("open", "close", "closed", "The round is now closed."),
        ("closed", "open", "open", "The round is now open."),
    ],
)
def test_status_page_opens_and_closes(
    secretariat, framework, status, action, new_status, message
):
    round_ = RoundFactory(framework=framework, status=status)

    response = secretariat.post(
        reverse("monitoring:round_status", args=[round_.pk]), {"action": action}
    )

    assert response["Location"] == reverse("monitoring:round_detail", args=[round_.pk])
    assert Round.objects.get().status == new_status
    assert messages_of(response) == [message]


def test_status_page_says_when_a_change_is_refused(secretariat, framework):
    round_ = RoundFactory(framework=framework, status="draft")

    response = secretariat.post(
        reverse("monitoring:round_status", args=[round_.pk]), {"action": "close"}
    )

    assert Round.objects.get().status == "draft"
    assert messages_of(response) == ["A round cannot go from “Draft” to “Closed”."]


# --- pages: invite and remind -----------------------------------------------------------


def test_invite_page_lists_the_companies_not_invited_yet_all_chosen(
    secretariat, framework
):
    round_ = RoundFactory(framework=framework)
    AssessmentFactory(round=round_, organisation__name="Al Uitgenodigd B.V.")
    first = OrganisationFactory(name="Aluminium Noord B.V.")
    second = OrganisationFactory(name="Brons Zuid B.V.", status="withdrawing")
    OrganisationFactory(name="Opgezegd B.V.", status="withdrawn")
    OrganisationFactory(name="Steunbetuiger B.V.", participation="supporter")
    OrganisationFactory(name="Stichting Metaal", ngo=True)

    response = secretariat.get(reverse("monitoring:round_invite", args=[round_.pk]))

    form = response.context["form"]
    assert [o.name for o in form.fields["organisations"].queryset] == [
        "Aluminium Noord B.V.",
        "Brons Zuid B.V.",
    ]
    assert form["organisations"].value() == [first.pk, second.pk]


def test_invite_page_invites_and_a_second_post_does_no_harm(
    secretariat, framework, django_capture_on_commit_callbacks
):
    round_ = RoundFactory(framework=framework)
    companies = [company_with_people("Gieterij Oost B.V."), OrganisationFactory()]
    url = reverse("monitoring:round_invite", args=[round_.pk])
    data = {"organisations": [c.pk for c in companies]}

    with django_capture_on_commit_callbacks(execute=True):
        first = secretariat.post(url, data, follow=True)
        second = secretariat.post(url, data, follow=True)

    assert messages_of(first) == [
        "2 companies were invited; their people get an email with the link to the "
        "self-assessment."
    ]
    assert messages_of(second) == ["These companies had been invited already."]
    assert round_.assessments.count() == 2
    assert len(mail.outbox) == 2


def test_invite_page_without_companies_left_says_so(secretariat, framework):
    round_ = RoundFactory(framework=framework)
    AssessmentFactory(round=round_)

    response = secretariat.get(reverse("monitoring:round_invite", args=[round_.pk]))

    assert "Every active party company has been invited to this round." in (
        response.content.decode()
    )


def test_invite_page_needs_a_choice(secretariat, framework):
    round_ = RoundFactory(framework=framework)
    OrganisationFactory()

    response = secretariat.post(reverse("monitoring:round_invite", args=[round_.pk]))

    assert response.context["form"].errors == {
        "organisations": ["Choose at least one company."]
    }
    assert Assessment.objects.count() == 0


def test_remind_page_for_everyone_then_refuses_the_same_day(
    secretariat, invited, django_capture_on_commit_callbacks
):
    url = reverse("monitoring:round_remind", args=[invited["waiting"].round_id])

    with django_capture_on_commit_callbacks(execute=True):
        first = secretariat.post(url, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = secretariat.post(url, follow=True)

    assert messages_of(first) == ["A reminder was sent to 2 companies."]
    assert messages_of(second) == [
        "2 companies were reminded today already and got no reminder: a company "
        "gets at most one a day."
    ]
    assert len(mail.outbox) == 4


def test_remind_page_for_one_company(secretariat, invited):
    waiting = invited["waiting"]
    url = reverse("monitoring:round_remind", args=[waiting.round_id])

    first = secretariat.post(
        url, {"organisation": waiting.organisation_id}, follow=True
    )
    second = secretariat.post(
        url, {"organisation": waiting.organisation_id}, follow=True
    )

    assert messages_of(first) == ["A reminder was sent to Gieterij Oost B.V.."]
    assert messages_of(second) == [
        "Gieterij Oost B.V. was reminded today already; a company gets at most one "
        "reminder a day."
    ]
    reminded = Assessment.objects.exclude(reminded_at=None)
    assert [a.pk for a in reminded] == [waiting.pk]


def test_remind_page_for_a_company_not_in_the_round_is_404(secretariat, invited):
    url = reverse("monitoring:round_remind", args=[invited["waiting"].round_id])
    before = assessment_rows()

    response = secretariat.post(url, {"organisation": OrganisationFactory().pk})

    assert response.status_code == 404
    assert assessment_rows() == before


# --- the progress page ------------------------------------------------------------------


@pytest.fixture
def judged(invited):
    """Adds a company in its improvement window and one with a final judgement."""
    round_ = invited["waiting"].round
    improving = AssessmentFactory(
        round=round_,
        organisation__name="Smederij Noord B.V.",
        status=AssessmentStatus.IMPROVING,
        submitted_at=timezone.now(),
        window_closes_on=dt.date(2026, 8, 31),
    )
    ScoreRecordFactory(assessment=improving, signal="red", final_score=Decimal("30.0"))
    final = AssessmentFactory(
        round=round_,
        organisation__name="Pletterij Oost B.V.",
        status=AssessmentStatus.FINAL,
        submitted_at=timezone.now(),
    )
    ScoreRecordFactory(assessment=final, signal="orange")
    ScoreRecordFactory(
        assessment=final,
        kind=ScoreKind.FINAL,
        signal="green",
        final_score=Decimal("61.5"),
    )
    ScoreRecordFactory(assessment=invited["done"], signal="green", kind=ScoreKind.FIRST)
    ScoreRecordFactory(assessment=invited["done"], signal="green", kind=ScoreKind.FINAL)
    return invited | {"improving": improving, "final": final}


def test_progress_shows_every_company_with_its_status_and_signals(secretariat, judged):
    round_ = judged["waiting"].round

    response = secretariat.get(reverse("monitoring:round_detail", args=[round_.pk]))

    progress = response.context["progress"]
    assert [
        (row.organisation.name, row.assessment.status, row.signal)
        for row in progress.rows
    ] == [
        ("Draadtrekkerij Zuid B.V.", "submitted", "green"),
        ("Gieterij Oost B.V.", "invited", "none"),
        ("Pletterij Oost B.V.", "final", "green"),
        ("Smederij Noord B.V.", "improving", "red"),
        ("Walserij West B.V.", "in_progress", "none"),
    ]
    assert {t.value: t.count for t in progress.by_status} == {
        "invited": 1,
        "in_progress": 1,
        "submitted": 1,
        "improving": 1,
        "final": 1,
    }
    assert {t.value: t.count for t in progress.by_signal} == {
        "green": 2,
        "orange": 0,
        "red": 1,
        "none": 2,
    }
    assert (progress.total, progress.to_remind) == (5, 2)
    content = response.content.decode()
    assert "In progress: 38% complete" in content
    assert "Improvement window open until 31 August 2026" in content
    assert "Remind Gieterij Oost B.V." in content
    assert "Remind Draadtrekkerij Zuid B.V." not in content


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"status": "improving"}, ["Smederij Noord B.V."]),
        ({"signal": "green"}, ["Draadtrekkerij Zuid B.V.", "Pletterij Oost B.V."]),
        ({"signal": "none"}, ["Gieterij Oost B.V.", "Walserij West B.V."]),
        ({"status": "final", "signal": "green"}, ["Pletterij Oost B.V."]),
        ({"status": "invited", "signal": "red"}, []),
    ],
)
def test_progress_filters_by_status_and_signal(secretariat, judged, query, names):
    round_ = judged["waiting"].round

    response = secretariat.get(
        reverse("monitoring:round_detail", args=[round_.pk]), query
    )

    progress = response.context["progress"]
    assert [row.organisation.name for row in progress.rows] == names
    assert progress.total == 5


def test_progress_after_reminding_says_who_was_reminded_today(
    secretariat, secretariat_user, invited
):
    round_ = invited["waiting"].round
    services.round_remind(
        round=round_,
        organisation=invited["waiting"].organisation,
        actor=secretariat_user,
    )

    response = secretariat.get(reverse("monitoring:round_detail", args=[round_.pk]))

    progress = response.context["progress"]
    assert (progress.to_remind, progress.reminded_today) == (1, 1)
    content = response.content.decode()
    assert "Send a reminder to the 1 company that has not submitted" in content
    assert "Remind Gieterij Oost B.V." not in content
    assert "Reminded today" in content


def test_progress_of_a_round_without_invitations_says_to_invite(secretariat, framework):
    round_ = RoundFactory(framework=framework)

    response = secretariat.get(reverse("monitoring:round_detail", args=[round_.pk]))

    content = response.content.decode()
    assert "Nobody has been invited to this round yet." in content
    assert reverse("monitoring:round_invite", args=[round_.pk]) in content


def grow_round(round_: Round, total: int) -> None:
    """Invite companies until the round has `total`, in every status, a third judged."""
    statuses = list(AssessmentStatus)
    for index in range(round_.assessments.count(), total):
        status = statuses[index % len(statuses)]
        assessment = AssessmentFactory(
            round=round_,
            status=status,
            answered_count=index % 8,
            applicable_count=8,
            reminded_at=timezone.now() if index % 4 == 0 else None,
        )
        if status in (AssessmentStatus.IMPROVING, AssessmentStatus.FINAL):
            ScoreRecordFactory(assessment=assessment, signal="orange")
        if status == AssessmentStatus.FINAL:
            ScoreRecordFactory(
                assessment=assessment, kind=ScoreKind.FINAL, signal="green"
            )


def queries_for(client, url: str) -> int:
    client.get(url)  # the first request fills caches the next ones reuse
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_progress_costs_the_same_queries_for_10_and_100_companies(
    secretariat, framework, django_assert_max_num_queries
):
    round_ = RoundFactory(framework=framework)
    url = reverse("monitoring:round_detail", args=[round_.pk])
    grow_round(round_, 10)
    at_10 = queries_for(secretariat, url)

    grow_round(round_, 100)
    with django_assert_max_num_queries(at_10):
        response = secretariat.get(url)

    assert len(response.context["progress"].rows) == 100
    assert queries_for(secretariat, url) == at_10


# --- access -----------------------------------------------------------------------------


def round_requests(round_: Round, organisation_id: int) -> list[tuple[str, str, dict]]:
    pk = round_.pk
    return [
        ("get", reverse("monitoring:round_list"), {}),
        ("get", reverse("monitoring:round_create"), {}),
        ("post", reverse("monitoring:round_create"), create_data(round_.framework)),
        ("get", reverse("monitoring:round_detail", args=[pk]), {}),
        ("get", reverse("monitoring:round_update", args=[pk]), {}),
        (
            "post",
            reverse("monitoring:round_update", args=[pk]),
            create_data(round_.framework, name="Anders"),
        ),
        ("post", reverse("monitoring:round_status", args=[pk]), {"action": "close"}),
        ("get", reverse("monitoring:round_invite", args=[pk]), {}),
        (
            "post",
            reverse("monitoring:round_invite", args=[pk]),
            {"organisations": [organisation_id]},
        ),
        ("post", reverse("monitoring:round_remind", args=[pk]), {}),
    ]


def everything() -> dict:
    return {
        "rounds": list(Round.objects.order_by("pk").values()),
        "assessments": assessment_rows(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_403_and_change_nothing(role, invited):
    round_ = invited["waiting"].round
    client = client_for(make_person(role))
    requests = round_requests(round_, OrganisationFactory().pk)
    before = everything()

    statuses = [
        getattr(client, method)(url, data).status_code for method, url, data in requests
    ]

    assert statuses == [403] * len(requests)
    assert everything() == before
    assert mail.outbox == []


def test_anonymous_people_are_sent_to_sign_in(invited):
    round_ = invited["waiting"].round
    client = Client()
    requests = round_requests(round_, OrganisationFactory().pk)
    before = everything()

    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert everything() == before
