"""Demo data: the deputies of the four Kerngroep seats, the chair's appointment dates and
the Kerngroep's four meetings of 2026 (March, June and September held; December coming,
with its agenda, documents and guests)."""

from __future__ import annotations

import datetime as dt
import functools
import logging

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone

from ..models import (
    AgendaDocument,
    AgendaItem,
    AgendaVisibility,
    ChairTerm,
    Constituency,
    KerngroepSeat,
    Meeting,
    MeetingGuest,
    MeetingStatus,
    OrganisationRole,
    User,
)

OUTLINE = AgendaVisibility.OUTLINE
CLOSED = AgendaVisibility.KERNGROEP_ONLY

# email, first name, last name, for the seat of
DEPUTIES = [
    ("plv-vakbond@convenant.test", "Mohamed", "Bouzid", Constituency.UNIONS),
    ("plv-ngo@convenant.test", "Ilse", "Verbeek", Constituency.NGOS),
    ("plv-branche@convenant.test", "Wouter", "Kramer", Constituency.BRANCH),
    ("plv-bedrijf@convenant.test", "Nicole", "Janssen", Constituency.COMPANIES),
]

SER_GEBOUW = "Den Haag, SER-gebouw"


def _at(year: int, month: int, day: int, hour: int = 13, minute: int = 30):
    return dt.datetime(
        year, month, day, hour, minute, tzinfo=timezone.get_default_timezone()
    )


@functools.cache
def _pdf(title: str, paragraphs: tuple[str, ...]) -> bytes:
    """A small PDF; made once per process, as WeasyPrint's first run takes seconds."""
    import weasyprint

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"""<html lang="nl"><head><meta charset="utf-8"><style>
      body {{ font-family: sans-serif; font-size: 11pt; margin: 2cm; }}
      h1 {{ font-size: 16pt; }} .kop {{ color: #555; font-size: 9pt; }}
    </style></head><body>
    <p class="kop">IMVO Sectorovereenkomst Metaal · Kerngroep · vertrouwelijk</p>
    <h1>{title}</h1>{body}</body></html>"""
    return weasyprint.HTML(string=html).write_pdf()


