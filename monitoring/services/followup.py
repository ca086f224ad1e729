"""Writes for the follow-up of a judgement: improvement talks (art. 10) with their
invitations, notes and agreed actions, and the secretariat's review comments on answers
with the company's replies. Each service checks who may act, validates, saves, writes an
audit entry and mails only after the transaction commits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record

from .. import permissions
from ..models import (
    Answer,
    Assessment,
    ImprovementTalk,
    ReviewComment,
    TalkAction,
    TalkStatus,
)
from ..selectors import followup as selectors

TALK_FIELDS = (
    "scheduled_at",
    "duration_minutes",
    "location",
    "video_link",
    "participants",
    "management_present",
)


def _require_secretariat(actor) -> None:
    if not permissions.can_manage_monitoring(actor):
        raise PermissionDenied


def _check_place(location: str, video_link: str) -> None:
    if not (location or "").strip() and not (video_link or "").strip():
        raise ValidationError(
            {"location": _("Give a place or a video link (or both).")}
        )


def _send_invitation(talk: ImprovementTalk) -> None:
    from .. import tasks

    talk_id, sequence = talk.pk, talk.sequence
    transaction.on_commit(lambda: tasks.send_talk_invitation.delay(talk_id, sequence))


def _snapshot(talk: ImprovementTalk) -> dict[str, str]:
    return {field: str(getattr(talk, field)) for field in TALK_FIELDS}


@transaction.atomic
def talk_create(
    *,
    assessment: Assessment,
    scheduled_at: dt.datetime,
    duration_minutes: int,
    location: str = "",
    video_link: str = "",
    participants: str = "",
    management_present: bool,
    actor,
    request=None,
) -> ImprovementTalk:
    """Plan the improvement talk with a company judged orange or red, and mail its people
    an invitation with the event (.ics) once saved. The company's management should take
    part (art. 10); the view warns when it does not, the service does not refuse."""
    _require_secretariat(actor)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if selectors.latest_signal(assessment) not in selectors.TALK_SIGNALS:
        raise ValidationError(
            _("Only a company judged orange or red is invited to an improvement talk.")
        )
    if assessment.talks.filter(status=TalkStatus.PLANNED).exists():
        raise ValidationError(
            _("A talk is planned already; change or cancel that one instead.")
        )
    _check_place(location, video_link)
    talk = ImprovementTalk(
        assessment=assessment,
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        video_link=video_link.strip(),
        participants=participants.strip(),
        management_present=management_present,
        status=TalkStatus.PLANNED,
        created_by=actor,
    )
    talk.full_clean()
    talk.save()
    audit_record(
        actor=actor,
        action="talk.create",
        obj=talk,
        organisation=assessment.organisation,
        request=request,
        details={"fields": _snapshot(talk)},
    )
    _send_invitation(talk)
    return talk


def _locked_talk(talk: ImprovementTalk) -> ImprovementTalk:
    return ImprovementTalk.objects.select_for_update().get(pk=talk.pk)


@transaction.atomic
def talk_update(
    *,
    talk: ImprovementTalk,
    scheduled_at: dt.datetime,
    duration_minutes: int,
    location: str = "",
    video_link: str = "",
    participants: str = "",
    management_present: bool,
    actor,
    request=None,
) -> ImprovementTalk:
    """Change a planned talk. When anything changes the event's SEQUENCE goes up and the
    company gets the updated invitation; nothing changed sends nothing."""
    _require_secretariat(actor)
    talk = _locked_talk(talk)
    if talk.status != TalkStatus.PLANNED:
        raise ValidationError(_("Only a planned talk can be changed."))
    _check_place(location, video_link)
    before = _snapshot(talk)
    talk.scheduled_at = scheduled_at
    talk.duration_minutes = duration_minutes
    talk.location = location.strip()
    talk.video_link = video_link.strip()
    talk.participants = participants.strip()
    talk.management_present = management_present
    after = _snapshot(talk)
    if after == before:
        return talk
    talk.sequence += 1
    talk.full_clean()
    talk.save()
    audit_record(
        actor=actor,
        action="talk.update",
        obj=talk,
        organisation=talk.assessment.organisation,
        request=request,
        details={
            "changed": {
                field: [before[field], after[field]]
                for field in TALK_FIELDS
                if before[field] != after[field]
            },
            "sequence": talk.sequence,
        },
    )
    _send_invitation(talk)
    return talk


@transaction.atomic
def talk_cancel(*, talk: ImprovementTalk, actor, request=None) -> ImprovementTalk:
    """Cancel a planned talk; the company gets the cancellation (METHOD:CANCEL)."""
    _require_secretariat(actor)
    talk = _locked_talk(talk)
    if talk.status != TalkStatus.PLANNED:
        raise ValidationError(_("Only a planned talk can be cancelled."))
    talk.status = TalkStatus.CANCELLED
    talk.sequence += 1
    talk.full_clean()
    talk.save(update_fields=["status", "sequence"])
    audit_record(
        actor=actor,
        action="talk.cancel",
        obj=talk,
        organisation=talk.assessment.organisation,
        request=request,
        details={"sequence": talk.sequence},
    )
    _send_invitation(talk)
    return talk


@transaction.atomic
def talk_record(
    *, talk: ImprovementTalk, notes: str, actor, request=None
) -> ImprovementTalk:
    """Record the secretariat's notes of a talk that has started: the talk is held."""
    _require_secretariat(actor)
    talk = _locked_talk(talk)
    if talk.status == TalkStatus.CANCELLED:
        raise ValidationError(_("This talk was cancelled."))
    if talk.scheduled_at > timezone.now():
        raise ValidationError(
            {"notes": _("Notes can be recorded once the talk has started.")}
        )
    talk.notes = notes.strip()
    talk.status = TalkStatus.HELD
    talk.full_clean()
    talk.save(update_fields=["notes", "status"])
    audit_record(
        actor=actor,
        action="talk.record",
        obj=talk,
        organisation=talk.assessment.organisation,
        request=request,
        details={"status": talk.status},
    )
    return talk


