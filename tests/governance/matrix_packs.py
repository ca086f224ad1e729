"""Permission-matrix rows of the meeting-pack pages (see tests/matrix.py).

The full pack is for the Kerngroep, the chair and the secretariat; the outline pack for
every person of an active party or supporter, the government, and those three. The
world holds a meeting whose packs are ready for its current content, so a download
is a download and a prepare attaches to the ready pack (nothing is rendered)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.base import ContentFile
from django.utils.translation import get_language

from governance.models import MeetingPack, PackKind, PackStatus
from tests.matrix import SIGNED_IN, Redirect, Row, World, only, signed_in

FULL = frozenset({"secretariat", "kerngroep", "chair"})
# Every role of the matrix belongs to an active party, is the government, or may have
# the full pack.
OUTLINE = frozenset(SIGNED_IN)


def _rows(name: str, allowed: frozenset[str]) -> tuple[Row, ...]:
    def expect(result):
        if allowed == OUTLINE:
            return signed_in(result)
        return only(allowed, result, 403)

    missing = expect(404)
    return (
        Row(name, "GET", expect(200), "pack_meeting"),
        Row(name, "GET", missing, "missing_meeting"),
        Row(f"{name}_status", "GET", expect(200), "pack_meeting"),
        Row(
            f"{name}_prepare",
            "POST",
            expect(Redirect(name, "same")),
            "pack_meeting",
        ),
        Row(f"{name}_prepare", "POST", missing, "missing_meeting"),
        Row(f"{name}_download", "GET", expect(200), "pack_meeting"),
    )


ROWS: tuple[Row, ...] = _rows("governance:meeting_pack", FULL) + _rows(
    "governance:meeting_outline_pack", OUTLINE
)
DATA: dict[str, Callable[[World], dict]] = {}
WATCHED: tuple = (MeetingPack,)
CREATED: dict = {}


def build(world: World) -> None:
    """A meeting with a shared and a closed item, and both its packs ready."""
    from governance import packs
    from tests.governance.packs_world import add_item, make_meeting, pdf_document

    secretariat = world.context["secretariat_person"]
    meeting = make_meeting(creator=secretariat)
    add_item(meeting, "Progress of the baseline", outline="The figures.")
    add_item(meeting, "A closed item", shared=False)
    meeting.refresh_from_db()
    language = (get_language() or "en")[:2]
    for kind in (PackKind.FULL, PackKind.OUTLINE):
        pack = MeetingPack(
            meeting=meeting,
            kind=kind,
            language=language,
            fingerprint=packs.pack_fingerprint(
                meeting=meeting, kind=kind, language=language
            ),
            status=PackStatus.DONE,
            progress=100,
            pages=1,
        )
        content = pdf_document("Meeting pack")
        pack.file.save("pack.pdf", ContentFile(content), save=False)
        pack.size = len(content)
        pack.save()
    world.targets["pack_meeting"] = {"pk": meeting.pk}
    world.targets["missing_meeting"] = {"pk": meeting.pk + 1000}
