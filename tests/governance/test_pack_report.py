"""The secretariat's progress report in the meeting pack: aggregated figures only."""

from __future__ import annotations

import pytest
from django.utils import translation

from convenant import pdf
from governance import packs
from governance.models import PackKind, PackStatus
from governance.services import packs as services
from tests.conftest import make_person
from tests.governance.packs_world import (
    make_meeting,
    report_figures,
    standard_agenda,
    use_pack_storage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(monkeypatch, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    use_pack_storage(monkeypatch, tmp_path)


@pytest.fixture
def secretariat():
    return make_person("secretariat")


@pytest.fixture
def meeting(secretariat):
    meeting = make_meeting(creator=secretariat)
    standard_agenda(meeting)
    return meeting


def test_the_report_counts_without_naming(meeting, secretariat):
    report_figures(secretariat=secretariat, companies=6)
    with translation.override("en"):
        content = packs.gather_full(meeting)
    monitoring = content.monitoring
    assert monitoring.round_name == "Nulmeting 2026"
    assert (monitoring.invited, monitoring.submitted) == (6, 4)
    signals = {row.value: row.first for row in monitoring.signals}
    assert signals == {"green": 1, "orange": 1, "red": 2}
    assert (monitoring.talks_needed, monitoring.talks_held) == (3, 3)
    transparency = content.transparency
    assert (transparency.year, transparency.lists, transparency.lists_last_year) == (
        2026,
        4,
        4,
    )
    assert [(row.this_year, row.last_year) for row in transparency.by_tier] == [
        (4, 4),
        (4, 0),
        (4, 0),
    ]
    assert transparency.growth_percent == 200
    assert sorted(w.reporter_kind for w in content.warnings) == ["NGO", "Trade union"]
    assert len(content.warnings) == 2
    assert "Peru" in {warning.country for warning in content.warnings}


def test_the_pack_holds_the_figures_and_no_names(
    meeting, secretariat, django_capture_on_commit_callbacks
):
    companies = report_figures(secretariat=secretariat, companies=6)
    member = make_person("kerngroep")
    with django_capture_on_commit_callbacks(execute=True):
        pack, _ = services.meeting_pack_start(
            meeting=meeting, kind=PackKind.FULL, actor=member, language="en"
        )
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE, pack.error_message
    with pack.file.open("rb") as handle:
        text = "\n".join(pdf.page_texts(handle.read()))
    assert "Nulmeting 2026" in text
    assert "Talks held: 3" in text
    assert "Smelting and refining" in text
    for company in companies:
        assert company.name not in text
    for name in ("Stichting Waakzaam", "Bond Metaal", "Fundición", "Mina 1-1"):
        assert name not in text


def test_the_fingerprint_follows_the_report_sources(meeting, secretariat):
    before = packs.pack_fingerprint(meeting=meeting, kind=PackKind.FULL, language="en")
    report_figures(secretariat=secretariat, companies=2)
    assert (
        packs.pack_fingerprint(meeting=meeting, kind=PackKind.FULL, language="en")
        != before
    )


def test_pending_decisions_carry_their_votes_and_the_assembly_tally(
    meeting, secretariat
):
    import datetime as dt

    from django.utils import timezone

    from governance.models import (
        AssemblyBallot,
        AssemblyVote,
        DecisionStatus,
        DecisionVote,
    )
    from tests.governance.factories import OrganisationFactory
    from tests.governance.packs_world import add_decision

    item = meeting.items.first()
    open_one = add_decision(
        title="Accession of Gieterij Zuid", creator=secretariat, item=item
    )
    tied = add_decision(
        title="Removal of Staalwerk Oost",
        creator=secretariat,
        status=DecisionStatus.ESCALATED,
        kerngroep_outcome="escalated",
    )
    add_decision(
        title="Settled",
        creator=secretariat,
        status=DecisionStatus.DECIDED,
        outcome="adopted",
    )
    branch = OrganisationFactory(branch=True)
    deputy = make_person("branch")
    DecisionVote.objects.create(
        decision=open_one,
        constituency="branch",
        organisation=branch,
        vote="against",
        as_deputy=True,
        voter=deputy,
        recorded_by=secretariat,
    )
    DecisionVote.objects.create(
        decision=open_one,
        constituency="branch",
        organisation=branch,
        vote="for",
        recorded_by=secretariat,
    )
    assembly = AssemblyVote.objects.create(
        decision=tied,
        closes_at=timezone.now() + dt.timedelta(days=7),
        opened_by=secretariat,
    )
    for vote in ("for", "for", "against"):
        AssemblyBallot.objects.create(
            assembly_vote=assembly,
            organisation=OrganisationFactory(),
            vote=vote,
            cast_by=secretariat,
        )
    with translation.override("en"):
        content = packs.gather_full(meeting)
    by_title = {decision.title: decision for decision in content.decisions}
    assert set(by_title) == {"Accession of Gieterij Zuid", "Removal of Staalwerk Oost"}
    accession = by_title["Accession of Gieterij Zuid"]
    # The regular representative's vote counts for the seat, not the deputy's.
    assert [(v.seat, v.vote) for v in accession.votes] == [
        ("Branch organisations", "For")
    ]
    assert accession.on_this_agenda
    assert accession.assembly is None
    removal = by_title["Removal of Staalwerk Oost"]
    assert (
        removal.assembly.in_favour,
        removal.assembly.against,
        removal.assembly.abstain,
    ) == (2, 1, 0)
    assert content.agenda[0].decisions == ("Accession of Gieterij Zuid",)


@pytest.mark.parametrize("kind", [PackKind.FULL, PackKind.OUTLINE])
def test_the_fingerprint_takes_as_many_queries_for_many_rows(
    meeting, secretariat, kind
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.governance.packs_world import add_decision, add_item

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            packs.pack_fingerprint(meeting=meeting, kind=kind, language="en")
        return len(queries)

    add_decision(title="The first decision", creator=secretariat)
    few = count()
    for number in range(30):
        item = add_item(meeting, f"Extra item {number}")
        add_decision(title=f"Decision {number}", creator=secretariat, item=item)
    assert count() == few


def test_gathering_the_pack_takes_as_many_queries_for_many_rows(meeting, secretariat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.governance.packs_world import add_decision, add_document, add_item

    report_figures(secretariat=secretariat, companies=3)

    def grow(count: int) -> None:
        for number in range(count):
            item = add_item(meeting, f"Item {number}")
            add_document(item, f"doc-{number}.pdf", b"%PDF-1.4", uploader=secretariat)
            add_decision(title=f"Decision {number}", creator=secretariat, item=item)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured, translation.override("en"):
            packs.gather_full(meeting)
        return len(captured)

    grow(1)
    few = queries()
    grow(20)
    assert queries() == few
