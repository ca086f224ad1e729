from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from convenant.forms import DateInput
from convenant.models import AgreementYear

from ..models import (
    ContributionStatus,
    Invitation,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Participation,
)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "kvk_number",
            "country",
            "fte",
            "is_recycler",
            "in_metal_supply_chain",
            "csrd_category",
            "participation",
            "status",
            "signed_on",
        ]
        widgets = {"signed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Status changes go through their own form, which checks the allowed steps.
            del self.fields["status"]

    def _post_clean(self) -> None:
        # Model validation happens in the service; the form only parses.
        pass


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or KvK number"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *OrganisationKind.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *OrganisationStatus.choices],
    )
    participation = forms.ChoiceField(
        label=_("Participation"),
        required=False,
        choices=[("", _("All forms")), *Participation.choices],
    )


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"), choices=OrganisationStatus.choices
    )
    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        widget=DateInput(),
        help_text=_("For an accession: the signing date; today when left empty."),
    )


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "first_name", "last_name", "role"]

    def _post_clean(self) -> None:
        pass


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits and not a common word."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            from ..models import User

            candidate = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV or XLSX file with the columns of the template."),
    )


class ContributionStatusForm(forms.Form):
    """The status of one contribution, from its row on the finance page."""

    status = forms.ChoiceField(label=_("Status"), choices=ContributionStatus.choices)
    on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DateInput(),
        help_text=_("Of the invoice or the payment; today when empty."),
    )


# --- Finance -----------------------------------------------------------------------------


class FinanceYearForm(forms.Form):
    """Which agreement year the finance page shows, by its number."""

    year = forms.TypedChoiceField(
        label=_("Agreement year"),
        coerce=int,
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )

    def __init__(
        self, *args: Any, years: Sequence[AgreementYear], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [
            (
                year.number,
                _("%(year)s (%(start)s to %(end)s)")
                % {
                    "year": year,
                    "start": date_format(year.starts_on),
                    "end": date_format(year.ends_on),
                },
            )
            for year in years
        ]


class FteBandForm(forms.Form):
    """One row of the bands table. It only parses; whether the rows fit together is
    decided by services.fte_bands_replace."""

    min_fte = forms.IntegerField(
        label=_("From FTE"),
        widget=forms.NumberInput(attrs={"class": "utrecht-textbox"}),
    )
    max_fte = forms.IntegerField(
        label=_("Up to and including FTE"),
        required=False,
        widget=forms.NumberInput(attrs={"class": "utrecht-textbox"}),
    )
    amount = forms.DecimalField(
        label=_("Amount a year (EUR)"),
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "utrecht-textbox", "step": "0.01"}),
    )


class BaseFteBandFormSet(forms.BaseFormSet):
    def initial_form_count(self) -> int:
        # Once posted, every row counts as an extra row: one left entirely empty (an
        # added row not filled in, or a band whose values were all cleared) is skipped
        # rather than reported as missing values.
        if self.is_bound:
            return 0
        return super().initial_form_count()

    def band_rows(self) -> list[tuple[int, dict[str, Any]]]:
        """The rows to keep, as (row number shown on the page, cleaned data); call after
        is_valid()."""
        return [
            (number, form.cleaned_data)
            for number, form in enumerate(self.forms, start=1)
            if form.has_changed() and not form.cleaned_data.get("DELETE")
        ]


# Typed as the base class, so that callers see band_rows().
FteBandFormSet = cast(
    type[BaseFteBandFormSet],
    forms.formset_factory(
        FteBandForm,
        formset=BaseFteBandFormSet,
        extra=0,
        can_delete=True,
        max_num=100,
        validate_max=True,
    ),
)
