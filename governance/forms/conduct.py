"""Forms of the conduct pages. They only parse; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from convenant.forms import DateInput

TEXTAREA = {"class": "utrecht-textarea", "rows": 5}


class WithdrawalForm(forms.Form):
    notice_on = forms.DateField(
        label=_("Notice given on"),
        widget=DateInput(),
        help_text=_("The date of the written notice, for a letter the party sent."),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Why the party leaves the agreement (art. 73)."),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, secretariat: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not secretariat:
            # A party's own notice is dated the day it is given.
            del self.fields["notice_on"]


class RemovalOpenForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Party"), queryset=None)
    ruling = forms.CharField(
        label=_("Kerngroep ruling not followed"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Which ruling, of when, and what the party did not do."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ReminderForm(forms.Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput())
    text = forms.CharField(
        label=_("Text of the reminder"), widget=forms.Textarea(attrs=TEXTAREA)
    )


class ProposalForm(forms.Form):
    proposal = forms.CharField(
        label=_("Proposal to the Kerngroep"), widget=forms.Textarea(attrs=TEXTAREA)
    )


class NoticeTextForm(forms.Form):
    notice_text = forms.CharField(
        label=_("Public notice"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("A short explanation, agreed with the party (art. 77)."),
    )


class NoticeAgreedForm(forms.Form):
    agreed_with = forms.CharField(
        label=_("Agreed with"),
        max_length=200,
        help_text=_("Name and position of who agreed on behalf of the party."),
    )
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DateInput())


class ComplaintForm(forms.Form):
    respondent = forms.ModelChoiceField(
        label=_("Company concerned"), queryset=None, empty_label=_("Choose a company")
    )
    about_lack_of_progress = forms.BooleanField(
        label=_(
            "The complaint is about this company's lack of progress in due diligence"
        ),
        help_text=_(
            "The complaints procedure of the agreement covers nothing else (art. 83)."
        ),
        error_messages={
            "required": _(
                "A complaint can only be about a company's lack of progress in due "
                "diligence (art. 83); confirm that it is."
            )
        },
    )
    description = forms.CharField(
        label=_("What the company does not do"),
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    already_tried = forms.CharField(
        label=_("What was already tried"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("For example talks with the company or the secretariat."),
    )
    share_identity = forms.BooleanField(
        label=_("The company may see that my organisation filed the complaint"),
        required=False,
    )

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent"].queryset = companies


class AdmissibilityForm(forms.Form):
    admissible = forms.TypedChoiceField(
        label=_("Judgement"),
        choices=[("yes", _("Admissible")), ("no", _("Not admissible"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs=TEXTAREA))


class ComplaintScheduleForm(forms.Form):
    hearing_on = forms.DateField(
        label=_("Hearing date"), required=False, widget=DateInput()
    )
    decision_on = forms.DateField(
        label=_("Decision date"), required=False, widget=DateInput()
    )
    follow_up_on = forms.DateField(
        label=_("Follow-up date"), required=False, widget=DateInput()
    )
    decision_text = forms.CharField(
        label=_("Text of the decision"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class NewsItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs=TEXTAREA))
