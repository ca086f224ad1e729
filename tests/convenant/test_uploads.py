"""Uploaded spreadsheets are checked before any parser reads them (zip bombs, XML
entities, encodings, row limits), and a stored file's name goes out again only as a
safe name in Content-Disposition."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import RequestDataTooBig
from django.urls import reverse

from convenant import uploads
from convenant.uploads import (
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
    UnreadableArchive,
    UploadProblem,
    check_xlsx_archive,
    decode_csv,
    download_name,
)
from governance.imports import organisation_import
from governance.models import Organisation
from governance.resources import COLUMNS as ORGANISATION_COLUMNS
from ketenkaart import files as location_files
from ketenkaart.files import FileProblem, open_location_file
from ketenkaart.resources import COLUMNS as LOCATION_COLUMNS
from tests.monitoring.company_factories import (
    company_person,
    pdf_bytes,
    profiled_assessment,
    stored_evidence,
    upload,
    use_fast_hashing,
    use_private_storage,
)

MB = 1024 * 1024

LOCATION_ROW = [
    "Kamoto",
    "Route de Kamoto",
    "Kolwezi",
    "CD-LU",
    "CD",
    "mining",
    "copper",
    3,
    "supplier",
    "",
]
ORGANISATION_ROW = [
    "Gieterij Noord B.V.",
    "company",
    "01234567",
    "NL",
    120,
    "party",
    "2025-10-16",
    "no",
    "vsme",
]


def xlsx(header, *rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_member(data: bytes, name: str, rewrite) -> bytes:
    """The XLSX file `data` with its part `name` passed through `rewrite`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == name:
                content = rewrite(content)
            target.writestr(member, content)
    return buffer.getvalue()


def with_dtd(data: bytes, name: str, dtd: bytes, cell_entity: bytes = b"") -> bytes:
    """Put `dtd` at the start of part `name`; with `cell_entity`, the first cell's text
    (an inline string, as openpyxl writes it) becomes a reference to it."""

    def rewrite(content: bytes) -> bytes:
        for first in (b"Kamoto", b"Gieterij Noord B.V."):
            content = content.replace(
                b"<t>" + first + b"</t>", b"<t>" + cell_entity + b"</t>", 1
            )
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + dtd + content

    return with_member(data, name, rewrite)


