"""Meeting packs: the fingerprint, starting and building a pack, failures, the outline's
confidentiality and the stamped, logged download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from convenant import pdf
from convenant.models import AuditEntry
from governance import packs
from governance.models import (
    DecisionStatus,
    MeetingPack,
    MeetingStatus,
    PackKind,
    PackStatus,
)
from governance.services import packs as services
from tests.conftest import make_person
from tests.governance.factories import OrganisationFactory
from tests.governance.packs_world import (
    KERNGROEP_ONLY_TEXT,
    KERNGROEP_ONLY_TITLE,
    add_decision,
    add_document,
    add_item,
    make_meeting,
    pdf_document,
    standard_agenda,
    use_pack_storage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(monkeypatch, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return use_pack_storage(monkeypatch, tmp_path)


@pytest.fixture
def secretariat():
    return make_person("secretariat")


@pytest.fixture
def member():
    return make_person("kerngroep")


@pytest.fixture
def meeting(secretariat):
    meeting = make_meeting(creator=secretariat)
    standard_agenda(meeting)
    return meeting


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a pack and run what the service queued once its transaction commits (the
    build, with eager Celery), as a request would."""

    def run(meeting, kind, actor, language="en"):
        with django_capture_on_commit_callbacks(execute=True):
            pack, started = services.meeting_pack_start(
                meeting=meeting, kind=kind, actor=actor, language=language
            )
        pack.refresh_from_db()
        return pack, started

    return run


def fingerprint(meeting, kind=PackKind.FULL, language="en"):
    meeting.refresh_from_db()
    return packs.pack_fingerprint(meeting=meeting, kind=kind, language=language)


def texts_of(pack: MeetingPack) -> str:
    with pack.file.open("rb") as handle:
        return "\n".join(pdf.page_texts(handle.read()))


# --- The fingerprint -------------------------------------------------------------------


def test_the_fingerprint_stays_the_same_when_nothing_changes(meeting, secretariat):
    before = fingerprint(meeting)
    other = make_meeting(
        creator=secretariat, starts_at=timezone.now() + dt.timedelta(days=60)
    )
    add_item(other, "Another meeting's item")
    assert fingerprint(meeting) == before
    assert fingerprint(meeting, language="nl") != before


def test_the_fingerprint_changes_with_an_item(meeting):
    before = fingerprint(meeting)
    item = meeting.items.first()
    item.description = "A new description."
    item.save()
    assert fingerprint(meeting) != before


def test_the_fingerprint_changes_with_a_document(meeting, secretariat):
    before = fingerprint(meeting)
    add_document(
        meeting.items.first(), "notes.pdf", pdf_document("Notes"), uploader=secretariat
    )
    assert fingerprint(meeting) != before


def test_the_fingerprint_changes_with_a_decision(meeting, secretariat):
    before = fingerprint(meeting)
    decision = add_decision(title="Accession of Gieterij Zuid", creator=secretariat)
    middle = fingerprint(meeting)
    assert middle != before
    decision.status = DecisionStatus.ESCALATED
    decision.save()
    assert fingerprint(meeting) != middle


def test_the_fingerprint_changes_with_the_minutes_to_approve(meeting, secretariat):
    previous = make_meeting(
        creator=secretariat,
        starts_at=meeting.starts_at - dt.timedelta(days=90),
        status=MeetingStatus.HELD,
        minutes_full="Full minutes.",
    )
    before = fingerprint(meeting)
    previous.minutes_full = "Full minutes, corrected."
    previous.save()
    assert fingerprint(meeting) != before


def test_the_outline_fingerprint_ignores_decisions(meeting, secretariat):
    before = fingerprint(meeting, PackKind.OUTLINE)
    add_decision(title="Removal of a party", creator=secretariat)
    assert fingerprint(meeting, PackKind.OUTLINE) == before


# --- Starting and building -------------------------------------------------------------


