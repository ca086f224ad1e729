"""The follow-up of a judgement: the secretariat's queue of companies that need an
improvement talk, planning and changing talks, their notes and agreed actions; the
secretariat's review of a submission with comments and requests for clarification, and
the company's replies.

The secretariat does everything; a company's people see their own talks (without the
secretariat's notes) and reply to requests on their own answers; another company's pages
give 404, and everybody else gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.forms import add_service_errors
from governance.permissions import is_secretariat

from .. import permissions
from ..forms.followup import (
    CommentForm,
    ReplyForm,
    TalkActionForm,
    TalkActionUpdateForm,
    TalkForm,
    TalkNotesForm,
)
from ..models import ImprovementTalk, TalkStatus
from ..selectors import assessments as assessment_selectors
from ..selectors import followup as selectors
from ..services import followup as services
from .secretariat import SecretariatMixin


def _language() -> str:
    return (get_language() or "nl")[:2]


def _show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class FollowupAccessMixin(PermissionRequiredMixin):
    """The secretariat and company people; the selectors give a company only its own."""

    def has_permission(self) -> bool:
        user = self.request.user
        return permissions.is_company_user(user) or is_secretariat(user)


def _management_warning(request, talk: ImprovementTalk) -> None:
    if not talk.management_present:
        messages.warning(
            request,
            _(
                "The company's management does not take part. Article 10 asks "
                "management to take part in at least part of the talk."
            ),
        )


# --- The queue and planning ----------------------------------------------------------


class TalkQueueView(SecretariatMixin, View):
    def get(self, request):
        return render(
            request,
            "monitoring/followup/talk_queue.html",
            {"queue": selectors.talk_queue()},
        )


class TalkCreateView(SecretariatMixin, View):
    template_name = "monitoring/followup/talk_form.html"

    def get(self, request, pk: int):
        assessment = assessment_selectors.assessment_get(user=request.user, pk=pk)
        return render(
            request,
            self.template_name,
            {"form": TalkForm(), "assessment": assessment},
        )

    def post(self, request, pk: int):
        assessment = assessment_selectors.assessment_get(user=request.user, pk=pk)
        form = TalkForm(request.POST)
        if form.is_valid():
            try:
                talk = services.talk_create(
                    assessment=assessment,
                    **form.service_arguments(),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The talk was planned and the company was sent an invitation."),
                )
                _management_warning(request, talk)
                return redirect("monitoring:talk_detail", pk=talk.pk)
        return render(
            request, self.template_name, {"form": form, "assessment": assessment}
        )


def _talk_initial(talk: ImprovementTalk) -> dict[str, Any]:
    return {
        "scheduled_at": timezone.localtime(talk.scheduled_at),
        "duration_minutes": talk.duration_minutes,
        "location": talk.location,
        "video_link": talk.video_link,
        "participants": talk.participants,
        "management_present": talk.management_present,
    }


class TalkUpdateView(SecretariatMixin, View):
    template_name = "monitoring/followup/talk_form.html"

    def get(self, request, pk: int):
        talk = selectors.talk_get(user=request.user, pk=pk)
        return render(
            request,
            self.template_name,
            {
                "form": TalkForm(initial=_talk_initial(talk)),
                "assessment": talk.assessment,
                "talk": talk,
            },
        )

    def post(self, request, pk: int):
        talk = selectors.talk_get(user=request.user, pk=pk)
        form = TalkForm(request.POST)
        if form.is_valid():
            try:
                updated = services.talk_update(
                    talk=talk,
                    **form.service_arguments(),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if updated.sequence != talk.sequence:
                    messages.success(
                        request,
                        _("The talk was changed and the company was sent the update."),
                    )
                else:
                    messages.info(request, _("Nothing changed."))
                _management_warning(request, updated)
                return redirect("monitoring:talk_detail", pk=talk.pk)
        return render(
            request,
            self.template_name,
            {"form": form, "assessment": talk.assessment, "talk": talk},
        )


class TalkCancelView(SecretariatMixin, View):
    def post(self, request, pk: int):
        talk = selectors.talk_get(user=request.user, pk=pk)
        try:
            services.talk_cancel(talk=talk, actor=request.user, request=request)
        except ValidationError as error:
            _show_errors(request, error)
        else:
            messages.success(
                request,
                _("The talk was cancelled and the company was sent the cancellation."),
            )
        return redirect("monitoring:talk_detail", pk=pk)


# --- The talk page -------------------------------------------------------------------


def _action_rows(talk: ImprovementTalk) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "action": action,
            "overdue": selectors.is_overdue(action, today),
            "form": TalkActionUpdateForm(
                initial={"done_on": action.done_on, "follow_up": action.follow_up},
                prefix=f"action-{action.pk}",
            ),
        }
        for action in talk.actions.all()
    ]


def _render_talk(request, talk: ImprovementTalk, status: int = 200, **forms):
    secretariat = is_secretariat(request.user)
    rows = _action_rows(talk)
    failed = forms.pop("action_update", None)
    if failed is not None:
        for row in rows:
            if row["action"].pk == failed[0]:
                row["form"] = failed[1]
    context = {
        "talk": talk,
        "assessment": talk.assessment,
        "action_rows": rows,
        "secretariat": secretariat,
        "notes_form": forms.get("notes_form")
        or TalkNotesForm(initial={"notes": talk.notes}),
        "action_form": forms.get("action_form") or TalkActionForm(),
        "is_planned": talk.status == TalkStatus.PLANNED,
        "is_cancelled": talk.status == TalkStatus.CANCELLED,
    }
    return render(
        request, "monitoring/followup/talk_detail.html", context, status=status
    )


class TalkDetailView(FollowupAccessMixin, View):
    def get(self, request, pk: int):
        return _render_talk(request, selectors.talk_get(user=request.user, pk=pk))


class TalkNotesView(SecretariatMixin, View):
    def post(self, request, pk: int):
        talk = selectors.talk_get(user=request.user, pk=pk)
        form = TalkNotesForm(request.POST)
        if form.is_valid():
            try:
                services.talk_record(
                    talk=talk,
                    notes=form.cleaned_data["notes"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The notes were saved; the talk is held."))
                return redirect("monitoring:talk_detail", pk=pk)
        return _render_talk(request, talk, notes_form=form)


class TalkActionAddView(SecretariatMixin, View):
    def post(self, request, pk: int):
        talk = selectors.talk_get(user=request.user, pk=pk)
        form = TalkActionForm(request.POST)
        if form.is_valid():
            try:
                services.talk_action_add(
                    talk=talk,
                    **form.cleaned_data,
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The action was added."))
                return redirect("monitoring:talk_detail", pk=pk)
        return _render_talk(request, talk, action_form=form)


class TalkActionUpdateView(SecretariatMixin, View):
    def post(self, request, pk: int):
        action = selectors.talk_action_get(user=request.user, pk=pk)
        form = TalkActionUpdateForm(request.POST, prefix=f"action-{action.pk}")
        if form.is_valid():
            try:
                services.talk_action_update(
                    action=action,
                    **form.cleaned_data,
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The follow-up was saved."))
                return redirect("monitoring:talk_detail", pk=action.talk_id)
        talk = selectors.talk_get(user=request.user, pk=action.talk_id)
        return _render_talk(request, talk, action_update=(action.pk, form))


class TalkListView(FollowupAccessMixin, View):
    """A company's talks and agreed actions for one assessment."""

    def get(self, request, pk: int):
        assessment = assessment_selectors.assessment_get(user=request.user, pk=pk)
        talks = selectors.talk_list(user=request.user, assessment=assessment)
        today = timezone.localdate()
        return render(
            request,
            "monitoring/followup/talk_list.html",
            {
                "assessment": assessment,
                "secretariat": is_secretariat(request.user),
                "talks": [
                    {
                        "talk": talk,
                        "actions": [
                            {
                                "action": action,
                                "overdue": selectors.is_overdue(action, today),
                            }
                            for action in talk.actions.all()
                        ],
                    }
                    for talk in talks
                ],
            },
        )


