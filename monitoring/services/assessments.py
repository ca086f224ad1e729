"""Every write of a company's self-assessment: the company profile, the answers with their
explanations, the evidence documents, and copying last round's answers forward.
Submission and the judgements are in judgements.py.

Each service locks the assessment row first, so that a save and a submission of the same
assessment never interleave, checks `monitoring.permissions` on the locked row, and
raises PermissionDenied (with a message saying why) or ValidationError; nothing is written
when it raises.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from convenant.models import AuditEntry
from governance.models import User

from .. import permissions
from ..evidence import check_upload
from ..framework import (
    BOOLEAN_VALUES,
    CSRD_CATEGORIES,
    PROFILE_FLAGS,
    Framework,
    Question,
)
from ..models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    RoundStatus,
)
from ..selectors.assessments import applicable_codes, copy_forward_source

# Long enough for any explanation a compliance officer writes; short enough that nobody
# stores a whole report in a text field instead of uploading it.
MAX_TEXT_LENGTH = 20_000


class StaleAnswer(Exception):
    """Someone saved the answer after the revision the person started from. `answer` is
    the newer answer as stored; nothing was overwritten."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(
            f"answer {answer.question_code} is at revision {answer.revision} now"
        )
        self.answer = answer


@dataclass(frozen=True)
class CopyForward:
    """How many answers were copied, and from which earlier assessment."""

    copied: int
    source: Assessment | None


# --- Reading the locked assessment and deciding -----------------------------------------


def _locked(pk: int) -> Assessment:
    """The assessment, locked until the transaction ends; its judgements are loaded for
    `permissions.editable_question_codes`."""
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("round__framework", "organisation")
        .prefetch_related("scores")
        .get(pk=pk)
    )


def refusal_reason(user, assessment: Assessment, question_code: str | None) -> str:
    """Why `user` may not change `assessment` (or the answer to `question_code`), in
    words for the person."""
    if not permissions.is_own_assessment(user, assessment):
        return _("Only the company itself can change its self-assessment.")
    if assessment.status in permissions.EDITABLE_STATUSES:
        if assessment.round.status != RoundStatus.OPEN:
            return _("The round is closed; the answers can no longer change.")
    elif assessment.status == AssessmentStatus.IMPROVING:
        closes_on = assessment.window_closes_on
        if closes_on is not None and timezone.localdate() > closes_on:
            return _(
                "The improvement window closed on %(date)s; the answers can no longer "
                "change."
            ) % {"date": closes_on.isoformat()}
        if question_code is not None:
            return _(
                "In the improvement window only the parts scored insufficient can "
                "change; question %(code)s is read-only."
            ) % {"code": question_code}
        return _(
            "In the improvement window only the parts scored insufficient can change; "
            "none of them is in this step."
        )
    else:
        return _(
            "The self-assessment has been submitted; its answers can no longer change."
        )
    return _("This can no longer change.")


def _require_change(user, assessment: Assessment, question_code: str) -> None:
    if not permissions.can_change_answer(user, assessment, question_code):
        raise PermissionDenied(refusal_reason(user, assessment, question_code))


def _question(assessment: Assessment, question_code: str) -> Question:
    try:
        return assessment.round.framework.parsed.question(question_code)
    except KeyError:
        raise ValidationError(
            _("This self-assessment has no question “%(code)s”.")
            % {"code": question_code},
            code="unknown_question",
        ) from None


def _require_applies(assessment: Assessment, question: Question) -> None:
    if not question.applies_if.holds(assessment.profile):
        raise ValidationError(
            _("Question %(code)s does not apply to your company profile.")
            % {"code": question.code},
            code="not_applicable",
        )


def _recount(assessment: Assessment, framework: Framework) -> None:
    """Set how many questions apply to the profile and how many of those are answered.
    Answers to questions that no longer apply are kept (the profile may change back)
    but not counted."""
    applicable = applicable_codes(framework, assessment.profile)
    answered = set(
        Answer.objects.filter(assessment=assessment, value__isnull=False).values_list(
            "question_code", flat=True
        )
    )
    assessment.applicable_count = len(applicable)
    assessment.answered_count = len(applicable & answered)


def _touch(assessment: Assessment) -> None:
    """After a change of the profile or the answers: started, and counted again."""
    fields = ["answered_count", "applicable_count"]
    if assessment.status == AssessmentStatus.INVITED:
        assessment.status = AssessmentStatus.IN_PROGRESS
        fields.append("status")
    _recount(assessment, assessment.round.framework.parsed)
    # Only counters and the status change here, all derived by this module.
    assessment.save(update_fields=fields)


# --- The company profile ------------------------------------------------------------------


