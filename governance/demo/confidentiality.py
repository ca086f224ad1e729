"""Demo data: confidentiality agreements, modules and their participants, and the
yearly documents of years 1 and 2."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from convenant.models import AgreementYear
from convenant.selectors import agreement_current

from ..models import Organisation, User
from ..models.confidentiality import (
    ConfidentialityAgreement,
    ConfidentialityKind,
    Module,
    ModuleKind,
    ModuleParticipation,
    YearlyDocument,
    YearlyDocumentKind,
    YearlyDocumentStatus,
)
from ..services.confidentiality import CURRENT_NDA_VERSION


def seed(*, secretariat) -> None:
    """Idempotent: running it twice adds nothing the second time."""
    seed_agreements(secretariat=secretariat)
    _modules(secretariat)
    _yearly_documents(secretariat)


def _organisation(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first()


def _person(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def seed_agreements(*, secretariat) -> None:
    """Terre des Hommes signed the clause on paper and the NDA in the platform, both
    valid until the end of the term; FNV Metaal's NDA expired; CNV Vakmensen's clause
    expires within a month. Idempotent; ketenkaart's demo calls it first, so that its
    approved area request relies on Terre des Hommes' clause."""
    agreement = agreement_current()
    term_end = agreement.ends_on if agreement else dt.date(2029, 12, 31)
    today = timezone.localdate()
    tdh = _organisation("Terre des Hommes Nederland")
    if tdh is not None:
        _agreement(
            organisation=tdh,
            kind=ConfidentialityKind.CLAUSE,
            text_version="2025-1",
            signed_by_name="Lotte Visser",
            signed_on=dt.date(2026, 1, 15),
            valid_until=term_end,
            secretariat=secretariat,
        )
        lotte = _person("ngo@convenant.test")
        _agreement(
            organisation=tdh,
            kind=ConfidentialityKind.NDA,
            text_version=CURRENT_NDA_VERSION,
            signed_by_name="Lotte Visser",
            signed_by=lotte,
            signed_on=dt.date(2026, 2, 3),
            valid_until=term_end,
            secretariat=lotte or secretariat,
        )
    fnv = _organisation("FNV Metaal")
    if fnv is not None:
        _agreement(
            organisation=fnv,
            kind=ConfidentialityKind.NDA,
            text_version="2024-2",
            signed_by_name="Kees Smit",
            signed_on=dt.date(2025, 11, 3),
            valid_until=dt.date(2026, 10, 31),
            secretariat=secretariat,
        )
    cnv = _organisation("CNV Vakmensen")
    if cnv is not None:
        _agreement(
            organisation=cnv,
            kind=ConfidentialityKind.CLAUSE,
            text_version="2025-1",
            signed_by_name="Sanne de Vries",
            signed_on=dt.date(2026, 3, 2),
            # Shows the secretariat an agreement that needs renewing soon.
            valid_until=max(today + dt.timedelta(days=18), dt.date(2026, 3, 2)),
            secretariat=secretariat,
        )


def _agreement(
    *,
    organisation,
    kind,
    text_version,
    signed_by_name,
    signed_on,
    valid_until,
    secretariat,
    signed_by=None,
) -> ConfidentialityAgreement:
    item, _created = ConfidentialityAgreement.objects.get_or_create(
        organisation=organisation,
        kind=kind,
        text_version=text_version,
        defaults={
            "signed_by_name": signed_by_name,
            "signed_by": signed_by,
            "signed_on": signed_on,
            "valid_from": signed_on,
            "valid_until": valid_until,
            "recorded_by": secretariat,
            "recorded_at": timezone.make_aware(
                dt.datetime.combine(signed_on, dt.time(10, 0))
            ),
        },
    )
    return item


MODULES = [
    (
        "S1",
        ModuleKind.SECTOR,
        "Sectormodule metaal",
        "De jaarlijkse bijeenkomst van alle partijen over de voortgang van de "
        "sectoroverstijgende risico's in metaalketens.",
        [
            "Terre des Hommes Nederland",
            "FNV Metaal",
            "Koninklijke Metaalunie",
            "FME",
            "Hollandse Draadtrekkerij B.V.",
            "Limburgse Kabelfabriek B.V.",
        ],
    ),
    (
        "K3",
        ModuleKind.KNOWLEDGE,
        "Kennismodule verantwoord inkopen van mineralen",
        "Vier online sessies over de OESO-handreiking voor mineralen uit conflict- en "
        "hoogrisicogebieden: smelterlijsten, CMRT/EMRT en het uitvragen van "
        "leveranciers.",
        [
            "Terre des Hommes Nederland",
            "Delftse Batterijtechniek B.V.",
            "Friese Edelmetaal B.V.",
            "Eindhovense Elektronica Assemblage B.V.",
        ],
    ),
    (
        "P2",
        ModuleKind.PRACTICE,
        "Praktijkmodule klachtenmechanismen",
        "Bedrijven richten met elkaar een toegankelijk klachtenmechanisme in en oefenen "
        "met casussen uit de keten; vakbonden en ngo's brengen de ervaring van "
        "werknemers in.",
        [
            "FNV Metaal",
            "Twentse Precisiegieterij B.V.",
            "Gelderse Plaatwerk Groep B.V.",
        ],
    ),
    (
        "R2",
        ModuleKind.RISK,
        "Risicomodule kobalt en koper DRC",
        "Gezamenlijke aanpak van kinderarbeid en onveilige arbeidsomstandigheden in de "
        "ambachtelijke kobalt- en kopermijnbouw in Haut-Katanga en Lualaba.",
        [
            "Terre des Hommes Nederland",
            "Noordelijke Koperwalserij B.V.",
            "Delftse Batterijtechniek B.V.",
            "Limburgse Kabelfabriek B.V.",
        ],
    ),
]


