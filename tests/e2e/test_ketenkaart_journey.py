"""The ketenkaart in the browser: a company imports its production-location list for
this year from a file with one bad row, fixes the row and confirms, and submits the
list; the secretariat builds and publishes the aggregated list of the year; an NGO sees
the banded figures, the map and the CSV download, and no company or supplier name.

The demo's draft list of the company for this year is the list the file replaces: the
file keeps two of its locations as they are, moves a third to another address and adds
three copper mines in Türkiye, named as in the shared reference list of facilities.
Two more companies have submitted lists naming copper mines in Türkiye, so the company's
list brings that (country, activity) cell to three companies, the threshold of the
disclosure rule: published as "3-4" companies and "1-9" locations.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from governance.models import Organisation, OrganisationKind
from ketenkaart.demo import FACILITIES
from ketenkaart.models import (
    ImportStatus,
    ListStatus,
    Location,
    LocationImport,
    LocationList,
    LocationRelease,
    ReleaseStatus,
)
from ketenkaart.resources import COLUMNS
from tests.e2e.test_sign_in import path_is, sign_in
from tests.governance.factories import OrganisationFactory
from tests.ketenkaart.factories import LocationFactory, LocationListFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMPANY = "Hollandse Draadtrekkerij B.V."
COMPANY_ADMIN = "bedrijf@convenant.test"
SECRETARIAT = "secretariaat@convenant.test"
NGO = "ngo@convenant.test"
OTHER_BUYERS = ("Anatolische Koperhandel B.V.", "Bosporus Kabelwerken B.V.")
FILE_NAME = "productielocaties.csv"
# Where the company's three mines lie: town and ISO 3166-2 region.
MINE_SITES = (("Küre", "TR-37"), ("Küre", "TR-37"), ("Murgul", "TR-08"))
BAD_COUNTRY = "Atlantis"
COMPANY_BANDS = re.compile(r"^(3-4|5-9|10-24|25\+)$")
LOCATION_BANDS = re.compile(r"^(1-9|10-49|50-249|250\+)$")
# A locations figure withheld by the dominance rule: a dash in the page and the file.
WITHHELD_ON_PAGE = "\u2013"  # an en dash
WITHHELD_IN_FILE = "-"


def turkish_copper_mines() -> list[str]:
    """The first three copper mines in Türkiye of the shared reference list."""
    if not FACILITIES.exists():
        pytest.skip(f"{FACILITIES} is not there: the demo has no location lists")
    with FACILITIES.open(encoding="utf-8", newline="") as source:
        names = [
            record["supplier_name"].strip()
            for record in csv.DictReader(source)
            if record["country"] == "TR"
            and record["activity"] == "mining"
            and "copper" in record["materials"].split(";")
        ]
    return names[:3]


@pytest.fixture
def import_storage(settings, tmp_path):
    """Uploaded files wait for confirmation in a folder of the test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "import_export": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private" / "imports", "base_url": None},
        },
    }


@pytest.fixture
def year(demo_data) -> int:
    """The year of the demo's lists, in which the company's list is still a draft."""
    return timezone.localdate().year


