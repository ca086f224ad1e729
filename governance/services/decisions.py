"""Opening a Kerngroep decision and settling it.

A decision is about a subject that lives elsewhere (an accession application, a complaint,
a removal, a restricted-disclosure request). What a final outcome does to that subject is
registered here by the subject's own app with `on_decided`, so that this module knows no
subject and every subject keeps its own rules:

    @on_decided(AccessionApplication)
    def _accession_decided(decision, *, actor):
        ...

The handler runs inside the transaction that settles the decision: when it raises, the
decision stays open and nothing of the outcome is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record

from ..models import AgendaItem, Decision, DecisionStatus, FinalOutcome, User

Handler = Callable[..., None]
_HANDLERS: dict[str, Handler] = {}
SeatHolders = Callable[..., dict[str, int]]
_SEAT_HOLDERS: dict[str, SeatHolders] = {}


def on_decided(model: type[models.Model]) -> Callable[[Handler], Handler]:
    """Register what a final outcome does to subjects of `model`: the handler is called
    as handler(decision, actor=...) with decision.outcome already set."""

    def register(handler: Handler) -> Handler:
        _HANDLERS[model._meta.label_lower] = handler
        return handler

    return register


def seat_holders_for(model: type[models.Model]) -> Callable[[SeatHolders], SeatHolders]:
    """Register who holds the four seats for decisions about subjects of `model`, when
    that is not simply today's Kerngroep (a complaint's panel, art. 84): the function
    is called as func(decision) and returns {constituency: organisation id}."""

    def register(func: SeatHolders) -> SeatHolders:
        _SEAT_HOLDERS[model._meta.label_lower] = func
        return func

    return register


def _subject_label(decision: Decision) -> str | None:
    if decision.subject_type_id is None:
        return None
    return f"{decision.subject_type.app_label}.{decision.subject_type.model}"


def seat_holders(decision: Decision) -> dict[str, int] | None:
    """The organisations that hold the seats for this decision when its subject says
    so; None means today's Kerngroep seats."""
    label = _subject_label(decision)
    func = _SEAT_HOLDERS.get(label) if label else None
    return func(decision) if func is not None else None


def decision_for(subject: models.Model) -> Decision | None:
    """The newest decision about `subject`, if any."""
    return (
        Decision.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def decision_open(
    *,
    title: str,
    proposal: str,
    actor: User,
    subject: models.Model | None = None,
    agenda_item: AgendaItem | None = None,
    request=None,
) -> Decision:
    """Put a matter to the Kerngroep. A subject has at most one decision that is not yet
    decided."""
    if subject is not None:
        pending = decision_for(subject)
        if pending is not None and pending.status != DecisionStatus.DECIDED:
            raise ValidationError(
                _("The Kerngroep is already deciding on this: “%(title)s”.")
                % {"title": pending.title}
            )
    decision = Decision(
        title=title,
        proposal=proposal,
        agenda_item=agenda_item,
        created_by=actor,
    )
    if subject is not None:
        decision.subject_type = ContentType.objects.get_for_model(subject)
        decision.subject_id = subject.pk
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        action="decision.open",
        obj=decision,
        request=request,
        details={
            "subject": f"{decision.subject_type.model}:{decision.subject_id}"
            if subject is not None
            else "",
        },
    )
    return decision


@transaction.atomic
def decision_finalise(
    *,
    decision: Decision,
    outcome: str,
    actor: User,
    decided_on: dt.date | None = None,
    explanation: str | None = None,
    request=None,
) -> Decision:
    """Settle a decision as adopted or rejected and apply it to its subject. The vote
    services call this with the outcome the rules give; nothing else should decide."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == DecisionStatus.DECIDED:
        raise ValidationError(_("This decision has already been taken."))
    if outcome not in FinalOutcome.values:
        raise ValidationError(_("A decision is adopted or rejected."))
    decision.status = DecisionStatus.DECIDED
    decision.outcome = outcome
    decision.decided_on = decided_on or timezone.localdate()
    decision.recorded_by = actor
    if explanation is not None:
        decision.explanation = explanation
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        action="decision.decided",
        obj=decision,
        request=request,
        details={"outcome": outcome, "kerngroep": decision.kerngroep_outcome},
    )
    label = _subject_label(decision)
    handler = _HANDLERS.get(label) if label else None
    if handler is not None:
        handler(decision, actor=actor)
    return decision
