"""Forms of the follow-up pages: improvement talks, their actions, review comments and
replies. They parse what was typed; the services decide whether it may be done."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from convenant.forms import DateInput

from ..models import ReviewComment


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TalkForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=480, initial=90
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https"
    )
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names and roles, on the company's side and the secretariat's."),
    )
    management_present = forms.BooleanField(
        label=_("The company's management takes part"),
        required=False,
        help_text=_(
            "Article 10 asks the company's management to take part in at least part "
            "of the talk."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            "video_link" not in self.errors
            and not data.get("location", "").strip()
            and not data.get("video_link", "").strip()
        ):
            self.add_error("location", _("Give a place or a video link (or both)."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class TalkNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes of the talk (for the secretariat only)"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class TalkActionForm(forms.Form):
    description = forms.CharField(
        label=_("Agreed action"), widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())


class TalkActionUpdateForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput(), required=False)
    follow_up = forms.CharField(
        label=_("Follow-up"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("done_on") and not data.get("follow_up", "").strip():
            self.add_error(
                "follow_up", _("Say how the action was followed up when it is done.")
            )
        return data


class CommentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (ReviewComment.Kind.COMMENT, _("Comment")),
            (ReviewComment.Kind.CLARIFICATION, _("Request for clarification")),
        ],
        initial=ReviewComment.Kind.COMMENT,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 3})
    )
