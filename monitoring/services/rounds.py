"""Monitoring rounds: creating and changing them, opening and closing, inviting the
participating companies and reminding those that have not submitted (art. 9-10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from convenant.models import AgreementYear
from governance.models import Organisation

from .. import permissions
from ..framework import FrameworkError, parse_thresholds, thresholds_to_dict
from ..models import (
    Assessment,
    AssessmentStatus,
    Framework,
    Round,
    RoundStatus,
    ScoreRecord,
)
from ..selectors.rounds import NOT_SUBMITTED, invitable_companies

# The statuses a round may move to from each status. A closed round can be opened again,
# for instance to give the companies more time.
ALLOWED_ROUND_CHANGES: dict[str, frozenset[str]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.OPEN}),
    RoundStatus.OPEN: frozenset({RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset({RoundStatus.OPEN}),
}

ROUND_FIELDS = (
    "agreement_year",
    "kind",
    "name",
    "framework",
    "opens_on",
    "closes_on",
    "thresholds",
)


def _require_manager(actor) -> None:
    if not permissions.can_manage_monitoring(actor):
        raise PermissionDenied


def checked_thresholds(thresholds: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The thresholds in the framework's `signal` shape, or None for the framework's
    own; raises ValidationError naming each wrong value."""
    if not thresholds:
        return None
    try:
        return thresholds_to_dict(parse_thresholds(thresholds))
    except FrameworkError as error:
        raise ValidationError(
            {"thresholds": [str(problem) for problem in error.problems]}
        ) from error


def _check_dates(opens_on: dt.date | None, closes_on: dt.date | None) -> None:
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError(
            {"closes_on": _("The round cannot close before it opens.")}
        )


def _snapshot(round_: Round) -> dict[str, str]:
    return {
        field: str(getattr(round_, f"{field}_id", None) or getattr(round_, field))
        for field in ROUND_FIELDS
    }


@transaction.atomic
def round_create(
    *,
    agreement_year: AgreementYear,
    kind: str,
    name: str,
    framework: Framework,
    opens_on: dt.date,
    closes_on: dt.date,
    thresholds: Mapping[str, Any] | None = None,
    actor,
    request=None,
) -> Round:
    """A new round in draft: nobody is invited yet. `thresholds` (the shape of a
    framework's `signal`) override the framework's; None keeps them."""
    _require_manager(actor)
    _check_dates(opens_on, closes_on)
    round_ = Round(
        agreement_year=agreement_year,
        kind=kind,
        name=name,
        framework=framework,
        opens_on=opens_on,
        closes_on=closes_on,
        thresholds=checked_thresholds(thresholds),
        status=RoundStatus.DRAFT,
        created_by=actor,
    )
    round_.full_clean()
    round_.save()
    audit_record(
        actor=actor,
        action="round.create",
        obj=round_,
        request=request,
        details={"fields": _snapshot(round_)},
    )
    return round_


@transaction.atomic
def round_update(
    *,
    round: Round,
    agreement_year: AgreementYear,
    kind: str,
    name: str,
    framework: Framework,
    opens_on: dt.date,
    closes_on: dt.date,
    thresholds: Mapping[str, Any] | None = None,
    actor,
    request=None,
) -> Round:
    """Change a round. Its framework version changes only while it is a draft; its
    thresholds only while no company has been judged under them."""
    _require_manager(actor)
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    _check_dates(opens_on, closes_on)
    thresholds = checked_thresholds(thresholds)
    errors: dict[str, list[str]] = {}
    if framework.pk != round_.framework_id and round_.status != RoundStatus.DRAFT:
        errors["framework"] = [
            _(
                "The round is %(status)s: its framework version can no longer change. "
                "Create a new round for another version."
            )
            % {"status": round_.get_status_display().lower()}
        ]
    if (
        thresholds != checked_thresholds(round_.thresholds)
        and ScoreRecord.objects.filter(assessment__round=round_).exists()
    ):
        errors["thresholds"] = [
            _(
                "Companies have been judged under this round's thresholds already; "
                "they can no longer change."
            )
        ]
    if errors:
        raise ValidationError(errors)
    before = _snapshot(round_)
    round_.agreement_year = agreement_year
    round_.kind = kind
    round_.name = name
    round_.framework = framework
    round_.opens_on = opens_on
    round_.closes_on = closes_on
    round_.thresholds = thresholds
    round_.full_clean()
    round_.save()
    after = _snapshot(round_)
    changes = {
        key: [before[key], after[key]] for key in after if before[key] != after[key]
    }
    if changes:
        audit_record(
            actor=actor,
            action="round.update",
            obj=round_,
            request=request,
            details={"changes": changes},
        )
    return round_