def profile_clean(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The profile facts that decide which questions apply: recycler, cahra_sourcing and
    sources_3tg (true or false), csrd_category and fte (a whole number). Every fact must
    be given, since a fact left unknown would make conditions on it fail."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for flag in PROFILE_FLAGS:
        value = profile.get(flag)
        if not isinstance(value, bool):
            errors[flag] = _("Answer yes or no.")
        else:
            cleaned[flag] = value
    category = profile.get("csrd_category")
    if category not in CSRD_CATEGORIES:
        errors["csrd_category"] = _("Choose the reporting category.")
    else:
        cleaned["csrd_category"] = category
    fte = profile.get("fte")
    if isinstance(fte, bool) or not isinstance(fte, int) or fte < 0:
        errors["fte"] = _("Give the size in FTE as a whole number of 0 or more.")
    else:
        cleaned["fte"] = fte
    unknown = sorted(set(profile) - set(PROFILE_FLAGS) - {"csrd_category", "fte"})
    if unknown:
        errors["__all__"] = _("Unknown profile facts: %(keys)s.") % {
            "keys": ", ".join(unknown)
        }
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def profile_save(
    *,
    assessment: Assessment,
    profile: Mapping[str, Any],
    actor: User,
    request: HttpRequest | None = None,
) -> Assessment:
    """Store the company profile, which decides which questions apply, and count the
    applicable and answered questions again. Only before submission: in the improvement
    window the questions that apply are those the first judgement was given on."""
    assessment = _locked(assessment.pk)
    if not (
        permissions.can_fill_in(actor, assessment)
        and assessment.status in permissions.EDITABLE_STATUSES
    ):
        if assessment.status == AssessmentStatus.IMPROVING:
            raise PermissionDenied(
                _("The company profile can no longer change after submission.")
            )
        raise PermissionDenied(refusal_reason(actor, assessment, None))
    cleaned = profile_clean(profile)
    before = dict(assessment.profile or {})
    assessment.profile = cleaned
    if assessment.profile_completed_at is None:
        assessment.profile_completed_at = timezone.now()
    if assessment.status == AssessmentStatus.INVITED:
        assessment.status = AssessmentStatus.IN_PROGRESS
    _recount(assessment, assessment.round.framework.parsed)
    assessment.full_clean()
    assessment.save()
    changes = {
        key: [before.get(key), value]
        for key, value in cleaned.items()
        if before.get(key) != value
    }
    if changes:
        audit_record(
            actor=actor,
            action="assessment.profile",
            obj=assessment,
            organisation=assessment.organisation,
            request=request,
            details={"changes": changes},
        )
    return assessment


# --- Answers ------------------------------------------------------------------------------


def _number(value: Any) -> int | float | None:
    """A finite number from a number or from text as people type it ("12,5", "1 200");
    None when it is none. Whole numbers come back as int, so 12 and 12.0 are equal."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal | Fraction):
        number = Decimal(str(value)) if not isinstance(value, Fraction) else value
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    if isinstance(number, Decimal) and not number.is_finite():
        return None
    if number == int(number):
        return int(number)
    result = float(number)
    return result if math.isfinite(result) else None


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def answer_value_clean(question: Question, value: Any) -> Any:
    """The answer `value` as stored for `question`, or None for no answer (nothing
    chosen, nothing typed). Raises ValidationError naming the question when the value
    does not fit it.

    Stored values: an option value (single), a list of option values in the
    framework's order (multi), "yes" or "no" (boolean), an int or float (number), a
    string (text)."""
    if isinstance(value, str) and question.type != "text":
        value = value.strip()
    if _blank(value):
        return None
    code = question.code
    if question.type == "single":
        if isinstance(value, str) and question.option(value) is not None:
            return value
        raise ValidationError(
            {
                "answer": _("Question %(code)s: choose one of the options.")
                % {"code": code}
            },
            code="invalid_option",
        )
    if question.type == "multi":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise ValidationError(
                {
                    "answer": _("Question %(code)s: choose from the options.")
                    % {"code": code}
                },
                code="invalid_option",
            )
        chosen: set[str] = set()
        for item in items:
            if not isinstance(item, str) or question.option(item) is None:
                raise ValidationError(
                    {
                        "answer": _(
                            "Question %(code)s: “%(value)s” is not one of its options."
                        )
                        % {"code": code, "value": item}
                    },
                    code="invalid_option",
                )
            if item in chosen:
                raise ValidationError(
                    {
                        "answer": _("Question %(code)s: “%(value)s” is chosen twice.")
                        % {"code": code, "value": item}
                    },
                    code="invalid_option",
                )
            chosen.add(item)
        return [option.value for option in question.options if option.value in chosen]
    if question.type == "boolean":
        if value is True or value is False:
            return "yes" if value else "no"
        if value in BOOLEAN_VALUES:
            return value
        raise ValidationError(
            {"answer": _("Question %(code)s: answer yes or no.") % {"code": code}},
            code="invalid_boolean",
        )
    if question.type == "number":
        number = _number(value)
        if number is None:
            raise ValidationError(
                {
                    "answer": _("Question %(code)s: “%(value)s” is not a number.")
                    % {"code": code, "value": value}
                },
                code="invalid_number",
            )
        return number
    # text
    if not isinstance(value, str):
        raise ValidationError(
            {
                "answer": _("Question %(code)s: type the answer as text.")
                % {"code": code}
            },
            code="invalid_text",
        )
    text = value.replace("\r\n", "\n").strip()
    if not text:
        return None
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {
                "answer": _(
                    "Question %(code)s: the answer has %(length)d characters; at most "
                    "%(max)d fit. Put the rest in a document."
                )
                % {"code": code, "length": len(text), "max": MAX_TEXT_LENGTH}
            },
            code="too_long",
        )
    return text


def explanation_clean(question: Question, explanation: str | None) -> str:
    text = (explanation or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {
                "explanation": _(
                    "Question %(code)s: the explanation has %(length)d characters; at "
                    "most %(max)d fit. Put the rest in a document."
                )
                % {"code": question.code, "length": len(text), "max": MAX_TEXT_LENGTH}
            },
            code="too_long",
        )
    return text


def answer_digest(value: Any, explanation: str) -> str:
    """A short fingerprint of an answer's content. A form carries the fingerprint of what
    it showed, so a save can tell an answer the person left alone from one they changed."""
    content = json.dumps([value, explanation], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()[:20]


# Answer saves are not audited one by one: autosave makes one every few seconds, which
# would drown the entries that matter. The audit log gets one "assessment.answer" entry
# per answer, per person, per day: enough to see afterwards who worked on which answer
# when (in the improvement window above all), while `Answer.revision`, `updated_by` and
# `updated_at` keep the latest change exactly.
def _audit_answer(
    *, answer: Answer, assessment: Assessment, actor: User, request
) -> None:
    start_of_day = timezone.localtime().replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    already = AuditEntry.objects.filter(
        action="assessment.answer",
        content_type=ContentType.objects.get_for_model(Answer),
        object_id=str(answer.pk),
        actor=actor,
        occurred_at__gte=start_of_day,
    ).exists()
    if not already:
        audit_record(
            actor=actor,
            action="assessment.answer",
            obj=answer,
            organisation=assessment.organisation,
            request=request,
            details={"question": answer.question_code, "revision": answer.revision},
        )


@transaction.atomic
def answer_save(
    *,
    assessment: Assessment,
    question_code: str,
    value: Any,
    explanation: str | None,
    revision: int,
    actor: User,
    request: HttpRequest | None = None,
) -> Answer:
    """Save one answer with its explanation and return it with its new revision.

    `revision` is the revision the person started from. When someone saved a newer one
    meanwhile, nothing is overwritten: StaleAnswer carries the newer answer so both can
    be shown. Saving what is stored already changes nothing (and is no conflict).
    Raises PermissionDenied when the answer may not change (another company, a closed
    round, a submitted assessment, a part outside the improvement window) and
    ValidationError for a value the question does not take."""
    assessment = _locked(assessment.pk)
    question = _question(assessment, question_code)
    _require_change(actor, assessment, question_code)
    _require_applies(assessment, question)
    errors: dict[str, list[str]] = {}
    try:
        clean_value = answer_value_clean(question, value)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        clean_explanation = explanation_clean(question, explanation)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    answer = (
        Answer.objects.select_for_update()
        .filter(assessment=assessment, question_code=question_code)
        .first()
    )
    if answer is not None:
        if answer.value == clean_value and answer.explanation == clean_explanation:
            return answer
        if revision != answer.revision:
            raise StaleAnswer(answer)
    else:
        answer = Answer(assessment=assessment, question_code=question_code)
    answer.value = clean_value
    answer.explanation = clean_explanation
    answer.revision += 1
    answer.updated_at = timezone.now()
    answer.updated_by = actor
    answer.full_clean()
    answer.save()
    _touch(assessment)
    _audit_answer(answer=answer, assessment=assessment, actor=actor, request=request)
    return answer


# --- Evidence -----------------------------------------------------------------------------


@transaction.atomic
def evidence_add(
    *,
    assessment: Assessment,
    question_code: str,
    file: UploadedFile,
    actor: User,
    request: HttpRequest | None = None,
) -> Evidence:
    """Store a document with the answer to `question_code` (an empty answer is made when
    there is none yet). The file is checked by its content (monitoring.evidence) and
    stored in private storage under a random name; the person's file name is kept as
    data only."""
    assessment = _locked(assessment.pk)
    question = _question(assessment, question_code)
    _require_change(actor, assessment, question_code)
    _require_applies(assessment, question)
    if question.evidence == "none":
        raise ValidationError(
            _("Question %(code)s asks for no documents.") % {"code": question_code},
            code="no_evidence",
        )
    answer, _created = Answer.objects.select_for_update().get_or_create(
        assessment=assessment,
        question_code=question_code,
        defaults={"updated_by": actor},
    )
    checked = check_upload(file, files_already=answer.evidence.count())
    evidence = Evidence(
        answer=answer,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    # upload_to gives the stored file a random name; the given name plays no part.
    evidence.file.save("upload", file, save=False)
    try:
        evidence.full_clean()
        evidence.save()
        audit_record(
            actor=actor,
            action="evidence.upload",
            obj=evidence,
            organisation=assessment.organisation,
            request=request,
            details={
                "question": question_code,
                "name": checked.original_name,
                "size": checked.size,
                "content_type": checked.content_type,
            },
        )
    except BaseException:
        # Nothing of the upload is kept when it is not recorded.
        evidence.file.storage.delete(str(evidence.file.name))
        raise
    return evidence


@transaction.atomic
def evidence_delete(
    *, evidence: Evidence, actor: User, request: HttpRequest | None = None
) -> None:
    """Remove a document while its answer may still change. The file itself goes once
    the removal is committed."""
    assessment = _locked(evidence.answer.assessment_id)
    evidence = (
        Evidence.objects.select_for_update()
        .select_related("answer")
        .get(pk=evidence.pk)
    )
    _require_change(actor, assessment, evidence.answer.question_code)
    audit_record(
        actor=actor,
        action="evidence.delete",
        obj=evidence,
        organisation=assessment.organisation,
        request=request,
        details={
            "question": evidence.answer.question_code,
            "name": evidence.original_name,
            "size": evidence.size,
        },
    )
    stored_name, storage = str(evidence.file.name), evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(stored_name))


# --- Copying last round's answers forward --------------------------------------------------


@transaction.atomic
def assessment_copy_forward(
    *, assessment: Assessment, actor: User, request: HttpRequest | None = None
) -> CopyForward:
    """Before anything is answered, copy the answers and explanations (not the documents)
    of the company's latest earlier assessment of the same framework. Only questions the
    framework still has, with values it still takes, are copied."""
    assessment = _locked(assessment.pk)
    if not (
        permissions.can_fill_in(actor, assessment)
        and assessment.status in permissions.EDITABLE_STATUSES
    ):
        raise PermissionDenied(refusal_reason(actor, assessment, None))
    existing = {
        answer.question_code: answer
        for answer in Answer.objects.select_for_update().filter(assessment=assessment)
    }
    if any(
        answer.value is not None or answer.explanation.strip()
        for answer in existing.values()
    ):
        raise ValidationError(
            _(
                "Last round's answers can be copied only before anything is answered "
                "in this round."
            ),
            code="already_answered",
        )
    source = copy_forward_source(assessment)
    if source is None:
        return CopyForward(copied=0, source=None)

    framework = assessment.round.framework.parsed
    now = timezone.now()
    to_create: list[Answer] = []
    to_update: list[Answer] = []
    for old in source.answers.filter(value__isnull=False).order_by("pk"):
        try:
            question = framework.question(old.question_code)
            value = answer_value_clean(question, old.value)
            explanation = explanation_clean(question, old.explanation)
        except (KeyError, ValidationError):
            continue  # the question is gone or no longer takes this value
        answer = existing.get(old.question_code)
        if answer is None:
            answer = Answer(assessment=assessment, question_code=old.question_code)
            to_create.append(answer)
        else:
            to_update.append(answer)
        answer.value = value
        answer.explanation = explanation
        answer.revision += 1
        answer.updated_at = now
        answer.updated_by = actor
        # The assessment, the person and the question codes are right by construction
        # (locked, checked, one per code); the field values are checked here.
        answer.full_clean(
            exclude=["assessment", "updated_by"], validate_constraints=False
        )
    Answer.objects.bulk_create(to_create)
    Answer.objects.bulk_update(
        to_update, ["value", "explanation", "revision", "updated_at", "updated_by"]
    )
    copied = len(to_create) + len(to_update)
    if copied:
        _touch(assessment)
    audit_record(
        actor=actor,
        action="assessment.copy_forward",
        obj=assessment,
        organisation=assessment.organisation,
        request=request,
        details={"from": source.pk, "copied": copied},
    )
    return CopyForward(copied=copied, source=source)
