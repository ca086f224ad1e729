from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convenant.vocabulary import Activity, Material

from .files import MAX_FILE_SIZE
from .models import Location


class LocationForm(forms.ModelForm):
    """One location. The form only parses; the service checks the rules (the region
    belongs to the country, a customer only for a recycler, a reference once a list)."""

    materials = forms.MultipleChoiceField(
        label=_("Materials"),
        choices=Material.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The raw materials the location handles: at least one."),
    )

    class Meta:
        model = Location
        fields = [
            "supplier_name",
            "address",
            "city",
            "country",
            "region_code",
            "activity",
            "materials",
            "tier",
            "relation",
            "external_id",
        ]
        widgets = {"tier": forms.NumberInput(attrs={"min": 1, "max": 99})}

    def __init__(self, *args, is_recycler: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_recycler:
            # Only recyclers map their customers (art. 17); everybody else lists
            # suppliers.
            del self.fields["relation"]

    def _post_clean(self) -> None:
        pass


class LocationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, city or reference"), required=False)
    tier = forms.TypedChoiceField(
        label=_("Tier"), required=False, coerce=int, empty_value=None
    )
    activity = forms.ChoiceField(
        label=_("Activity"),
        required=False,
        choices=[("", _("All activities")), *Activity.choices],
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, tiers=(), countries_present=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [
            ("", _("All tiers")),
            *((str(tier), str(tier)) for tier in tiers),
        ]
        names = dict(countries)
        self.fields["country"].choices = [
            ("", _("All countries")),
            *sorted(
                ((code, names.get(code, code)) for code in countries_present),
                key=lambda pair: str(pair[1]),
            ),
        ]


class LocationImportForm(forms.Form):
    # An empty file reaches the service, which says what the file should hold.
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,
        help_text=_("The list as XLSX or CSV, in the columns of the template."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-"
                "officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}",
                    "limit": MAX_FILE_SIZE // 1024 // 1024,
                }
            )
        return upload