BILLION_LAUGHS = b"""<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""
EXTERNAL_ENTITY = b"""<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n"""
# A comment long enough that the entities start past the prologue the archive check
# reads: then defusedxml, inside openpyxl, is what refuses them.
LONG_COMMENT = b"<!-- " + b"x" * 8000 + b" -->\n"


def zip_bomb(unpacked: int) -> bytes:
    """A valid XLSX file with one extra part of `unpacked` zero bytes, which deflate
    packs about a thousand times smaller. Made here, never stored."""
    data = xlsx(LOCATION_COLUMNS, LOCATION_ROW)
    buffer = io.BytesIO(data)
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/padding.bin", "w", force_zip64=True) as part,
    ):
        chunk = bytes(MB)
        for _ in range(unpacked // MB):
            part.write(chunk)
    return buffer.getvalue()


def location_problem(data: bytes, name: str = "lijst.xlsx") -> str:
    def read() -> None:
        list(open_location_file(data, name).rows())

    with pytest.raises(FileProblem) as caught:
        read()
    return caught.value.message


def organisation_problem(data: bytes, name: str = "organisaties.xlsx") -> str:
    outcome = organisation_import(data=data, file_name=name, dry_run=False, actor=None)
    assert not outcome.saved
    assert [error.row for error in outcome.errors] == [None]
    return outcome.errors[0].message


# --- Zip bombs ----------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_table_of_contents_before_it_is_opened(
    monkeypatch,
):
    bomb = zip_bomb(MAX_UNPACKED_BYTES + 10 * MB)
    assert len(bomb) < 2 * MB

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    message = location_problem(bomb)

    assert message == (
        "“lijst.xlsx” would unpack to more than 300 MB, far more than a spreadsheet "
        "of this size holds; it is refused for safety. Save it again from your "
        "spreadsheet program, or split it into smaller files."
    )


def test_a_part_that_packs_too_tightly_is_refused_however_small_the_total():
    bomb = zip_bomb(20 * MB)

    with pytest.raises(UploadProblem) as caught:
        check_xlsx_archive(bomb, "lijst.xlsx")
    assert "would unpack to more than 300 MB" in caught.value.message


def test_too_many_parts_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"xl/part{number}.xml", b"")

    with pytest.raises(UploadProblem) as caught:
        check_xlsx_archive(buffer.getvalue(), "lijst.xlsx")
    assert caught.value.message == (
        "“lijst.xlsx” holds 1001 parts; a spreadsheet has at most 1000. It is refused "
        "for safety."
    )


def test_an_ordinary_workbook_passes_the_archive_check():
    check_xlsx_archive(xlsx(LOCATION_COLUMNS, *[LOCATION_ROW] * 500), "lijst.xlsx")


def test_a_zip_that_cannot_be_read_is_left_to_the_parser_to_name():
    with pytest.raises(UnreadableArchive):
        check_xlsx_archive(b"PK\x03\x04 not really a zip", "lijst.xlsx")
    message = location_problem(b"PK\x03\x04 not really a zip")
    assert message.startswith("“lijst.xlsx” is a ZIP file, not a CSV or XLSX file.")


@pytest.mark.django_db
def test_the_organisation_import_refuses_a_zip_bomb_and_saves_nothing():
    before = Organisation.objects.count()

    message = organisation_problem(zip_bomb(MAX_UNPACKED_BYTES + 10 * MB))

    assert "would unpack to more than 300 MB" in message
    assert Organisation.objects.count() == before


# --- XML entities -------------------------------------------------------------------------

ENTITY_MESSAGE = (
    "“lijst.xlsx” contains XML entity declarations, which a spreadsheet saved by Excel "
    "or LibreOffice never has; it is refused for safety. Open it in your spreadsheet "
    "program, save it again as .xlsx and upload that."
)


def test_openpyxl_parses_with_defusedxml():
    from openpyxl import xml as openpyxl_xml
    from openpyxl.xml import functions

    assert openpyxl_xml.DEFUSEDXML
    assert functions.iterparse.__module__.startswith("defusedxml")
    assert functions.fromstring.__module__.startswith("defusedxml")


@pytest.mark.parametrize(
    "part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"]
)
@pytest.mark.parametrize(
    ("dtd", "entity"),
    [(BILLION_LAUGHS, b"&lol9;"), (EXTERNAL_ENTITY, b"&xxe;")],
    ids=["billion-laughs", "external-entity"],
)
@pytest.mark.parametrize("padding", [b"", LONG_COMMENT], ids=["plain", "padded"])
def test_a_location_list_with_xml_entities_is_refused(part, dtd, entity, padding):
    data = with_dtd(xlsx(LOCATION_COLUMNS, LOCATION_ROW), part, padding + dtd, entity)

    assert location_problem(data) == ENTITY_MESSAGE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("dtd", "entity"),
    [(BILLION_LAUGHS, b"&lol9;"), (EXTERNAL_ENTITY, b"&xxe;")],
    ids=["billion-laughs", "external-entity"],
)
@pytest.mark.parametrize("padding", [b"", LONG_COMMENT], ids=["plain", "padded"])
def test_an_organisation_file_with_xml_entities_is_refused(dtd, entity, padding):
    data = with_dtd(
        xlsx(ORGANISATION_COLUMNS, ORGANISATION_ROW),
        "xl/worksheets/sheet1.xml",
        padding + dtd,
        entity,
    )

    message = organisation_problem(data, "lijst.xlsx")

    assert message == ENTITY_MESSAGE
    assert not Organisation.objects.filter(name__contains="lol").exists()


def test_utf16_xml_with_entities_is_refused_before_parsing():
    data = with_member(
        xlsx(LOCATION_COLUMNS, LOCATION_ROW),
        "xl/worksheets/sheet1.xml",
        lambda content: (
            (b'<?xml version="1.0" encoding="UTF-16"?>' + EXTERNAL_ENTITY + b"<a/>")
            .decode()
            .encode("utf-16")
        ),
    )

    with pytest.raises(UploadProblem) as caught:
        check_xlsx_archive(data, "lijst.xlsx")
    assert caught.value.message == ENTITY_MESSAGE


# --- CSV: encoding and rows ---------------------------------------------------------------


def test_csv_in_utf8_or_windows_1252_is_read():
    assert decode_csv("naam\nÉlise".encode(), "a.csv") == "naam\nÉlise"
    assert decode_csv("\ufeffnaam".encode(), "a.csv") == "naam"
    assert decode_csv("naam\nÉlise".encode("cp1252"), "a.csv") == "naam\nÉlise"


def test_an_undecodable_csv_names_the_row():
    data = b"name,city\nA,B\nC,\x81\x8d\n"

    with pytest.raises(UploadProblem) as caught:
        decode_csv(data, "lijst.csv")

    assert caught.value.message == (
        "“lijst.csv” is not readable text: row 3 holds a character in an unknown "
        "encoding. Save the file as “CSV UTF-8” (or as .xlsx) and upload it again."
    )
    assert location_problem(data, "lijst.csv") == caught.value.message


def test_a_location_list_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(location_files, "MAX_ROWS", 3)
    header = ",".join(LOCATION_COLUMNS)
    row = ",".join(str(cell) for cell in LOCATION_ROW)

    fits = open_location_file(f"{header}\n{row}\n{row}\n{row}\n".encode(), "l.csv")
    assert len(list(fits.rows())) == 3
    message = location_problem(f"{header}\n{row}\n{row}\n{row}\n{row}\n".encode())

    assert message == (
        "“lijst.xlsx” has more than 3 rows, more than one file may hold. Split it "
        "into smaller files."
    )


@pytest.mark.django_db
def test_an_organisation_file_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr("governance.imports.MAX_ROWS", 2)
    header = ",".join(ORGANISATION_COLUMNS[:9])
    row = ",".join(str(cell) for cell in ORGANISATION_ROW)
    before = Organisation.objects.count()

    message = organisation_problem(f"{header}\n{row}\n{row}\n{row}\n".encode(), "o.csv")

    assert message == (
        "“o.csv” has more than 2 rows, more than one file may hold. Split it into "
        "smaller files."
    )
    assert Organisation.objects.count() == before


# --- Names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("a\r\nb.pdf", "a b.pdf"),
        ("ñ.pdf", "ñ.pdf"),
        ("report\u202egpj.exe", "report gpj.exe"),
        ("..", "document"),
        ("", "document"),
        (None, "document"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_download_name_keeps_no_path_and_no_control_character(given, sent):
    assert download_name(given) == sent


@pytest.fixture
def evidence_client(client, settings, tmp_path, monkeypatch):
    use_fast_hashing(settings)
    use_private_storage(monkeypatch, tmp_path / "private")
    assessment = profiled_assessment()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(company_person(assessment))
    return client, assessment


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored_name", "disposition"),
    [
        ("../../etc/passwd", 'attachment; filename="passwd"'),
        ("a\r\nb.pdf", 'attachment; filename="a b.pdf"'),
        ("ñ.pdf", "attachment; filename*=utf-8''%C3%B1.pdf"),
        ('say "hi".pdf', 'attachment; filename="say \\"hi\\".pdf"'),
    ],
)
def test_a_download_sends_the_name_only_safely(
    evidence_client, stored_name, disposition
):
    client, assessment = evidence_client
    evidence = stored_evidence(assessment, name=stored_name)

    response = client.get(
        reverse("monitoring:evidence_download", kwargs={"pk": evidence.pk})
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == disposition
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_an_uploaded_file_is_stored_under_a_generated_name(evidence_client):
    from monitoring.services.assessments import evidence_add

    _client, assessment = evidence_client
    person = company_person(assessment)

    evidence = evidence_add(
        assessment=assessment,
        question_code="1.1",
        file=upload("../../etc/passwd.pdf", pdf_bytes()),
        actor=person,
    )

    assert evidence.original_name == "passwd.pdf"
    assert "passwd" not in evidence.file.name
    assert ".." not in evidence.file.name
    assert evidence.file.name.startswith(f"evidence/{assessment.pk}/")


def test_the_checks_live_in_one_module():
    # The parsers use the shared checks rather than their own.
    from governance import imports

    assert location_files.check_xlsx_archive is uploads.check_xlsx_archive
    assert imports.check_xlsx_archive is uploads.check_xlsx_archive
    assert upload("a.pdf", pdf_bytes()).size > 0


# --- Numbers in a query ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "convenant:audit_log?organisation=",
        "governance:decision_create?item=",
        "monitoring:insight_grant_create?company=",
        "governance:confidentiality_create?organisation=",
    ],
)
@pytest.mark.parametrize("number", ["²", "①", "٣"])
def test_a_number_no_int_reads_is_ignored_not_a_server_error(
    secretariat_client, url, number
):
    # str.isdigit() holds for "²", which int() refuses; found by fuzzing the tier.
    name, query = url.split("?")

    response = secretariat_client.get(f"{reverse(name)}?{query}{number}")

    assert response.status_code == 200


# --- The request as a whole -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [1000, 10 * MB])
def test_a_request_larger_than_any_upload_is_not_read(
    evidence_client, monkeypatch, limit
):
    from monitoring.models import Evidence

    client, assessment = evidence_client
    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", limit)
    url = reverse(
        "monitoring:evidence_upload", kwargs={"pk": assessment.pk, "code": "1.1"}
    )

    response = client.post(
        url, {"q0-file": upload("beleid.pdf", pdf_bytes() + bytes(2000))}
    )

    if limit == 1000:
        assert response.status_code == 400
        assert not Evidence.objects.exists()
    else:
        assert response.status_code in (200, 302)
        assert Evidence.objects.count() == 1


def test_the_size_limit_counts_when_no_length_is_given(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", 10)
    handler = uploads.RequestSizeLimit()
    handler.handle_raw_input(None, {}, 0, b"x")

    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"123456", 5)
