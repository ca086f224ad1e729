"""Demo data for the ketenkaart: production-location lists of the demo companies for last
year and this year, drawn from the shared reference list of facilities
(shared/data/facilities.csv, beside the repository).

Each company lists the mines, smelters and plants of its own materials: processing plants
in Europe as tier 1, smelters and refiners as tier 2, mines as tier 3 (sometimes 4).
This year's lists are longer and reach deeper than last year's, as the agreement expects
(art. 18), and the recyclers also map their customers (art. 17). Popular smelters are
named by several companies, as in reality. A fixed seed keeps the demo the same on every
machine; the facilities' addresses are made up.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from governance.models import Organisation, OrganisationKind

from . import places
from .aggregation import normalise_supplier_name
from .models import ListStatus, Location, LocationList, Relation

FACILITIES = Path(settings.BASE_DIR).parent / "shared" / "data" / "facilities.csv"

# company -> its materials, this year's number of locations, whether this year's list
# has been submitted, and whether it had a list last year (companies that joined later
# did not).
COMPANIES: dict[str, tuple[tuple[str, ...], int, bool, bool]] = {
    "Hollandse Draadtrekkerij B.V.": (("copper", "iron_steel"), 34, False, True),
    "Brabant Non-Ferro Recycling B.V.": (
        ("copper", "aluminium", "zinc"),
        26,
        True,
        True,
    ),
    "Twentse Precisiegieterij B.V.": (
        ("iron_steel", "aluminium", "nickel"),
        42,
        True,
        True,
    ),
    "Rijnmond Staalhandel B.V.": (("iron_steel",), 18, False, True),
    "Zeeuws Aluminium Profielen B.V.": (("aluminium",), 38, True, True),
    "Veluwse Metaalbewerking B.V.": (("iron_steel", "aluminium"), 16, False, True),
    "Noordelijke Koperwalserij B.V.": (("copper", "zinc", "tin"), 48, True, True),
    "Limburgse Kabelfabriek B.V.": (("copper", "aluminium"), 64, True, True),
    "Delftse Batterijtechniek B.V.": (
        ("lithium", "cobalt", "nickel", "graphite", "manganese"),
        40,
        True,
        False,
    ),
    "Gelderse Plaatwerk Groep B.V.": (("iron_steel", "zinc"), 28, True, True),
    "Westlandse Zinkerij B.V.": (("zinc",), 14, False, True),
    "Friese Edelmetaal B.V.": (("gold", "platinum_group"), 20, True, True),
    "Maasvlakte Metals Trading B.V.": (
        ("copper", "nickel", "zinc", "aluminium"),
        30,
        True,
        False,
    ),
}

# Towns near the facilities of each country in the reference list, with their ISO 3166-2
# region; a facility is placed in one of them.
TOWNS: dict[str, tuple[tuple[str, str], ...]] = {
    "AR": (("San Fernando del Valle de Catamarca", "AR-K"), ("San Juan", "AR-J")),
    "AU": (("Kalgoorlie", "AU-WA"), ("Mount Isa", "AU-QLD"), ("Broken Hill", "AU-NSW")),
    "BE": (("Olen", "BE-VAN"), ("Hoboken", "BE-VAN"), ("Liège", "BE-WLG")),
    "BO": (("Potosí", "BO-P"), ("Oruro", "BO-O")),
    "BR": (("Belo Horizonte", "BR-MG"), ("Parauapebas", "BR-PA")),
    "CA": (("Sudbury", "CA-ON"), ("Rouyn-Noranda", "CA-QC"), ("Trail", "CA-BC")),
    "CD": (("Kolwezi", "CD-LU"), ("Lubumbashi", "CD-HK"), ("Bukavu", "CD-SK")),
    "CL": (("Antofagasta", "CL-AN"), ("Calama", "CL-AN"), ("Copiapó", "CL-AT")),
    "CN": (("Ganzhou", "CN-JX"), ("Baotou", "CN-NM"), ("Jinchang", "CN-GS")),
    "DE": (("Hamburg", "DE-HH"), ("Lünen", "DE-NW"), ("Freiberg", "DE-SN")),
    "ES": (("Huelva", "ES-H"), ("Avilés", "ES-O")),
    "FI": (("Harjavalta", "FI-17"), ("Kokkola", "FI-07")),
    "GH": (("Obuasi", "GH-AH"), ("Tarkwa", "GH-WP")),
    "ID": (("Sorowako", "ID-SN"), ("Morowali", "ID-ST")),
    "IN": (("Udaipur", "IN-RJ"), ("Jamshedpur", "IN-JH")),
    "JP": (("Naoshima", "JP-37"), ("Saganoseki", "JP-44")),
    "KZ": (("Ust-Kamenogorsk", "KZ-VOS"), ("Balkhash", "KZ-KAR")),
    "MX": (("Cananea", "MX-SON"), ("Zacatecas", "MX-ZAC")),
    "MY": (("Butterworth", "MY-07"), ("Kuantan", "MY-06")),
    "NL": (("Rotterdam", "NL-ZH"), ("Budel", "NL-NB"), ("Delfzijl", "NL-GR")),
    "NO": (("Sunndalsøra", "NO-15"), ("Kristiansand", "NO-42")),
    "PE": (("Cerro de Pasco", "PE-PAS"), ("Arequipa", "PE-ARE"), ("Ilo", "PE-MOQ")),
    "PH": (("Surigao", "PH-SUN"), ("Palawan", "PH-PLW")),
    "RU": (("Norilsk", "RU-KYA"), ("Yekaterinburg", "RU-SVE")),
    "RW": (("Musanze", "RW-03"), ("Kigali", "RW-01")),
    "SE": (("Skellefteå", "SE-AC"), ("Kiruna", "SE-BD")),
    "US": (("Bingham Canyon", "US-UT"), ("Phoenix", "US-AZ"), ("Butte", "US-MT")),
    "ZA": (("Rustenburg", "ZA-NW"), ("Johannesburg", "ZA-GP")),
    "ZM": (("Kitwe", "ZM-08"), ("Chingola", "ZM-08")),
}
EUROPE = frozenset({"BE", "DE", "ES", "FI", "NL", "NO", "SE"})
STREETS = ("Industrieweg", "Mine Road", "Plant Road", "Zona Industrial", "Smelter Road")
SEED = 2026


def _facilities(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as source:
        return [
            record
            for record in csv.DictReader(source)
            if record["country"] in TOWNS
            and record["supplier_name"].strip()
            and record["materials"].strip()
            and len(record["supplier_name"]) <= 200
            # A few names of the reference list were garbled by a wrong encoding.
            and "Ã" not in record["supplier_name"]
        ]


def _tier(record: dict[str, str], rng: random.Random) -> int | None:
    activity = record["activity"]
    if activity == "processing":
        return 1 if record["country"] in EUROPE else 2
    if activity == "smelting_refining":
        return 2
    if activity == "mining":
        return 3 if rng.random() < 0.8 else 4
    return None


def _fields(
    record: dict[str, str],
    materials: tuple[str, ...],
    tier: int,
    relation: str,
    rng: random.Random,
) -> dict:
    country = record["country"]
    city, region = rng.choice(TOWNS[country])
    own = [m for m in record["materials"].split(";") if m in materials]
    name = record["supplier_name"].strip()
    return {
        "supplier_name": name,
        "normalised_name": normalise_supplier_name(name)[:200],
        "address": f"{rng.choice(STREETS)} {rng.randint(1, 250)}",
        "city": city,
        "region_code": places.region_code(region, country) or "",
        "country": country,
        "activity": record["activity"],
        "materials": own or [materials[0]],
        "tier": tier,
        "relation": relation,
    }


def _choose(
    pool: list[dict[str, str]], count: int, rng: random.Random
) -> list[tuple[dict[str, str], int]]:
    """`count` facilities, deeper tiers weighted so the list reaches the mines."""
    chosen: list[tuple[dict[str, str], int]] = []
    seen: set[tuple[str, str, str]] = set()
    for record in rng.sample(pool, min(len(pool), count * 3)):
        key = (
            record["supplier_name"].casefold(),
            record["country"],
            record["activity"],
        )
        tier = _tier(record, rng)
        if key in seen or tier is None:
            continue
        seen.add(key)
        chosen.append((record, tier))
        if len(chosen) == count:
            break
    return chosen


@transaction.atomic
def seed_ketenkaart(*, facilities: Path = FACILITIES, year: int | None = None) -> int:
    """Lists for `year` (this year by default) and the year before; returns how many
    were made. Idempotent: nothing happens when any list exists already, or when the
    reference list of facilities is not there."""
    if LocationList.objects.exists() or not facilities.exists():
        return 0
    year = year or timezone.localdate().year
    records = _facilities(facilities)
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    companies = {
        company.name: company
        for company in Organisation.objects.filter(
            kind=OrganisationKind.COMPANY, name__in=COMPANIES
        )
    }
    submitted_at = {
        year - 1: dt.datetime(year, 3, 14, 9, 0, tzinfo=dt.UTC),
        year: dt.datetime(year, 10, 30, 14, 0, tzinfo=dt.UTC),
    }
    made = 0
    locations: list[Location] = []
    for name, (materials, count, submitted, last_year) in COMPANIES.items():
        company = companies.get(name)
        if company is None:
            continue
        pool = [
            record
            for record in records
            if set(record["materials"].split(";")) & set(materials)
        ]
        this_year = [
            _fields(record, materials, tier, Relation.SUPPLIER, rng)
            for record, tier in _choose(pool, count, rng)
        ]
        if company.is_recycler:
            # A recycler also maps where its metal goes (art. 17).
            customers = [r for r in pool if r["country"] in EUROPE]
            this_year += [
                _fields(
                    {**record, "activity": "manufacturing"},
                    materials,
                    1,
                    Relation.CUSTOMER,
                    rng,
                )
                for record in rng.sample(customers, min(len(customers), 4))
            ]
        # Last year's list: fewer locations, and fewer beyond tier 1.
        earlier = [
            fields for fields in this_year if fields["tier"] == 1 or rng.random() < 0.55
        ]
        lists = [(year, this_year, submitted)]
        if last_year:
            lists.append((year - 1, earlier, True))
        for list_year, chosen, is_submitted in lists:
            location_list = LocationList.objects.create(
                company=company,
                year=list_year,
                status=ListStatus.SUBMITTED if is_submitted else ListStatus.DRAFT,
                submitted_at=submitted_at[list_year] if is_submitted else None,
            )
            made += 1
            locations.extend(
                Location(location_list=location_list, **fields) for fields in chosen
            )
    Location.objects.bulk_create(locations, batch_size=1_000)
    return made


def seed_releases(*, secretariat) -> int:
    """The disclosure rule as the Kerngroep set it, one approved restriction and one
    request still waiting, and a published release for each year with submitted lists.
    Idempotent: nothing happens when a release exists already."""
    from .models import DisclosureRule, LocationRelease, RestrictedDisclosure
    from .releases import release_start

    if LocationRelease.objects.exists() or not LocationList.objects.exists():
        return 0
    DisclosureRule.objects.create(
        k=3,
        dominance_percent=85,
        valid_from=dt.date(2025, 10, 16),
        decided_on=dt.date(2025, 11, 20),
        note="Kerngroep, 20 november 2025: drempel van drie bedrijven bevestigd.",
        recorded_by=secretariat,
    )
    companies = {
        company.name: company
        for company in Organisation.objects.filter(kind=OrganisationKind.COMPANY)
    }
    battery = companies.get("Delftse Batterijtechniek B.V.")
    if battery is not None:
        RestrictedDisclosure.objects.create(
            company=battery,
            requested_level="region",
            reason=(
                "Wij kopen kobalt bij één raffinaderij in Finland; op landniveau zou "
                "die leverancier, en daarmee onze inkoop, herkenbaar zijn."
            ),
            status="approved",
            approved_level="subregion",
            decided_on=dt.date(2026, 3, 12),
            decision_note="Kerngroep 12 maart 2026: goedgekeurd op subregio-niveau.",
            requested_by=battery.users.order_by("pk").first() or secretariat,
            requested_at=dt.datetime(2026, 2, 2, 10, 0, tzinfo=dt.UTC),
            decided_by=secretariat,
            decided_at=dt.datetime(2026, 3, 13, 9, 0, tzinfo=dt.UTC),
        )
    gold = companies.get("Friese Edelmetaal B.V.")
    if gold is not None:
        RestrictedDisclosure.objects.create(
            company=gold,
            requested_level="world",
            reason=(
                "Ons goud komt van twee raffinaderijen; in de lijst per land zouden "
                "concurrenten onze inkoop kunnen afleiden."
            ),
            requested_by=gold.users.order_by("pk").first() or secretariat,
        )
    published = 0
    years = (
        LocationList.objects.filter(status=ListStatus.SUBMITTED)
        .values_list("year", flat=True)
        .distinct()
        .order_by("year")
    )
    for year in years:
        release_start(year=year, actor=secretariat, run_now=True)
        published += 1
    return published


# The expertise of the demo NGOs and unions (art. 23): countries, M49 areas, materials,
# themes, what they do there and whom to contact.
EXPERTISE = {
    "Terre des Hommes Nederland": (
        ["CD", "PH", "IN"],
        ["017"],
        ["cobalt", "copper", "gold"],
        ["child_labour", "discrimination_gender"],
        "Partnerorganisaties in Kolwezi en Likasi volgen kinderarbeid in de "
        "ambachtelijke kobalt- en kopermijnbouw, met aandacht voor meisjes.",
        ("Lotte Visser", "l.visser@tdh.example", "+31 70 310 5000"),
    ),
    "Stichting Eerlijke Grondstoffen": (
        ["PE", "BO", "ID"],
        ["005"],
        ["tin", "gold", "nickel"],
        ["land_rights", "environment", "conflict_security"],
        "Netwerk van lokale organisaties rond tin- en goudmijnen in de Andes en "
        "nikkelmijnen op Sulawesi; onderzoek naar landrechten en vervuiling.",
        ("Yara Hoekstra", "yara@eerlijkegrondstoffen.example", ""),
    ),
    "FNV Metaal": (
        ["ZA", "TR"],
        ["150"],
        ["iron_steel", "aluminium"],
        ["freedom_of_association", "health_safety", "living_wage"],
        "Contacten met zusterbonden in de staal- en aluminiumindustrie in Europa, "
        "Turkije en Zuid-Afrika; ervaring met arbeidsomstandigheden in smelterijen.",
        ("Mehmet Kaya", "m.kaya@fnv.example", "+31 88 368 0368"),
    ),
    "CNV Vakmensen": (
        ["CN", "VN"],
        ["035"],
        ["rare_earths", "graphite", "tin"],
        ["forced_labour", "health_safety"],
        "Samenwerking met vakbonden in Zuidoost-Azië; monitoring van "
        "arbeidsomstandigheden bij verwerking van zeldzame aarden en grafiet.",
        ("Sanne de Vries", "s.devries@cnv.example", ""),
    ),
}


def seed_requests(*, secretariat) -> int:
    """Expertise profiles of the demo NGOs and unions, one approved request which
    companies are active in Africa, and one supplier report in dialogue with the
    companies that list the supplier. Idempotent: nothing happens when a profile
    exists already."""
    from .models import (
        AreaRequest,
        AreaRequestStatus,
        ExpertiseProfile,
        SupplierReport,
        SupplierReportCompany,
        SupplierReportNote,
        SupplierReportStatus,
    )
    from .requests import area_companies

    if ExpertiseProfile.objects.exists():
        return 0
    organisations = {
        organisation.name: organisation
        for organisation in Organisation.objects.filter(
            kind__in=[OrganisationKind.NGO, OrganisationKind.UNION]
        )
    }
    made = 0
    for name, (countries, areas, materials, themes, text, contact) in EXPERTISE.items():
        organisation = organisations.get(name)
        if organisation is None:
            continue
        ExpertiseProfile.objects.create(
            organisation=organisation,
            countries=sorted(countries),
            areas=sorted(areas),
            materials=sorted(materials),
            themes=sorted(themes),
            description=text,
            contact_name=contact[0],
            contact_email=contact[1],
            contact_phone=contact[2],
            updated_by=organisation.users.order_by("pk").first() or secretariat,
        )
        made += 1
    ngo = organisations.get("Terre des Hommes Nederland")
    year = (
        LocationList.objects.filter(status=ListStatus.SUBMITTED)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if ngo is None or year is None:
        return made
    asker = ngo.users.order_by("pk").first() or secretariat
    # The approval relies on Terre des Hommes' confidentiality clause, which the
    # governance demo (run after this one) records; recording it here first is
    # idempotent.
    from governance.demo.confidentiality import seed_agreements
    from governance.models import ConfidentialityAgreement, ConfidentialityKind

    seed_agreements(secretariat=secretariat)
    clause = ConfidentialityAgreement.objects.filter(
        organisation=ngo, kind=ConfidentialityKind.CLAUSE
    ).first()
    AreaRequest.objects.create(
        organisation=ngo,
        area_level="region",
        area_code="002",
        activity="mining",
        reason="Wij onderzoeken kinderarbeid in de mijnbouw in Afrika en willen de "
        "betrokken bedrijven uitnodigen voor een gezamenlijk project.",
        status=AreaRequestStatus.APPROVED,
        requested_by=asker,
        requested_at=timezone.now() - dt.timedelta(days=20),
        confidentiality_agreement=clause,
        confidentiality_signed_on=clause.signed_on if clause else dt.date(2026, 1, 15),
        decision_note="Vertrouwelijkheidsclausule ondertekend op 15 januari 2026.",
        decided_by=secretariat,
        decided_at=timezone.now() - dt.timedelta(days=14),
        answer_year=year,
        company_names=area_companies(
            area_level="region", area_code="002", activity="mining", year=year
        ),
    )
    made += 1
    # The supplier most companies list this year, so that the report reaches several.
    popular = (
        Location.objects.filter(location_list__year=year)
        .values("normalised_name", "country")
        .annotate(companies=models.Count("location_list__company", distinct=True))
        .order_by("-companies", "normalised_name")
        .first()
    )
    if popular is None:
        return made
    locations = Location.objects.filter(
        location_list__year=year,
        normalised_name=popular["normalised_name"],
        country=popular["country"],
    ).select_related("location_list__company")
    sample = locations.first()
    report = SupplierReport.objects.create(
        organisation=ngo,
        supplier_name=sample.supplier_name,
        normalised_name=sample.normalised_name,
        country=sample.country,
        activity=sample.activity,
        description="Omwonenden melden dat afvalwater van de installatie in de "
        "rivier wordt geloosd; meerdere kinderen zijn ziek geworden.",
        status=SupplierReportStatus.IN_DIALOGUE,
        reported_by=asker,
        reported_at=timezone.now() - dt.timedelta(days=30),
    )
    companies = {location.location_list.company for location in locations}
    for company in sorted(companies, key=lambda c: c.name):
        SupplierReportCompany.objects.create(
            report=report,
            company=company,
            matched_names=[sample.supplier_name],
            notified_by=secretariat,
            notified_at=timezone.now() - dt.timedelta(days=21),
        )
    SupplierReportNote.objects.create(
        report=report,
        for_reporter=True,
        status=SupplierReportStatus.NOTIFIED,
        text="De afnemers van deze leverancier zijn op de melding gewezen.",
        author=secretariat,
        created_at=timezone.now() - dt.timedelta(days=21),
    )
    SupplierReportNote.objects.create(
        report=report,
        for_reporter=True,
        status=SupplierReportStatus.IN_DIALOGUE,
        text="Een eerste gesprek met de afnemers heeft plaatsgevonden; zij vragen "
        "de leverancier om een onafhankelijke meting van het afvalwater.",
        author=secretariat,
        created_at=timezone.now() - dt.timedelta(days=7),
    )
    return made + 1