@pytest.fixture
def mines(demo_data, year) -> list[str]:
    """Two other companies name the company's mines in their submitted lists."""
    names = turkish_copper_mines()
    assert len(names) == 3
    for company, bought in zip(OTHER_BUYERS, (names[:2], names[1:]), strict=True):
        location_list = LocationListFactory(
            company=OrganisationFactory(name=company),
            year=year,
            status=ListStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for name in bought:
            LocationFactory(
                location_list=location_list,
                supplier_name=name,
                city="Kastamonu",
                region_code="",
                country="TR",
                activity="mining",
                materials=["copper"],
            )
    return names


def file_row(location: Location, **changes) -> list:
    values = {
        "supplier_name": location.supplier_name,
        "address": location.address,
        "city": location.city,
        "region_code": location.region_code,
        "country": location.country.code,
        "activity": location.activity,
        "materials": ";".join(location.materials),
        "tier": location.tier,
        "relation": location.relation,
        "external_id": location.external_id,
        **changes,
    }
    return [values[column] for column in COLUMNS]


def location_file(
    demo_locations: list[Location], mines: list[str], country: str
) -> bytes:
    """Two demo locations as they are, the third at a new address, then the three
    mines; the second mine's country is `country`."""
    kept_a, kept_b, moved = demo_locations
    records = [
        file_row(kept_a),
        file_row(kept_b),
        file_row(moved, address=f"Gate 2, {moved.address}"),
    ]
    for number, (name, (city, region)) in enumerate(
        zip(mines, MINE_SITES, strict=True), start=1
    ):
        records.append(
            [
                name,
                f"Maden Yolu {number}",
                city,
                region,
                country if number == 2 else "TR",
                "mining",
                "copper",
                3,
                "supplier",
                f"HD-TR-{number}",
            ]
        )
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(records)
    return buffer.getvalue().encode()


def upload(page: Page, content: bytes) -> None:
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Check the file").click()


def sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_an_imported_list_reaches_the_published_list_without_names(
    page: Page, import_storage, year: int, mines: list[str]
):
    company = Organisation.objects.get(name=COMPANY)
    location_list = LocationList.objects.get(company=company, year=year)
    assert location_list.status == ListStatus.DRAFT
    demo_locations = list(location_list.locations.order_by("pk"))
    demo_ids = {location.pk for location in demo_locations}
    kept_a, kept_b, moved = demo_locations[:3]
    removed = len(demo_locations) - 3
    assert removed > 0
    releases_before = set(LocationRelease.objects.values_list("pk", flat=True))
    bad_file = location_file(demo_locations[:3], mines, BAD_COUNTRY)
    good_file = location_file(demo_locations[:3], mines, "TR")

    # The company finds its list of this year and the import page.
    sign_in(page, COMPANY_ADMIN)
    expect(page).to_have_url(path_is("/"))
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Production locations"
    ).click()
    expect(
        page.get_by_role("heading", level=1, name="Production locations")
    ).to_be_visible()
    page.get_by_role("link", name=str(year), exact=True).click()
    expect(
        page.get_by_role("heading", level=1, name=f"Production locations {year}")
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(f"{len(demo_locations)} locations")
    page.get_by_role("link", name="Import the list from a file").click()
    expect(
        page.get_by_role("heading", level=1, name=f"Import the list for {year}")
    ).to_be_visible()

    # A file with one bad row: the report names the row, the column and the reason.
    upload(page, bad_file)
    expect(
        page.get_by_role("heading", level=1, name="Check the import")
    ).to_be_visible()
    bad_run = LocationImport.objects.get(company=company, year=year)
    expect(page).to_have_url(path_is(f"/ketenkaart/imports/{bad_run.pk}/"))
    summary = page.get_by_role("list", name="Summary")
    expect(summary).to_contain_text("6 rows read")
    expect(summary).to_contain_text("1 problem")
    expect(page.get_by_role("alert")).to_contain_text("Nothing can be imported yet.")
    problems = page.get_by_role("table", name="Problems in the file")
    expect(problems.locator("tbody tr")).to_have_count(1)
    expect(problems.locator("tbody tr td")).to_have_text(
        [
            "6",
            "country",
            BAD_COUNTRY,
            re.compile(f"^“{BAD_COUNTRY}” is not a country"),
        ]
    )
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)

    bad_run.refresh_from_db()
    assert bad_run.status == ImportStatus.DONE
    assert bad_run.result["problem_count"] == 1
    assert not bad_run.awaits_confirmation
    assert set(location_list.locations.values_list("pk", flat=True)) == demo_ids

    # The fixed file: what it will add, change, keep and remove, still unsaved.
    page.get_by_role("link", name="Upload a corrected file").click()
    upload(page, good_file)
    expect(
        page.get_by_role("heading", level=1, name="Check the import")
    ).to_be_visible()
    good_run = LocationImport.objects.exclude(pk=bad_run.pk).get(
        company=company, year=year
    )
    expect(page).to_have_url(path_is(f"/ketenkaart/imports/{good_run.pk}/"))
    summary = page.get_by_role("list", name="Summary")
    expect(summary.get_by_role("listitem")).to_have_text(
        [
            "6 rows read",
            "3 locations to add",
            "1 location to change",
            "2 locations to keep as they are",
            f"{removed} locations to remove",
        ]
    )
    expect(page.get_by_role("table", name="Problems in the file")).to_have_count(0)
    added = page.get_by_role("table", name="Locations that will be added")
    for name in mines:
        expect(added.get_by_role("rowheader", name=name, exact=True)).to_be_visible()
    changed = page.get_by_role("table", name="Locations that will be changed")
    expect(changed.locator("tbody tr")).to_have_count(1)
    expect(changed.get_by_role("rowheader")).to_have_text(moved.supplier_name)
    expect(changed).to_contain_text(
        f"address: {moved.address} becomes Gate 2, {moved.address}"
    )
    expect(
        page.get_by_role(
            "table", name="In the list now but not in the file: these will be removed"
        ).locator("tbody tr")
    ).to_have_count(removed)
    expect(page.get_by_role("main")).to_contain_text(
        f"Confirming removes {removed} locations from the list."
    )
    assert set(location_list.locations.values_list("pk", flat=True)) == demo_ids

    # Confirming saves exactly that; the list page shows the locations.
    page.get_by_role("button", name="Confirm the import").click()
    expect(page).to_have_url(path_is(f"/ketenkaart/lists/{year}/"))
    expect(page.get_by_role("status").first).to_contain_text(
        f"The list for {year} was imported: 3 added, 1 changed, 2 kept, "
        f"{removed} removed."
    )
    main = page.get_by_role("main")
    expect(main).to_contain_text("6 locations")
    for name in [kept_a.supplier_name, kept_b.supplier_name, moved.supplier_name]:
        expect(main.get_by_role("rowheader", name=name, exact=True)).to_be_visible()
    for name in mines:
        expect(main.get_by_role("rowheader", name=name, exact=True)).to_be_visible()
    mine_row = main.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=mines[1], exact=True)
    )
    expect(mine_row).to_contain_text("Maden Yolu 2, Küre")
    expect(mine_row).to_contain_text("Türkiye")

    saved = {
        location.supplier_name: location
        for location in Location.objects.filter(location_list=location_list)
    }
    assert sorted(saved) == sorted(
        [kept_a.supplier_name, kept_b.supplier_name, moved.supplier_name, *mines]
    )
    assert saved[kept_a.supplier_name].pk == kept_a.pk
    assert saved[kept_b.supplier_name].pk == kept_b.pk
    assert saved[moved.supplier_name].pk == moved.pk
    assert saved[moved.supplier_name].address == f"Gate 2, {moved.address}"
    assert [
        (
            saved[name].country.code,
            saved[name].region_code,
            saved[name].activity,
            saved[name].external_id,
        )
        for name in mines
    ] == [
        ("TR", "TR-37", "mining", "HD-TR-1"),
        ("TR", "TR-37", "mining", "HD-TR-2"),
        ("TR", "TR-08", "mining", "HD-TR-3"),
    ]
    good_run.refresh_from_db()
    assert good_run.is_applied

    # The company hands the list to the secretariat.
    page.get_by_role("button", name=f"Submit the list for {year}").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"The list for {year} was submitted to the secretariat."
    )
    expect(page.locator("dl.facts").first).to_contain_text(
        f"Submitted, submitted on {timezone.localdate().isoformat()}"
    )
    location_list.refresh_from_db()
    assert location_list.status == ListStatus.SUBMITTED
    sign_out(page)

    # The secretariat builds and publishes the aggregated list of the year.
    sign_in(page, SECRETARIAT)
    expect(page).to_have_url(path_is("/"))
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Production locations"
    ).click()
    page.get_by_role("navigation", name="Ketenkaart").get_by_role(
        "link", name="Aggregated list"
    ).click()
    expect(
        page.get_by_role("heading", level=1, name="Aggregated production-location list")
    ).to_be_visible()
    page.get_by_label("Year").select_option(str(year))
    page.get_by_role("button", name="Build and publish").click()

    [release] = LocationRelease.objects.exclude(pk__in=releases_before)
    expect(page).to_have_url(path_is(f"/ketenkaart/published/{release.pk}/"))
    expect(page.get_by_role("status").first).to_contain_text(
        f"Building the aggregated list for {year} has started."
    )
    expect(
        page.get_by_role(
            "heading", level=1, name=f"Aggregated production-location list {year}"
        )
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(
        f"Release {release.number}, published on"
    )
    release.refresh_from_db()
    assert release.year == year
    assert release.status == ReleaseStatus.PUBLISHED
    assert release.number == 1 + max(
        LocationRelease.objects.filter(pk__in=releases_before, year=year).values_list(
            "number", flat=True
        ),
        default=0,
    )
    turkish = release.cells.get(area_level="country", area_code="TR", activity="mining")
    buyers = set(
        Organisation.objects.filter(name__in=OTHER_BUYERS).values_list("pk", flat=True)
    )
    assert set(turkish.company_ids) == {company.pk, *buyers}
    assert (turkish.exact_companies, turkish.exact_locations) == (3, 3)
    assert (turkish.companies_band, turkish.locations_band) == ("3-4", "1-9")
    sign_out(page)

    # An NGO opens the aggregated list of the year.
    sign_in(page, NGO)
    expect(page).to_have_url(path_is("/"))
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Ketenkaart"
    ).click()
    page.get_by_role("table", name="Published lists").get_by_role(
        "link", name=str(year), exact=True
    ).click()
    expect(page).to_have_url(path_is(f"/ketenkaart/published/{release.pk}/"))
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"Release {release.number}, published on")
    expect(
        page.get_by_role("link", name="Exact figures and companies (secretariat)")
    ).to_have_count(0)

    # The table: banded figures only, the company's cell among them.
    table = main.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Companies")
    )
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(release.cells.count())
    turkish_row = rows.filter(
        has=page.get_by_role("rowheader", name="Türkiye", exact=True)
    ).filter(has_text="Mining")
    expect(turkish_row.locator("td")).to_have_text(["Country", "Mining", "3-4", "1-9"])
    for index in range(rows.count()):
        _level, _activity, companies, locations = (
            rows.nth(index).locator("td").all_inner_texts()
        )
        assert COMPANY_BANDS.match(companies.strip()), companies
        assert LOCATION_BANDS.match(locations.strip()) or (
            locations.strip() == WITHHELD_ON_PAGE
        ), locations

    # The map of the first activity, mining, colours Türkiye by its band.
    worldmap = page.locator("svg.worldmap")
    expect(worldmap).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Map: Mining")).to_be_visible()
    turkey = worldmap.locator('path[data-country="TR"]')
    expect(turkey).to_have_class(re.compile(r"\bmap-country--band-0\b"))
    expect(turkey.locator("title")).to_have_text(
        "Türkiye: 3-4 companies, 1-9 locations"
    )

    # No company and no supplier of the company's file is named anywhere in the page.
    page_html = page.content()
    companies = Organisation.objects.filter(kind=OrganisationKind.COMPANY)
    secret_names = [
        *companies.values_list("name", flat=True),
        *saved,
    ]
    assert COMPANY in secret_names
    for name in secret_names:
        assert name not in page_html
        assert html.escape(name) not in page_html

    # The CSV download holds the same banded figures.
    with page.expect_download() as download_info:
        main.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename == (
        f"ketenkaart-{year}-release-{release.number}.csv"
    )
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    published = list(csv.DictReader(io.StringIO(text)))
    assert list(published[0]) == [
        "year",
        "area_level",
        "area_code",
        "area_name",
        "activity",
        "companies",
        "locations",
    ]
    assert len(published) == release.cells.count()
    assert {
        "year": str(year),
        "area_level": "country",
        "area_code": "TR",
        "area_name": "Türkiye",
        "activity": "mining",
        "companies": "3-4",
        "locations": "1-9",
    } in published
    for row in published:
        assert COMPANY_BANDS.match(row["companies"]), row
        assert LOCATION_BANDS.match(row["locations"]) or (
            row["locations"] == WITHHELD_IN_FILE
        ), row
    for name in secret_names:
        assert name not in text
