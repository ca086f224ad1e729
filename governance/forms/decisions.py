"""Forms of the decisions pages: opening a decision, recording the Kerngroep's votes,
closing the vote, and the online votes of a seat and of a party in the assembly."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convenant.forms import DateInput

from ..models import AgendaItem, MeetingStatus, Vote
from ..rules import SEATS
from ..selectors.decisions import SeatPeople
from ..services.decisions import ASSEMBLY_VOTE_DAYS, CastVote

NO_VOTE = ""
VOTE_CHOICES = [(NO_VOTE, _("Did not vote")), *Vote.choices]


class DecisionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    proposal = forms.CharField(
        label=_("Proposal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the Kerngroep is asked to decide, as it will vote on it."),
    )
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("None: a decision between meetings"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = (
            AgendaItem.objects.exclude(meeting__status=MeetingStatus.CANCELLED)
            .select_related("meeting")
            .order_by("-meeting__starts_at", "position", "pk")
        )
        self.fields["agenda_item"].label_from_instance = lambda item: (
            f"{item.meeting} · {item}"
        )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.email


class VotesForm(forms.Form):
    """Per seat: who voted as regular and as deputy, and how. Pre-filled with the seat's
    representatives and with the votes recorded so far."""

    consensus = forms.BooleanField(
        label=_("Decided by consensus: every seat's regular representative voted for"),
        required=False,
    )

    def __init__(self, *args, seats: dict[str, SeatPeople], recorded=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.seats = seats
        recorded = {(vote.constituency, vote.as_deputy): vote for vote in recorded}
        for constituency in SEATS:
            seat = seats[constituency]
            people = list(seat.candidates())
            for role, as_deputy in (("regular", False), ("deputy", True)):
                earlier = recorded.get((constituency, as_deputy))
                default = seat.deputy if as_deputy else seat.regular
                if seat.replacement and people:
                    default = people[0] if not as_deputy else None
                voter = earlier.voter if earlier and earlier.voter else default
                if voter is not None and all(p.pk != voter.pk for p in people):
                    people.append(voter)
                self.fields[f"{constituency}_{role}_voter"] = PersonChoiceField(
                    label=_("Deputy representative")
                    if as_deputy
                    else _("Regular representative"),
                    queryset=_people_queryset(people),
                    required=False,
                    empty_label=_("Nobody"),
                    initial=voter.pk if voter else None,
                )
                self.fields[f"{constituency}_{role}_vote"] = forms.ChoiceField(
                    label=_("Deputy's vote") if as_deputy else _("Regular's vote"),
                    choices=VOTE_CHOICES,
                    required=False,
                    initial=earlier.vote if earlier else NO_VOTE,
                )

    def fieldsets(self) -> list[dict]:
        return [
            {
                "seat": self.seats[constituency],
                "rows": [
                    (
                        self[f"{constituency}_{role}_voter"],
                        self[f"{constituency}_{role}_vote"],
                    )
                    for role in ("regular", "deputy")
                ],
            }
            for constituency in SEATS
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consensus"):
            for constituency in SEATS:
                if not cleaned.get(f"{constituency}_regular_voter"):
                    self.add_error(
                        f"{constituency}_regular_voter",
                        _(
                            "A consensus needs every seat's vote: name who voted for "
                            "the %(seat)s seat."
                        )
                        % {"seat": self.seats[constituency].label},
                    )
            return cleaned
        for constituency in SEATS:
            for role in ("regular", "deputy"):
                voter = cleaned.get(f"{constituency}_{role}_voter")
                vote = cleaned.get(f"{constituency}_{role}_vote")
                if vote and not voter:
                    self.add_error(
                        f"{constituency}_{role}_voter",
                        _("Name who cast this vote, or choose “Did not vote”."),
                    )
        return cleaned

    def votes(self) -> list[CastVote]:
        cleaned = self.cleaned_data
        votes = []
        for constituency in SEATS:
            if cleaned.get("consensus"):
                votes.append(
                    CastVote(
                        constituency=constituency,
                        voter=cleaned[f"{constituency}_regular_voter"],
                        vote=Vote.FOR,
                    )
                )
                continue
            for role, as_deputy in (("regular", False), ("deputy", True)):
                voter = cleaned.get(f"{constituency}_{role}_voter")
                vote = cleaned.get(f"{constituency}_{role}_vote")
                if voter and vote:
                    votes.append(
                        CastVote(
                            constituency=constituency,
                            voter=voter,
                            vote=vote,
                            as_deputy=as_deputy,
                        )
                    )
        return votes


def _people_queryset(people):
    from ..models import User

    return User.objects.filter(pk__in=[person.pk for person in people]).order_by(
        "last_name", "first_name", "email"
    )


def _default_deadline() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=ASSEMBLY_VOTE_DAYS)


class CloseForm(forms.Form):
    closes_on = forms.DateField(
        label=_("Deadline of the assembly's vote"),
        widget=DateInput(),
        required=False,
        help_text=_(
            "Used only when the Kerngroep is tied. The vote closes at the end of this "
            "day."
        ),
    )
    explanation = forms.CharField(
        label=_("Explanation for the parties"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Every party sees the outcome with this explanation."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("closes_on", _default_deadline())
        super().__init__(*args, **kwargs)

    def clean_closes_on(self):
        day = self.cleaned_data.get("closes_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a day after today."))
        return day

    def closes_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("closes_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


class VoteForm(forms.Form):
    vote = forms.ChoiceField(
        label=_("Your vote"), choices=Vote.choices, widget=forms.RadioSelect
    )