def _modules(secretariat) -> None:
    starts_on = dt.date(2026, 1, 15)
    organisations = {o.name: o for o in Organisation.objects.all()}
    for code, kind, name, description, participants in MODULES:
        module, created = Module.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name": name,
                "description": description,
                "starts_on": starts_on,
                "updated_by": secretariat,
            },
        )
        if not created:
            continue
        for participant in participants:
            organisation = organisations.get(participant)
            if organisation is None:
                continue
            ModuleParticipation.objects.create(
                module=module,
                organisation=organisation,
                starts_on=starts_on,
                added_by=secretariat,
            )
    # One participation that ended, so the dates show on the module's page.
    practice = Module.objects.filter(code="P2").first()
    rijnmond = organisations.get("Rijnmond Staalhandel B.V.")
    if practice is not None and rijnmond is not None:
        ModuleParticipation.objects.get_or_create(
            module=practice,
            organisation=rijnmond,
            defaults={
                "starts_on": starts_on,
                "ends_on": dt.date(2026, 6, 30),
                "added_by": secretariat,
            },
        )


PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font-family: sans-serif; margin: 2cm; }} h1 {{ font-size: 18pt; }}</style>
</head><body><h1>{title}</h1>{body}</body></html>
"""

PROGRESS_REPORT = """
<p>Vastgesteld door de Kerngroep; gepubliceerd op {published}.</p>
<h2>Samenvatting</h2>
<p>In het eerste jaar hebben de deelnemende bedrijven de nulmeting ingevuld en hun eerste
lijst met productielocaties aangeleverd. Het secretariaat heeft de geaggregeerde lijst
gedeeld met alle partijen. Vier modules zijn gestart, waaronder de risicomodule kobalt en
koper in de DRC.</p>
<h2>Resultaten</h2>
<ul>
<li>De nulmeting is door de deelnemende bedrijven ingediend en beoordeeld.</li>
<li>De geaggregeerde productielocatielijst is met alle partijen gedeeld.</li>
<li>Maatschappelijke organisaties tekenden de vertrouwelijkheidsovereenkomst voor
inzage.</li>
</ul>
<p>Deze rapportage bevat alleen geaggregeerde gegevens die niet herleidbaar zijn naar
individuele bedrijven.</p>
"""

YEAR_PLAN = """
<p>Het onafhankelijk secretariaat informeert de overheid over de plannen voor het komende
jaar (art. 64).</p>
<h2>Speerpunten</h2>
<ol>
<li>Begeleiding van bedrijven bij de nulmeting en de verbetergesprekken.</li>
<li>De geaggregeerde productielocatielijst en het geaggregeerde plan van aanpak.</li>
<li>Start van de sector-, kennis-, praktijk- en risicomodules.</li>
</ol>
"""


def _pdf(title: str, body: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=PAGE.format(title=title, body=body)).write_pdf()


def _yearly_documents(secretariat) -> None:
    agreement = agreement_current()
    if agreement is None:
        return
    years = {
        year.number: year for year in AgreementYear.objects.filter(agreement=agreement)
    }
    first, second = years.get(1), years.get(2)
    if (
        first is not None
        and not YearlyDocument.objects.filter(agreement_year=first).exists()
    ):
        published = first.ends_on + dt.timedelta(days=21)
        at = timezone.make_aware(dt.datetime.combine(published, dt.time(9, 0)))
        report = YearlyDocument(
            agreement_year=first,
            kind=YearlyDocumentKind.PROGRESS_REPORT,
            status=YearlyDocumentStatus.PUBLISHED,
            original_name="voortgangsrapportage-jaar-1.pdf",
            content_type="application/pdf",
            notes="Vastgesteld in de Kerngroepvergadering van oktober.",
            updated_by=secretariat,
            updated_at=at,
            published_at=at,
        )
        body = PROGRESS_REPORT.format(published=published.strftime("%d-%m-%Y"))
        report.file.save(
            "upload",
            ContentFile(
                _pdf(f"Voortgangsrapportage {agreement.short_name}, jaar 1", body)
            ),
            save=False,
        )
        report.save()
        plan = YearlyDocument(
            agreement_year=first,
            kind=YearlyDocumentKind.YEAR_PLAN,
            status=YearlyDocumentStatus.ADOPTED,
            original_name="jaarplan-secretariaat-jaar-1.pdf",
            content_type="application/pdf",
            notes="Vastgesteld door de Kerngroep; wordt gepubliceerd met de begroting.",
            updated_by=secretariat,
            updated_at=timezone.make_aware(
                dt.datetime.combine(first.starts_on + dt.timedelta(days=30), dt.time(9))
            ),
        )
        plan.file.save(
            "upload",
            ContentFile(_pdf("Jaarplan secretariaat, jaar 1", YEAR_PLAN)),
            save=False,
        )
        plan.save()
    if (
        second is not None
        and not YearlyDocument.objects.filter(agreement_year=second).exists()
    ):
        for kind, notes in (
            (
                YearlyDocumentKind.PROGRESS_REPORT,
                "Eerste opzet; cijfers volgen na de meting.",
            ),
            (YearlyDocumentKind.YEAR_PLAN, "Concept jaarplan jaar 2."),
        ):
            YearlyDocument.objects.create(
                agreement_year=second,
                kind=kind,
                status=YearlyDocumentStatus.DRAFT,
                notes=notes,
                updated_by=secretariat,
            )
