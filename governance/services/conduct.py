"""Every write around how a party leaves the agreement or is held to it: notice of
withdrawal (art. 73-75), removal after a reminder with its agreed public notice
(art. 76-77), complaints about a company's lack of progress (art. 83-86), and the news
page for the parties.

The dates come from `governance.rules`; the services store what the rules give, so the
pages show what was decided. What a Kerngroep decision does to a removal or a complaint
is registered here with `on_decided`; who votes on a complaint (its panel) with
`seat_holders_for`.

A status change made here (withdrawing, withdrawn, removed) follows
ALLOWED_STATUS_CHANGES like `organisation_change_status`, but is not limited to the
secretariat: a party's own admin gives notice, and the daily task has no person behind
it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from convenant.selectors import agreement_current

from .. import permissions, rules
from ..models import (
    ALLOWED_STATUS_CHANGES,
    CONSTITUENCY_OF_KIND,
    Complaint,
    ComplaintStatus,
    Constituency,
    Decision,
    FinalOutcome,
    NewsItem,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    OrganisationStatus,
    Participation,
    Removal,
    RemovalReminder,
    RemovalStatus,
    User,
    WithdrawalNotice,
    WithdrawalStatus,
)
from .decisions import decision_open, on_decided, seat_holders_for

logger = logging.getLogger(__name__)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _day(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _status_set(
    *, organisation: Organisation, status: str, actor: User | None, request=None
) -> Organisation:
    """Move an organisation along ALLOWED_STATUS_CHANGES; the caller checked who may."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    old = organisation.status
    if status not in ALLOWED_STATUS_CHANGES[old]:
        raise ValidationError(
            _("The status cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": OrganisationStatus(old).label,
                "new": OrganisationStatus(status).label,
            }
        )
    organisation.status = status
    organisation.full_clean()
    organisation.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="organisation.update",
        obj=organisation,
        request=request,
        details={"changes": {"status": [old, status]}},
    )
    return organisation


def _mail_after_commit(kind: str, pk: int) -> None:
    from ..tasks import send_conduct_mail

    transaction.on_commit(lambda: send_conduct_mail.delay(kind, pk))


# --- Withdrawal (art. 73-75) --------------------------------------------------------------


def withdrawal_effective_on(
    *, organisation: Organisation, notice_on: dt.date
) -> dt.date:
    """When notice given on `notice_on` would take effect; ValidationError (on
    `notice_on`) naming the first day notice can be given when it is too early."""
    if organisation.signed_on is None:
        raise ValidationError(
            _("%(name)s has no signing date, so notice cannot be given yet.")
            % {"name": organisation.name}
        )
    try:
        return rules.withdrawal_effective_date(organisation.signed_on, notice_on)
    except rules.WithdrawalTooEarly:
        earliest = rules.first_anniversary(organisation.signed_on)
        raise ValidationError(
            {
                "notice_on": _(
                    "Notice can be given from %(earliest)s, one year after signing "
                    "on %(signed)s (art. 73)."
                )
                % {
                    "earliest": _day(earliest),
                    "signed": _day(organisation.signed_on),
                }
            }
        ) from None


def _check_notice(
    *, organisation: Organisation, notice_on: dt.date, actor: User
) -> dt.date:
    _require(permissions.can_give_notice(actor, organisation))
    today = timezone.localdate()
    if not permissions.is_secretariat(actor) and notice_on != today:
        raise ValidationError({"notice_on": _("Your notice is dated today.")})
    if notice_on > today:
        raise ValidationError(
            {"notice_on": _("The notice date cannot lie in the future.")}
        )
    if organisation.status != OrganisationStatus.ACTIVE:
        raise ValidationError(
            _("Only an active party can give notice; %(name)s is “%(status)s”.")
            % {"name": organisation.name, "status": organisation.get_status_display()}
        )
    if organisation.removals.filter(status=RemovalStatus.DECIDED).exists():
        # The Kerngroep's removal takes effect on its own date; a notice on top of it
        # would leave two dates for one departure.
        raise ValidationError(
            _(
                "The Kerngroep decided to remove %(name)s; the removal takes effect "
                "on its own date, so notice can no longer be given."
            )
            % {"name": organisation.name}
        )
    return withdrawal_effective_on(organisation=organisation, notice_on=notice_on)


def withdrawal_preview(
    *, organisation: Organisation, notice_on: dt.date, actor: User
) -> dt.date:
    """Check a notice without storing it; returns the date it would take effect."""
    return _check_notice(organisation=organisation, notice_on=notice_on, actor=actor)


