from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .models import Agreement, AgreementYear


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field messages beside their field,
    the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "name",
            "short_name",
            "starts_on",
            "ends_on",
            "government_share",
            "sector_share",
            "ser_share",
            "supporter_contribution",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def _post_clean(self) -> None:
        pass


class AgreementYearForm(forms.ModelForm):
    class Meta:
        model = AgreementYear
        fields = ["starts_on", "ends_on", "location_list_due_on"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "location_list_due_on": DateInput(),
        }

    def _post_clean(self) -> None:
        pass