def test_a_member_prepares_the_full_pack(
    meeting, member, secretariat, django_capture_on_commit_callbacks
):
    item = meeting.items.get(position=2)
    add_document(
        item,
        "baseline.pdf",
        pdf_document("Baseline figures", pages=2),
        uploader=secretariat,
    )
    add_document(
        item,
        "budget.xlsx",
        b"PK\x03\x04 not really a spreadsheet",
        uploader=secretariat,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    add_decision(title="Accession of Gieterij Zuid", creator=secretariat, item=item)
    with django_capture_on_commit_callbacks(execute=True):
        pack, started = services.meeting_pack_start(
            meeting=meeting, kind=PackKind.FULL, actor=member, language="en"
        )
    assert started
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE
    assert pack.progress == 100
    assert pack.pages >= 8
    assert pack.size == pack.file.size
    text = texts_of(pack)
    for item in meeting.items.all():
        assert item.title in text
    assert "Baseline figures (2)" in text
    assert "budget.xlsx" in text
    assert "Accession of Gieterij Zuid" in text
    assert (
        AuditEntry.objects.filter(action="meeting_pack.start", actor=member).count()
        == 1
    )


def test_a_second_start_attaches_to_the_same_pack(
    meeting, member, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first, started = services.meeting_pack_start(
            meeting=meeting, kind=PackKind.FULL, actor=member, language="en"
        )
    assert started
    assert len(callbacks) == 1
    second, started_again = services.meeting_pack_start(
        meeting=meeting, kind=PackKind.FULL, actor=secretariat, language="en"
    )
    assert (second.pk, started_again) == (first.pk, False)
    services.meeting_pack_build(first.pk)
    third, started_third = services.meeting_pack_start(
        meeting=meeting, kind=PackKind.FULL, actor=secretariat, language="en"
    )
    assert (third.pk, third.status, started_third) == (first.pk, PackStatus.DONE, False)
    assert MeetingPack.objects.count() == 1


def test_a_change_makes_a_new_pack_and_the_old_one_goes(meeting, member, start):
    old, _ = start(meeting, PackKind.FULL, member)
    old.refresh_from_db()
    old_name = old.file.name
    storage = old.file.storage
    assert storage.exists(old_name)
    add_item(meeting, "A late item")
    new, started = start(meeting, PackKind.FULL, member)
    assert started
    assert new.pk != old.pk
    assert list(MeetingPack.objects.values_list("pk", flat=True)) == [new.pk]
    assert not storage.exists(old_name)
    assert "A late item" in texts_of(MeetingPack.objects.get())


def test_the_build_task_run_twice_does_no_harm(meeting, member):
    from governance import tasks

    pack, _ = services.meeting_pack_start(
        meeting=meeting, kind=PackKind.FULL, actor=member, language="en"
    )
    assert tasks.build_meeting_pack(pack.pk) == PackStatus.DONE
    pack.refresh_from_db()
    name, finished = pack.file.name, pack.finished_at
    assert tasks.build_meeting_pack(pack.pk) == PackStatus.DONE
    pack.refresh_from_db()
    assert (pack.file.name, pack.finished_at) == (name, finished)
    assert len(pack.file.storage.listdir(f"packs/{meeting.pk}")[1]) == 1


def test_a_failed_build_keeps_no_file_and_says_why(meeting, member, secretariat, start):
    document = add_document(
        meeting.items.first(), "lost.pdf", pdf_document("Lost"), uploader=secretariat
    )
    document.file.storage.delete(document.file.name)
    pack, _ = start(meeting, PackKind.FULL, member)
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED
    assert not pack.file
    assert "lost.pdf" in pack.error_message
    folder = f"packs/{meeting.pk}"
    storage = pack.file.storage
    assert not storage.exists(folder) or storage.listdir(folder)[1] == []
    # Trying again once the document is back (same name and size: same content)
    # builds the same pack.
    with document.file.storage.open(document.file.name, "wb") as handle:
        handle.write(pdf_document("Lost"))
    again, started = start(meeting, PackKind.FULL, member)
    assert started
    assert again.pk == pack.pk
    again.refresh_from_db()
    assert again.status == PackStatus.DONE
    assert again.error_message == ""


def test_a_damaged_pdf_is_named_but_does_not_stop_the_pack(
    meeting, member, secretariat, start
):
    add_document(
        meeting.items.first(), "damaged.pdf", b"%PDF-1.4 garbage", uploader=secretariat
    )
    pack, _ = start(meeting, PackKind.FULL, member)
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE
    assert "could not be included" in texts_of(pack)


def test_the_outline_pack_never_holds_kerngroep_only_text(meeting, secretariat, start):
    party = make_person("company_member")
    previous = make_meeting(
        creator=secretariat,
        starts_at=meeting.starts_at - dt.timedelta(days=90),
        status=MeetingStatus.HELD,
        minutes_full="Full minutes with Kerngroep secrets.",
        minutes_outline="The Kerngroep discussed the baseline.",
        minutes_approved_at=timezone.now(),
    )
    add_document(
        meeting.items.get(position=3),
        "secret.pdf",
        pdf_document("Secret annex"),
        uploader=secretariat,
    )
    add_decision(title="Removal of Staalwerk Oost", creator=secretariat)
    pack, _ = start(meeting, PackKind.OUTLINE, party)
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE
    text = texts_of(pack)
    assert "Progress of the baseline measurement" in text
    assert "The Kerngroep discussed the baseline." in text
    assert "1 closed item" in text
    for secret in (
        KERNGROEP_ONLY_TITLE,
        KERNGROEP_ONLY_TEXT,
        "Secret annex",
        "secret.pdf",
        "Removal of Staalwerk Oost",
        "Kerngroep secrets",
        "The secretariat presents the figures.",
    ):
        assert secret not in text
    assert previous.pk


def test_a_party_may_not_start_the_full_pack(meeting, start):
    party = make_person("company_member")
    with pytest.raises(PermissionDenied):
        start(meeting, PackKind.FULL, party)
    assert MeetingPack.objects.count() == 0


# --- Download ------------------------------------------------------------------------------


def test_the_download_is_stamped_on_every_page_and_audited(
    meeting, member, secretariat, start
):
    add_document(
        meeting.items.first(),
        "annex.pdf",
        pdf_document("Annex", pages=3),
        uploader=secretariat,
    )
    pack, _ = start(meeting, PackKind.FULL, member)
    pack.refresh_from_db()
    content, filename = services.meeting_pack_download(pack=pack, user=member)
    assert filename.startswith("meeting-pack-")
    assert filename.endswith(".pdf")
    name = member.get_full_name()
    pages = pdf.page_texts(content)
    assert len(pages) == pack.pages
    assert all(name in page and "confidential" in page for page in pages)
    entry = AuditEntry.objects.get(action="meeting_pack.download")
    assert (entry.actor, entry.object_id) == (member, str(pack.pk))
    # The stored pack carries nobody's name.
    assert name not in texts_of(pack)


def test_a_party_may_not_download_the_full_pack(meeting, member, start):
    pack, _ = start(meeting, PackKind.FULL, member)
    pack.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.meeting_pack_download(pack=pack, user=make_person("ngo"))
    assert not AuditEntry.objects.filter(action="meeting_pack.download").exists()


def test_documents_of_a_decision_from_an_earlier_agenda_come_along(
    meeting, member, secretariat, start
):
    earlier = make_meeting(
        creator=secretariat,
        starts_at=meeting.starts_at - dt.timedelta(days=90),
        status=MeetingStatus.HELD,
    )
    item = add_item(earlier, "Accession requests")
    add_document(
        item,
        "motivation-letter.pdf",
        pdf_document("We endorse the OECD Guidelines"),
        uploader=secretariat,
    )
    add_decision(title="Accession of Gieterij Zuid", creator=secretariat, item=item)
    pack, _ = start(meeting, PackKind.FULL, member)
    assert pack.status == PackStatus.DONE
    text = texts_of(pack)
    assert "We endorse the OECD Guidelines (1)" in text
    assert f"{earlier}, 1. Accession requests" in text


# --- Requests for restricted disclosure (art. 24) --------------------------------------


def test_a_waiting_restriction_request_is_in_the_full_pack_and_changes_it(
    meeting, member, secretariat, start
):
    from ketenkaart.models import RestrictedDisclosure

    before = fingerprint(meeting)
    company = OrganisationFactory(name="Zeeuwse Zinkgieterij B.V.")
    RestrictedDisclosure.objects.create(
        company=company,
        requested_level="region",
        reason="Our only smelter would be recognisable.",
        requested_by=secretariat,
    )
    assert fingerprint(meeting) != before
    assert fingerprint(meeting, kind=PackKind.OUTLINE) == fingerprint(
        meeting, kind=PackKind.OUTLINE
    )

    pack, _ = start(meeting, PackKind.FULL, member)
    text = texts_of(pack)
    assert "Zeeuwse Zinkgieterij B.V." in text
    assert "Our only smelter would be recognisable." in text


def test_the_outline_pack_does_not_name_a_company_asking_for_restriction(
    meeting, member, secretariat, start
):
    from ketenkaart.models import RestrictedDisclosure

    RestrictedDisclosure.objects.create(
        company=OrganisationFactory(name="Zeeuwse Zinkgieterij B.V."),
        requested_level="region",
        reason="Our only smelter would be recognisable.",
        requested_by=secretariat,
    )
    pack, _ = start(meeting, PackKind.OUTLINE, member)
    assert "Zeeuwse Zinkgieterij" not in texts_of(pack)


# --- The motivation letter of a pending accession (art. 70) ----------------------------


def test_the_motivation_letter_of_a_pending_accession_comes_with_the_pack(
    meeting, member, secretariat, start
):
    from django.core.files.base import ContentFile

    from governance.services.decisions import decision_open
    from tests.governance.factories import AccessionApplicationFactory

    application = AccessionApplicationFactory(
        organisation__name="Gieterij Zuid B.V.", letter_name="motivatie.pdf"
    )
    application.letter.save(
        "letter", ContentFile(pdf_document("We endorse the OECD Guidelines")), save=True
    )
    decision_open(
        title="Accession of Gieterij Zuid B.V.",
        proposal="Approve the accession.",
        actor=secretariat,
        subject=application,
    )

    pack, _ = start(meeting, PackKind.FULL, member)

    text = texts_of(pack)
    assert "motivatie.pdf" in text
    assert "We endorse the OECD Guidelines" in text


def test_a_missing_motivation_letter_is_named_and_the_pack_is_made(
    meeting, member, secretariat, start
):
    from governance.services.decisions import decision_open
    from tests.governance.factories import AccessionApplicationFactory

    application = AccessionApplicationFactory(letter_name="motivatie.pdf")
    application.letter.storage.delete(application.letter.name)
    decision_open(
        title="Accession",
        proposal="Approve the accession.",
        actor=secretariat,
        subject=application,
    )

    pack, _ = start(meeting, PackKind.FULL, member)

    assert pack.status == PackStatus.DONE
    assert "the file could not be found" in texts_of(pack)