@transaction.atomic
def withdrawal_give(
    *,
    organisation: Organisation,
    notice_on: dt.date,
    reasons: str,
    actor: User,
    request=None,
) -> WithdrawalNotice:
    """Record a party's notice of withdrawal and make it "withdrawing". Refused before
    the first anniversary of signing; takes effect on the first 1 January at least six
    months after the notice. The secretariat and the Kerngroep get a mail."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    effective_on = _check_notice(
        organisation=organisation, notice_on=notice_on, actor=actor
    )
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for the withdrawal.")})
    notice = WithdrawalNotice(
        organisation=organisation,
        notice_on=notice_on,
        reasons=reasons,
        effective_on=effective_on,
        given_by=actor,
    )
    notice.full_clean()
    notice.save()
    _status_set(
        organisation=organisation,
        status=OrganisationStatus.WITHDRAWING,
        actor=actor,
        request=request,
    )
    audit_record(
        actor=actor,
        action="withdrawal.give",
        obj=notice,
        organisation=organisation,
        request=request,
        details={
            "notice_on": notice_on.isoformat(),
            "effective_on": effective_on.isoformat(),
        },
    )
    _mail_after_commit("withdrawal_given", notice.pk)
    return notice


@transaction.atomic
def withdrawal_take_back(
    *, notice: WithdrawalNotice, actor: User, request=None
) -> WithdrawalNotice:
    """Take a notice back before it takes effect; the party is active again."""
    notice = (
        WithdrawalNotice.objects.select_for_update()
        .select_related("organisation")
        .get(pk=notice.pk)
    )
    _require(permissions.can_give_notice(actor, notice.organisation))
    if notice.status != WithdrawalStatus.GIVEN:
        raise ValidationError(_("This notice is no longer open."))
    if timezone.localdate() >= notice.effective_on:
        raise ValidationError(
            _("The withdrawal took effect on %(day)s; it can no longer be taken back.")
            % {"day": _day(notice.effective_on)}
        )
    notice.status = WithdrawalStatus.TAKEN_BACK
    notice.taken_back_at = timezone.now()
    notice.taken_back_by = actor
    notice.full_clean()
    notice.save()
    _status_set(
        organisation=notice.organisation,
        status=OrganisationStatus.ACTIVE,
        actor=actor,
        request=request,
    )
    audit_record(
        actor=actor,
        action="withdrawal.take_back",
        obj=notice,
        organisation=notice.organisation,
        request=request,
    )
    _mail_after_commit("withdrawal_taken_back", notice.pk)
    return notice


# --- Removal (art. 76-77) -----------------------------------------------------------------


def _open_removal(removal: Removal) -> Removal:
    return (
        Removal.objects.select_for_update()
        .select_related("organisation")
        .get(pk=removal.pk)
    )


@transaction.atomic
def removal_open(
    *, organisation: Organisation, ruling: str, actor: User, request=None
) -> Removal:
    """Open a removal case against an active party for a Kerngroep ruling it did not
    follow. Nothing happens to the party until the Kerngroep decides."""
    _require(permissions.can_manage_removals(actor))
    if (
        organisation.kind not in CONSTITUENCY_OF_KIND
        or organisation.status != OrganisationStatus.ACTIVE
    ):
        raise ValidationError(
            {"organisation": _("Only an active party can be removed.")}
        )
    removal = Removal(
        organisation=organisation, ruling=(ruling or "").strip(), created_by=actor
    )
    removal.full_clean()
    removal.save()
    audit_record(actor=actor, action="removal.open", obj=removal, request=request)
    return removal


@transaction.atomic
def removal_reminder_add(
    *, removal: Removal, sent_on: dt.date, text: str, actor: User, request=None
) -> RemovalReminder:
    """Record a reminder to the party; its admins get it by mail."""
    _require(permissions.can_manage_removals(actor))
    removal = _open_removal(removal)
    if removal.status != RemovalStatus.REMINDING:
        raise ValidationError(
            _("Reminders are sent before the removal goes to the Kerngroep.")
        )
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("The date cannot lie in the future.")})
    reminder = RemovalReminder(
        removal=removal, sent_on=sent_on, text=(text or "").strip(), created_by=actor
    )
    reminder.full_clean()
    reminder.save()
    audit_record(
        actor=actor,
        action="removal.reminder",
        obj=removal,
        request=request,
        details={"sent_on": sent_on.isoformat()},
    )
    _mail_after_commit("removal_reminder", reminder.pk)
    return reminder


@transaction.atomic
def removal_submit(
    *, removal: Removal, proposal: str, actor: User, request=None
) -> Decision:
    """Put the removal to the Kerngroep; only after at least one reminder."""
    _require(permissions.can_manage_removals(actor))
    removal = _open_removal(removal)
    if removal.status != RemovalStatus.REMINDING:
        raise ValidationError(_("This removal is no longer waiting to be submitted."))
    if not removal.reminders.exists():
        raise ValidationError(
            _(
                "Send the party a reminder first: the Kerngroep can decide on a "
                "removal only after a reminder (art. 76)."
            )
        )
    proposal = (proposal or "").strip()
    if not proposal:
        raise ValidationError({"proposal": _("Write the proposal to the Kerngroep.")})
    decision = decision_open(
        title=_("Removal of %(name)s") % {"name": removal.organisation.name},
        proposal=proposal,
        actor=actor,
        subject=removal,
        request=request,
    )
    removal.status = RemovalStatus.WITH_KERNGROEP
    removal.save(update_fields=["status"])
    audit_record(actor=actor, action="removal.submit", obj=removal, request=request)
    return decision


def _agreement_years() -> list[tuple[dt.date, dt.date]]:
    agreement = agreement_current()
    if agreement is None:
        return []
    return list(agreement.years.values_list("starts_on", "ends_on"))


@on_decided(Removal)
def _removal_decided(decision: Decision, *, actor: User) -> None:
    removal = Removal.objects.select_for_update().get(pk=decision.subject_id)
    if decision.outcome == FinalOutcome.ADOPTED:
        removal.status = RemovalStatus.DECIDED
        removal.decided_on = decision.decided_on
        removal.effective_on = rules.removal_effective_date(decision.decided_on)
        years = _agreement_years()
        removal.obligations_end = (
            rules.obligations_end(removal.effective_on, years) if years else None
        )
    else:
        removal.status = RemovalStatus.CLOSED
        removal.decided_on = decision.decided_on
    removal.full_clean()
    removal.save()
    audit_record(
        actor=actor,
        action="removal.decided",
        obj=removal,
        details={"outcome": decision.outcome},
    )


def _decided_removal(removal: Removal) -> Removal:
    removal = _open_removal(removal)
    if removal.status not in {RemovalStatus.DECIDED, RemovalStatus.EFFECTIVE}:
        raise ValidationError(
            _("A public notice is written once the Kerngroep has decided the removal.")
        )
    if removal.is_published:
        raise ValidationError(_("The notice has been published; it cannot change."))
    return removal


@transaction.atomic
def removal_notice_draft(
    *, removal: Removal, text: str, actor: User, request=None
) -> Removal:
    """Write the short public explanation. Changing the text asks for the party's
    agreement again."""
    _require(permissions.can_manage_removals(actor))
    removal = _decided_removal(removal)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"notice_text": _("Write the text of the notice.")})
    if text != removal.notice_text:
        removal.notice_text = text
        removal.notice_agreed_with = ""
        removal.notice_agreed_on = None
    removal.full_clean()
    removal.save()
    audit_record(actor=actor, action="removal.notice", obj=removal, request=request)
    return removal


@transaction.atomic
def removal_notice_agree(
    *,
    removal: Removal,
    agreed_with: str,
    agreed_on: dt.date,
    actor: User,
    request=None,
) -> Removal:
    """Record that the party agreed to the notice text (art. 77): who, and when."""
    _require(permissions.can_manage_removals(actor))
    removal = _decided_removal(removal)
    if not removal.notice_text:
        raise ValidationError(_("Write the text of the notice first."))
    agreed_with = (agreed_with or "").strip()
    if not agreed_with:
        raise ValidationError(
            {"agreed_with": _("Name who agreed on behalf of the party.")}
        )
    if agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": _("The date cannot lie in the future.")})
    removal.notice_agreed_with = agreed_with
    removal.notice_agreed_on = agreed_on
    removal.full_clean()
    removal.save()
    audit_record(
        actor=actor,
        action="removal.notice_agreed",
        obj=removal,
        request=request,
        details={"agreed_with": agreed_with, "agreed_on": agreed_on.isoformat()},
    )
    return removal


@transaction.atomic
def removal_notice_publish(*, removal: Removal, actor: User, request=None) -> NewsItem:
    """Publish the agreed notice on the parties' news page."""
    _require(permissions.can_manage_removals(actor))
    removal = _decided_removal(removal)
    if not removal.notice_agreed:
        raise ValidationError(
            _("The notice is published only once the party has agreed to its text.")
        )
    item = news_item_create(
        title=_("Removal of %(name)s from the agreement")
        % {"name": removal.organisation.name},
        body=removal.notice_text,
        actor=actor,
        request=request,
    )
    removal.news_item = item
    removal.save(update_fields=["news_item"])
    audit_record(actor=actor, action="removal.publish", obj=removal, request=request)
    return item


