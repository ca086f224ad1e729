"""Forms of the company's side of the monitoring tool: the company profile, and one small
form per answer (prefixed with the question's place, so that a whole step can be posted
at once when JavaScript is off). The forms only read what was typed; whether a value fits
the question is decided by monitoring.services.assessments, with a message naming it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import CsrdCategory

from ..evidence import ACCEPT_ATTRIBUTE
from ..framework import PROFILE_FLAGS, Question
from ..models import Assessment
from ..services.assessments import answer_digest

YES_NO = (("yes", _("Yes")), ("no", _("No")))


def _yes_no_field(label, help_text="") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
    )


class ProfileForm(forms.Form):
    """The facts that decide which questions apply."""

    recycler = _yes_no_field(
        _("Is your company a recycler?"),
        _(
            "Recyclers also map their customers' locations where the risk matrix "
            "says so (art. 17)."
        ),
    )
    cahra_sourcing = _yes_no_field(
        _(
            "Does your company source from conflict-affected and high-risk areas "
            "(CAHRAs)?"
        ),
        _("Directly or through your suppliers, as far as you know."),
    )
    sources_3tg = _yes_no_field(
        _("Does your company source tin, tantalum, tungsten or gold (3TG)?"),
        _("Including 3TG in parts and semi-finished products you buy."),
    )
    csrd_category = forms.ChoiceField(
        label=_("Reporting category"),
        help_text=_(
            "CSRD: you report under the CSRD; listed SME: under the SME standard; "
            "other: under the voluntary SME standard (VSME), art. 31-32."
        ),
        choices=CsrdCategory.choices,
        widget=forms.RadioSelect,
    )
    fte = forms.IntegerField(
        label=_("Size in FTE"),
        min_value=0,
        widget=forms.NumberInput(
            attrs={"class": "utrecht-textbox", "inputmode": "numeric"}
        ),
    )

    @staticmethod
    def initial_for(assessment: Assessment) -> dict[str, Any]:
        """The stored profile, or what the organisation's record already says."""
        profile = assessment.profile or {}
        organisation = assessment.organisation
        initial: dict[str, Any] = {}
        for flag in PROFILE_FLAGS:
            if isinstance(profile.get(flag), bool):
                initial[flag] = "yes" if profile[flag] else "no"
        if "recycler" not in initial:
            initial["recycler"] = "yes" if organisation.is_recycler else "no"
        initial["csrd_category"] = (
            profile.get("csrd_category") or organisation.csrd_category or None
        )
        initial["fte"] = profile.get("fte", organisation.fte)
        return initial

    def profile(self) -> dict[str, Any]:
        return {
            key: self.cleaned_data[key]
            for key in (*PROFILE_FLAGS, "csrd_category", "fte")
        }


class _AnyValueField(forms.Field):
    """Passes on what the widget read (a string or a list), for the service to judge."""

    def to_python(self, value):
        if isinstance(value, str):
            return value.strip()
        return value


def _answer_field(
    question: Question, options: tuple[tuple[str, str], ...]
) -> forms.Field:
    label = _("Your answer")
    if question.type == "single" or question.type == "boolean":
        return _AnyValueField(
            label=label, required=False, widget=forms.RadioSelect(choices=options)
        )
    if question.type == "multi":
        return _AnyValueField(
            label=label,
            required=False,
            widget=forms.CheckboxSelectMultiple(choices=options),
        )
    if question.type == "number":
        # Text, not type=number: a browser empties a number field holding "12,5x",
        # and an autosave would then wipe the stored answer. The text is kept and the
        # service says what is wrong with it.
        return _AnyValueField(
            label=label,
            required=False,
            widget=forms.TextInput(
                attrs={
                    "class": "utrecht-textbox utrecht-textbox--numeric",
                    "inputmode": "decimal",
                    "autocomplete": "off",
                }
            ),
        )
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 5}),
    )


class AnswerForm(forms.Form):
    """One answer: the value, the explanation, the revision it started from and the
    fingerprint of what was shown. `overwrite` is the newer revision a person chose to
    save over after a conflict."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    digest = forms.CharField(required=False, widget=forms.HiddenInput)
    overwrite = forms.IntegerField(
        min_value=0, required=False, widget=forms.HiddenInput
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 3}),
    )

    def __init__(
        self,
        *args,
        question: Question,
        options: tuple[tuple[str, str], ...],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["answer"] = _answer_field(question, options)
        self.order_fields(["answer", "explanation", "revision", "digest", "overwrite"])

    @classmethod
    def for_answer(cls, *, item, data=None) -> AnswerForm:
        """The form of a question item (monitoring.selectors.assessments.QuestionItem),
        showing its stored answer, or bound to `data` when given."""
        answer = item.answer
        value = answer.value if answer is not None else None
        explanation = answer.explanation if answer is not None else ""
        initial = {
            "answer": value,
            "explanation": explanation,
            "revision": item.revision,
            "digest": answer_digest(value, explanation),
        }
        return cls(
            data,
            question=item.question,
            options=item.options,
            prefix=item.prefix,
            initial=initial,
        )

    def starting_revision(self) -> int:
        """The revision this save builds on: the one chosen after a conflict, or the
        one the form was shown with."""
        overwrite = self.cleaned_data.get("overwrite")
        return int(
            overwrite if overwrite is not None else self.cleaned_data["revision"]
        )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Add a document"),
        help_text=_(
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG; at most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
