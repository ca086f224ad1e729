"""The company's side of the monitoring tool: its assessments, the company profile, the
questionnaire step by step with autosave and evidence, the review before submitting, and
the results.

A company's people see and change their own assessments only (another company's give
404); the secretariat opens every assessment's pages read-only, since it reviews them;
everybody else gets 403. Answers change only through the services, which ask
`permissions.can_change_answer`.

Saving: each answer is its own small form inside the step's form. With htmx an answer is
posted to `answer_save` as soon as it changes (text after a pause in typing) and only the
answer's status area is swapped back, never the fields being typed in. Without JavaScript
the step's Save button posts every answer of the step at once. Either way, a save that
fails keeps what was typed in the form and says why; a save over a newer revision is not
made, and both versions are shown so the person can choose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from convenant.access import PermissionRequiredMixin
from convenant.audit import audit_record
from convenant.uploads import attachment_response
from governance.models import CsrdCategory
from governance.permissions import is_secretariat
from ketenkaart.selectors import transparency_figures

from .. import permissions
from ..forms.company import AnswerForm, EvidenceForm, ProfileForm
from ..models import Answer, Assessment, Evidence
from ..selectors import assessments as selectors
from ..services import assessments as services
from ..services import judgements

FRAGMENT_HEADER = "X-Convenant-Fragment"


def _language() -> str:
    return (get_language() or "nl")[:2]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _messages_of(error: ValidationError) -> list[str]:
    return list(error.messages)


class AssessmentAccessMixin(PermissionRequiredMixin):
    """Company people (their own assessments) and the secretariat (read-only); 403 for
    everybody else. An htmx request after the session ended gets 401, so that the page
    can say so and keep what was typed, instead of a sign-in page swapped into it."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated and _is_htmx(request):
            response = HttpResponse(
                _("Your session has ended. Sign in again to save."),
                status=401,
                content_type="text/plain; charset=utf-8",
            )
            return response
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self) -> bool:
        user = self.request.user
        return permissions.is_company_user(user) or is_secretariat(user)

    def get_assessment(self, pk: int) -> Assessment:
        return selectors.assessment_get(user=self.request.user, pk=pk)


def _header_context(request, assessment: Assessment) -> dict[str, Any]:
    framework = assessment.round.framework.parsed
    return {
        "assessment": assessment,
        "first_step": framework.steps[0].code,
        "is_own": permissions.is_own_assessment(request.user, assessment),
        "read_only_reviewer": is_secretariat(request.user)
        and not permissions.is_own_assessment(request.user, assessment),
        "latest_judgement": selectors.latest_judgement(assessment),
    }


# --- My assessments -----------------------------------------------------------------------


class AssessmentListView(PermissionRequiredMixin, View):
    def has_permission(self) -> bool:
        return permissions.is_company_user(self.request.user)

    def get(self, request):
        rows = selectors.assessment_list(user=request.user)
        return render(
            request, "monitoring/company/assessment_list.html", {"rows": rows}
        )


# --- The company profile ------------------------------------------------------------------


def _profile_editable(user, assessment: Assessment) -> bool:
    return (
        permissions.can_fill_in(user, assessment)
        and assessment.status in permissions.EDITABLE_STATUSES
    )