# --- Dates that take effect (the daily task) ----------------------------------------------


def status_dates_apply(*, today: dt.date | None = None) -> int:
    """Apply the withdrawals and removals whose date has come: the party becomes
    withdrawn or removed. Returns how many were applied; running it again the same day
    applies nothing more. Each is applied in its own transaction, so one that cannot be
    applied does not hold up the others."""
    today = today or timezone.localdate()
    applied = 0
    due_notices = WithdrawalNotice.objects.filter(
        status=WithdrawalStatus.GIVEN, effective_on__lte=today
    ).values_list("pk", flat=True)
    for pk in list(due_notices):
        applied += _withdrawal_apply(pk)
    due_removals = Removal.objects.filter(
        status=RemovalStatus.DECIDED, effective_on__lte=today
    ).values_list("pk", flat=True)
    for pk in list(due_removals):
        applied += _removal_apply(pk)
    return applied


@transaction.atomic
def _withdrawal_apply(pk: int) -> int:
    notice = WithdrawalNotice.objects.select_for_update().get(pk=pk)
    if notice.status != WithdrawalStatus.GIVEN:
        return 0
    try:
        _status_set(
            organisation=notice.organisation,
            status=OrganisationStatus.WITHDRAWN,
            actor=None,
        )
    except ValidationError:
        logger.warning("Withdrawal %s: the organisation's status does not allow it", pk)
        return 0
    notice.status = WithdrawalStatus.EFFECTIVE
    notice.applied_at = timezone.now()
    notice.save(update_fields=["status", "applied_at"])
    audit_record(actor=None, action="withdrawal.effective", obj=notice)
    return 1


