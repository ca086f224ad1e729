from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convenant.forms import DateInput
from convenant.vocabulary import Activity, Material

from .files import MAX_FILE_SIZE
from .models import ListStatus, Location, LocationList, RestrictionLevel


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


# --- The aggregated list, its rule and restricted disclosure -----------------------------


class PublishForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = (
            LocationList.objects.filter(status=ListStatus.SUBMITTED)
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["year"].help_text = _(
            "Only years for which at least one company submitted its list."
        )


class DisclosureRuleForm(forms.Form):
    k = forms.IntegerField(
        label=_("Minimum number of companies per published figure"),
        min_value=2,
        max_value=50,
        initial=3,
    )
    dominance_percent = forms.IntegerField(
        label=_("Dominance threshold (%)"),
        min_value=50,
        max_value=100,
        initial=85,
        help_text=_(
            "The locations figure is withheld when the two largest companies of a "
            "figure hold more than this share of its locations."
        ),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    decided_on = forms.DateField(
        label=_("Decided by the Kerngroep on"), widget=DateInput()
    )
    note = forms.CharField(
        label=_("Decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The decision's reference and what it says."),
    )


class RestrictionForm(forms.Form):
    requested_level = forms.ChoiceField(
        label=_("Enter the list only at the level of"),
        choices=RestrictionLevel.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Why publication at country level would harm your company or others, for "
            "example because it would reveal a single supplier."
        ),
    )


class RestrictionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("The Kerngroep"),
        choices=[("approved", _("approved the request")), ("refused", _("refused it"))],
        widget=forms.RadioSelect,
    )
    level = forms.ChoiceField(
        label=_("Approved at the level of"),
        choices=[("", "—"), *RestrictionLevel.choices],
        required=False,
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    note = forms.CharField(
        label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "approved": data["outcome"] == "approved",
            "level": data.get("level") or "",
            "decided_on": data["decided_on"],
            "note": data.get("note", ""),
        }
