"""The demo builds the packs of the upcoming meeting, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance.demo import packs as demo
from governance.models import MeetingPack, MeetingStatus, PackStatus
from tests.conftest import make_person
from tests.governance.packs_world import make_meeting, standard_agenda, use_pack_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(monkeypatch, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    use_pack_storage(monkeypatch, tmp_path)


def test_without_an_upcoming_meeting_the_demo_makes_no_pack():
    secretariat = make_person("secretariat")
    make_meeting(
        creator=secretariat,
        starts_at=timezone.now() - dt.timedelta(days=30),
        status=MeetingStatus.HELD,
    )
    demo.seed(secretariat=secretariat)
    assert MeetingPack.objects.count() == 0


def test_the_demo_builds_both_packs_of_the_upcoming_meeting_once(
    django_capture_on_commit_callbacks,
):
    secretariat = make_person("secretariat")
    meeting = make_meeting(creator=secretariat)
    standard_agenda(meeting)
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(secretariat=secretariat)
    packs = list(MeetingPack.objects.order_by("kind"))
    assert [(p.kind, p.status) for p in packs] == [
        ("full", PackStatus.DONE),
        ("outline", PackStatus.DONE),
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        demo.seed(secretariat=secretariat)
    assert callbacks == []
    assert MeetingPack.objects.count() == 2