@transaction.atomic
def _removal_apply(pk: int) -> int:
    removal = Removal.objects.select_for_update().get(pk=pk)
    if removal.status != RemovalStatus.DECIDED:
        return 0
    try:
        _status_set(
            organisation=removal.organisation,
            status=OrganisationStatus.REMOVED,
            actor=None,
        )
    except ValidationError:
        logger.warning("Removal %s: the organisation's status does not allow it", pk)
        return 0
    removal.status = RemovalStatus.EFFECTIVE
    removal.applied_at = timezone.now()
    removal.save(update_fields=["status", "applied_at"])
    audit_record(actor=None, action="removal.effective", obj=removal)
    return 1


# --- Complaints (art. 83-86) --------------------------------------------------------------


def participating_companies():
    """The companies a complaint can be about: party companies that take part."""
    return Organisation.objects.filter(
        kind=OrganisationKind.COMPANY,
        participation=Participation.PARTY,
        status__in=[OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING],
    ).order_by("name", "pk")


@transaction.atomic
def complaint_file(
    *,
    respondent: Organisation,
    about_lack_of_progress: bool,
    description: str,
    already_tried: str,
    share_identity: bool,
    actor: User,
    request=None,
) -> Complaint:
    """A party files a complaint about another participating company's lack of
    progress in due diligence. The secretariat gets a mail."""
    _require(permissions.can_file_complaint(actor))
    if not participating_companies().filter(pk=respondent.pk).exists():
        raise ValidationError(
            {"respondent": _("Choose a company that takes part in the agreement.")}
        )
    complaint = Complaint(
        complainant=actor.organisation,
        respondent=respondent,
        filed_by=actor,
        about_lack_of_progress=about_lack_of_progress,
        description=(description or "").strip(),
        already_tried=(already_tried or "").strip(),
        share_identity=share_identity,
    )
    complaint.full_clean()
    complaint.save()
    audit_record(
        actor=actor,
        action="complaint.file",
        obj=complaint,
        organisation=respondent,
        request=request,
    )
    _mail_after_commit("complaint_filed", complaint.pk)
    return complaint