# --- Review comments -----------------------------------------------------------------


def _render_review(request, assessment, failed: tuple[int, CommentForm] | None = None):
    rows = selectors.review_rows(assessment=assessment, language=_language())
    forms = {
        row.answer.pk: CommentForm(prefix=f"answer-{row.answer.pk}") for row in rows
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render(
        request,
        "monitoring/followup/assessment_review.html",
        {
            "assessment": assessment,
            "rows": [{"row": row, "form": forms[row.answer.pk]} for row in rows],
            "latest_judgement": assessment_selectors.latest_judgement(assessment),
        },
    )


class AssessmentReviewSecretariatView(SecretariatMixin, View):
    def get(self, request, pk: int):
        assessment = assessment_selectors.assessment_get(user=request.user, pk=pk)
        return _render_review(request, assessment)


class CommentAddView(SecretariatMixin, View):
    def post(self, request, pk: int):
        answer = selectors.answer_get(user=request.user, pk=pk)
        form = CommentForm(request.POST, prefix=f"answer-{answer.pk}")
        if form.is_valid():
            try:
                services.review_comment_add(
                    answer=answer,
                    **form.cleaned_data,
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your comment was added."))
                return redirect(
                    "monitoring:assessment_review_secretariat",
                    pk=answer.assessment_id,
                )
        assessment = assessment_selectors.assessment_get(
            user=request.user, pk=answer.assessment_id
        )
        return _render_review(request, assessment, failed=(answer.pk, form))


class CommentResolveView(SecretariatMixin, View):
    def post(self, request, pk: int):
        comment = selectors.comment_get(user=request.user, pk=pk)
        try:
            services.review_comment_resolve(
                comment=comment, actor=request.user, request=request
            )
        except ValidationError as error:
            _show_errors(request, error)
        else:
            messages.success(request, _("Marked as resolved."))
        return redirect(
            "monitoring:assessment_review_secretariat",
            pk=comment.answer.assessment_id,
        )


def _render_clarifications(request, assessment, failed=None):
    requests_ = selectors.open_clarifications(assessment=assessment)
    rows = []
    for comment in requests_:
        form = ReplyForm(prefix=f"comment-{comment.pk}")
        if failed is not None and failed[0] == comment.pk:
            form = failed[1]
        rows.append({"comment": comment, "form": form})
    return render(
        request,
        "monitoring/followup/clarification_list.html",
        {
            "assessment": assessment,
            "rows": rows,
            "is_own": permissions.is_own_assessment(request.user, assessment),
        },
    )


class ClarificationListView(FollowupAccessMixin, View):
    def get(self, request, pk: int):
        assessment = assessment_selectors.assessment_get(user=request.user, pk=pk)
        return _render_clarifications(request, assessment)


class CommentReplyView(FollowupAccessMixin, View):
    def post(self, request, pk: int):
        comment = selectors.comment_get(user=request.user, pk=pk)
        if not permissions.is_own_assessment(request.user, comment.answer.assessment):
            # Only the company replies; the secretariat comments with comment_add.
            raise PermissionDenied
        assessment_id = comment.answer.assessment_id
        form = ReplyForm(request.POST, prefix=f"comment-{comment.pk}")
        if form.is_valid():
            try:
                services.review_comment_reply(
                    comment=comment,
                    text=form.cleaned_data["text"],
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your reply was sent to the secretariat."))
                return redirect("monitoring:clarification_list", pk=assessment_id)
        assessment = assessment_selectors.assessment_get(
            user=request.user, pk=assessment_id
        )
        return _render_clarifications(request, assessment, failed=(comment.pk, form))
