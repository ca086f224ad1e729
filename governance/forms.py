from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from convenant.forms import DateInput

from .models import (
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
            from .models import User

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
    status = forms.ChoiceField(label=_("Status"), choices=ContributionStatus.choices)
    on = forms.DateField(label=_("Date"), required=False, widget=DateInput())
