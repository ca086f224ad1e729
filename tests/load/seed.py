"""More data for the load run, on top of the demo: companies of their own for the
simulated company people, so that fifty people at once do not all save answers in one
questionnaire, and so that the secretariat's lists are not tiny.

Each load company has one admin who signs in with the demo password, an assessment in
the open round of year 2 with its profile and first step filled in, and this year's
production-location list, imported from the shared reference list of facilities as a
person's upload would be. The meeting packs are prepared again afterwards, since they
report on these data. For each company a CSV file in the upload template's columns
is written as well, which its simulated person uploads during the run.

Run inside Django (the runner calls `manage.py shell -c`): `grow(companies=40,
uploads=Path(...))`. A fixed seed keeps the data the same on every run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from convenant.management.commands.seed_demo import DEMO_PASSWORD
from governance.demo import packs
from governance.models import Organisation, OrganisationRole, User
from governance.services import organisation_create
from ketenkaart import places
from ketenkaart.demo import EUROPE, FACILITIES, TOWNS
from ketenkaart.resources import COLUMNS
from ketenkaart.services import location_list_import
from monitoring.demo import _answer
from monitoring.models import Round, RoundKind
from monitoring.services import rounds

SEED = 7
SECRETARIAT = "secretariaat@convenant.test"
# Locations in the list a company has before the run, and in the file it uploads.
LIST_ROWS = 30
UPLOAD_ROWS = 30


def company_email(number: int) -> str:
    """The sign-in address of load company `number` (1, 2, ...)."""
    return f"load-bedrijf-{number:02d}@convenant.test"


def _facilities() -> list[dict[str, str]]:
    with FACILITIES.open(encoding="utf-8", newline="") as source:
        return [
            record
            for record in csv.DictReader(source)
            if record["country"] in TOWNS
            and record["activity"] in {"processing", "smelting_refining", "mining"}
            and record["materials"].strip()
            and 0 < len(record["supplier_name"].strip()) <= 200
            and "Ã" not in record["supplier_name"]
        ]


def location_csv(records: list[dict[str, str]], rng: random.Random) -> bytes:
    """A location list in the columns of the upload template."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for index, record in enumerate(records, start=1):
        country = record["country"]
        city, region = rng.choice(TOWNS[country])
        activity = record["activity"]
        if activity == "processing":
            tier = 1 if country in EUROPE else 2
        elif activity == "smelting_refining":
            tier = 2
        else:
            tier = 3
        writer.writerow(
            (
                record["supplier_name"].strip(),
                f"Industrieweg {rng.randint(1, 250)}",
                city,
                places.region_code(region, country) or "",
                country,
                activity,
                record["materials"],
                tier,
                "supplier",
                f"L-{index:04d}",
            )
        )
    return out.getvalue().encode("utf-8")


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


@transaction.atomic
def _company(number: int, year_two: Round, secretariat: User) -> Organisation:
    company = organisation_create(
        actor=secretariat,
        name=f"Loadtest Metaal {number:02d} B.V.",
        kind="company",
        kvk_number=f"9{number:07d}",
        fte=40 + 25 * number,
        is_recycler=False,
        csrd_category="vsme" if number % 3 else "csrd",
        participation="party",
        status="active",
        signed_on=dt.date(2025, 10, 16),
        in_metal_supply_chain=True,
    )
    person = User.objects.create_user(
        company_email(number),
        DEMO_PASSWORD,
        first_name="Load",
        last_name=f"Bedrijf {number:02d}",
        organisation=company,
        organisation_role=OrganisationRole.ADMIN,
    )
    EmailAddress.objects.create(
        user=person, email=person.email, verified=True, primary=True
    )
    rounds.round_invite(round=year_two, organisations=[company], actor=secretariat)
    return company


def grow(*, companies: int, uploads: Path) -> None:
    """Adds `companies` load companies (nothing when they exist already) and writes
    their upload files into `uploads`."""
    rng = random.Random(SEED)
    secretariat = User.objects.get(email=SECRETARIAT)
    year_two = Round.objects.get(kind=RoundKind.YEAR2)
    records = _facilities()
    year = timezone.localdate().year
    uploads.mkdir(parents=True, exist_ok=True)
    for number in range(1, companies + 1):
        chosen = rng.sample(records, LIST_ROWS + UPLOAD_ROWS)
        if not User.objects.filter(email=company_email(number)).exists():
            company = _company(number, year_two, secretariat)
            assessment = company.assessments.get(round=year_two)
            _answer(assessment, rng.randint(30, 80), rng, only_step="1")
            result = location_list_import(
                company=company,
                year=year,
                file=_Upload(location_csv(chosen[:LIST_ROWS], rng), "locaties.csv"),
                dry_run=False,
                actor=company.users.get(),
            )
            if result.problems:
                raise RuntimeError(f"The location list has problems: {result.problems}")
        # Half of the uploaded file names suppliers of the list, half new ones: the
        # check reports additions, changes and removals.
        upload = chosen[LIST_ROWS // 2 : LIST_ROWS // 2 + UPLOAD_ROWS]
        (uploads / f"locaties-{number:02d}.csv").write_bytes(location_csv(upload, rng))
    # The meeting pack reports on the monitoring: with the new companies it is out of
    # date, so it is prepared again, ready for the Kerngroep to download.
    packs.seed(secretariat=secretariat)