@transaction.atomic
def talk_action_add(
    *, talk: ImprovementTalk, description: str, due_on: dt.date, actor, request=None
) -> TalkAction:
    """An action agreed in the talk, with the date it is due."""
    _require_secretariat(actor)
    talk = _locked_talk(talk)
    if talk.status == TalkStatus.CANCELLED:
        raise ValidationError(_("This talk was cancelled."))
    action = TalkAction(talk=talk, description=description.strip(), due_on=due_on)
    action.full_clean()
    action.save()
    audit_record(
        actor=actor,
        action="talk_action.add",
        obj=action,
        organisation=talk.assessment.organisation,
        request=request,
        details={"talk": talk.pk, "due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def talk_action_update(
    *,
    action: TalkAction,
    done_on: dt.date | None,
    follow_up: str,
    actor,
    request=None,
) -> TalkAction:
    """Follow up an agreed action: a note, and the day it was done (not in the future)."""
    _require_secretariat(actor)
    action = (
        TalkAction.objects.select_for_update().select_related("talk").get(pk=action.pk)
    )
    if action.talk.status == TalkStatus.CANCELLED:
        raise ValidationError(
            _("The talk was cancelled; its actions can no longer change.")
        )
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError({"done_on": _("An action cannot be done in the future.")})
    action.done_on = done_on
    action.follow_up = follow_up.strip()
    action.full_clean()
    action.save(update_fields=["done_on", "follow_up"])
    assessment = Assessment.objects.select_related("organisation").get(
        talks=action.talk_id
    )
    audit_record(
        actor=actor,
        action="talk_action.update",
        obj=action,
        organisation=assessment.organisation,
        request=request,
        details={"done_on": done_on.isoformat() if done_on else None},
    )
    return action


# --- Review comments -------------------------------------------------------------------

TOP_LEVEL_KINDS = (ReviewComment.Kind.COMMENT, ReviewComment.Kind.CLARIFICATION)


@transaction.atomic
def review_comment_add(
    *, answer: Answer, kind: str, text: str, actor, request=None
) -> ReviewComment:
    """The secretariat's remark on an answer of a submitted assessment, or a request for
    clarification, which the company is mailed about and can reply to."""
    _require_secretariat(actor)
    if kind not in TOP_LEVEL_KINDS:
        raise ValidationError({"kind": _("Choose a comment or a request.")})
    assessment = answer.assessment
    if assessment.submitted_at is None:
        raise ValidationError(_("The assessment has not been submitted yet."))
    comment = ReviewComment(answer=answer, kind=kind, text=text.strip(), author=actor)
    comment.full_clean()
    comment.save()
    audit_record(
        actor=actor,
        action=f"review_comment.{kind}",
        obj=comment,
        organisation=assessment.organisation,
        request=request,
        details={"question": answer.question_code},
    )
    if kind == ReviewComment.Kind.CLARIFICATION:
        from .. import tasks

        comment_id = comment.pk
        transaction.on_commit(
            lambda: tasks.send_clarification_request.delay(comment_id)
        )
    return comment


@transaction.atomic
def review_comment_reply(
    *, comment: ReviewComment, text: str, actor, request=None
) -> ReviewComment:
    """The company's reply to an open request for clarification on its own answer."""
    comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
    assessment = Assessment.objects.select_related("organisation").get(
        answers=comment.answer_id
    )
    if not permissions.is_own_assessment(actor, assessment):
        raise PermissionDenied
    if comment.kind != ReviewComment.Kind.CLARIFICATION:
        raise ValidationError(_("Only a request for clarification can be replied to."))
    if comment.resolved_at is not None:
        raise ValidationError(_("This request has been resolved already."))
    reply = ReviewComment(
        answer_id=comment.answer_id,
        parent=comment,
        kind=ReviewComment.Kind.REPLY,
        text=text.strip(),
        author=actor,
    )
    reply.full_clean()
    reply.save()
    audit_record(
        actor=actor,
        action="review_comment.reply",
        obj=reply,
        organisation=assessment.organisation,
        request=request,
        details={"parent": comment.pk},
    )
    return reply


@transaction.atomic
def review_comment_resolve(
    *, comment: ReviewComment, actor, request=None
) -> ReviewComment:
    """Mark a comment or request of the secretariat as dealt with."""
    _require_secretariat(actor)
    comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
    if comment.kind not in TOP_LEVEL_KINDS:
        raise ValidationError(_("Only a comment or a request can be resolved."))
    if comment.resolved_at is not None:
        raise ValidationError(_("This has been resolved already."))
    comment.resolved_at = timezone.now()
    comment.save(update_fields=["resolved_at"])
    assessment = Assessment.objects.select_related("organisation").get(
        answers=comment.answer_id
    )
    audit_record(
        actor=actor,
        action="review_comment.resolve",
        obj=comment,
        organisation=assessment.organisation,
        request=request,
    )
    return comment
