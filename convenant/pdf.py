"""PDF for the whole platform: HTML rendered with WeasyPrint, documents merged and every
page stamped with pypdf.

Rendering is the slow part, stamping the fast one, so a document is rendered once and
cached, and a stamp naming the reader is laid over every page of the cached copy each
time someone downloads it. The stamp is a one-page overlay made with WeasyPrint in the
size of the page it goes on (attached documents need not be A4).
"""

from __future__ import annotations

import html
import io
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

# WeasyPrint reports every step of every page at INFO: for a pack of forty pages that
# is a few hundred lines per build in the worker's log, and says nothing when it works.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class UnreadablePdf(ValueError):
    """A file that is not a PDF pypdf can read (damaged, encrypted, not a PDF)."""


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def render_html(source: str, *, base_url: str | None = None) -> RenderedPdf:
    """Lay out an HTML document (with its print stylesheet) as PDF."""
    from weasyprint import HTML

    document = HTML(string=source, base_url=base_url).render()
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))


def render_template(
    template_name: str, context: dict, *, base_url: str | None = None
) -> RenderedPdf:
    return render_html(render_to_string(template_name, context), base_url=base_url)


def reader(content: bytes) -> PdfReader:
    """Open a PDF, or raise UnreadablePdf saying why not."""
    try:
        result = PdfReader(io.BytesIO(content))
        if result.is_encrypted:
            raise UnreadablePdf("encrypted")
        len(result.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        if isinstance(error, UnreadablePdf):
            raise
        raise UnreadablePdf(str(error) or error.__class__.__name__) from error
    return result


def page_count(content: bytes) -> int:
    return len(reader(content).pages)


def merge(
    parts: Iterable[bytes | PdfReader | tuple[PdfReader, Sequence[int]]],
) -> bytes:
    """One PDF of `parts`, in order: whole documents (as bytes or opened), or chosen
    pages of an opened one as (reader, page indexes)."""
    writer = PdfWriter()
    for part in parts:
        if isinstance(part, tuple):
            source, pages = part
            writer.append(source, pages=list(pages))
        elif isinstance(part, PdfReader):
            writer.append(part)
        else:
            writer.append(reader(part))
    return _write(writer)


def _overlay_html(text: str, width_pt: float, height_pt: float) -> str:
    """A transparent page of the given size: `text` large, light and diagonal across the
    middle, and once more as a small footer line."""
    short = min(width_pt, height_pt)
    size = max(10.0, min(28.0, short / max(len(text), 1) * 1.9))
    escaped = html.escape(text)
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: {width_pt:.2f}pt {height_pt:.2f}pt; margin: 0; }}
html, body {{ margin: 0; padding: 0; background: transparent; }}
body {{ font-family: "DejaVu Sans", sans-serif; width: {width_pt:.2f}pt;
  height: {height_pt:.2f}pt; position: relative; overflow: hidden; }}
.diagonal {{ position: absolute; left: 0; right: 0; top: {height_pt / 2 - size:.2f}pt;
  text-align: center; font-size: {size:.2f}pt; color: rgba(120, 120, 120, 0.22);
  transform: rotate(-{_angle(width_pt, height_pt):.1f}deg); white-space: nowrap; }}
.footer {{ position: absolute; left: 0; right: 0; bottom: 8pt; text-align: center;
  font-size: 7pt; color: #6b6b6b; white-space: nowrap; }}
</style></head><body><div class="diagonal">{escaped}</div>
<div class="footer">{escaped}</div></body></html>"""


def _angle(width: float, height: float) -> float:
    """The slope of the page's diagonal, so the text runs corner to corner."""
    return math.degrees(math.atan2(height, width))


def _overlay(text: str, width_pt: float, height_pt: float) -> PageObject:
    from weasyprint import HTML

    content = HTML(string=_overlay_html(text, width_pt, height_pt)).write_pdf()
    return PdfReader(io.BytesIO(content)).pages[0]


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _form(writer: PdfWriter, overlay: PageObject) -> IndirectObject:
    """The overlay page as a form XObject of the writer, its fonts copied along."""
    contents = overlay.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [FloatObject(value) for value in overlay.mediabox]
            ),
            NameObject("/Resources"): overlay["/Resources"].get_object().clone(writer),
        }
    )
    return writer._add_object(form)


def stamp(content: bytes, text: str) -> bytes:
    """The same document with `text` on every page: diagonal across the page and as a
    footer line.

    The overlay is rendered once per page size and added to the document once, as a
    form XObject; each page only gets a reference to it drawn after its own content.
    (Merging the overlay into every page's content stream costs a parse of each page
    and is many times slower for long packs.)"""
    source = reader(content)
    writer = PdfWriter()
    writer.append(source)
    forms: dict[tuple[int, int], tuple[NameObject, IndirectObject]] = {}
    save = _stream(writer, b"q\n")
    for page in writer.pages:
        if page.get("/Rotate"):
            page.transfer_rotation_to_content()
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        key = (round(width), round(height))
        if key not in forms:
            forms[key] = (
                NameObject(f"/ConvenantStamp{key[0]}x{key[1]}"),
                _form(writer, _overlay(text, width, height)),
            )
        name, form = forms[key]
        resources = page.get("/Resources")
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        resources = resources.get_object()
        xobjects = resources.get("/XObject")
        if xobjects is None:
            xobjects = DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        xobjects.get_object()[name] = form
        # The page's own drawing is wrapped in q ... Q, so that whatever graphics
        # state it leaves behind does not move or hide the stamp.
        draw = _stream(
            writer,
            f"Q\nq 1 0 0 1 {float(box.left):.3f} {float(box.bottom):.3f} cm "
            f"{name} Do Q\n".encode(),
        )
        existing = page.get("/Contents")
        parts = ArrayObject([save])
        if existing is not None:
            existing_object = existing.get_object()
            if isinstance(existing_object, ArrayObject):
                parts.extend(existing_object)
            else:
                parts.append(existing)
        parts.append(draw)
        page[NameObject("/Contents")] = parts
    return _write(writer)


def page_texts(content: bytes) -> list[str]:
    """The text of each page, as far as pypdf can extract it (for checks and tests)."""
    return [page.extract_text() or "" for page in reader(content).pages]


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
