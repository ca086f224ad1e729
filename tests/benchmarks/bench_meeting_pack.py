"""How long a meeting pack of about 40 pages takes to build, how much memory it needs,
and how long a stamped download takes.

The meeting has twelve agenda items with long descriptions, pending decisions with
votes, minutes to approve, a monitoring round of forty companies, two years of location
lists and early warnings, and six PDF documents of three pages each (made with
WeasyPrint), each appended after a separator page.

1. Build: the whole task (gather, lay out, append documents, save), wall-clock time and
   the growth of the process's resident size (ru_maxrss, a high-water mark: growth
   only shows when the build needs more than the process ever had).
2. Peak Python memory of the rendering alone, measured with tracemalloc in a second
   run (tracemalloc slows Python down, so its time is not the build time).
3. Download: stamping the reader's name on every page, median of a few runs.

Prints a small table and asserts nothing about time. Run with `make bench`.
"""

from __future__ import annotations

import datetime as dt
import resource
import statistics
import sys
import time
import tracemalloc

import pytest
from django.utils import timezone

from convenant import pdf
from governance.models import (
    DecisionStatus,
    DecisionVote,
    MeetingPack,
    MeetingStatus,
    PackKind,
    PackStatus,
)
from governance.services import packs as services
from tests.conftest import make_person
from tests.governance.packs_world import (
    add_decision,
    add_document,
    add_item,
    make_meeting,
    pdf_document,
    report_figures,
    use_pack_storage,
)

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

ITEMS = 12
DOCUMENTS = 6
DOCUMENT_PAGES = 3
DOWNLOADS = 5
PARAGRAPH = (
    "The secretariat proposes that the Kerngroep discusses the progress of the "
    "companies in the baseline measurement, the support they asked for and the "
    "themes that call for a joint project. "
) * 3


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _meeting(secretariat):
    previous = make_meeting(
        creator=secretariat,
        starts_at=timezone.now() - dt.timedelta(days=80),
        status=MeetingStatus.HELD,
        minutes_full="\n\n".join([PARAGRAPH] * 4),
    )
    meeting = make_meeting(creator=secretariat)
    items = [
        add_item(
            meeting,
            f"Agenda item {number}: progress and proposals",
            description=PARAGRAPH,
            outline=PARAGRAPH,
            shared=number % 4 != 0,
        )
        for number in range(1, ITEMS + 1)
    ]
    for number in range(DOCUMENTS):
        add_document(
            items[number * 2],
            f"annex-{number + 1}.pdf",
            pdf_document(f"Annex {number + 1}", pages=DOCUMENT_PAGES),
            uploader=secretariat,
        )
    add_document(
        items[1],
        "budget.xlsx",
        b"PK\x03\x04",
        uploader=secretariat,
        content_type="application/vnd.ms-excel",
    )
    seat_holder = make_person("kerngroep").organisation
    for number in range(6):
        decision = add_decision(
            title=f"Decision {number + 1}",
            creator=secretariat,
            item=items[number * 2],
            proposal="\n\n".join([PARAGRAPH] * 2),
            status=DecisionStatus.OPEN,
        )
        DecisionVote.objects.create(
            decision=decision,
            constituency="branch",
            organisation=seat_holder,
            vote="for",
            recorded_by=secretariat,
        )
    assert previous.pk
    return meeting


def test_build_and_download_a_meeting_pack(
    monkeypatch, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    use_pack_storage(monkeypatch, tmp_path)
    secretariat = make_person("secretariat")
    report_figures(secretariat=secretariat, companies=40)
    meeting = _meeting(secretariat)
    member = make_person("kerngroep")
    pdf_document("warm-up")  # WeasyPrint's fonts and first layout, once per process

    rss_before = _rss_mb()
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        pack, _ = services.meeting_pack_start(
            meeting=meeting, kind=PackKind.FULL, actor=member, language="en"
        )
    build_s = time.perf_counter() - started
    rss_growth = _rss_mb() - rss_before
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE, pack.error_message

    tracemalloc.start()
    services.render_pack(MeetingPack.objects.get(pk=pack.pk), progress=lambda *_: None)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    timings = []
    for _attempt in range(DOWNLOADS):
        started = time.perf_counter()
        content, _name = services.meeting_pack_download(pack=pack, user=member)
        timings.append(time.perf_counter() - started)
    assert pdf.page_count(content) == pack.pages

    rows = [
        ("pages", f"{pack.pages}"),
        ("size", f"{pack.size / 1024:.0f} KiB"),
        ("build (task)", f"{build_s:.2f} s"),
        ("peak Python memory (render)", f"{peak / (1024 * 1024):.1f} MiB"),
        ("resident size growth (build)", f"{rss_growth:.1f} MiB"),
        ("stamped download, median", f"{statistics.median(timings) * 1000:.0f} ms"),
        ("stamped download, max", f"{max(timings) * 1000:.0f} ms"),
    ]
    print()
    print(
        f"meeting pack: {ITEMS} items, {DOCUMENTS} PDF documents of {DOCUMENT_PAGES} pages"
    )
    for label, value in rows:
        print(f"  {label:<30} {value:>10}")
