"""Load the demo: organisations of every kind, one account per role, Kerngroep seats and
contributions. Running it again changes nothing that is already there."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from convenant.reminders import demo as reminders_demo
from convenant.reports.demo import seed as seed_reports
from convenant.selectors import agreement_current
from governance import demo as governance_demo
from governance import services
from governance.models import (
    ChairTerm,
    Constituency,
    Contribution,
    ContributionStatus,
    KerngroepSeat,
    Organisation,
    User,
)
from ketenkaart.demo import seed_ketenkaart, seed_releases, seed_requests
from monitoring.demo import seed_insight, seed_monitoring

# Governance demo data in the order each area builds on the one before.
GOVERNANCE_AREAS = (
    governance_demo.meetings,
    governance_demo.decisions,
    governance_demo.membership,
    governance_demo.confidentiality,
    governance_demo.conduct,
    governance_demo.packs,
)

DEMO_PASSWORD = "Convenant-demo-2025"  # noqa: S105 - the demo's published password

SIGNED = dt.date(2025, 10, 16)

# name, kind, kvk, fte, recycler, csrd, participation, status, signed_on, in supply chain
ORGANISATIONS = [
    (
        "Secretariaat IMVO Metaal",
        "secretariat",
        None,
        None,
        False,
        "",
        "none",
        "active",
        None,
        True,
    ),
    (
        "Sociaal-Economische Raad",
        "ser",
        "27375856",
        None,
        False,
        "",
        "none",
        "active",
        None,
        True,
    ),
    (
        "Ministerie van Buitenlandse Zaken",
        "government",
        None,
        None,
        False,
        "",
        "none",
        "active",
        None,
        True,
    ),
    (
        "FNV Metaal",
        "union",
        "40530290",
        None,
        False,
        "",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "CNV Vakmensen",
        "union",
        "40478212",
        None,
        False,
        "",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Terre des Hommes Nederland",
        "ngo",
        "41149486",
        None,
        False,
        "",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Stichting Eerlijke Grondstoffen",
        "ngo",
        "63981722",
        None,
        False,
        "",
        "party",
        "active",
        dt.date(2026, 2, 1),
        True,
    ),
    (
        "Koninklijke Metaalunie",
        "branch",
        "40409514",
        None,
        False,
        "",
        "party",
        "active",
        SIGNED,
        True,
    ),
    ("FME", "branch", "40409023", None, False, "", "party", "active", SIGNED, True),
    (
        "Hollandse Draadtrekkerij B.V.",
        "company",
        "30127744",
        180,
        False,
        "csrd",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Brabant Non-Ferro Recycling B.V.",
        "company",
        "17093358",
        95,
        True,
        "vsme",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Twentse Precisiegieterij B.V.",
        "company",
        "06071923",
        240,
        False,
        "csrd",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Rijnmond Staalhandel B.V.",
        "company",
        "24315867",
        60,
        False,
        "vsme",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Zeeuws Aluminium Profielen B.V.",
        "company",
        "22041796",
        410,
        False,
        "csrd",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Veluwse Metaalbewerking B.V.",
        "company",
        "08136580",
        35,
        False,
        "vsme",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Noordelijke Koperwalserij B.V.",
        "company",
        "01082455",
        520,
        False,
        "listed_sme",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Limburgse Kabelfabriek B.V.",
        "company",
        "14067321",
        1250,
        False,
        "csrd",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Delftse Batterijtechniek B.V.",
        "company",
        "27198433",
        70,
        False,
        "vsme",
        "party",
        "active",
        dt.date(2026, 3, 12),
        True,
    ),
    (
        "Gelderse Plaatwerk Groep B.V.",
        "company",
        "09154872",
        300,
        False,
        "csrd",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Westlandse Zinkerij B.V.",
        "company",
        "27236990",
        22,
        False,
        "vsme",
        "party",
        "active",
        SIGNED,
        True,
    ),
    (
        "Friese Edelmetaal B.V.",
        "company",
        "01103877",
        14,
        True,
        "vsme",
        "party",
        "withdrawing",
        SIGNED,
        True,
    ),
    (
        "Maasvlakte Metals Trading B.V.",
        "company",
        "24476511",
        48,
        False,
        "vsme",
        "party",
        "active",
        dt.date(2026, 1, 20),
        True,
    ),
    (
        "Eindhovense Elektronica Assemblage B.V.",
        "company",
        "17241390",
        860,
        False,
        "csrd",
        "party",
        "applicant",
        None,
        True,
    ),
    (
        "Achterhoekse Machinebouw B.V.",
        "company",
        "09210774",
        130,
        False,
        "vsme",
        "party",
        "applicant",
        None,
        True,
    ),
    (
        "Metaal Advies Collectief B.V.",
        "company",
        "30260455",
        12,
        False,
        "vsme",
        "supporter",
        "active",
        SIGNED,
        False,
    ),
]

# email, first name, last name, organisation, role in the organisation
ACCOUNTS = [
    (
        "secretariaat@convenant.test",
        "Eva",
        "Jansen",
        "Secretariaat IMVO Metaal",
        "admin",
    ),
    (
        "bedrijf@convenant.test",
        "Pieter",
        "Bakker",
        "Hollandse Draadtrekkerij B.V.",
        "admin",
    ),
    (
        "collega@convenant.test",
        "Fatima",
        "El Amrani",
        "Hollandse Draadtrekkerij B.V.",
        "member",
    ),
    ("ngo@convenant.test", "Lotte", "Visser", "Terre des Hommes Nederland", "admin"),
    ("vakbond@convenant.test", "Kees", "Smit", "FNV Metaal", "admin"),
    ("branche@convenant.test", "Anouk", "Mulder", "Koninklijke Metaalunie", "admin"),
    ("kerngroep@convenant.test", "Hans", "de Boer", "FME", "admin"),
    (
        "voorzitter@convenant.test",
        "Marieke",
        "van Dijk",
        "Sociaal-Economische Raad",
        "member",
    ),
    (
        "overheid@convenant.test",
        "Joost",
        "Meijer",
        "Ministerie van Buitenlandse Zaken",
        "admin",
    ),
    (
        "kerngroep-vakbond@convenant.test",
        "Sanne",
        "de Vries",
        "CNV Vakmensen",
        "member",
    ),
    (
        "kerngroep-ngo@convenant.test",
        "Yara",
        "Hoekstra",
        "Stichting Eerlijke Grondstoffen",
        "member",
    ),
    (
        "kerngroep-bedrijf@convenant.test",
        "Ruud",
        "Peters",
        "Limburgse Kabelfabriek B.V.",
        "admin",
    ),
]

SEATS = [
    (Constituency.UNIONS, "CNV Vakmensen", "kerngroep-vakbond@convenant.test"),
    (
        Constituency.NGOS,
        "Stichting Eerlijke Grondstoffen",
        "kerngroep-ngo@convenant.test",
    ),
    (Constituency.BRANCH, "FME", "kerngroep@convenant.test"),
    (
        Constituency.COMPANIES,
        "Limburgse Kabelfabriek B.V.",
        "kerngroep-bedrijf@convenant.test",
    ),
]

FIELDS = (
    "name",
    "kind",
    "kvk_number",
    "fte",
    "is_recycler",
    "csrd_category",
    "participation",
    "status",
    "signed_on",
    "in_metal_supply_chain",
)


class Command(BaseCommand):
    help = "Load the demo data (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--without-monitoring",
            action="store_true",
            help="Members, accounts and contributions only (faster, for browser tests "
            "of sign-in and navigation).",
        )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        created = self._organisations()
        people = self._accounts()
        self._kerngroep(people)
        self._contributions(people["secretariaat@convenant.test"])
        if not options["without_monitoring"]:
            seed_monitoring(secretariat=people["secretariaat@convenant.test"])
        seed_ketenkaart()
        seed_releases(secretariat=people["secretariaat@convenant.test"])
        seed_requests(secretariat=people["secretariaat@convenant.test"])
        for area in GOVERNANCE_AREAS:
            area.seed(secretariat=people["secretariaat@convenant.test"])
        reminders_demo.seed(secretariat=people["secretariaat@convenant.test"])
        if not options["without_monitoring"]:
            # After the governance demo: it needs the NGO's NDA and modules.
            seed_insight(secretariat=people["secretariaat@convenant.test"])
            # Last: the report is made from everything above.
            seed_reports(secretariat=people["secretariaat@convenant.test"])
        self.stdout.write(
            f"Demo data ready: {created} organisations added, {len(people)} accounts. "
            f"Password for every demo account: {DEMO_PASSWORD}"
        )

    def _organisations(self) -> int:
        existing = set(Organisation.objects.values_list("name", flat=True))
        rows = [dict(zip(FIELDS, row, strict=True)) for row in ORGANISATIONS]
        secretariat_row = rows[0]
        if secretariat_row["name"] not in existing:
            organisation = Organisation(**secretariat_row)
            organisation.full_clean()
            organisation.save()
        secretariat = Organisation.objects.get(name=secretariat_row["name"])
        actor = self._person(ACCOUNTS[0], secretariat)
        count = 0
        for row in rows[1:]:
            if row["name"] in existing:
                continue
            services.organisation_create(actor=actor, **row)
            count += 1
        return count + (secretariat_row["name"] not in existing)

    def _person(self, account, organisation) -> User:
        email, first, last, _org, role = account
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                organisation=organisation,
                organisation_role=role,
            )
            EmailAddress.objects.create(
                user=user, email=email, verified=True, primary=True
            )
        return user

    def _accounts(self) -> dict[str, User]:
        by_name = {o.name: o for o in Organisation.objects.all()}
        return {
            account[0]: self._person(account, by_name[account[3]])
            for account in ACCOUNTS
        }

    def _kerngroep(self, people: dict[str, User]) -> None:
        for constituency, organisation_name, email in SEATS:
            if KerngroepSeat.objects.filter(constituency=constituency).exists():
                continue
            seat = KerngroepSeat(
                constituency=constituency,
                organisation=Organisation.objects.get(name=organisation_name),
                regular_representative=people[email],
                starts_on=SIGNED,
            )
            seat.full_clean()
            seat.save()
        if not ChairTerm.objects.exists():
            ChairTerm.objects.create(
                person=people["voorzitter@convenant.test"], starts_on=SIGNED
            )

    def _contributions(self, actor: User) -> None:
        agreement = agreement_current()
        if agreement is None:
            return
        for year in agreement.years.filter(number__in=[1, 2]):
            services.contributions_generate(agreement_year=year, actor=actor)
        first = agreement.years.filter(number=1).first()
        if first is not None:
            Contribution.objects.filter(
                agreement_year=first, status=ContributionStatus.DUE
            ).update(
                status=ContributionStatus.PAID,
                invoiced_on=dt.date(2025, 11, 3),
                paid_on=dt.date(2025, 12, 1),
            )