MEETINGS = [
    {
        "starts_at": _at(2026, 3, 12),
        "location": SER_GEBOUW,
        "items": [
            (
                "Opening en vaststellen agenda",
                "",
                OUTLINE,
                "De voorzitter opent de vergadering; de agenda wordt vastgesteld.",
            ),
            (
                "Voortgangsrapportage due diligence",
                "Het secretariaat licht de stand van de nulmeting toe: 31 van de 38 "
                "bedrijven hebben de zelfevaluatie ingediend; zeven bedrijven krijgen "
                "een herinnering.",
                OUTLINE,
                "Het secretariaat rapporteert over de voortgang van de nulmeting "
                "(art. 52).",
            ),
            (
                "Jaarplan secretariaat 2026",
                "Concept-jaarplan met begroting; de bijdrage van de overheid volgt de "
                "verdeling 47/33/20.",
                OUTLINE,
                "De Kerngroep bespreekt het jaarplan van het secretariaat voor 2026.",
            ),
            (
                "Rondvraag en sluiting",
                "",
                OUTLINE,
                "Rondvraag en sluiting.",
            ),
        ],
        "minutes_full": (
            "Aanwezig: de voorzitter (Marieke van Dijk), Sanne de Vries (CNV "
            "Vakmensen), Yara Hoekstra (Stichting Eerlijke Grondstoffen), Hans de Boer "
            "(FME), Ruud Peters (Limburgse Kabelfabriek B.V.); namens het secretariaat "
            "Eva Jansen.\n\n"
            "1. De voorzitter opent om 13.30 uur. De agenda wordt ongewijzigd "
            "vastgesteld.\n\n"
            "2. Het secretariaat meldt dat 31 van de 38 bedrijven de nulmeting hebben "
            "ingediend. Zeven bedrijven, waaronder twee recyclers, krijgen een "
            "persoonlijke herinnering; de Kerngroep vraagt het secretariaat de "
            "achterblijvers in april te bellen.\n\n"
            "3. Het jaarplan 2026 wordt met één wijziging vastgesteld: het "
            "kennisprogramma over kobalt en grafiet krijgt voorrang.\n\n"
            "4. Rondvraag: FNV Metaal vraagt aandacht voor de genderparagraaf in de "
            "risicoanalyse. Sluiting om 16.05 uur."
        ),
        "minutes_outline": (
            "De Kerngroep besprak de voortgang van de nulmeting: het merendeel van "
            "de bedrijven heeft de zelfevaluatie ingediend, de overige bedrijven "
            "worden door het secretariaat benaderd. Het jaarplan van het "
            "secretariaat voor 2026 is vastgesteld, met voorrang voor het "
            "kennisprogramma over kobalt en grafiet."
        ),
    },
    {
        "starts_at": _at(2026, 6, 11),
        "location": "Online (Microsoft Teams)",
        "items": [
            (
                "Opening en vaststellen agenda",
                "",
                OUTLINE,
                "Opening en vaststellen van de agenda.",
            ),
            (
                "Verslag vorige vergadering",
                "Verslag van 12 maart 2026.",
                OUTLINE,
                "Het verslag van 12 maart 2026 wordt vastgesteld.",
            ),
            (
                "Resultaten nulmeting (geaggregeerd)",
                "Eerste geaggregeerde resultaten: 9 bedrijven groen, 21 oranje, "
                "8 rood. Het secretariaat plant de verbetergesprekken.",
                OUTLINE,
                "Het secretariaat presenteert de geaggregeerde resultaten van de "
                "nulmeting; de verbetergesprekken worden gepland.",
            ),
            (
                "Verzoek om toelichting van een bedrijf",
                "Een bedrijf vraagt uitstel voor de productielocatielijst in verband "
                "met een overname.",
                CLOSED,
                "",
            ),
            ("Rondvraag en sluiting", "", OUTLINE, "Rondvraag en sluiting."),
        ],
        "minutes_full": (
            "Aanwezig: de voorzitter, de vier leden van de Kerngroep, namens FME de "
            "plaatsvervanger Wouter Kramer; het secretariaat.\n\n"
            "1. Opening; de agenda wordt vastgesteld.\n\n"
            "2. Het verslag van 12 maart 2026 wordt zonder wijzigingen vastgesteld.\n\n"
            "3. Van de 38 bedrijven scoren er 9 groen, 21 oranje en 8 rood. Met de "
            "oranje en rode bedrijven voert het secretariaat voor 1 oktober een "
            "verbetergesprek, met de directie aanwezig.\n\n"
            "4. De Kerngroep stemt in met drie maanden uitstel voor de "
            "productielocatielijst van het betrokken bedrijf.\n\n"
            "5. Geen rondvraag. Sluiting om 15.40 uur."
        ),
        "minutes_outline": (
            "Het verslag van 12 maart 2026 is vastgesteld. Het secretariaat "
            "presenteerde de geaggregeerde resultaten van de nulmeting; met de "
            "bedrijven die oranje of rood scoren worden verbetergesprekken gevoerd. "
            "De Kerngroep besprak daarnaast één besloten agendapunt."
        ),
    },
    {
        "starts_at": _at(2026, 9, 17),
        "location": "Zoetermeer, FME-huis",
        "items": [
            (
                "Opening en vaststellen agenda",
                "",
                OUTLINE,
                "Opening en vaststellen van de agenda.",
            ),
            (
                "Verslag vorige vergadering",
                "Verslag van 11 juni 2026.",
                OUTLINE,
                "Het verslag van 11 juni 2026 wordt vastgesteld.",
            ),
            (
                "Geaggregeerde productielocatielijst 2026",
                "Concept van de geaggregeerde lijst op landniveau; twee cellen worden "
                "onderdrukt omdat ze naar één bedrijf herleidbaar zijn.",
                OUTLINE,
                "De Kerngroep bespreekt de geaggregeerde productielocatielijst 2026 "
                "voordat die met alle partijen wordt gedeeld.",
            ),
            ("Rondvraag en sluiting", "", OUTLINE, "Rondvraag en sluiting."),
        ],
        "minutes_full": (
            "Aanwezig: de voorzitter en de vier leden van de Kerngroep; het "
            "secretariaat.\n\n"
            "1. Opening; de agenda wordt vastgesteld.\n\n"
            "2. Het verslag van 11 juni 2026 wordt vastgesteld met een tekstuele "
            "correctie bij punt 3.\n\n"
            "3. De geaggregeerde productielocatielijst telt 1.214 locaties in 41 "
            "landen. De cellen voor Bolivia (smelterij) en Zambia (raffinage) worden "
            "onderdrukt. De lijst gaat op 1 oktober naar alle partijen.\n\n"
            "4. Rondvraag: Stichting Eerlijke Grondstoffen kondigt een "
            "vervolgonderzoek naar kobaltmijnen in Lualaba aan. Sluiting om 16.00 uur."
        ),
        "minutes_outline": (
            "Het verslag van 11 juni 2026 is vastgesteld. De Kerngroep heeft de "
            "geaggregeerde productielocatielijst 2026 besproken; die wordt op "
            "1 oktober met alle partijen gedeeld."
        ),
    },
    {
        "starts_at": _at(2026, 12, 3),
        "location": SER_GEBOUW,
        "items": [
            (
                "Opening en vaststellen agenda",
                "",
                OUTLINE,
                "De voorzitter opent de vergadering; de agenda wordt vastgesteld.",
                [],
            ),
            (
                "Verslag vorige vergadering (17 september 2026)",
                "Het verslag van 17 september 2026 ligt ter vaststelling voor.",
                OUTLINE,
                "Het verslag van 17 september 2026 wordt vastgesteld.",
                [],
            ),
            (
                "Voortgangsrapportage due diligence",
                "Stand na de verbetergesprekken: 17 van de 29 oranje en rode bedrijven "
                "hebben een verbeterplan ingediend. Drie bedrijven reageren niet; het "
                "secretariaat stelt een herinnering met termijn voor.",
                OUTLINE,
                "Het secretariaat rapporteert over de voortgang van due diligence na "
                "de verbetergesprekken (art. 52).",
                [
                    (
                        "Voortgangsrapportage Q3 2026.pdf",
                        "Voortgangsrapportage due diligence, derde kwartaal 2026",
                        [
                            "Na de nulmeting voerde het secretariaat 29 "
                            "verbetergesprekken met bedrijven die oranje of rood "
                            "scoorden.",
                            "17 bedrijven hebben een verbeterplan ingediend; 9 "
                            "bedrijven werken eraan binnen de termijn van drie "
                            "maanden; 3 bedrijven reageren niet.",
                            "Voorstel: de drie bedrijven ontvangen een schriftelijke "
                            "herinnering met een termijn van zes weken.",
                        ],
                    ),
                    (
                        "Geaggregeerde scores per OESO-stap.pdf",
                        "Geaggregeerde scores per stap van OESO due diligence",
                        [
                            "Stap 1 (beleid): gemiddeld 2,8 van 4. Stap 2 "
                            "(risico's identificeren): 2,1. Stap 3 (aanpakken): 1,9.",
                            "Stap 4 (monitoren): 1,7. Stap 5 (communiceren): 2,0. "
                            "Stap 6 (herstel): 1,4.",
                            "De scores zijn niet herleidbaar tot afzonderlijke "
                            "bedrijven.",
                        ],
                    ),
                ],
            ),
            (
                "Toetredingsverzoek Eindhovense Elektronica Assemblage B.V.",
                "Het bedrijf (CSRD-plichtig, 640 fte) onderschrijft de "
                "OESO-richtlijnen en stelt een due-diligence-coördinator aan. Geen "
                "van de partijen heeft gevraagd het bedrijf eerst te horen.",
                OUTLINE,
                "De Kerngroep besluit over het verzoek tot toetreding van "
                "Eindhovense Elektronica Assemblage B.V. (art. 69-72).",
                [
                    (
                        "Motivatiebrief toetreding.pdf",
                        "Motivatiebrief: toetreding tot de IMVO Sectorovereenkomst "
                        "Metaal",
                        [
                            "Eindhovense Elektronica Assemblage B.V. onderschrijft de "
                            "OESO-richtlijnen voor multinationale ondernemingen.",
                            "Wij stellen een due-diligence-coördinator aan (0,8 fte) "
                            "en brengen in 2027 onze leveranciers van tin, tantaal en "
                            "wolfraam in kaart.",
                        ],
                    ),
                ],
            ),
            (
                "Klacht over onvoldoende voortgang van een deelnemend bedrijf",
                "Klacht van FNV Metaal over het uitblijven van een verbeterplan door "
                "een deelnemend bedrijf (art. 83-86). Het klachtpanel is samengesteld; "
                "geen van de Kerngroepleden is betrokken partij.",
                CLOSED,
                "",
                [
                    (
                        "Klachtdossier.pdf",
                        "Klachtdossier: onvoldoende voortgang",
                        [
                            "De klager stelt dat het bedrijf na het verbetergesprek "
                            "van juni geen verbeterplan heeft ingediend.",
                            "Het bedrijf heeft schriftelijk gereageerd; de reactie is "
                            "bijgevoegd. Het secretariaat adviseert een termijn van "
                            "zes weken.",
                        ],
                    ),
                ],
            ),
            (
                "Verzoek beperkte openbaarmaking locatiegegevens",
                "Een bedrijf verzoekt zijn locaties in Chili alleen op landniveau te "
                "delen, omdat het de enige afnemer van twee smelterijen is (art. 24).",
                CLOSED,
                "",
                [
                    (
                        "Verzoek beperkte openbaarmaking.pdf",
                        "Verzoek beperkte openbaarmaking (art. 24)",
                        [
                            "Het bedrijf onderbouwt dat de locatiegegevens "
                            "concurrentiegevoelig zijn.",
                            "Advies secretariaat: het verzoek toewijzen; delen op "
                            "landniveau blijft mogelijk.",
                        ],
                    ),
                ],
            ),
            ("Rondvraag en sluiting", "", OUTLINE, "Rondvraag en sluiting.", []),
        ],
        "guests": [
            (
                "Dr. Ingrid Vos",
                "OESO Centre for Responsible Business Conduct",
                "Toelichting op de OESO-richtsnoer voor mineralen bij agendapunt 3.",
                "kerngroep@convenant.test",
                True,
            ),
            (
                "Mark Verhoeven",
                "Responsible Minerals Initiative",
                "Presentatie over auditprogramma's voor smelterijen.",
                "secretariaat@convenant.test",
                False,
            ),
        ],
    },
]


