"""Forms for the plan of approach and the risk analysis. They parse what was typed; the
services decide whether it may be done."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from convenant.vocabulary import Material

from ..evidence import ACCEPT_ATTRIBUTE
from ..models import RbcTheme

RATING_CHOICES = [(value, str(value)) for value in range(1, 6)]


class PlanForm(forms.Form):
    file = forms.FileField(
        label=_("Plan of approach (document)"),
        required=False,
        help_text=_(
            "PDF, Word, Excel, PowerPoint or OpenDocument; at most 10 MB. Handing in "
            "again replaces the earlier document."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    remove_file = forms.BooleanField(
        label=_("Remove the document handed in earlier"), required=False
    )
    report_link = forms.URLField(
        label=_("Or a link to your CSRD or CSDDD report"),
        required=False,
        assume_scheme="https",
        help_text=_("The plan may be your sustainability report (art. 11)."),
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes the plan addresses"),
        choices=RbcTheme.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    risks_addressed = forms.CharField(
        label=_("Risks addressed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "In a few sentences: which risks in your chain the plan deals with, and "
            "where."
        ),
    )
    planned_actions = forms.CharField(
        label=_("Planned actions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you will do this year, with whom, and by when."),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "file": data.get("file") or None,
            "remove_file": data.get("remove_file", False),
            "report_link": data.get("report_link", ""),
            "themes": data["themes"],
            "risks_addressed": data["risks_addressed"],
            "planned_actions": data["planned_actions"],
        }


def _rating(label, help_text) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "rating"}),
        help_text=help_text,
    )


class RiskForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), choices=RbcTheme.choices)
    country = LazyTypedChoiceField(label=_("Country"), choices=countries)
    material = forms.ChoiceField(label=_("Raw material"), choices=Material.choices)
    scale = _rating(_("Scale"), _("How grave is the harm? 1 = minor, 5 = very grave."))
    scope = _rating(
        _("Scope"),
        _("How many people or how large an area? 1 = few, 5 = very many."),
    )
    irremediability = _rating(
        _("Irremediability"),
        _("How hard is it to put right? 1 = easily, 5 = not at all."),
    )
    likelihood = _rating(
        _("Likelihood"),
        _("How likely is it to happen (or is it happening)? 1 = unlikely, 5 = actual."),
    )
    prioritised = forms.BooleanField(label=_("Prioritised"), required=False)
    explanation = forms.CharField(
        label=_("Public explanation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why this risk is or is not prioritised. This explanation is meant to be "
            "published (art. 26)."
        ),
    )
    gender_considered = forms.BooleanField(
        label=_("Gender perspective considered"), required=False
    )
    gender_notes = forms.CharField(
        label=_("Gender perspective"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "How the risk affects women and men differently, and what that means for "
            "the approach (art. 28)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No country chosen until the person chooses one, in the page's language.
        self.fields["country"].choices = [("", _("Choose a country")), *countries]

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