class AssessmentProfileView(AssessmentAccessMixin, View):
    template_name = "monitoring/company/profile.html"

    def render_page(self, assessment: Assessment, form: ProfileForm, status=200):
        editable = _profile_editable(self.request.user, assessment)
        context = {
            **_header_context(self.request, assessment),
            "form": form,
            "editable": editable,
            "profile_facts": _profile_facts(assessment),
            "copy_source": (
                selectors.copy_forward_source(assessment)
                if editable and not assessment.answered_count
                else None
            ),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        assessment = self.get_assessment(pk)
        form = ProfileForm(initial=ProfileForm.initial_for(assessment))
        return self.render_page(assessment, form)

    def post(self, request, pk: int):
        assessment = self.get_assessment(pk)
        if not _profile_editable(request.user, assessment):
            raise PermissionDenied(
                services.refusal_reason(request.user, assessment, None)
            )
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_save(
                    assessment=assessment,
                    profile=form.profile(),
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                for message in _messages_of(error):
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _(
                        "The company profile was saved. The questions below apply to it."
                    ),
                )
                first = assessment.round.framework.parsed.steps[0].code
                return redirect("monitoring:assessment_step", pk=pk, step=first)
        return self.render_page(assessment, form)


def _profile_facts(assessment: Assessment) -> list[tuple[str, str]]:
    """The stored profile as (label, value) lines, for reading."""
    profile = assessment.profile or {}
    form = ProfileForm()
    facts = []
    categories = dict(CsrdCategory.choices)
    for key, bound_field in form.fields.items():
        if key not in profile:
            continue
        value = profile[key]
        if isinstance(value, bool):
            shown = _("Yes") if value else _("No")
        elif key == "csrd_category":
            shown = str(categories.get(value, value))
        else:
            shown = str(value)
        facts.append((str(bound_field.label), shown))
    return facts


# --- The questionnaire --------------------------------------------------------------------


@dataclass
class AnswerState:
    """What happened to the last save of an answer, for its status area."""

    saved: Answer | None = None
    errors: list[str] = field(default_factory=list)
    refused: str = ""
    conflict: Answer | None = None
    conflict_labels: list[str] = field(default_factory=list)
    mine_labels: list[str] = field(default_factory=list)
    mine_explanation: str = ""
    evidence_errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(
            self.errors or self.refused or self.conflict or self.evidence_errors
        )


@dataclass
class QuestionBlock:
    item: selectors.QuestionItem
    form: AnswerForm
    state: AnswerState

    @property
    def prefix(self) -> str:
        return self.item.prefix


def _block(
    item: selectors.QuestionItem,
    form: AnswerForm | None = None,
    state: AnswerState | None = None,
) -> QuestionBlock:
    return QuestionBlock(
        item=item,
        form=form or AnswerForm.for_answer(item=item),
        state=state or AnswerState(),
    )


def _unchanged(form: AnswerForm) -> bool:
    """Whether the posted answer is what the form was shown with (so a Save of the whole
    step does not touch answers the person left alone)."""
    question = form.question
    try:
        value = services.answer_value_clean(question, form.cleaned_data.get("answer"))
        explanation = services.explanation_clean(
            question, form.cleaned_data.get("explanation")
        )
    except ValidationError:
        return False
    return services.answer_digest(value, explanation) == form.cleaned_data.get("digest")


def _save_answer(request, assessment, item, form: AnswerForm) -> AnswerState:
    """Try to save one answer form; the state says how it went. On failure the form
    keeps what was typed, with the messages beside its fields."""
    state = AnswerState()
    if not form.is_valid():
        state.errors = [
            str(message) for errors in form.errors.values() for message in errors
        ] or [_("The form was incomplete; reload the page and try again.")]
        return state
    try:
        answer = services.answer_save(
            assessment=assessment,
            question_code=item.code,
            value=form.cleaned_data.get("answer"),
            explanation=form.cleaned_data.get("explanation"),
            revision=form.starting_revision(),
            actor=request.user,
            request=request,
        )
    except services.StaleAnswer as stale:
        state.conflict = stale.answer
        state.conflict_labels = selectors.answer_labels(
            item.question, item.options, stale.answer
        )
        typed = Answer(value=_typed_value(form), explanation="")
        state.mine_labels = selectors.answer_labels(item.question, item.options, typed)
        state.mine_explanation = (form.cleaned_data.get("explanation") or "").strip()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, field_messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, field_messages)
        state.errors = _messages_of(error)
    except PermissionDenied as error:
        state.refused = str(error) or services.refusal_reason(
            request.user, assessment, item.code
        )
    else:
        state.saved = answer
    return state


def _typed_value(form: AnswerForm):
    try:
        return services.answer_value_clean(
            form.question, form.cleaned_data.get("answer")
        )
    except ValidationError:
        return form.cleaned_data.get("answer")


def _saved_block(request, assessment, item, state: AnswerState) -> QuestionBlock:
    """The block after a successful save: the form shows the new revision."""
    fresh = selectors.question_get(
        user=request.user,
        assessment=assessment,
        question_code=item.code,
        language=_language(),
    )
    return _block(fresh, state=state)


def _step_context(request, page: selectors.StepPage, blocks) -> dict[str, Any]:
    context = _header_context(request, page.assessment)
    read_only_reason = ""
    if context["is_own"] and not page.editable:
        read_only_reason = services.refusal_reason(request.user, page.assessment, None)
    return {
        **context,
        "page": page,
        "blocks": blocks,
        "evidence_form": EvidenceForm(),
        "read_only_reason": read_only_reason,
    }