def _deputies(secretariat) -> None:
    from convenant.management.commands.seed_demo import DEMO_PASSWORD

    for email, first, last, constituency in DEPUTIES:
        seat = (
            KerngroepSeat.objects.filter(
                constituency=constituency, ends_on__isnull=True
            )
            .select_related("organisation")
            .order_by("-starts_on")
            .first()
        )
        if seat is None or seat.deputy_representative_id is not None:
            continue
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                organisation=seat.organisation,
                organisation_role=OrganisationRole.MEMBER,
            )
            EmailAddress.objects.create(
                user=person, email=email, verified=True, primary=True
            )
        seat.deputy_representative = person
        seat.full_clean()
        seat.save()


def _chair() -> None:
    term = ChairTerm.objects.order_by("starts_on").first()
    if term is not None and term.proposed_on is None:
        term.proposed_on = dt.date(2025, 9, 15)
        term.confirmed_on = dt.date(2025, 10, 2)
        term.full_clean()
        term.save()


def _meeting(spec: dict, secretariat, status: str) -> Meeting | None:
    if Meeting.objects.filter(starts_at=spec["starts_at"]).exists():
        return None
    from convenant.selectors import agreement_current, agreement_year_on

    agreement = agreement_current()
    year = agreement_year_on(
        agreement=agreement, day=timezone.localtime(spec["starts_at"]).date()
    )
    meeting = Meeting(
        agreement_year=year,
        starts_at=spec["starts_at"],
        location=spec["location"],
        status=status,
        minutes_full=spec.get("minutes_full", ""),
        minutes_outline=spec.get("minutes_outline", ""),
        created_by=secretariat,
    )
    meeting.full_clean()
    meeting.save()
    for position, row in enumerate(spec["items"], start=1):
        title, description, visibility, outline = row[:4]
        item = AgendaItem(
            meeting=meeting,
            position=position,
            title=title,
            description=description,
            visibility=visibility,
            outline=outline,
        )
        item.full_clean()
        item.save()
        for name, heading, paragraphs in row[4] if len(row) > 4 else []:
            content = _pdf(heading, tuple(paragraphs))
            document = AgendaDocument(
                item=item,
                original_name=name,
                content_type="application/pdf",
                size=len(content),
                uploaded_by=secretariat,
            )
            document.file.save("upload", ContentFile(content), save=False)
            document.save()
    return meeting


