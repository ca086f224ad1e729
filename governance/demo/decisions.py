"""Demo data: decisions of the Kerngroep. One taken by consensus, one adopted 3-1 with
a deputy voting for an absent regular representative, one rejected, and one the
Kerngroep tied on, whose assembly vote is open with a few parties' ballots in. Placed on
the agenda items of the demo meetings when there are any."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from ..models import (
    AgendaItem,
    AssemblyVote,
    Constituency,
    Decision,
    KerngroepSeat,
    User,
)
from ..permissions import current_seats
from ..services import decisions as services
from ..services.decisions import CastVote

DEPUTY = ("kerngroep-plaatsvervanger@convenant.test", "Ingrid", "Bos")

CONSENSUS = (
    "Vaststellen drempel k = 3 voor de geaggregeerde lijst",
    "De geaggregeerde productielocatielijst toont een cel (land, activiteit) pas "
    "wanneer ten minste drie bedrijven er locaties hebben (k = 3). Cellen met minder "
    "bedrijven worden samengevoegd op regioniveau, zodat geen bedrijf herleidbaar is "
    "(art. 19).",
    "De Kerngroep stelt de drempel unaniem vast op drie bedrijven per cel.",
)
ADOPTED = (
    "Jaarplan secretariaat 2027",
    "Het secretariaat legt het jaarplan 2027 voor: de tweede monitoringsronde in "
    "jaar 2, twee kennissessies over herleidbaarheid in de keten, en het jaarlijkse "
    "voortgangsrapport aan de overheid (art. 63-64).",
    "Aangenomen met drie stemmen voor en één tegen. De NGO-zetel had liever een "
    "extra praktijkmodule gezien; het secretariaat neemt dat mee in de evaluatie.",
)
REJECTED = (
    "Verlagen bijdrage steunbetuigers naar € 500 per jaar",
    "Voorstel om de jaarlijkse bijdrage van steunbetuigers te verlagen van € 1.000 "
    "naar € 500, om kleinere adviesbureaus aan te trekken.",
    "Verworpen: de begroting 2027 laat geen lagere bijdrage toe (art. 78-82).",
)
TIED = (
    "Kennismodule gendergelijkheid verplicht voor bedrijven met signaal oranje",
    "Bedrijven die in de nulmeting oranje scoren, volgen binnen twaalf maanden de "
    "kennismodule over het genderperspectief in gepaste zorgvuldigheid (art. 28-30).",
)
# The parties whose admins voted already in the assembly, and how.
EARLY_BALLOTS = (
    ("vakbond@convenant.test", "for"),
    ("branche@convenant.test", "against"),
    ("ngo@convenant.test", "for"),
)


def _seats() -> dict[str, KerngroepSeat]:
    found: dict[str, KerngroepSeat] = {}
    for seat in current_seats().select_related(
        "organisation", "regular_representative", "deputy_representative"
    ):
        found.setdefault(seat.constituency, seat)
    return found


def _deputy(seat: KerngroepSeat) -> User:
    """The branch seat's deputy; the demo names one when the seat has none."""
    if seat.deputy_representative is not None:
        return seat.deputy_representative
    from convenant.management.commands.seed_demo import DEMO_PASSWORD

    email, first, last = DEPUTY
    person = User.objects.filter(email=email).first()
    if person is None:
        person = User.objects.create_user(
            email,
            DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            organisation=seat.organisation,
        )
        EmailAddress.objects.create(
            user=person, email=email, verified=True, primary=True
        )
    seat.deputy_representative = person
    seat.full_clean()
    seat.save(update_fields=["deputy_representative"])
    return person


def _items() -> list[AgendaItem | None]:
    """Agenda items of meetings that have begun, oldest first; the demo seats hold
    from the start of the agreement, so their representatives may vote on them."""
    items = list(
        AgendaItem.objects.filter(meeting__starts_at__lte=timezone.now())
        .exclude(meeting__status="cancelled")
        .select_related("meeting")
        .order_by("meeting__starts_at", "position", "pk")
    )
    return items or [None]


def _open(title: str, proposal: str, item: AgendaItem | None, secretariat) -> Decision:
    return services.decision_open(
        title=title, proposal=proposal, agenda_item=item, actor=secretariat
    )


def _vote(seat: KerngroepSeat, vote: str) -> CastVote:
    return CastVote(seat.constituency, seat.regular_representative, vote)


@transaction.atomic
def seed(*, secretariat) -> None:
    """Idempotent: running it twice adds nothing the second time."""
    seats = _seats()
    if set(seats) != set(Constituency.values):
        return
    existing = set(Decision.objects.values_list("title", flat=True))
    items = _items()
    unions, ngos, branch, companies = (
        seats[Constituency.UNIONS],
        seats[Constituency.NGOS],
        seats[Constituency.BRANCH],
        seats[Constituency.COMPANIES],
    )

    def item(n: int) -> AgendaItem | None:
        return items[n % len(items)]

    if CONSENSUS[0] not in existing:
        decision = _open(CONSENSUS[0], CONSENSUS[1], item(0), secretariat)
        services.decision_record_votes(
            decision=decision,
            votes=[_vote(seat, "for") for seat in (unions, ngos, branch, companies)],
            actor=secretariat,
        )
        services.decision_close(
            decision=decision, actor=secretariat, explanation=CONSENSUS[2]
        )

    if ADOPTED[0] not in existing:
        decision = _open(ADOPTED[0], ADOPTED[1], item(1), secretariat)
        services.decision_record_votes(
            decision=decision,
            votes=[
                _vote(unions, "for"),
                _vote(ngos, "against"),
                # The branch seat's regular representative was absent.
                CastVote(branch.constituency, _deputy(branch), "for", as_deputy=True),
                _vote(companies, "for"),
            ],
            actor=secretariat,
        )
        services.decision_close(
            decision=decision, actor=secretariat, explanation=ADOPTED[2]
        )

    if REJECTED[0] not in existing:
        decision = _open(REJECTED[0], REJECTED[1], item(2), secretariat)
        services.decision_record_votes(
            decision=decision,
            votes=[
                _vote(unions, "against"),
                _vote(ngos, "against"),
                _vote(branch, "abstain"),
                _vote(companies, "for"),
            ],
            actor=secretariat,
        )
        services.decision_close(
            decision=decision, actor=secretariat, explanation=REJECTED[2]
        )

    if TIED[0] not in existing:
        decision = _open(TIED[0], TIED[1], item(3), secretariat)
        services.decision_record_votes(
            decision=decision,
            votes=[
                _vote(unions, "for"),
                _vote(ngos, "for"),
                _vote(branch, "against"),
                _vote(companies, "against"),
            ],
            actor=secretariat,
        )
        services.decision_close(
            decision=decision,
            actor=secretariat,
            closes_at=timezone.now() + dt.timedelta(days=10),
        )
        assembly = AssemblyVote.objects.get(decision=decision)
        # The demo's parties count as told: no mail goes out when the demo loads.
        assembly.notified_at = timezone.now()
        assembly.save(update_fields=["notified_at"])
        for email, vote in EARLY_BALLOTS:
            admin = (
                User.objects.filter(email=email).select_related("organisation").first()
            )
            if admin is None or admin.organisation is None:
                continue
            services.assembly_ballot_cast(
                assembly_vote=assembly,
                organisation=admin.organisation,
                vote=vote,
                actor=admin,
            )