class AssessmentStepView(AssessmentAccessMixin, View):
    template_name = "monitoring/company/step.html"

    def get(self, request, pk: int, step: str):
        assessment = self.get_assessment(pk)
        if assessment.profile_completed_at is None and _profile_editable(
            request.user, assessment
        ):
            messages.info(
                request,
                _(
                    "Fill in the company profile first: it decides which questions apply."
                ),
            )
            return redirect("monitoring:assessment_profile", pk=pk)
        page = selectors.questionnaire_step(
            user=request.user,
            assessment=assessment,
            step_code=step,
            language=_language(),
        )
        blocks = [_block(item) for item in page.items]
        return render(request, self.template_name, _step_context(request, page, blocks))

    def post(self, request, pk: int, step: str):
        """Save the whole step (the Save button without JavaScript): every answer the
        person changed, the documents chosen, and a document to remove."""
        assessment = self.get_assessment(pk)
        page = selectors.questionnaire_step(
            user=request.user,
            assessment=assessment,
            step_code=step,
            language=_language(),
        )
        if not page.editable:
            raise PermissionDenied(
                services.refusal_reason(request.user, assessment, None)
            )
        kept_forms: dict[str, AnswerForm] = {}
        states: dict[str, AnswerState] = {}
        for item in page.items:
            if not item.editable:
                continue
            if request.POST.get(f"{item.prefix}-resolve") == "theirs":
                continue  # shown again as stored
            form = AnswerForm.for_answer(item=item, data=request.POST)
            if f"{item.prefix}-revision" not in request.POST:
                state = AnswerState()  # not on the page that was posted
            elif (
                form.is_valid()
                and _unchanged(form)
                and not form.cleaned_data.get("overwrite")
            ):
                state = AnswerState()
            else:
                state = _save_answer(request, assessment, item, form)
                if state.failed:
                    kept_forms[item.prefix] = form
            upload = request.FILES.get(f"{item.prefix}-file")
            if upload is not None:
                try:
                    services.evidence_add(
                        assessment=assessment,
                        question_code=item.code,
                        file=upload,
                        actor=request.user,
                        request=request,
                    )
                except (ValidationError, PermissionDenied) as error:
                    state.evidence_errors = (
                        _messages_of(error)
                        if isinstance(error, ValidationError)
                        else [str(error)]
                    )
            states[item.prefix] = state
        remove = request.POST.get("remove")
        if remove:
            self._remove(request, page, remove, states)

        if not any(state.failed for state in states.values()):
            messages.success(request, _("Your answers were saved."))
            target = step
            if "next" in request.POST and page.next_step:
                target = page.next_step
            return redirect("monitoring:assessment_step", pk=pk, step=target)
        messages.error(
            request,
            _(
                "Not everything could be saved; see the messages at the questions "
                "below. What you typed is still there."
            ),
        )
        page = selectors.questionnaire_step(
            user=request.user,
            assessment=assessment,
            step_code=step,
            language=_language(),
        )
        blocks = [
            _block(item, kept_forms.get(item.prefix), states.get(item.prefix))
            for item in page.items
        ]
        return render(request, self.template_name, _step_context(request, page, blocks))

    def _remove(self, request, page, remove: str, states) -> None:
        documents = {
            str(document.pk): (item, document)
            for item in page.items
            for document in item.evidence
        }
        if remove not in documents:
            return
        item, document = documents[remove]
        try:
            services.evidence_delete(
                evidence=document, actor=request.user, request=request
            )
        except PermissionDenied as error:
            states.setdefault(item.prefix, AnswerState()).evidence_errors = [str(error)]


