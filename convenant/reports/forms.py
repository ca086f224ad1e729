from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .document import VERSIONS
from .models import ReportVersion


class ReportStartForm(forms.Form):
    """Which versions of the year's report to make; all three unless chosen."""

    versions = forms.MultipleChoiceField(
        label=_("Versions"),
        choices=ReportVersion.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(VERSIONS),
        error_messages={"required": _("Choose at least one version of the report.")},
    )
