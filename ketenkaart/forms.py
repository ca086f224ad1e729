from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from convenant.forms import DateInput
from convenant.vocabulary import Activity, Material
from monitoring.evidence import ACCEPT_ATTRIBUTE
from monitoring.models import RbcTheme

from . import m49
from .files import MAX_FILE_SIZE
from .models import (
    ListStatus,
    Location,
    LocationList,
    RestrictionLevel,
    SupplierReportStatus,
)


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


# --- Requests and reports around the map (art. 22, 23) ----------------------------------


def _country_choices() -> list[tuple[str, str]]:
    return sorted(
        ((code, m49.country_name(code)) for code in m49.COUNTRIES),
        key=lambda choice: choice[1],
    )


def _area_choices() -> list[tuple[str, str]]:
    regions = sorted(m49.REGIONS, key=m49.area_name)
    subregions = sorted(m49.SUBREGION_REGION, key=m49.area_name)
    return [
        *((code, m49.area_name(code)) for code in regions),
        *((code, m49.area_name(code)) for code in subregions),
    ]


def _area_request_choices():
    return [
        ("", "—"),
        (
            _("Regions"),
            [(f"region:{code}", m49.area_name(code)) for code in sorted(m49.REGIONS)],
        ),
        (
            _("Sub-regions"),
            sorted(
                (
                    (f"subregion:{code}", m49.area_name(code))
                    for code in m49.SUBREGION_REGION
                ),
                key=lambda choice: choice[1],
            ),
        ),
        (
            _("Countries"),
            [(f"country:{code}", name) for code, name in _country_choices()],
        ),
    ]


class AreaRequestForm(forms.Form):
    area = forms.ChoiceField(
        label=_("Country or region"),
        choices=_area_request_choices,
        help_text=_("A country, or a UN M49 sub-region or region."),
    )
    activity = forms.ChoiceField(
        label=_("Activity"),
        required=False,
        choices=[("", _("Any activity")), *Activity.choices],
    )
    year = forms.IntegerField(
        label=_("Year of the lists"),
        required=False,
        help_text=_("Leave empty for the newest year with submitted lists."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Why your organisation needs to know, for example a risk it follows."
        ),
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        level, _sep, code = data["area"].partition(":")
        return {
            "area_level": level,
            "area_code": code,
            "activity": data.get("activity") or "",
            "year": data.get("year"),
            "reason": data["reason"],
        }


class AreaRequestDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approved", _("Approve")), ("refused", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when refusing; the organisation reads it."),
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "approved": data["outcome"] == "approved",
            "note": data.get("note", ""),
        }


class ExpertiseProfileForm(forms.Form):
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        choices=_country_choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    areas = forms.MultipleChoiceField(
        label=_("Regions"),
        required=False,
        choices=_area_choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("UN M49 regions and sub-regions where you have a network."),
    )
    materials = forms.MultipleChoiceField(
        label=_("Raw materials"),
        required=False,
        choices=Material.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        required=False,
        choices=RbcTheme.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Network and expertise"), widget=forms.Textarea(attrs={"rows": 5})
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Email"))
    contact_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)


class ExpertiseSearchForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        choices=lambda: [("", _("Any country")), *_country_choices()],
    )
    material = forms.ChoiceField(
        label=_("Raw material"),
        required=False,
        choices=[("", _("Any raw material")), *Material.choices],
    )


class SupplierReportForm(forms.Form):
    supplier_name = forms.CharField(label=_("Supplier name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=list(countries))
    activity = forms.ChoiceField(label=_("Activity"), choices=Activity.choices)
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The risk or abuse, where and since when, and who is affected."),
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("Optional: a PDF, Office document or image of at most 10 MB."),
    )
    share_reporter = forms.BooleanField(
        label=_("The companies may see that my organisation reported this"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.attrs["accept"] = ACCEPT_ATTRIBUTE


class SupplierReportMatchForm(forms.Form):
    companies = forms.TypedMultipleChoiceField(
        label=_("Companies to notify"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, matches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["companies"].choices = [
            (match.company_id, match.company_name) for match in matches
        ]


class SupplierReportNoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    company = forms.TypedChoiceField(
        label=_("In the dialogue with"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    for_reporter = forms.BooleanField(
        label=_("Show this note to the reporter"), required=False
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, companies=(), secretariat: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not secretariat:
            for name in ("company", "for_reporter", "status"):
                del self.fields[name]
            return
        self.fields["company"].choices = [
            ("", _("Nobody: a note of the secretariat")),
            *((company.pk, company.name) for company in companies),
        ]
        self.fields["status"].choices = [
            ("", _("Unchanged")),
            *SupplierReportStatus.choices,
        ]