def _guests(meeting: Meeting, spec: dict) -> None:
    chair = ChairTerm.objects.select_related("person").order_by("-starts_on").first()
    for name, affiliation, reason, email, admitted in spec.get("guests", []):
        proposer = User.objects.filter(email=email).first()
        if proposer is None:
            continue
        guest = MeetingGuest(
            meeting=meeting,
            name=name,
            affiliation=affiliation,
            reason=reason,
            proposed_by=proposer,
            proposed_at=timezone.now() - dt.timedelta(days=10),
        )
        if admitted and chair is not None:
            guest.admitted_by = chair.person
            guest.admitted_at = timezone.now() - dt.timedelta(days=3)
        guest.full_clean()
        guest.save()


def seed(*, secretariat) -> None:
    """Idempotent: running it twice adds nothing the second time."""
    _deputies(secretariat)
    _chair()
    if Meeting.objects.filter(
        starts_at__in=[m["starts_at"] for m in MEETINGS]
    ).exists():
        return
    march, june, september, december = MEETINGS
    held = [
        _meeting(spec, secretariat, MeetingStatus.HELD)
        for spec in (march, june, september)
    ]
    upcoming = _meeting(december, secretariat, MeetingStatus.PLANNED)
    # March's minutes were approved in June, June's in September; September's wait for
    # the December meeting.
    for meeting, approved_in in ((held[0], held[1]), (held[1], held[2])):
        meeting.minutes_approved_in = approved_in
        meeting.minutes_approved_at = approved_in.starts_at + dt.timedelta(hours=1)
        meeting.save(update_fields=["minutes_approved_in", "minutes_approved_at"])
    _guests(upcoming, december)