def _fragment(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(render_to_string(template, context, request), status=status)
    response[FRAGMENT_HEADER] = "1"
    return response


def _state_status(state: AnswerState) -> int:
    if state.conflict is not None:
        return 409
    if state.refused:
        return 403
    if state.errors:
        return 422
    return 200


class AnswerSaveView(AssessmentAccessMixin, View):
    """POST: save one answer. With htmx the answer's status area comes back (200 saved,
    409 conflict, 422 invalid, 403 refused); without, the step page. GET: the whole
    question as stored, which is how "take their version" refreshes it."""

    def _item(self, assessment, code: str):
        return selectors.question_get(
            user=self.request.user,
            assessment=assessment,
            question_code=code,
            language=_language(),
        )

    def get(self, request, pk: int, code: str):
        assessment = self.get_assessment(pk)
        item = self._item(assessment, code)
        return _fragment(
            request,
            "monitoring/company/partials/question.html",
            {
                "block": _block(item),
                "assessment": assessment,
                "evidence_form": EvidenceForm(),
            },
        )

    def post(self, request, pk: int, code: str):
        assessment = self.get_assessment(pk)
        item = self._item(assessment, code)
        form = AnswerForm.for_answer(item=item, data=request.POST)
        if item.editable:
            state = _save_answer(request, assessment, item, form)
        else:
            # Refused before reading the form, whatever was posted.
            state = AnswerState(
                refused=services.refusal_reason(request.user, assessment, code)
            )
        if state.saved is not None:
            block = _saved_block(request, assessment, item, state)
        else:
            block = _block(item, form, state)
        if _is_htmx(request):
            return _fragment(
                request,
                "monitoring/company/partials/answer_state.html",
                {"block": block, "assessment": assessment},
                status=_state_status(state),
            )
        step_url = reverse(
            "monitoring:assessment_step", kwargs={"pk": pk, "step": item.step_code}
        )
        if state.saved is not None:
            messages.success(request, _("Your answer was saved."))
            return HttpResponseRedirect(f"{step_url}#{item.prefix}")
        if state.refused:
            raise PermissionDenied(state.refused)
        page = selectors.questionnaire_step(
            user=request.user,
            assessment=assessment,
            step_code=item.step_code,
            language=_language(),
        )
        blocks = [
            block if other.code == item.code else _block(other) for other in page.items
        ]
        return render(
            request,
            AssessmentStepView.template_name,
            _step_context(request, page, blocks),
            status=_state_status(state),
        )


# --- Evidence -----------------------------------------------------------------------------


def _evidence_fragment(request, assessment, code: str, errors=(), status=200):
    item = selectors.question_get(
        user=request.user,
        assessment=assessment,
        question_code=code,
        language=_language(),
    )
    return _fragment(
        request,
        "monitoring/company/partials/evidence.html",
        {
            "block": _block(item, state=AnswerState(evidence_errors=list(errors))),
            "assessment": assessment,
            "evidence_form": EvidenceForm(),
        },
        status=status,
    )


def _back_to_question(assessment: Assessment, code: str) -> HttpResponseRedirect:
    framework = assessment.round.framework.parsed
    step = framework.step_of(code).code
    url = reverse(
        "monitoring:assessment_step", kwargs={"pk": assessment.pk, "step": step}
    )
    return HttpResponseRedirect(f"{url}#{selectors.question_prefix(framework, code)}")


class EvidenceUploadView(AssessmentAccessMixin, View):
    def post(self, request, pk: int, code: str):
        assessment = self.get_assessment(pk)
        item = selectors.question_get(
            user=request.user,
            assessment=assessment,
            question_code=code,
            language=_language(),
        )
        upload = request.FILES.get(f"{item.prefix}-file") or request.FILES.get("file")
        errors: list[str] = []
        status = 200
        if not item.editable:
            errors = [services.refusal_reason(request.user, assessment, code)]
            status = 403
        elif upload is None:
            errors, status = [_("Choose a document first.")], 422
        else:
            try:
                services.evidence_add(
                    assessment=assessment,
                    question_code=code,
                    file=upload,
                    actor=request.user,
                    request=request,
                )
            except ValidationError as error:
                errors, status = _messages_of(error), 422
            except PermissionDenied as error:
                errors, status = [str(error)], 403
        if _is_htmx(request):
            return _evidence_fragment(request, assessment, code, errors, status)
        if status == 403:
            raise PermissionDenied(errors[0])
        for message in errors:
            messages.error(request, message)
        if not errors:
            messages.success(
                request, _("“%(name)s” was added.") % {"name": upload.name}
            )
        return _back_to_question(assessment, code)


def _evidence(request, pk: int) -> Evidence:
    return selectors.evidence_get(user=request.user, pk=pk)


class EvidenceDownloadView(AssessmentAccessMixin, View):
    """The document as an attachment, never shown inline, so a file can never run as a
    page of this site. The secretariat's downloads are confidential reads: audited."""

    def get(self, request, pk: int):
        evidence = _evidence(request, pk)
        assessment = evidence.answer.assessment
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        if not permissions.is_own_assessment(request.user, assessment):
            audit_record(
                actor=request.user,
                action="evidence.download",
                obj=evidence,
                organisation=assessment.organisation,
                request=request,
                details={
                    "question": evidence.answer.question_code,
                    "name": evidence.original_name,
                },
            )
        return attachment_response(
            handle, name=evidence.original_name, content_type=evidence.content_type
        )


class EvidenceDeleteView(AssessmentAccessMixin, View):
    def post(self, request, pk: int):
        evidence = _evidence(request, pk)
        assessment = self.get_assessment(evidence.answer.assessment_id)
        code = evidence.answer.question_code
        errors: list[str] = []
        status = 200
        try:
            services.evidence_delete(
                evidence=evidence, actor=request.user, request=request
            )
        except PermissionDenied as error:
            errors, status = [str(error)], 403
        if _is_htmx(request):
            return _evidence_fragment(request, assessment, code, errors, status)
        if status == 403:
            raise PermissionDenied(errors[0])
        messages.success(
            request, _("“%(name)s” was removed.") % {"name": evidence.original_name}
        )
        return _back_to_question(assessment, code)


# --- Review, submit, results --------------------------------------------------------------


class AssessmentReviewView(AssessmentAccessMixin, View):
    def get(self, request, pk: int):
        assessment = self.get_assessment(pk)
        review = selectors.review_missing(assessment=assessment, language=_language())
        can_submit = _profile_editable(request.user, assessment)
        # The ketenkaart's figures of the round's year, beside the answers on
        # supply-chain transparency (art. 18).
        figures = transparency_figures(
            assessment.organisation, assessment.round.opens_on.year
        )
        return render(
            request,
            "monitoring/company/review.html",
            {
                **_header_context(request, assessment),
                "review": review,
                "can_submit": can_submit,
                "figures": figures if figures.has_figures else None,
            },
        )


class AssessmentSubmitView(AssessmentAccessMixin, View):
    def post(self, request, pk: int):
        assessment = self.get_assessment(pk)
        try:
            judgements.assessment_submit(
                assessment=assessment, actor=request.user, request=request
            )
        except ValidationError as error:
            for message in _messages_of(error):
                messages.error(request, message)
            return redirect("monitoring:assessment_review", pk=pk)
        messages.success(
            request,
            _("Your self-assessment was submitted and scored. Here is the result."),
        )
        return redirect("monitoring:assessment_result", pk=pk)


class AssessmentResultView(AssessmentAccessMixin, View):
    def get(self, request, pk: int):
        assessment = self.get_assessment(pk)
        results = selectors.assessment_results(
            user=request.user, assessment=assessment, language=_language()
        )
        return render(
            request,
            "monitoring/company/result.html",
            {**_header_context(request, assessment), "results": results},
        )


class AssessmentResubmitView(AssessmentAccessMixin, View):
    def post(self, request, pk: int):
        assessment = self.get_assessment(pk)
        try:
            judgements.assessment_resubmit(
                assessment=assessment, actor=request.user, request=request
            )
        except ValidationError as error:
            for message in _messages_of(error):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Your improved answers were scored: this is the final judgement."),
            )
        return redirect("monitoring:assessment_result", pk=pk)


class AssessmentCopyForwardView(AssessmentAccessMixin, View):
    def post(self, request, pk: int):
        assessment = self.get_assessment(pk)
        try:
            copied = services.assessment_copy_forward(
                assessment=assessment, actor=request.user, request=request
            )
        except ValidationError as error:
            for message in _messages_of(error):
                messages.error(request, message)
            return redirect("monitoring:assessment_list")
        if copied.source is None:
            messages.info(
                request, _("There is no earlier self-assessment to copy from.")
            )
        else:
            messages.success(
                request,
                _(
                    "%(count)d answers with their explanations were copied from "
                    "%(round)s. Documents are not copied: add them again where needed. "
                    "Check every answer before you submit."
                )
                % {"count": copied.copied, "round": copied.source.round.name},
            )
        if assessment.profile_completed_at is None:
            return redirect("monitoring:assessment_profile", pk=pk)
        first = assessment.round.framework.parsed.steps[0].code
        return redirect("monitoring:assessment_step", pk=pk, step=first)
