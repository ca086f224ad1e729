"""PDF rendering, merging and the per-download stamp."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from convenant import pdf

TEXT = "Robin de Vries · 22 November 2026 · confidential"


@pytest.fixture(scope="module")
def a4_two_pages() -> bytes:
    return pdf.render_html(
        "<html><body><p>First page</p>"
        '<p style="page-break-before: always">Second page</p></body></html>'
    ).content


@pytest.fixture(scope="module")
def letter_landscape() -> bytes:
    return pdf.render_html(
        "<html><head><style>@page { size: letter landscape }</style></head>"
        "<body><p>Wide page</p></body></html>"
    ).content


def test_render_counts_pages(a4_two_pages):
    assert pdf.page_count(a4_two_pages) == 2


def test_merge_keeps_the_order_and_chosen_pages(a4_two_pages, letter_landscape):
    merged = pdf.merge(
        [letter_landscape, (pdf.reader(a4_two_pages), [1]), a4_two_pages]
    )
    texts = pdf.page_texts(merged)
    assert ["Wide" in t for t in texts] == [True, False, False, False]
    assert ["Second" in t for t in texts] == [False, True, False, True]


def test_the_stamp_is_on_every_page_of_every_size(a4_two_pages, letter_landscape):
    merged = pdf.merge([a4_two_pages, letter_landscape])
    stamped = pdf.stamp(merged, TEXT)
    texts = pdf.page_texts(stamped)
    assert len(texts) == 3
    for text in texts:
        assert TEXT in text
    assert "First page" in texts[0]
    assert "Wide page" in texts[2]
    # The page sizes stay as they were.
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(io.BytesIO(stamped)).pages
    ]
    assert sizes == [(595, 842), (595, 842), (792, 612)]


def test_a_rotated_page_is_stamped_upright(a4_two_pages):
    writer = PdfWriter()
    writer.append(pdf.reader(a4_two_pages))
    writer.pages[0].rotate(90)
    buffer = io.BytesIO()
    writer.write(buffer)
    stamped = pdf.stamp(buffer.getvalue(), TEXT)
    page = PdfReader(io.BytesIO(stamped)).pages[0]
    assert not page.get("/Rotate")
    assert TEXT in page.extract_text()


def test_the_stamp_escapes_markup(a4_two_pages):
    stamped = pdf.stamp(a4_two_pages, "<b>Jo & Co</b>")
    assert "<b>Jo & Co</b>" in pdf.page_texts(stamped)[0]


@pytest.mark.parametrize("content", [b"", b"not a pdf", b"%PDF-1.4 broken"])
def test_an_unreadable_file_says_so(content):
    with pytest.raises(pdf.UnreadablePdf):
        pdf.page_count(content)
