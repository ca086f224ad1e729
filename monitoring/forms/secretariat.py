"""Forms of the secretariat's monitoring pages. They parse what was typed; the services
decide whether it may be done."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from convenant.forms import DateInput
from convenant.models import AgreementYear
from governance.models import CsrdCategory, FteBand

from ..framework import FrameworkError, parse_thresholds
from ..models import AssessmentStatus, Framework, Round, RoundKind, RoundStatus

MAX_FRAMEWORK_BYTES = 2 * 1024 * 1024

# The four threshold fields and where each sits in a framework's `signal`.
THRESHOLD_FIELDS = {
    "green_final": ("green", "final"),
    "green_step_min": ("green", "step_min"),
    "orange_final": ("orange", "final"),
    "insufficient_below": ("insufficient_below",),
}


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("YAML file"),
        required=False,
        help_text=_("A framework file in the shape of monitoring/frameworks/*.yaml."),
    )
    text = forms.CharField(
        label=_("Or paste the YAML"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_FRAMEWORK_BYTES:
                raise forms.ValidationError(
                    _("The file is larger than 2 MB; a framework is far smaller.")
                )
            try:
                data["source"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text. Save it as UTF-8 and try again.")
                ) from error
        elif (data.get("text") or "").strip():
            data["source"] = data["text"]
        else:
            raise forms.ValidationError(
                _("Choose a YAML file or paste the framework in the text box.")
            )
        return data

    def keep_source(self, source: str) -> None:
        """Show `source` in the text box again, so nothing uploaded or typed is lost
        when the framework is refused (a file field cannot be filled in again)."""
        self.data = self.data.copy()
        self.data["text"] = source


def _threshold_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class RoundForm(forms.ModelForm):
    green_final = _threshold_field(_("Green: final score at least"))
    green_step_min = _threshold_field(_("Green: every step at least"))
    orange_final = _threshold_field(_("Orange: final score at least"))
    insufficient_below = _threshold_field(_("A part is insufficient below"))

    class Meta:
        model = Round
        fields = [
            "agreement_year",
            "kind",
            "name",
            "framework",
            "opens_on",
            "closes_on",
        ]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        years = AgreementYear.objects.order_by("agreement", "number")
        if agreement is not None:
            years = years.filter(agreement=agreement)
        self.fields["agreement_year"].queryset = years
        self.fields["framework"].queryset = Framework.objects.defer(
            "data", "source"
        ).order_by("code", "-version")
        if self.instance.pk and self.instance.status != RoundStatus.DRAFT:
            self.fields["framework"].disabled = True
            self.fields["framework"].help_text = _(
                "The round has been opened: its framework version can no longer change."
            )
        thresholds = self.instance.thresholds if self.instance.pk else None
        if thresholds and not self.is_bound:
            for name, path in THRESHOLD_FIELDS.items():
                value: Any = thresholds
                for key in path:
                    value = value[key]
                self.initial[name] = value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given = {name: data.get(name) for name in THRESHOLD_FIELDS}
        if all(value is None for value in given.values()):
            data["thresholds"] = None
            return data
        if any(value is None for value in given.values()):
            for name, value in given.items():
                if value is None and name not in self.errors:
                    self.add_error(
                        name,
                        _(
                            "Fill in all four thresholds, or none to use the framework's."
                        ),
                    )
            return data
        thresholds: dict[str, Any] = {"green": {}, "orange": {}}
        for name, path in THRESHOLD_FIELDS.items():
            target = thresholds
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = str(given[name])
        try:
            parse_thresholds(thresholds)
        except FrameworkError as error:
            fields = {".".join(path): name for name, path in THRESHOLD_FIELDS.items()}
            for problem in error.problems:
                self.add_error(fields.get(problem.path), problem.message)
            return data
        data["thresholds"] = thresholds
        return data

    def _post_clean(self) -> None:
        # Model validation happens in the service; the form only parses.
        pass

    def service_arguments(self) -> dict[str, Any]:
        """What the round services take; a disabled framework field keeps its value."""
        return {
            name: self.cleaned_data[name] for name in (*self.Meta.fields, "thresholds")
        }


class RoundStatusForm(forms.Form):
    action = forms.ChoiceField(choices=[("open", _("Open")), ("close", _("Close"))])

    STATUS = {"open": RoundStatus.OPEN, "close": RoundStatus.CLOSED}

    @property
    def status(self) -> str:
        return self.STATUS[self.cleaned_data["action"]]


class InviteForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Companies to invite"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one company.")},
    )

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = companies
        if not self.is_bound:
            # Every company that can still be invited is chosen to begin with.
            self.initial["organisations"] = [company.pk for company in companies]


class RemindForm(forms.Form):
    organisation = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ProgressFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *AssessmentStatus.choices],
    )
    signal = forms.ChoiceField(label=_("Signal"), required=False)

    def __init__(self, *args, signals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signal"].choices = [("", _("All signals")), *signals]


class OverviewFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of round"),
        required=False,
        choices=[("", _("All kinds")), *RoundKind.choices],
    )
    round = forms.IntegerField(label=_("Round"), required=False, widget=forms.Select)
    csrd_category = forms.ChoiceField(
        label=_("CSRD category"),
        required=False,
        choices=[("", _("All categories")), *CsrdCategory.choices],
    )
    recycler = forms.TypedChoiceField(
        label=_("Recycler"),
        required=False,
        choices=[
            ("", _("Recyclers and others")),
            ("yes", _("Recyclers")),
            ("no", _("Not recyclers")),
        ],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )
    fte_band = forms.ModelChoiceField(
        label=_("Size (FTE band)"),
        required=False,
        queryset=FteBand.objects.none(),
        empty_label=_("All sizes"),
    )

    def __init__(self, *args, rounds, bands, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].widget.choices = [
            (round_.pk, str(round_)) for round_ in rounds
        ] or [("", _("No rounds yet"))]
        self.fields["fte_band"].queryset = bands
