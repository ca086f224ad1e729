"""Demo data: a party that gave notice of withdrawal, a removal decided by the Kerngroep
with its agreed and published notice, a complaint by FNV Metaal about the company that
holds the companies' Kerngroep seat (so its panel shows a replacement), and news for
the parties."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from .. import rules
from ..models import (
    Complaint,
    NewsItem,
    Organisation,
    OrganisationStatus,
    Removal,
    User,
    WithdrawalNotice,
)
from ..services import conduct as services
from ..services.decisions import decision_finalise

WITHDRAWING = "Friese Edelmetaal B.V."
REMOVED = "Westlandse Zinkerij B.V."
COMPLAINANT = "FNV Metaal"
COMPLAINANT_PERSON = "vakbond@convenant.test"
# The company holding the companies' seat in seed_demo's SEATS.
RESPONDENT = "Limburgse Kabelfabriek B.V."

NEWS = [
    (
        "Jaarlijkse Sectormodule Vergadering op 11 maart 2027",
        "De Sectormodule Vergadering komt bijeen op donderdag 11 maart 2027 in Den Haag. "
        "Op de agenda staan het geaggregeerde voortgangsrapport over jaar 1, het "
        "jaarplan van het secretariaat en de evaluatie van de monitoringtool. Alle "
        "partijen ontvangen de stukken uiterlijk drie weken vooraf.",
    ),
    (
        "Geaggregeerde productielocatielijst 2025 gepubliceerd",
        "De geaggregeerde lijst van productielocaties over 2025 staat op het platform. "
        "De lijst toont landen en regio's met het type activiteit en is niet "
        "herleidbaar tot individuele bedrijven (art. 19).",
    ),
]


def seed(*, secretariat) -> None:
    """Idempotent: running it twice adds nothing the second time."""
    by_name = {o.name: o for o in Organisation.objects.all()}
    _withdrawal(by_name.get(WITHDRAWING), secretariat)
    _removal(by_name.get(REMOVED), secretariat)
    _complaint(by_name.get(COMPLAINANT), by_name.get(RESPONDENT), secretariat)
    for title, body in NEWS:
        if not NewsItem.objects.filter(title=title).exists():
            services.news_item_create(title=title, body=body, actor=secretariat)


def _withdrawal(organisation: Organisation | None, secretariat: User) -> None:
    if organisation is None or organisation.withdrawal_notices.exists():
        return
    # A letter received on 20 October 2026: the first 1 January at least six months
    # later is 1 January 2028.
    notice_on = dt.date(2026, 10, 20)
    reasons = (
        "Wij bouwen onze activiteiten in edelmetaalrecycling af en verkopen de "
        "recyclingtak per 2027. Zonder positie in metaalketens kunnen wij de "
        "verplichtingen van het convenant niet zinvol invullen."
    )
    if organisation.status == OrganisationStatus.ACTIVE:
        services.withdrawal_give(
            organisation=organisation,
            notice_on=notice_on,
            reasons=reasons,
            actor=secretariat,
        )
        return
    if organisation.status != OrganisationStatus.WITHDRAWING:
        return
    # The demo members list makes this party "withdrawing" already; record its notice.
    notice = WithdrawalNotice(
        organisation=organisation,
        notice_on=notice_on,
        reasons=reasons,
        effective_on=rules.withdrawal_effective_date(organisation.signed_on, notice_on),
        given_by=secretariat,
    )
    notice.full_clean()
    notice.save()


def _removal(organisation: Organisation | None, secretariat: User) -> None:
    if (
        organisation is None
        or organisation.status != OrganisationStatus.ACTIVE
        or Removal.objects.filter(organisation=organisation).exists()
    ):
        return
    removal = services.removal_open(
        organisation=organisation,
        ruling=(
            "Besluit van de Kerngroep van 12 maart 2026: alle partijen leveren vóór "
            "1 juli 2026 hun productielocatielijst en plan van aanpak in. "
            f"{organisation.name} heeft beide niet ingeleverd."
        ),
        actor=secretariat,
    )
    services.removal_reminder_add(
        removal=removal,
        sent_on=dt.date(2026, 7, 15),
        text=(
            "Wij hebben uw productielocatielijst en plan van aanpak nog niet "
            "ontvangen. Wij verzoeken u beide vóór 1 september 2026 in te leveren, "
            "zoals de Kerngroep op 12 maart 2026 heeft besloten."
        ),
        actor=secretariat,
    )
    decision = services.removal_submit(
        removal=removal,
        proposal=(
            f"Het secretariaat stelt voor {organisation.name} uit het convenant te "
            "verwijderen: ook na de herinnering van 15 juli 2026 is het besluit van "
            "12 maart 2026 niet opgevolgd."
        ),
        actor=secretariat,
    )
    decision_finalise(
        decision=decision,
        outcome="adopted",
        actor=secretariat,
        decided_on=dt.date(2026, 10, 8),
        explanation="De Kerngroep heeft de verwijdering aangenomen.",
    )
    services.removal_notice_draft(
        removal=removal,
        text=(
            f"De Kerngroep heeft op 8 oktober 2026 besloten {organisation.name} uit "
            "de IMVO Sectorovereenkomst Metaal te verwijderen, omdat het bedrijf een "
            "besluit van de Kerngroep over de jaarlijkse rapportage ook na een "
            "herinnering niet heeft opgevolgd. De verwijdering gaat in op "
            "8 januari 2027. Het bedrijf blijft tot het einde van het lopende "
            "convenantjaar aan zijn verplichtingen gehouden."
        ),
        actor=secretariat,
    )
    services.removal_notice_agree(
        removal=removal,
        agreed_with="M. Verhoeven, directeur",
        agreed_on=dt.date(2026, 10, 22),
        actor=secretariat,
    )
    services.removal_notice_publish(removal=removal, actor=secretariat)


def _complaint(
    complainant: Organisation | None,
    respondent: Organisation | None,
    secretariat: User,
) -> None:
    person = User.objects.filter(email=COMPLAINANT_PERSON).first()
    if (
        complainant is None
        or respondent is None
        or person is None
        or Complaint.objects.filter(
            complainant=complainant, respondent=respondent
        ).exists()
    ):
        return
    complaint = services.complaint_file(
        respondent=respondent,
        about_lack_of_progress=True,
        description=(
            "Het bedrijf heeft in de nulmeting geen risicoanalyse voor koper uit "
            "Zambia en de DR Congo gemaakt en heeft sindsdien geen stappen gezet om "
            "zijn smelters in kaart te brengen. Het plan van aanpak 2026 noemt geen "
            "concrete acties."
        ),
        already_tried=(
            "Twee gesprekken met de inkoopdirecteur (april en juni 2026) en een "
            "brief aan de directie van 3 september 2026, zonder resultaat."
        ),
        share_identity=True,
        actor=person,
    )
    try:
        services.complaint_judge(
            complaint=complaint,
            admissible=True,
            reasons=(
                "De klacht gaat over het uitblijven van voortgang in due diligence "
                "en eerdere stappen zijn aantoonbaar gezet."
            ),
            actor=secretariat,
        )
    except ValidationError:
        # Without four seats (a demo without the Kerngroep) the panel cannot be formed;
        # the complaint stays filed for the secretariat to judge.
        return
    services.complaint_schedule(
        complaint=complaint,
        hearing_on=dt.date(2027, 1, 14),
        decision_on=dt.date(2027, 2, 11),
        follow_up_on=dt.date(2027, 8, 12),
        decision_text="",
        actor=secretariat,
    )
    services.complaint_submit(
        complaint=complaint,
        proposal=(
            "Het panel hoort FNV Metaal en het bedrijf op 14 januari 2027 en besluit "
            "op 11 februari 2027 of de klacht gegrond is."
        ),
        actor=secretariat,
    )
