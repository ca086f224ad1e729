"""Forms of NGO insight: the secretariat's grant forms and the filter of its overview."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..selectors import insight as selectors


class InsightGrantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("NGO or trade union"),
        queryset=selectors.insight_grantees(),
        error_messages={"required": _("Choose the NGO or trade union.")},
    )
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=selectors.insight_companies(),
        error_messages={"required": _("Choose the company.")},
    )


class InsightModuleGrantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("NGO or trade union"),
        queryset=selectors.insight_grantees(),
        error_messages={"required": _("Choose the NGO or trade union.")},
    )
    module = forms.ModelChoiceField(
        label=_("Module"),
        queryset=selectors.insight_modules(),
        help_text=_(
            "Insight into every company that takes part in this module today. It "
            "lapses when the NGO or union stops taking part in the module."
        ),
        error_messages={"required": _("Choose the module.")},
    )


class InsightGrantFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("NGO or trade union"),
        queryset=selectors.insight_grantees(),
        required=False,
    )
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=selectors.insight_companies(), required=False
    )