def complaint_panel_for(*, complainant_id: int, respondent_id: int) -> dict[str, int]:
    """The panel of a complaint between these organisations, from today's Kerngroep
    seats; a recused seat goes to the first active party of its constituency by signing
    date, then name. ValidationError naming the constituency when none can take it."""
    seats = dict(
        permissions.current_seats()
        .order_by("constituency", "-starts_on", "-pk")
        .values_list("constituency", "organisation_id")
    )
    missing = [c for c in rules.SEATS if c not in seats]
    if missing:
        raise ValidationError(
            _(
                "The Kerngroep seat of the constituency “%(constituency)s” has no holder today."
            )
            % {"constituency": Constituency(missing[0]).label}
        )
    replacements: dict[str, list[int]] = {seat: [] for seat in rules.SEATS}
    candidates = (
        Organisation.objects.filter(
            kind__in=list(CONSTITUENCY_OF_KIND),
            participation=Participation.PARTY,
            status=OrganisationStatus.ACTIVE,
        )
        .order_by("signed_on", "name", "pk")
        .values_list("pk", "kind")
    )
    for pk, kind in candidates:
        replacements[CONSTITUENCY_OF_KIND[kind]].append(pk)
    try:
        return rules.complaint_panel(seats, complainant_id, respondent_id, replacements)
    except rules.NoReplacement:
        parties = {complainant_id, respondent_id}
        taken = {holder for holder in seats.values() if holder not in parties}
        seat = next(
            (
                seat
                for seat in rules.SEATS
                if seats[seat] in parties
                and not [o for o in replacements[seat] if o not in parties | taken]
            ),
            None,
        )
        if seat is None:
            raise ValidationError(
                _("The panel cannot be formed: a recused seat has no replacement.")
            ) from None
        raise ValidationError(
            _(
                "No organisation of the constituency “%(constituency)s” can take the "
                "seat of %(name)s "
                "for this complaint: every other active party of that constituency "
                "is a party to it or sits on the panel already. The panel cannot be "
                "formed."
            )
            % {
                "constituency": Constituency(seat).label,
                "name": Organisation.objects.get(pk=seats[seat]).name,
            }
        ) from None


