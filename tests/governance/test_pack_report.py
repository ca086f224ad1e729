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
