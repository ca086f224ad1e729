"""Withdrawal, removal, complaints and news through their services: the agreement's
dates at their boundaries, refusals that change nothing, and the daily task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from convenant.models import AuditEntry
from governance import tasks
from governance.models import (
    Complaint,
    ComplaintStatus,
    Decision,
    NewsItem,
    Organisation,
    OrganisationStatus,
    Removal,
    RemovalReminder,
    RemovalStatus,
    WithdrawalNotice,
    WithdrawalStatus,
)
from governance.services import conduct as svc
from governance.services.decisions import decision_finalise, seat_holders
from tests.conftest import make_person
from tests.governance.factories import (
    OrganisationFactory,
    UserFactory,
    kerngroep_with_all_seats,
)

pytestmark = pytest.mark.django_db

SIGNED = dt.date(2025, 10, 16)


def freeze(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def state(*objects) -> list:
    """What a refused action must leave as it was."""
    return [
        list(Organisation.objects.order_by("pk").values()),
        list(WithdrawalNotice.objects.order_by("pk").values()),
        list(Removal.objects.order_by("pk").values()),
        list(RemovalReminder.objects.order_by("pk").values()),
        list(Complaint.objects.order_by("pk").values()),
        list(Decision.objects.order_by("pk").values()),
        list(NewsItem.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    ]


# --- Withdrawal ---------------------------------------------------------------------------


@pytest.fixture
def secretariat():
    return make_person("secretariat")


@pytest.fixture
def company():
    return OrganisationFactory(signed_on=SIGNED)


def test_notice_the_day_before_the_first_anniversary_is_refused(secretariat, company):
    before = state()
    with pytest.raises(ValidationError) as error:
        svc.withdrawal_give(
            organisation=company,
            notice_on=dt.date(2026, 10, 15),
            reasons="Wij stoppen met metaal.",
            actor=secretariat,
        )
    assert error.value.message_dict["notice_on"] == [
        "Notice can be given from 16 October 2026, one year after signing on "
        "16 October 2025 (art. 73)."
    ]
    assert state() == before


def test_notice_on_the_first_anniversary_makes_the_party_withdrawing(
    secretariat, company, django_capture_on_commit_callbacks
):
    kerngroep = kerngroep_with_all_seats()
    with django_capture_on_commit_callbacks(execute=True):
        notice = svc.withdrawal_give(
            organisation=company,
            notice_on=dt.date(2026, 10, 16),
            reasons="Wij stoppen met metaal.",
            actor=secretariat,
        )
    # Six months later is 16 April 2027: the next 1 January is 2028.
    assert notice.effective_on == dt.date(2028, 1, 1)
    company.refresh_from_db()
    assert company.status == OrganisationStatus.WITHDRAWING
    assert len(mail.outbox) == 1
    recipients = set(mail.outbox[0].to)
    assert secretariat.email in recipients
    assert {s.regular_representative.email for s in kerngroep.values()} <= recipients
    assert "1 January 2028" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("notice_on", "effective_on"),
    [
        (dt.date(2027, 7, 1), dt.date(2028, 1, 1)),  # exactly six months
        (dt.date(2027, 7, 2), dt.date(2029, 1, 1)),
        (dt.date(2027, 6, 30), dt.date(2028, 1, 1)),
    ],
)
def test_the_effective_date_follows_the_rule(
    monkeypatch, secretariat, company, notice_on, effective_on
):
    freeze(monkeypatch, notice_on)
    notice = svc.withdrawal_give(
        organisation=company, notice_on=notice_on, reasons="Reden.", actor=secretariat
    )
    assert notice.effective_on == effective_on


def test_an_admin_gives_notice_for_today_only(monkeypatch, company):
    admin = UserFactory(organisation=company, organisation_role="admin")
    freeze(monkeypatch, dt.date(2026, 11, 2))
    before = state()
    with pytest.raises(ValidationError):
        svc.withdrawal_give(
            organisation=company,
            notice_on=dt.date(2026, 11, 1),
            reasons="Reden.",
            actor=admin,
        )
    assert state() == before
    notice = svc.withdrawal_give(
        organisation=company,
        notice_on=dt.date(2026, 11, 2),
        reasons="Reden.",
        actor=admin,
    )
    assert notice.given_by == admin


@pytest.mark.parametrize("who", ["member", "other_admin", "ngo"])
def test_others_cannot_give_notice(company, who):
    if who == "member":
        actor = UserFactory(organisation=company)
    elif who == "other_admin":
        actor = UserFactory(organisation_role="admin")
    else:
        actor = make_person("ngo")
    before = state()
    with pytest.raises(PermissionDenied):
        svc.withdrawal_give(
            organisation=company,
            notice_on=timezone.localdate(),
            reasons="Reden.",
            actor=actor,
        )
    assert state() == before


def test_a_second_notice_is_refused(secretariat, company):
    svc.withdrawal_give(
        organisation=company,
        notice_on=dt.date(2026, 10, 20),
        reasons="Reden.",
        actor=secretariat,
    )
    before = state()
    with pytest.raises(ValidationError):
        svc.withdrawal_give(
            organisation=company,
            notice_on=dt.date(2026, 10, 21),
            reasons="Reden.",
            actor=secretariat,
        )
    assert state() == before


def test_notice_taken_back_makes_the_party_active_again(secretariat, company):
    notice = svc.withdrawal_give(
        organisation=company,
        notice_on=dt.date(2026, 10, 20),
        reasons="Reden.",
        actor=secretariat,
    )
    svc.withdrawal_take_back(notice=notice, actor=secretariat)
    notice.refresh_from_db()
    company.refresh_from_db()
    assert notice.status == WithdrawalStatus.TAKEN_BACK
    assert company.status == OrganisationStatus.ACTIVE
    before = state()
    with pytest.raises(ValidationError):
        svc.withdrawal_take_back(notice=notice, actor=secretariat)
    assert state() == before


def test_notice_cannot_be_taken_back_once_effective(monkeypatch, secretariat, company):
    notice = svc.withdrawal_give(
        organisation=company,
        notice_on=dt.date(2026, 10, 20),
        reasons="Reden.",
        actor=secretariat,
    )
    freeze(monkeypatch, dt.date(2028, 1, 1))
    before = state()
    with pytest.raises(ValidationError):
        svc.withdrawal_take_back(notice=notice, actor=secretariat)
    assert state() == before


def test_the_daily_task_applies_a_withdrawal_once(monkeypatch, secretariat, company):
    notice = svc.withdrawal_give(
        organisation=company,
        notice_on=dt.date(2026, 10, 20),
        reasons="Reden.",
        actor=secretariat,
    )
    freeze(monkeypatch, dt.date(2027, 12, 31))
    assert tasks.apply_status_dates.delay().get() == 0
    company.refresh_from_db()
    assert company.status == OrganisationStatus.WITHDRAWING
    freeze(monkeypatch, dt.date(2028, 1, 1))
    assert tasks.apply_status_dates.delay().get() == 1
    after_first = state()
    assert tasks.apply_status_dates.delay().get() == 0
    assert state() == after_first
    company.refresh_from_db()
    notice.refresh_from_db()
    assert company.status == OrganisationStatus.WITHDRAWN
    assert notice.status == WithdrawalStatus.EFFECTIVE


# --- Removal ------------------------------------------------------------------------------


@pytest.fixture
def removal(secretariat, company):
    return svc.removal_open(
        organisation=company,
        ruling="Besluit Kerngroep 12 maart 2026: plan van aanpak indienen.",
        actor=secretariat,
    )


def test_a_removal_needs_a_reminder_before_the_kerngroep(secretariat, removal):
    before = state()
    with pytest.raises(ValidationError) as error:
        svc.removal_submit(removal=removal, proposal="Verwijderen.", actor=secretariat)
    assert "reminder" in error.value.messages[0]
    assert state() == before


def test_a_reminder_is_mailed_to_the_party_admins(
    secretariat, company, removal, django_capture_on_commit_callbacks
):
    admin = UserFactory(organisation=company, organisation_role="admin")
    UserFactory(organisation=company)
    with django_capture_on_commit_callbacks(execute=True):
        svc.removal_reminder_add(
            removal=removal,
            sent_on=dt.date(2026, 11, 1),
            text="Dien uw plan van aanpak in.",
            actor=secretariat,
        )
    assert [message.to for message in mail.outbox] == [[admin.email]]
    assert "Dien uw plan van aanpak in." in mail.outbox[0].body


def test_only_the_secretariat_manages_removals(company, removal):
    admin = UserFactory(organisation=company, organisation_role="admin")
    before = state()
    with pytest.raises(PermissionDenied):
        svc.removal_reminder_add(
            removal=removal, sent_on=dt.date(2026, 11, 1), text="x", actor=admin
        )
    assert state() == before


def _to_kerngroep(removal, secretariat) -> Decision:
    svc.removal_reminder_add(
        removal=removal,
        sent_on=dt.date(2026, 11, 1),
        text="Herinnering.",
        actor=secretariat,
    )
    return svc.removal_submit(
        removal=removal, proposal="Verwijderen.", actor=secretariat
    )


def test_an_adopted_removal_takes_effect_three_months_later(
    monkeypatch, secretariat, company, removal
):
    decision = _to_kerngroep(removal, secretariat)
    removal.refresh_from_db()
    assert removal.status == RemovalStatus.WITH_KERNGROEP
    decision_finalise(
        decision=decision,
        outcome="adopted",
        actor=secretariat,
        decided_on=dt.date(2026, 11, 30),
    )
    removal.refresh_from_db()
    assert removal.status == RemovalStatus.DECIDED
    assert removal.effective_on == dt.date(2027, 2, 28)
    # The agreement year that runs from 16 October 2026 ends on 15 October 2027.
    assert removal.obligations_end == dt.date(2027, 10, 15)
    freeze(monkeypatch, dt.date(2027, 2, 27))
    assert svc.status_dates_apply() == 0
    freeze(monkeypatch, dt.date(2027, 2, 28))
    assert svc.status_dates_apply() == 1
    assert svc.status_dates_apply() == 0
    company.refresh_from_db()
    removal.refresh_from_db()
    assert company.status == OrganisationStatus.REMOVED
    assert removal.status == RemovalStatus.EFFECTIVE


def test_a_rejected_removal_closes(secretariat, company, removal):
    decision = _to_kerngroep(removal, secretariat)
    decision_finalise(decision=decision, outcome="rejected", actor=secretariat)
    removal.refresh_from_db()
    company.refresh_from_db()
    assert removal.status == RemovalStatus.CLOSED
    assert removal.effective_on is None
    assert company.status == OrganisationStatus.ACTIVE
    assert svc.status_dates_apply() == 0


def test_the_notice_is_published_only_once_agreed(secretariat, removal):
    decision = _to_kerngroep(removal, secretariat)
    decision_finalise(decision=decision, outcome="adopted", actor=secretariat)
    svc.removal_notice_draft(
        removal=removal, text="De Kerngroep heeft besloten ...", actor=secretariat
    )
    before = state()
    with pytest.raises(ValidationError):
        svc.removal_notice_publish(removal=removal, actor=secretariat)
    assert state() == before
    svc.removal_notice_agree(
        removal=removal,
        agreed_with="J. de Vries, directeur",
        agreed_on=dt.date(2026, 11, 20),
        actor=secretariat,
    )
    # Changing the text asks for the party's agreement again.
    svc.removal_notice_draft(removal=removal, text="Nieuwe tekst.", actor=secretariat)
    removal.refresh_from_db()
    assert removal.notice_agreed_on is None
    svc.removal_notice_agree(
        removal=removal,
        agreed_with="J. de Vries, directeur",
        agreed_on=dt.date(2026, 11, 21),
        actor=secretariat,
    )
    item = svc.removal_notice_publish(removal=removal, actor=secretariat)
    assert item.body == "Nieuwe tekst."
    removal.refresh_from_db()
    assert removal.news_item == item
    before = state()
    with pytest.raises(ValidationError):
        svc.removal_notice_publish(removal=removal, actor=secretariat)
    assert state() == before


def test_no_notice_before_the_decision(secretariat, removal):
    before = state()
    with pytest.raises(ValidationError):
        svc.removal_notice_draft(removal=removal, text="Tekst.", actor=secretariat)
    assert state() == before


# --- Complaints ---------------------------------------------------------------------------


@pytest.fixture
def union_person():
    return make_person("union")


def test_a_complaint_must_be_about_lack_of_progress(union_person, company):
    before = state()
    with pytest.raises(ValidationError) as error:
        svc.complaint_file(
            respondent=company,
            about_lack_of_progress=False,
            description="x",
            already_tried="y",
            share_identity=False,
            actor=union_person,
        )
    assert "about_lack_of_progress" in error.value.message_dict
    assert state() == before


@pytest.mark.parametrize("role", ["secretariat", "government", "chair"])
def test_no_party_no_complaint(role, company):
    actor = make_person(role)
    before = state()
    with pytest.raises(PermissionDenied):
        svc.complaint_file(
            respondent=company,
            about_lack_of_progress=True,
            description="x",
            already_tried="y",
            share_identity=False,
            actor=actor,
        )
    assert state() == before


def test_no_complaint_about_the_own_organisation():
    admin = UserFactory(organisation_role="admin")
    before = state()
    with pytest.raises(ValidationError):
        svc.complaint_file(
            respondent=admin.organisation,
            about_lack_of_progress=True,
            description="x",
            already_tried="y",
            share_identity=False,
            actor=admin,
        )
    assert state() == before


def _file(actor, respondent) -> Complaint:
    return svc.complaint_file(
        respondent=respondent,
        about_lack_of_progress=True,
        description="Geen plan van aanpak sinds 2026.",
        already_tried="Twee gesprekken met het secretariaat.",
        share_identity=False,
        actor=actor,
    )


def test_the_panel_replaces_the_seat_of_the_company_concerned(
    secretariat, union_person
):
    seat_company = OrganisationFactory(name="Kabel B.V.", signed_on=SIGNED)
    seats = kerngroep_with_all_seats(companies=seat_company)
    OrganisationFactory(name="Later B.V.", signed_on=dt.date(2026, 1, 5))
    first = OrganisationFactory(name="Aluminium B.V.", signed_on=SIGNED)
    OrganisationFactory(
        name="Vertrokken B.V.",
        signed_on=dt.date(2025, 1, 1),
        status=OrganisationStatus.WITHDRAWN,
    )
    complaint = _file(union_person, seat_company)
    complaint = svc.complaint_judge(
        complaint=complaint, admissible=True, reasons="Ontvankelijk.", actor=secretariat
    )
    assert complaint.status == ComplaintStatus.ADMISSIBLE
    assert complaint.panel == {
        "unions": seats["unions"].organisation_id,
        "ngos": seats["ngos"].organisation_id,
        "branch": seats["branch"].organisation_id,
        "companies": first.pk,
    }
    decision = svc.complaint_submit(
        complaint=complaint, proposal="Gegrond verklaren.", actor=secretariat
    )
    assert seat_holders(decision) == complaint.panel
    decision_finalise(decision=decision, outcome="adopted", actor=secretariat)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.DECIDED
    assert complaint.outcome == "adopted"


def test_no_replacement_names_the_constituency(secretariat):
    union = OrganisationFactory(union=True, name="Enige Bond")
    seats = kerngroep_with_all_seats(unions=union)
    union_person = UserFactory(organisation=union)
    # Every other company is the seat holder or gone: none can take its place.
    Organisation.objects.filter(kind="company").exclude(
        pk=seats["companies"].organisation_id
    ).update(status="withdrawn")
    other = OrganisationFactory(name="Klacht B.V.")
    complaint = _file(union_person, other)
    Organisation.objects.filter(pk=other.pk).update(status="active")
    # The union seat is recused and no other union takes part.
    before = state()
    with pytest.raises(ValidationError) as error:
        svc.complaint_judge(
            complaint=complaint, admissible=True, reasons="Ja.", actor=secretariat
        )
    assert "constituency “Trade unions”" in error.value.messages[0]
    assert "Enige Bond" in error.value.messages[0]
    assert state() == before


def test_an_inadmissible_complaint_gets_no_panel(secretariat, union_person, company):
    complaint = _file(union_person, company)
    complaint = svc.complaint_judge(
        complaint=complaint,
        admissible=False,
        reasons="Gaat over iets anders.",
        actor=secretariat,
    )
    assert complaint.status == ComplaintStatus.INADMISSIBLE
    assert complaint.panel == {}
    before = state()
    with pytest.raises(ValidationError):
        svc.complaint_submit(complaint=complaint, proposal="x", actor=secretariat)
    assert state() == before


def test_dates_in_order(secretariat, union_person, company):
    kerngroep_with_all_seats()
    complaint = _file(union_person, company)
    svc.complaint_judge(
        complaint=complaint, admissible=True, reasons="Ja.", actor=secretariat
    )
    before = state()
    with pytest.raises(ValidationError) as error:
        svc.complaint_schedule(
            complaint=complaint,
            hearing_on=dt.date(2027, 2, 1),
            decision_on=dt.date(2027, 1, 1),
            follow_up_on=None,
            decision_text="",
            actor=secretariat,
        )
    assert "decision_on" in error.value.message_dict
    assert state() == before
    complaint = svc.complaint_schedule(
        complaint=complaint,
        hearing_on=dt.date(2027, 1, 10),
        decision_on=dt.date(2027, 2, 1),
        follow_up_on=dt.date(2027, 8, 1),
        decision_text="Het bedrijf legt binnen zes maanden een plan voor.",
        actor=secretariat,
    )
    assert complaint.follow_up_on == dt.date(2027, 8, 1)


# --- News ---------------------------------------------------------------------------------


def test_only_the_secretariat_publishes_news(secretariat, company):
    admin = UserFactory(organisation=company, organisation_role="admin")
    before = state()
    with pytest.raises(PermissionDenied):
        svc.news_item_create(title="t", body="b", actor=admin)
    assert state() == before
    item = svc.news_item_create(title="Nieuws", body="Tekst.", actor=secretariat)
    assert item.published_by == secretariat


def test_a_complaint_is_mailed_to_the_secretariat(
    secretariat, union_person, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _file(union_person, company)
    assert [message.to for message in mail.outbox] == [[secretariat.email]]
    assert company.name in mail.outbox[0].subject


def test_no_notice_once_the_removal_is_decided(secretariat, company, removal):
    decision = _to_kerngroep(removal, secretariat)
    decision_finalise(decision=decision, outcome="adopted", actor=secretariat)
    before = state()
    with pytest.raises(ValidationError) as error:
        svc.withdrawal_give(
            organisation=company,
            notice_on=dt.date(2026, 10, 20),
            reasons="Reden.",
            actor=secretariat,
        )
    assert "decided to remove" in error.value.messages[0]
    assert state() == before