@transaction.atomic
def complaint_judge(
    *,
    complaint: Complaint,
    admissible: bool,
    reasons: str,
    actor: User,
    request=None,
) -> Complaint:
    """The secretariat judges a filed complaint admissible or not, with reasons. An
    admissible complaint gets its panel (art. 84)."""
    _require(permissions.can_handle_complaints(actor))
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != ComplaintStatus.FILED:
        raise ValidationError(_("The admissibility of this complaint was judged."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for your judgement.")})
    if admissible:
        complaint.panel = complaint_panel_for(
            complainant_id=complaint.complainant_id,
            respondent_id=complaint.respondent_id,
        )
        complaint.status = ComplaintStatus.ADMISSIBLE
    else:
        complaint.status = ComplaintStatus.INADMISSIBLE
    complaint.admissibility_reasons = reasons
    complaint.admissibility_on = timezone.localdate()
    complaint.full_clean()
    complaint.save()
    audit_record(
        actor=actor,
        action="complaint.judge",
        obj=complaint,
        organisation=complaint.respondent,
        request=request,
        details={"admissible": admissible, "panel": complaint.panel},
    )
    return complaint


@transaction.atomic
def complaint_schedule(
    *,
    complaint: Complaint,
    hearing_on: dt.date | None,
    decision_on: dt.date | None,
    follow_up_on: dt.date | None,
    decision_text: str,
    actor: User,
    request=None,
) -> Complaint:
    """Set the hearing, decision and follow-up dates and the text of the decision."""
    _require(permissions.can_handle_complaints(actor))
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status not in {ComplaintStatus.ADMISSIBLE, ComplaintStatus.DECIDED}:
        raise ValidationError(
            _("Dates are set for a complaint that was judged admissible.")
        )
    complaint.hearing_on = hearing_on
    complaint.decision_on = decision_on
    complaint.follow_up_on = follow_up_on
    complaint.decision_text = (decision_text or "").strip()
    complaint.full_clean()
    complaint.save()
    audit_record(
        actor=actor,
        action="complaint.schedule",
        obj=complaint,
        organisation=complaint.respondent,
        request=request,
    )
    return complaint


@transaction.atomic
def complaint_submit(
    *, complaint: Complaint, proposal: str, actor: User, request=None
) -> Decision:
    """Put an admissible complaint to its panel."""
    _require(permissions.can_handle_complaints(actor))
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != ComplaintStatus.ADMISSIBLE or not complaint.panel:
        raise ValidationError(
            _("Only an admissible complaint with its panel goes to the Kerngroep.")
        )
    proposal = (proposal or "").strip()
    if not proposal:
        raise ValidationError({"proposal": _("Write the proposal to the Kerngroep.")})
    decision = decision_open(
        title=_("Complaint about %(name)s") % {"name": complaint.respondent.name},
        proposal=proposal,
        actor=actor,
        subject=complaint,
        request=request,
    )
    audit_record(
        actor=actor,
        action="complaint.submit",
        obj=complaint,
        organisation=complaint.respondent,
        request=request,
    )
    return decision


@seat_holders_for(Complaint)
def _complaint_seat_holders(decision: Decision) -> dict[str, int]:
    panel = (
        Complaint.objects.filter(pk=decision.subject_id)
        .values_list("panel", flat=True)
        .first()
    )
    return {seat: int(holder) for seat, holder in (panel or {}).items()}


@on_decided(Complaint)
def _complaint_decided(decision: Decision, *, actor: User) -> None:
    complaint = Complaint.objects.select_for_update().get(pk=decision.subject_id)
    complaint.status = ComplaintStatus.DECIDED
    complaint.outcome = decision.outcome
    complaint.decision_on = complaint.decision_on or decision.decided_on
    if not complaint.decision_text and decision.explanation:
        complaint.decision_text = decision.explanation
    complaint.full_clean()
    complaint.save()
    audit_record(
        actor=actor,
        action="complaint.decided",
        obj=complaint,
        organisation=complaint.respondent,
        details={"outcome": decision.outcome},
    )


# --- News for the parties -----------------------------------------------------------------


@transaction.atomic
def news_item_create(*, title: str, body: str, actor: User, request=None) -> NewsItem:
    _require(permissions.can_publish_news(actor))
    item = NewsItem(
        title=(title or "").strip(), body=(body or "").strip(), published_by=actor
    )
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="news.publish", obj=item, request=request)
    return item


# --- Mail ----------------------------------------------------------------------------------


def _secretariat_addresses() -> list[str]:
    return list(
        User.objects.filter(
            is_active=True, organisation__kind=OrganisationKind.SECRETARIAT
        ).values_list("email", flat=True)
    )


def _kerngroep_addresses() -> list[str]:
    seats = permissions.current_seats()
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(regular_seats__in=seats) | Q(deputy_seats__in=seats),
        )
        .values_list("email", flat=True)
        .distinct()
    )


def _admin_addresses(organisation_id: int) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            organisation_id=organisation_id,
            organisation_role=OrganisationRole.ADMIN,
        ).values_list("email", flat=True)
    )


def _link(name: str, pk: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"pk": pk})


def conduct_mail_send(*, kind: str, pk: int) -> int:
    """Send one of this area's mails; returns the number of recipients (0 when the
    object is gone)."""
    if kind in {"withdrawal_given", "withdrawal_taken_back"}:
        notice = (
            WithdrawalNotice.objects.select_related("organisation")
            .filter(pk=pk)
            .first()
        )
        if notice is None:
            return 0
        context = {
            "notice": notice,
            "link": _link("governance:withdrawal_detail", pk),
        }
        recipients = _secretariat_addresses() + _kerngroep_addresses()
    elif kind == "removal_reminder":
        reminder = (
            RemovalReminder.objects.select_related("removal__organisation")
            .filter(pk=pk)
            .first()
        )
        if reminder is None:
            return 0
        context = {
            "reminder": reminder,
            "removal": reminder.removal,
            "link": _link("governance:removal_detail", reminder.removal_id),
        }
        recipients = _admin_addresses(reminder.removal.organisation_id)
    elif kind == "complaint_filed":
        complaint = (
            Complaint.objects.select_related("complainant", "respondent")
            .filter(pk=pk)
            .first()
        )
        if complaint is None:
            return 0
        context = {
            "complaint": complaint,
            "link": _link("governance:complaint_detail", pk),
        }
        recipients = _secretariat_addresses()
    else:
        raise ValueError(f"unknown conduct mail {kind!r}")
    recipients = sorted(set(recipients))
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(
            f"governance/email/conduct_{kind}_subject.txt", context
        ).strip()
        body = render_to_string(f"governance/email/conduct_{kind}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)