@transaction.atomic
def round_change_status(*, round: Round, status: str, actor, request=None) -> Round:
    """Open a draft round, close an open one, or open a closed one again."""
    _require_manager(actor)
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if status not in ALLOWED_ROUND_CHANGES[round_.status]:
        raise ValidationError(
            _("A round cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": RoundStatus(round_.status).label,
                "new": RoundStatus(status).label,
            }
        )
    before = round_.status
    round_.status = status
    round_.full_clean()
    round_.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="round.status",
        obj=round_,
        request=request,
        details={"from": before, "to": status},
    )
    return round_


@transaction.atomic
def round_invite(
    *,
    round: Round,
    organisations: Iterable[Organisation],
    actor,
    request=None,
) -> list[Assessment]:
    """Invite companies to a round: one assessment each, and a mail to each of their
    people. Companies invited before are left as they are, so inviting twice does no
    harm. Returns the assessments made now."""
    _require_manager(actor)
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError(
            _("The round is closed; open it again before inviting companies.")
        )
    by_pk = {organisation.pk: organisation for organisation in organisations}
    wanted = set(by_pk)
    eligible = set(
        invitable_companies().filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - eligible:
        raise ValidationError(
            _(
                "Only active companies that take part as a party can be invited to a "
                "round."
            )
        )
    invited = set(
        round_.assessments.filter(organisation_id__in=wanted).values_list(
            "organisation_id", flat=True
        )
    )
    now = timezone.now()
    new = [
        Assessment(
            round=round_,
            organisation_id=pk,
            status=AssessmentStatus.INVITED,
            invited_at=now,
        )
        for pk in sorted(wanted - invited)
    ]
    for assessment in new:
        # Uniqueness per round is certain: the round is locked and the invited ones
        # are left out; the database constraint still guards it.
        assessment.full_clean(validate_unique=False, validate_constraints=False)
    created = Assessment.objects.bulk_create(new)
    for assessment in created:
        audit_record(
            actor=actor,
            action="round.invite",
            obj=assessment,
            organisation=by_pk[assessment.organisation_id],
            request=request,
            details={"round": round_.pk},
        )
    ids = [assessment.pk for assessment in created]
    if ids:
        from ..tasks import send_round_invitation

        def send() -> None:
            for pk in ids:
                send_round_invitation.delay(pk)

        transaction.on_commit(send)
    return created


@dataclass(frozen=True)
class Reminders:
    """What `round_remind` did: who got a reminder, and who was left out because they
    had one today already."""

    sent: list[Assessment]
    skipped: list[Assessment]


def _reminded_today(assessment: Assessment, today: dt.date) -> bool:
    return (
        assessment.reminded_at is not None
        and timezone.localdate(assessment.reminded_at) == today
    )


@transaction.atomic
def round_remind(
    *,
    round: Round,
    actor,
    organisation: Organisation | None = None,
    request=None,
) -> Reminders:
    """Remind every invited company that has not submitted (or only `organisation`) by
    mail, at most once a day per company. Only an open round sends reminders. Asking
    for one company that was reminded today, or that has submitted, is refused."""
    _require_manager(actor)
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("Reminders go out only while the round is open."))
    assessments = round_.assessments.select_for_update().select_related("organisation")
    if organisation is not None:
        assessment = assessments.filter(organisation=organisation).first()
        if assessment is None:
            raise ValidationError(
                _("%(name)s is not invited to this round.") % {"name": organisation}
            )
        if assessment.status not in NOT_SUBMITTED:
            raise ValidationError(
                _("%(name)s has submitted already; it needs no reminder.")
                % {"name": organisation}
            )
        candidates = [assessment]
    else:
        candidates = list(assessments.filter(status__in=NOT_SUBMITTED))
    now = timezone.now()
    today = timezone.localdate(now)
    sent = [a for a in candidates if not _reminded_today(a, today)]
    skipped = [a for a in candidates if _reminded_today(a, today)]
    if organisation is not None and skipped:
        raise ValidationError(
            _(
                "%(name)s was reminded today already; a company gets at most one "
                "reminder a day."
            )
            % {"name": organisation}
        )
    for assessment in sent:
        assessment.reminded_at = now
    Assessment.objects.bulk_update(sent, ["reminded_at"])
    for assessment in sent:
        audit_record(
            actor=actor,
            action="round.remind",
            obj=assessment,
            organisation=assessment.organisation,
            request=request,
            details={"round": round_.pk},
        )
    ids = [assessment.pk for assessment in sent]
    if ids:
        from ..tasks import send_round_reminder

        def send() -> None:
            for pk in ids:
                send_round_reminder.delay(pk)

        transaction.on_commit(send)
    return Reminders(sent=sent, skipped=skipped)
