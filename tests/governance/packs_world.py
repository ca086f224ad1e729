"""Meetings, agenda items, documents and decisions for the meeting-pack tests, made
through the ORM (the meeting pages are another area's), and where their files go."""

from __future__ import annotations

import datetime as dt
import functools

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from convenant.models import AgreementYear
from governance.models import (
    AgendaDocument,
    AgendaItem,
    AgendaVisibility,
    Decision,
    Meeting,
    MeetingPack,
    MeetingStatus,
)

KERNGROEP_ONLY_TITLE = "Confidential merger talks at Staalwerk Oost"
KERNGROEP_ONLY_TEXT = "Only for the Kerngroep: the secretariat's view on the merger."


def use_pack_storage(monkeypatch, folder) -> FileSystemStorage:
    """Agenda documents and packs go to `folder` (their storage is made when the
    models are imported, so the setting alone cannot move it)."""
    storage = FileSystemStorage(location=str(folder), base_url=None)
    monkeypatch.setattr(AgendaDocument._meta.get_field("file"), "storage", storage)
    monkeypatch.setattr(MeetingPack._meta.get_field("file"), "storage", storage)
    return storage


def make_meeting(
    *,
    creator,
    starts_at: dt.datetime | None = None,
    status: str = MeetingStatus.PLANNED,
    location: str = "SER, Den Haag",
    **fields,
) -> Meeting:
    starts_at = starts_at or timezone.now() + dt.timedelta(days=14)
    year = (
        AgreementYear.objects.filter(starts_on__lte=starts_at.date())
        .order_by("-starts_on")
        .first()
        or AgreementYear.objects.order_by("starts_on").first()
    )
    return Meeting.objects.create(
        agreement_year=year,
        starts_at=starts_at,
        location=location,
        status=status,
        created_by=creator,
        **fields,
    )


def add_item(
    meeting: Meeting,
    title: str,
    *,
    position: int | None = None,
    description: str = "",
    outline: str = "",
    shared: bool = True,
) -> AgendaItem:
    if position is None:
        position = meeting.items.count() + 1
    return AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        title=title,
        description=description,
        outline=outline,
        visibility=AgendaVisibility.OUTLINE
        if shared
        else AgendaVisibility.KERNGROEP_ONLY,
    )


def standard_agenda(meeting: Meeting) -> list[AgendaItem]:
    """Three shared items and one Kerngroep-only item."""
    return [
        add_item(
            meeting,
            "Opening and adoption of the agenda",
            description="The chair opens the meeting.",
            outline="The chair opens the meeting.",
        ),
        add_item(
            meeting,
            "Progress of the baseline measurement",
            description="The secretariat presents the figures.",
            outline="The secretariat reports on the baseline.",
        ),
        add_item(
            meeting,
            KERNGROEP_ONLY_TITLE,
            description=KERNGROEP_ONLY_TEXT,
            outline="",
            shared=False,
        ),
        add_item(
            meeting,
            "Any other business",
            description="Questions and closing.",
            outline="Questions and closing.",
        ),
    ]


@functools.cache
def pdf_document(text: str, pages: int = 1) -> bytes:
    """A real PDF with `text` on each of its pages, made with WeasyPrint."""
    from convenant.pdf import render_html

    body = "".join(
        f'<p style="page-break-after: always">{text} ({number})</p>'
        for number in range(1, pages + 1)
    )
    return render_html(f"<html><body>{body}</body></html>").content


def add_document(
    item: AgendaItem,
    name: str,
    content: bytes,
    *,
    uploader,
    content_type: str = "application/pdf",
) -> AgendaDocument:
    document = AgendaDocument(
        item=item,
        original_name=name,
        content_type=content_type,
        size=len(content),
        uploaded_by=uploader,
    )
    document.file.save("upload", ContentFile(content), save=False)
    document.save()
    return document


def add_decision(*, title: str, creator, item: AgendaItem | None = None, **fields):
    return Decision.objects.create(
        title=title,
        proposal=fields.pop("proposal", f"The Kerngroep decides on {title}."),
        agenda_item=item,
        created_by=creator,
        **fields,
    )


def report_figures(*, secretariat, companies: int = 6, year: int = 2026) -> list:
    """A monitoring round with judged companies (green, orange and red), improvement
    talks, submitted location lists of two years and two early warnings; returns the
    companies, whose names must never appear in an aggregated report."""
    from decimal import Decimal

    from ketenkaart.models import SupplierReport
    from monitoring.models import (
        AssessmentStatus,
        ImprovementTalk,
        ScoreKind,
        Signal,
        TalkStatus,
    )
    from tests.governance.factories import OrganisationFactory
    from tests.ketenkaart.factories import submitted_location
    from tests.monitoring.factories import (
        AssessmentFactory,
        RoundFactory,
        ScoreRecordFactory,
    )

    opens_on = timezone.localdate() - dt.timedelta(days=60)
    round_ = RoundFactory(
        name="Nulmeting 2026",
        opens_on=opens_on,
        closes_on=opens_on + dt.timedelta(days=120),
    )
    signals = [Signal.GREEN, Signal.ORANGE, Signal.RED]
    made = []
    for index in range(companies):
        company = OrganisationFactory(name=f"Verzinkerij Noord {index} B.V.")
        made.append(company)
        assessment = AssessmentFactory(
            round=round_,
            organisation=company,
            status=AssessmentStatus.SUBMITTED
            if index % 4
            else AssessmentStatus.INVITED,
        )
        if not index % 4:
            continue
        signal = signals[index % 3]
        ScoreRecordFactory(
            assessment=assessment,
            kind=ScoreKind.FIRST,
            signal=signal,
            level=1 + index % 5,
            final_score=Decimal(30 + index * 5),
        )
        if signal != Signal.GREEN:
            ImprovementTalk.objects.create(
                assessment=assessment,
                scheduled_at=timezone.now() - dt.timedelta(days=3),
                status=TalkStatus.HELD,
                created_by=secretariat,
            )
        for tier in (1, 2, 3):
            submitted_location(
                company, year=year, tier=tier, supplier_name=f"Mina {index}-{tier}"
            )
        submitted_location(company, year=year - 1, tier=1, supplier_name=f"Old {index}")
    ngo = OrganisationFactory(name="Stichting Waakzaam", ngo=True)
    union = OrganisationFactory(name="Bond Metaal", union=True)
    for organisation, country in ((ngo, "CD"), (union, "PE")):
        SupplierReport.objects.create(
            organisation=organisation,
            supplier_name=f"Fundición {country} S.A.",
            normalised_name=f"fundicion {country.lower()}",
            country=country,
            activity="smelting_refining",
            description="Unsafe working conditions.",
            reported_by=secretariat,
        )
    return made
