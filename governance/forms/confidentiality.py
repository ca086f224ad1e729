"""Forms of the confidentiality, module and yearly-document pages. They parse; the
services in governance/services/confidentiality.py decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from convenant.forms import DateInput

from ..models.confidentiality import (
    ConfidentialityKind,
    ConfidentialityState,
    Module,
    ModuleKind,
    YearlyDocumentStatus,
)
from ..selectors import confidentiality as selectors


class ConfidentialityRecordForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=selectors.confidentiality_holders(),
        help_text=_("An NGO, trade union or supporter."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ConfidentialityKind.choices)
    text_version = forms.CharField(
        label=_("Text version"),
        max_length=40,
        help_text=_("The version printed on the signed text, for example 2025-1."),
    )
    signed_by_name = forms.CharField(
        label=_("Signed by"),
        max_length=200,
        help_text=_("The name of the person who signed, as on the document."),
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to start on the signing date."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for the end of the agreement's term."),
    )
    scan = forms.FileField(
        label=_("Signed copy (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
        help_text=_("Optional: the scanned, signed document. At most 10 MB."),
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "kind": data["kind"],
            "text_version": data["text_version"],
            "signed_by_name": data["signed_by_name"],
            "signed_on": data["signed_on"],
            "valid_from": data.get("valid_from"),
            "valid_until": data.get("valid_until"),
            "scan": data.get("scan"),
        }


class ConfidentialityRevokeForm(forms.Form):
    revocation_reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the agreement no longer holds; the organisation reads this. Access "
            "that depends on the agreement ends at once."
        ),
    )


class ConfidentialitySignForm(forms.Form):
    on_behalf = forms.BooleanField(required=False)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        name = organisation.name if organisation is not None else ""
        self.fields["on_behalf"].label = _(
            "I sign this agreement on behalf of %(name)s"
        ) % {"name": name}


STATE_CHOICES = [("", _("Every state")), *ConfidentialityState.choices]
KIND_CHOICES = [("", _("Every kind")), *ConfidentialityKind.choices]


class AgreementFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, required=False)
    q = forms.CharField(label=_("Organisation"), required=False, max_length=100)


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["code", "kind", "name", "description", "starts_on", "ends_on"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ModuleKind.choices

    def _post_clean(self) -> None:
        # The service validates the model; the form only parses.
        pass


class ModuleParticipantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=selectors.module_candidates()
    )
    starts_on = forms.DateField(label=_("Takes part from"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while it goes on."),
    )


class ParticipationEndForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Last day of taking part"),
        widget=DateInput(),
        error_messages={"required": _("Give the last day of taking part.")},
    )


class YearlyDocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Document (PDF or Word)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.doc"}),
        help_text=_("A new file replaces the current one. At most 10 MB."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example what changed since the last version."),
    )


class YearlyStatusForm(forms.Form):
    status = forms.ChoiceField(choices=YearlyDocumentStatus.choices)
