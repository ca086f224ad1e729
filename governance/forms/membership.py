"""Forms of accession and the supporter's signatures. They parse; the services in
governance/services/membership.py decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from convenant.forms import DateInput

from ..models import (
    CONSTITUENCY_OF_KIND,
    OrganisationKind,
    Participation,
    ResponseKind,
)

LETTER_ACCEPT = ".pdf,.docx,.doc"


class AccessionApplyForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[
            (kind.value, kind.label)
            for kind in OrganisationKind
            if kind in CONSTITUENCY_OF_KIND
        ],
        widget=forms.RadioSelect,
    )
    kvk_number = forms.CharField(
        label=_("KvK number"),
        required=False,
        max_length=8,
        help_text=_(
            "Chamber of Commerce number: 8 digits. Leave empty outside the Netherlands."
        ),
    )
    country = LazyTypedChoiceField(label=_("Country"), choices=countries, initial="NL")
    fte = forms.IntegerField(
        label=_("Size in FTE (companies)"),
        required=False,
        min_value=0,
        help_text=_("A company's size sets its yearly contribution (art. 80)."),
    )
    in_metal_supply_chain = forms.BooleanField(
        label=_("The organisation has a position in metal supply chains"),
        required=False,
        help_text=_(
            "Such a company can accede as a party only, not as a supporter (art. 40b)."
        ),
    )
    participation = forms.ChoiceField(
        label=_("Accede as"),
        choices=[
            (
                Participation.PARTY.value,
                _("Party: signs, contributes and takes part in decisions"),
            ),
            (
                Participation.SUPPORTER.value,
                _(
                    "Supporter: signs the supporter declaration, contributes, no say in decisions"
                ),
            ),
        ],
        widget=forms.RadioSelect,
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(
        label=_("Contact person's email address"),
        help_text=_(
            "On approval this person is invited as the organisation's first administrator."
        ),
    )
    letter = forms.FileField(
        label=_("Motivation letter"),
        help_text=_("A PDF or Word document of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": LETTER_ACCEPT}),
        error_messages={
            "required": _("Add the motivation letter, as a PDF or Word document.")
        },
    )
    endorsement_confirmed = forms.BooleanField(
        label=_(
            "The organisation endorses the OECD Guidelines for Multinational "
            "Enterprises and frees enough capacity to carry out due diligence (art. 70)."
        ),
        help_text=_("As the motivation letter shows."),
        error_messages={"required": _("Tick the box to confirm this.")},
    )

    def clean_kvk_number(self) -> str | None:
        return (self.cleaned_data.get("kvk_number") or "").strip() or None

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)


class AccessionAnnounceForm(forms.Form):
    response_deadline = forms.DateField(
        label=_("Parties may respond until (inclusive)"),
        widget=DateInput(),
        help_text=_("Four weeks from today unless you choose otherwise."),
    )


class AccessionResponseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you send?"),
        choices=ResponseKind.choices,
        widget=forms.RadioSelect,
        initial=ResponseKind.QUESTION,
    )
    text = forms.CharField(
        label=_("Your question, or why the applicant should be heard"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class AccessionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        error_messages={"required": _("Tick the box to sign.")},
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _("I sign on behalf of %(name)s") % {
            "name": organisation.name if organisation else ""
        }
