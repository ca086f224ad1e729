"""`ketenkaart.services.location_list_import`: reading, checking, merging, matching and
applying a location file."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from convenant.models import AuditEntry
from ketenkaart.models import ListStatus, Location, LocationList
from ketenkaart.rows import RowProblem
from ketenkaart.services import location_list_import
from tests.conftest import make_person

from .factories import (
    GOOD_ROWS,
    HEADER,
    YEAR,
    LocationFactory,
    LocationListFactory,
    NamedBytes,
    csv_bytes,
    xlsx_bytes,
)

FIELDS = (
    "supplier_name",
    "normalised_name",
    "address",
    "city",
    "region_code",
    "country",
    "activity",
    "materials",
    "tier",
    "relation",
    "external_id",
)


def run(company, data: bytes, *, name="locations.csv", dry_run=True, **kwargs):
    return location_list_import(
        company=company,
        year=YEAR,
        file=NamedBytes(data, name),
        dry_run=dry_run,
        actor=kwargs.pop("actor", None),
        **kwargs,
    )


def snapshot(company) -> list[tuple]:
    return list(
        Location.objects.filter(location_list__company=company)
        .order_by("pk")
        .values_list("pk", *FIELDS)
    )


def row(*cells: str) -> str:
    return ",".join(cells)


def good(**changes) -> str:
    """The first good row with some columns changed."""
    cells = dict(zip(HEADER.split(","), GOOD_ROWS[0].split(","), strict=True))
    cells.update(changes)
    return ",".join(cells.values())


# --- Good files ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_dry_run_reports_the_additions_and_saves_nothing(company):
    result = run(company, csv_bytes(*GOOD_ROWS))

    assert result.problems == ()
    assert result.rows == 3
    assert (result.add_count, result.change_count, result.keep_count) == (3, 0, 0)
    assert result.remove_count == 0
    assert [r.rows for r in result.to_add] == [(2,), (3,), (4,)]
    assert [r.supplier_name for r in result.to_add] == [
        "Kamoto Copper Company",
        "Umicore Olen",
        "Rotterdam Metals B.V.",
    ]
    assert result.saved is False
    assert result.plan_digest
    assert not LocationList.objects.exists()
    assert not Location.objects.exists()


@pytest.mark.django_db
def test_a_real_import_saves_every_location_and_one_audit_entry(company):
    result = run(company, csv_bytes(*GOOD_ROWS), dry_run=False)

    assert result.saved is True
    location_list = LocationList.objects.get(company=company, year=YEAR)
    assert location_list.status == ListStatus.DRAFT
    kamoto = Location.objects.get(external_id="KCC-1")
    assert {field: getattr(kamoto, field) for field in FIELDS} == {
        "supplier_name": "Kamoto Copper Company",
        "normalised_name": "kamoto copper",
        "address": "Route de Kamoto",
        "city": "Kolwezi",
        "region_code": "CD-LU",
        "country": "CD",
        "activity": "mining",
        "materials": ["cobalt", "copper"],
        "tier": 3,
        "relation": "supplier",
        "external_id": "KCC-1",
    }
    entry = AuditEntry.objects.get(action="location_list.import")
    assert (entry.actor, entry.actor_label) == (None, "system")
    assert entry.organisation == company
    assert entry.details == {
        "file_name": "locations.csv",
        "year": YEAR,
        "rows": 3,
        "added": 3,
        "changed": 0,
        "kept": 0,
        "removed": 0,
        "merged": 0,
        "reopened": False,
    }


@pytest.mark.django_db
def test_an_xlsx_with_numbers_semicolons_and_names_imports(company):
    data = xlsx_bytes(
        [
            [
                "Kamoto Copper Company",
                "Route de Kamoto",
                "Kolwezi",
                "lu",
                "Congo, The Democratic Republic of the",
                "Mijnbouw",
                "Copper; COBALT",
                3.0,
                "",
                None,
            ],
            [
                "Umicore",
                "Watertorenstraat 33",
                "Olen",
                None,
                "België",
                "Smelting and refining",
                "cobalt",
                2,
                "supplier",
                "U-1",
            ],
        ]
    )

    result = run(company, data, name="lijst.xlsx", dry_run=False)

    assert result.problems == ()
    assert list(
        Location.objects.order_by("tier").values_list(
            "country", "region_code", "activity", "materials", "tier", "relation"
        )
    ) == [
        ("BE", "", "smelting_refining", ["cobalt"], 2, "supplier"),
        ("CD", "CD-LU", "mining", ["cobalt", "copper"], 3, "supplier"),
    ]


@pytest.mark.django_db
def test_a_dutch_excel_csv_with_semicolons_reads(company):
    result = run(company, csv_bytes(GOOD_ROWS[1], delimiter=";"))

    assert result.problems == ()
    assert result.add_count == 1


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("CD", "CD"),
        ("cd", "CD"),
        ("COD", "CD"),
        ("Chili", "CL"),
        ("chile", "CL"),
        ("Duitsland", "DE"),
        ("Germany", "DE"),
        ("Côte d'Ivoire", "CI"),
        ("cote d\u2019ivoire", "CI"),
        ("Ivoorkust", "CI"),
    ],
)
@pytest.mark.django_db
def test_a_country_is_a_code_or_its_english_or_dutch_name(company, written, code):
    result = run(company, csv_bytes(good(country=written, region_code="")))

    assert result.problems == ()
    assert result.to_add[0].country == code


# --- Bad files ------------------------------------------------------------------------


def file_problem(result) -> str:
    assert result.rows == 0
    (problem,) = result.problems
    assert problem.row is None
    return problem.message


@pytest.mark.django_db
def test_an_empty_file_is_refused(company):
    message = file_problem(run(company, b""))

    assert message.startswith("The file is empty. Its first row names the columns")
    assert file_problem(run(company, b"\r\n  \r\n")).startswith("The file is empty.")


@pytest.mark.django_db
def test_a_file_with_only_the_column_names_is_refused(company):
    message = file_problem(run(company, csv_bytes()))

    assert message.startswith(
        "The file names the columns in row 1 but has no locations"
    )


@pytest.mark.django_db
def test_a_pdf_named_csv_is_refused_by_its_content(company):
    message = file_problem(run(company, b"%PDF-1.7\n1 0 obj\n<<>>\n", name="lijst.csv"))

    assert message.startswith("“lijst.csv” is a PDF file, not a CSV or XLSX file.")


@pytest.mark.django_db
def test_a_word_document_named_xlsx_is_refused(company):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    message = file_problem(run(company, buffer.getvalue(), name="lijst.xlsx"))

    assert "not a CSV or XLSX file" in message or "could not be read" in message


@pytest.mark.django_db
def test_binary_junk_is_refused(company):
    message = file_problem(run(company, b"\x00\x01\x02binary", name="lijst.csv"))

    assert message.startswith("“lijst.csv” could not be read as a CSV or XLSX file.")


@pytest.mark.django_db
def test_missing_columns_are_named(company):
    header = "supplier_name,address,city,country,materials,notes"
    message = file_problem(run(company, csv_bytes("a,b,c,NL,copper,x", header=header)))

    assert message == (
        "The columns in the first row do not match the template. Missing: activity, "
        "tier. Unknown: “notes”. The first row names the columns supplier_name, "
        "address, city, country, activity, materials, tier, and optionally "
        "region_code, relation, external_id."
    )


@pytest.mark.django_db
def test_optional_columns_may_be_left_out(company):
    header = "Supplier name,Address,City,Country,Activity,Materials,Tier"
    result = run(
        company,
        csv_bytes(
            "Umicore,Watertorenstraat 33,Olen,BE,smelting_refining,cobalt,2",
            header=header,
        ),
    )

    assert result.problems == ()
    assert result.to_add[0].country == "BE"


def problems_of(company, *rows: str) -> list[RowProblem]:
    result = run(company, csv_bytes(*rows))
    assert result.saved is False
    return list(result.problems)


@pytest.mark.django_db
def test_an_unknown_country_is_reported_with_row_column_and_advice(company):
    (problem,) = problems_of(company, GOOD_ROWS[1], good(country="Neverland"))

    assert problem == RowProblem(
        3,
        "country",
        "Neverland",
        "“Neverland” is not a country (use an ISO code such as CD, or the English or "
        "Dutch name)",
    )
    assert str(problem) == (
        "row 3, country: “Neverland” is not a country (use an ISO code such as CD, or "
        "the English or Dutch name)"
    )


@pytest.mark.parametrize("written", ["XX", "Nederlandia", "Congo Kinshasa Land"])
@pytest.mark.django_db
def test_unknown_countries_in_code_english_or_dutch_form(company, written):
    (problem,) = problems_of(company, good(country=written, region_code=""))

    assert (problem.row, problem.column, problem.value) == (2, "country", written)


@pytest.mark.django_db
def test_a_region_of_another_country_is_refused(company):
    (problem,) = problems_of(company, good(region_code="CL-AN"))

    assert problem == RowProblem(
        2,
        "region_code",
        "CL-AN",
        "“CL-AN” is a region of Chile, not of Democratic Republic of the Congo (use "
        "a code such as CD-BC, or leave it empty)",
    )


@pytest.mark.django_db
def test_an_unknown_region_is_refused(company):
    (problem,) = problems_of(company, good(region_code="CD-XX"))

    assert problem.column == "region_code"
    assert problem.message.startswith(
        "“CD-XX” is not a region of Democratic Republic of the Congo"
    )


@pytest.mark.django_db
def test_a_bad_activity_material_tier_and_relation_are_each_reported(company):
    problems = problems_of(
        company,
        good(activity="digging", materials="copper;bronze", tier="0", relation="buyer"),
    )

    assert [(p.row, p.column, p.value) for p in problems] == [
        (2, "activity", "digging"),
        (2, "materials", "copper;bronze"),
        (2, "tier", "0"),
        (2, "relation", "buyer"),
    ]
    assert problems[0].message == (
        "“digging” is not an activity (use one of: mining, artisanal_mining, "
        "smelting_refining, processing, manufacturing, trading, scrap_collection, "
        "recycling, other)"
    )
    assert problems[1].message.startswith(
        "“bronze”: not a material (use one or more of"
    )
    assert problems[2].message == (
        "“0” is not a tier (use a whole number from 1 to 99: 1 for a direct supplier, "
        "2 for its supplier, and so on)"
    )
    assert problems[3].message == "“buyer” is not a relation (use supplier or customer)"


@pytest.mark.parametrize("tier", ["two", "1.5", "-1", "100", ""])
@pytest.mark.django_db
def test_a_tier_is_a_whole_number_from_one(company, tier):
    (problem,) = problems_of(company, good(tier=tier))

    assert (problem.column, problem.value) == ("tier", tier)


@pytest.mark.django_db
def test_empty_required_cells_are_reported(company):
    # A row left wholly empty is skipped; this one has only its relation.
    problems = problems_of(company, GOOD_ROWS[1], ",,,,,,,,supplier,")

    assert {p.row for p in problems} == {3}
    assert [p.column for p in problems] == [
        "supplier_name",
        "address",
        "city",
        "country",
        "activity",
        "materials",
        "tier",
    ]


@pytest.mark.django_db
def test_only_a_recycler_maps_customers(company, recycler):
    (problem,) = problems_of(company, good(relation="customer"))
    assert problem.column == "relation"
    assert problem.message.startswith("only a recycler maps its customers (art. 17)")

    result = run(recycler, csv_bytes(good(relation="customer")))
    assert result.problems == ()


@pytest.mark.django_db
def test_a_row_wider_than_the_columns_is_reported(company):
    (problem,) = problems_of(company, good() + ",extra")

    assert problem == RowProblem(
        2,
        "",
        "",
        "this row has more cells than row 1 has columns; remove what stands to the "
        "right of the last column",
    )


@pytest.mark.django_db
def test_a_file_with_any_bad_row_changes_nothing(company):
    run(company, csv_bytes(*GOOD_ROWS), dry_run=False)
    before = snapshot(company)

    result = run(
        company,
        csv_bytes(GOOD_ROWS[0], good(country="Neverland", external_id="X")),
        dry_run=False,
    )

    assert result.saved is False
    assert result.problem_count == 1
    assert snapshot(company) == before
    assert AuditEntry.objects.filter(action="location_list.import").count() == 1


# --- Duplicates -----------------------------------------------------------------------


@pytest.mark.django_db
def test_duplicate_rows_are_merged_with_their_materials_and_reported(company):
    rows = (
        good(materials="copper", external_id=""),
        GOOD_ROWS[1],
        # The same location written differently: legal form, case, materials.
        good(
            supplier_name="KAMOTO COPPER COMPANY S.A.",
            materials="cobalt;manganese",
            external_id="KCC-1",
        ),
    )
    result = run(company, csv_bytes(*rows), dry_run=False)

    assert result.problems == ()
    assert result.merge_count == 1
    assert [(m.rows, m.supplier_name, m.materials) for m in result.merged] == [
        ((2, 4), "Kamoto Copper Company", ("cobalt", "copper", "manganese"))
    ]
    kamoto = Location.objects.get(normalised_name="kamoto copper")
    assert kamoto.materials == ["cobalt", "copper", "manganese"]
    assert kamoto.external_id == "KCC-1"
    assert Location.objects.count() == 2


@pytest.mark.django_db
def test_duplicates_with_different_references_are_a_problem(company):
    problems = problems_of(company, good(external_id="A"), good(external_id="B"))

    assert [(p.row, p.column, p.value) for p in problems] == [(3, "external_id", "B")]
    assert problems[0].message.startswith("this row repeats row 2")


@pytest.mark.django_db
def test_one_reference_for_two_locations_is_a_problem(company):
    problems = problems_of(
        company,
        GOOD_ROWS[0],
        good(city="Likasi", address="Elsewhere 1", supplier_name="Other Mine"),
    )

    assert [(p.row, p.column) for p in problems] == [(3, "external_id")]
    assert problems[0].message == (
        "“KCC-1” is the external_id of row 2 already, a different location; each "
        "location has its own"
    )


# --- Matching the list as it is ---------------------------------------------------------


@pytest.mark.django_db
def test_a_second_file_adds_changes_keeps_and_removes(company):
    location_list = LocationListFactory(company=company)
    by_reference = LocationFactory(
        location_list=location_list,
        supplier_name="Old name of Kamoto",
        external_id="KCC-1",
        country="CD",
        region_code="CD-LU",
        city="Kolwezi",
    )
    umicore = LocationFactory(
        location_list=location_list,
        supplier_name="Umicore Olen",
        address="Watertorenstraat 33",
        city="Olen",
        region_code="BE-VAN",
        country="BE",
        activity="smelting_refining",
        materials=["cobalt"],
        tier=2,
    )
    gone = LocationFactory(location_list=location_list, supplier_name="Gone Mine")

    dry = run(company, csv_bytes(*GOOD_ROWS))

    assert [(r.location_id, r.supplier_name) for r in dry.to_change] == [
        (by_reference.pk, "Kamoto Copper Company")
    ]
    assert [(c.column, c.old, c.new) for c in dry.to_change[0].changes] == [
        ("supplier_name", "Old name of Kamoto", "Kamoto Copper Company"),
        ("address", by_reference.address, "Route de Kamoto"),
        ("materials", "copper", "cobalt;copper"),
    ]
    assert [(r.location_id, r.rows) for r in dry.to_keep] == [(umicore.pk, (3,))]
    assert [r.supplier_name for r in dry.to_add] == ["Rotterdam Metals B.V."]
    assert [(r.location_id, r.supplier_name) for r in dry.to_remove] == [
        (gone.pk, "Gone Mine")
    ]

    applied = run(
        company, csv_bytes(*GOOD_ROWS), dry_run=False, expected_plan=dry.plan_digest
    )

    assert applied.saved is True
    assert applied.plan_digest == dry.plan_digest
    assert not Location.objects.filter(pk=gone.pk).exists()
    by_reference.refresh_from_db()
    assert by_reference.supplier_name == "Kamoto Copper Company"
    assert by_reference.normalised_name == "kamoto copper"
    assert by_reference.materials == ["cobalt", "copper"]
    assert by_reference.updated_at > by_reference.created_at
    assert sorted(Location.objects.values_list("supplier_name", flat=True)) == [
        "Kamoto Copper Company",
        "Rotterdam Metals B.V.",
        "Umicore Olen",
    ]


@pytest.mark.django_db
def test_without_a_reference_a_location_is_matched_by_name_country_activity_city(
    company,
):
    location_list = LocationListFactory(company=company)
    stored = LocationFactory(
        location_list=location_list,
        supplier_name="Umicore Olen N.V.",
        address="Old address",
        city="OLEN",
        region_code="",
        country="BE",
        activity="smelting_refining",
        materials=["cobalt"],
        tier=2,
    )

    result = run(company, csv_bytes(GOOD_ROWS[1]))

    assert [
        (r.location_id, [c.column for c in r.changes]) for r in result.to_change
    ] == [(stored.pk, ["supplier_name", "address", "city", "region_code"])]
    assert result.add_count == result.remove_count == 0


@pytest.mark.django_db
def test_confirming_does_exactly_what_the_dry_run_showed(company):
    dry = run(company, csv_bytes(*GOOD_ROWS))
    # Meanwhile the company adds a location by hand: the plan would now also remove it.
    LocationFactory(location_list=LocationListFactory(company=company))
    before = snapshot(company)

    result = run(
        company, csv_bytes(*GOOD_ROWS), dry_run=False, expected_plan=dry.plan_digest
    )

    assert result.saved is False
    assert [str(p) for p in result.problems] == [
        "The list changed since the file was checked, so the import would now do "
        "something else. Nothing was imported; upload the file again to see what it "
        "would do now."
    ]
    assert snapshot(company) == before


@pytest.mark.django_db
def test_a_failure_while_saving_changes_nothing(company, monkeypatch):
    run(company, csv_bytes(GOOD_ROWS[0]), dry_run=False)
    before = snapshot(company)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("ketenkaart.services.audit_record", broken)
    with pytest.raises(RuntimeError):
        run(company, csv_bytes(*GOOD_ROWS), dry_run=False)

    assert snapshot(company) == before


@pytest.mark.django_db
def test_importing_into_a_submitted_list_makes_it_a_draft(company):
    location_list = LocationListFactory(company=company)
    run(company, csv_bytes(*GOOD_ROWS), dry_run=False)
    LocationList.objects.filter(pk=location_list.pk).update(
        status=ListStatus.SUBMITTED, submitted_at="2026-03-01T10:00:00Z"
    )

    result = run(company, csv_bytes(*GOOD_ROWS[:2]), dry_run=False)

    assert result.remove_count == 1
    location_list.refresh_from_db()
    assert (location_list.status, location_list.submitted_at) == (
        ListStatus.DRAFT,
        None,
    )


@pytest.mark.django_db
def test_the_same_file_again_keeps_everything(company):
    run(company, csv_bytes(*GOOD_ROWS), dry_run=False)
    before = snapshot(company)

    result = run(company, csv_bytes(*GOOD_ROWS), dry_run=False)

    assert (
        result.add_count,
        result.change_count,
        result.keep_count,
        result.remove_count,
    ) == (0, 0, 3, 0)
    assert snapshot(company) == before


@pytest.mark.django_db
def test_only_the_company_itself_and_the_secretariat_may_import(company):
    other_company_person = make_person("company_admin")
    with pytest.raises(PermissionDenied):
        run(company, csv_bytes(*GOOD_ROWS), actor=other_company_person)
    for role in ("ngo", "union", "branch", "government", "kerngroep"):
        with pytest.raises(PermissionDenied):
            run(company, csv_bytes(*GOOD_ROWS), actor=make_person(role))

    result = run(company, csv_bytes(*GOOD_ROWS), actor=make_person("secretariat"))
    assert result.problems == ()


@pytest.mark.django_db
def test_row_numbers_count_empty_rows_before_the_column_names(company):
    data = b"\r\n\r\n" + csv_bytes(
        GOOD_ROWS[0], good(country="Neverland", region_code="")
    )

    (problem,) = run(company, data).problems

    assert (problem.row, problem.column) == (5, "country")
