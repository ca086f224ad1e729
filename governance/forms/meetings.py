"""Forms of the seats, chair and meetings pages. They parse what people type; the
services in governance.services.meetings decide what is allowed."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convenant.forms import DateInput

from ..models import (
    AgendaVisibility,
    Constituency,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Participation,
    User,
)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.email
        return f"{name} ({obj.organisation})" if obj.organisation_id else name


def _party_people():
    return (
        User.objects.filter(
            is_active=True,
            organisation__participation=Participation.PARTY,
            organisation__status=OrganisationStatus.ACTIVE,
        )
        .select_related("organisation")
        .order_by("organisation__name", "last_name", "first_name")
    )


class SeatAssignForm(forms.Form):
    constituency = forms.ChoiceField(label=_("Seat"), choices=Constituency.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("An active party of the seat's constituency."),
    )
    regular_representative = PersonChoiceField(
        label=_("Regular representative"), queryset=User.objects.none()
    )
    deputy_representative = PersonChoiceField(
        label=_("Deputy representative"), queryset=User.objects.none(), required=False
    )
    starts_on = forms.DateField(
        label=_("From"),
        widget=DateInput(),
        help_text=_("The seat's current term ends the day before."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            participation=Participation.PARTY,
            status=OrganisationStatus.ACTIVE,
            kind__in=[
                OrganisationKind.UNION,
                OrganisationKind.NGO,
                OrganisationKind.BRANCH,
                OrganisationKind.COMPANY,
            ],
        ).order_by("name")
        people = _party_people()
        self.fields["regular_representative"].queryset = people
        self.fields["deputy_representative"].queryset = people


class SeatRepresentativesForm(forms.Form):
    regular_representative = PersonChoiceField(
        label=_("Regular representative"), queryset=User.objects.none()
    )
    deputy_representative = PersonChoiceField(
        label=_("Deputy representative"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regular_representative"].queryset = people
        self.fields["deputy_representative"].queryset = people


class ChairTermForm(forms.Form):
    person = PersonChoiceField(
        label=_("Chair"),
        queryset=User.objects.none(),
        help_text=_(
            "The chair is independent: a person of the SER or of no party. Invite "
            "them to the platform first."
        ),
    )
    proposed_on = forms.DateField(
        label=_("Proposed by the SER on"), widget=DateInput(), required=False
    )
    confirmed_on = forms.DateField(
        label=_("Confirmed by the Kerngroep on"), widget=DateInput(), required=False
    )
    starts_on = forms.DateField(
        label=_("Chair from"),
        widget=DateInput(),
        help_text=_("The current chair's term ends the day before."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            User.objects.filter(is_active=True, organisation__kind=OrganisationKind.SER)
            .select_related("organisation")
            .order_by("last_name", "first_name")
        )


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(
        label=_("Starts at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=200,
        required=False,
        help_text=_("For example: Den Haag, SER-gebouw, or an online meeting link."),
    )

    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        )

    @classmethod
    def initial_for(cls, meeting) -> dict:
        local = timezone.localtime(meeting.starts_at)
        return {
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "location": meeting.location,
        }


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description (Kerngroep)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only the Kerngroep, the chair and the secretariat read this."),
    )
    visibility = forms.ChoiceField(
        label=_("Who sees this item"),
        choices=AgendaVisibility.choices,
        widget=forms.RadioSelect,
        initial=AgendaVisibility.OUTLINE,
    )
    outline = forms.CharField(
        label=_("Outline (all parties)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the item is shared in outline. Name no company's "
            "confidential data here."
        ),
    )

    @classmethod
    def initial_for(cls, item) -> dict:
        return {
            "title": item.title,
            "description": item.description,
            "visibility": item.visibility,
            "outline": item.outline,
        }


class AgendaDocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=_("A PDF, Word or Excel document of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx"}),
    )


class GuestForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    affiliation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False
    )
    reason = forms.CharField(
        label=_("Why this guest attends"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MinutesForm(forms.Form):
    minutes_full = forms.CharField(
        label=_("Full minutes (Kerngroep)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    minutes_outline = forms.CharField(
        label=_("Outline minutes (all parties)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Every party reads this once the minutes are approved. Name no company's "
            "confidential data here."
        ),
    )
