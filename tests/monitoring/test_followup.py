"""Improvement talks (art. 10) and the secretariat's review comments: the queue, planning
with .ics invitations, notes and agreed actions, comments and clarifications, and who may
do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from monitoring.models import (
    Answer,
    AssessmentStatus,
    ImprovementTalk,
    ReviewComment,
    ScoreKind,
    Signal,
    TalkAction,
    TalkStatus,
)
from monitoring.services import followup as services
from tests.conftest import make_person
from tests.governance.factories import UserFactory
from tests.monitoring.company_factories import AnswerFactory
from tests.monitoring.factories import AssessmentFactory, ScoreRecordFactory

pytestmark = pytest.mark.django_db

FUTURE = dt.datetime(2030, 5, 6, 8, 0, tzinfo=dt.UTC)


def judged(signal=Signal.ORANGE, days_ago=10, name=None, **kwargs):
    """An assessment submitted `days_ago` days ago with a first judgement of `signal`."""
    assessment = AssessmentFactory(
        status=AssessmentStatus.IMPROVING,
        submitted_at=timezone.now() - dt.timedelta(days=days_ago),
        window_closes_on=dt.date(2030, 6, 30),
        **({"organisation__name": name} if name else {}),
        **kwargs,
    )
    ScoreRecordFactory(assessment=assessment, signal=signal)
    return assessment


def people(assessment):
    admin = UserFactory(
        organisation=assessment.organisation,
        organisation_role="admin",
        email="admin@staal.test",
    )
    member = UserFactory(organisation=assessment.organisation, email="lid@staal.test")
    return admin, member


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def talk_for(assessment, **kwargs) -> ImprovementTalk:
    values = {
        "assessment": assessment,
        "scheduled_at": FUTURE,
        "location": "Den Haag",
        "created_by": make_person("secretariat"),
    }
    values.update(kwargs)
    return ImprovementTalk.objects.create(**values)


TALK_POST = {
    "scheduled_at": "2030-05-06T10:00",
    "duration_minutes": "90",
    "location": "Utrecht, zaal 3",
    "video_link": "",
    "participants": "Directeur; inkoper",
    "management_present": "on",
}


# --- The queue -------------------------------------------------------------------------


def test_queue_lists_orange_and_red_without_a_talk_oldest_first(secretariat_user):
    red = judged(Signal.RED, days_ago=30, name="Rood B.V.")
    orange = judged(Signal.ORANGE, days_ago=5, name="Oranje B.V.")
    judged(Signal.GREEN, name="Groen B.V.")
    planned = judged(Signal.ORANGE, name="Gepland B.V.")
    planned_talk = talk_for(planned)
    held = judged(Signal.RED, name="Gehouden B.V.")
    talk_for(held, status=TalkStatus.HELD, scheduled_at=timezone.now())
    cancelled = judged(Signal.RED, days_ago=20, name="Afgezegd B.V.")
    talk_for(cancelled, status=TalkStatus.CANCELLED)
    improved = judged(Signal.ORANGE, days_ago=40, name="Verbeterd B.V.")
    ScoreRecordFactory(assessment=improved, kind=ScoreKind.FINAL, signal=Signal.GREEN)

    response = login(secretariat_user).get(reverse("monitoring:talk_queue"))

    assert response.status_code == 200
    queue = response.context["queue"]
    assert [a.organisation.name for a in queue.waiting] == [
        "Rood B.V.",
        "Afgezegd B.V.",
        "Oranje B.V.",
    ]
    assert [a.latest_signal for a in queue.waiting] == ["red", "red", "orange"]
    assert queue.planned == [planned_talk]
    assert {red.pk, orange.pk} <= {a.pk for a in queue.waiting}


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("monitoring:talk_queue"))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_queue_queries_do_not_grow_with_the_rows(secretariat_user):
    client = login(secretariat_user)
    for _ in range(10):
        talk_for(judged())
        judged(Signal.RED)
    ten = _queue_queries(client)
    for _ in range(40):
        talk_for(judged())
        judged(Signal.RED)
    assert _queue_queries(client) == ten


# --- Planning, changing, cancelling -----------------------------------------------------


def test_planning_a_talk_mails_an_ics_invitation_and_audits(
    secretariat_user, django_capture_on_commit_callbacks
):
    assessment = judged()
    people(assessment)
    client = login(secretariat_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitoring:talk_create", args=[assessment.pk]), TALK_POST
        )

    talk = ImprovementTalk.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("monitoring:talk_detail", args=[talk.pk])
    assert (talk.location, talk.participants, talk.sequence, talk.status) == (
        "Utrecht, zaal 3",
        "Directeur; inkoper",
        0,
        TalkStatus.PLANNED,
    )
    assert talk.scheduled_at == dt.datetime(2030, 5, 6, 8, 0, tzinfo=dt.UTC)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "admin@staal.test",
        "lid@staal.test",
    ]
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name == "invite.ics"
    assert mimetype == "text/calendar; charset=utf-8; method=REQUEST"
    assert "METHOD:REQUEST\r\n" in content
    assert f"UID:{talk.uid}\r\n" in content
    assert "SEQUENCE:0\r\n" in content
    assert "DTSTART:20300506T080000Z\r\n" in content
    assert "DTEND:20300506T093000Z\r\n" in content
    assert mail.outbox[0].subject == (
        f"Invitation: improvement talk with {assessment.organisation.name}"
    )
    entry = AuditEntry.objects.get(action="talk.create")
    assert (entry.actor, entry.organisation) == (
        secretariat_user,
        assessment.organisation,
    )


def test_planning_without_management_warns_but_plans(secretariat_user):
    assessment = judged()
    data = {**TALK_POST}
    del data["management_present"]
    response = login(secretariat_user).post(
        reverse("monitoring:talk_create", args=[assessment.pk]), data, follow=True
    )
    assert ImprovementTalk.objects.get().management_present is False
    assert (
        "The company's management does not take part. Article 10 asks management to "
        "take part in at least part of the talk."
    ) in [str(m) for m in response.context["messages"]]


def test_planning_without_place_or_link_is_refused_and_keeps_the_input(
    secretariat_user,
):
    assessment = judged()
    people(assessment)
    response = login(secretariat_user).post(
        reverse("monitoring:talk_create", args=[assessment.pk]),
        {**TALK_POST, "location": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "location": ["Give a place or a video link (or both)."]
    }
    assert response.context["form"]["participants"].value() == "Directeur; inkoper"
    assert ImprovementTalk.objects.count() == 0
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="talk.create").exists()


def test_a_green_company_gets_no_talk(secretariat_user):
    assessment = judged(Signal.GREEN)
    response = login(secretariat_user).post(
        reverse("monitoring:talk_create", args=[assessment.pk]), TALK_POST
    )
    assert response.context["form"].non_field_errors() == [
        "Only a company judged orange or red is invited to an improvement talk."
    ]
    assert ImprovementTalk.objects.count() == 0


def test_rescheduling_sends_the_next_sequence_and_cancelling_a_cancel(
    secretariat_user, django_capture_on_commit_callbacks
):
    assessment = judged()
    people(assessment)
    talk = talk_for(assessment)
    client = login(secretariat_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("monitoring:talk_update", args=[talk.pk]),
            {**TALK_POST, "scheduled_at": "2030-05-07T14:00"},
        )
    talk.refresh_from_db()
    assert talk.sequence == 1
    assert talk.scheduled_at == dt.datetime(2030, 5, 7, 12, 0, tzinfo=dt.UTC)
    content = mail.outbox[0].attachments[0][1]
    assert "SEQUENCE:1\r\n" in content
    assert "DTSTART:20300507T120000Z\r\n" in content
    assert mail.outbox[0].subject.startswith("Changed: ")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("monitoring:talk_cancel", args=[talk.pk]))
    talk.refresh_from_db()
    assert (talk.status, talk.sequence) == (TalkStatus.CANCELLED, 2)
    _name, content, mimetype = mail.outbox[0].attachments[0]
    assert mimetype == "text/calendar; charset=utf-8; method=CANCEL"
    assert "METHOD:CANCEL\r\n" in content
    assert "SEQUENCE:2\r\n" in content
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == [
        "talk.update",
        "talk.cancel",
    ]


def test_a_cancelled_talk_can_no_longer_change(secretariat_user):
    talk = talk_for(judged(), status=TalkStatus.CANCELLED, sequence=3)
    response = login(secretariat_user).post(
        reverse("monitoring:talk_update", args=[talk.pk]), TALK_POST
    )
    assert response.context["form"].non_field_errors() == [
        "Only a planned talk can be changed."
    ]
    talk.refresh_from_db()
    assert (talk.sequence, talk.location) == (3, "Den Haag")


def test_an_old_version_of_the_mail_task_sends_nothing():
    from monitoring import notifications

    assessment = judged()
    people(assessment)
    talk = talk_for(assessment, sequence=2)
    assert notifications.talk_invitation_mail(talk_id=talk.pk, sequence=1) == 0
    assert notifications.talk_invitation_mail(talk_id=talk.pk, sequence=2) == 2
    assert notifications.talk_invitation_mail(talk_id=talk.pk, sequence=2) == 0
    assert len(mail.outbox) == 2


# --- Notes and actions -----------------------------------------------------------------


def test_notes_before_the_talk_are_refused_after_it_the_talk_is_held(secretariat_user):
    client = login(secretariat_user)
    future = talk_for(judged())
    response = client.post(
        reverse("monitoring:talk_notes", args=[future.pk]), {"notes": "Te vroeg"}
    )
    assert response.context["notes_form"].errors == {
        "notes": ["Notes can be recorded once the talk has started."]
    }
    future.refresh_from_db()
    assert (future.notes, future.status) == ("", TalkStatus.PLANNED)

    past = talk_for(judged(), scheduled_at=timezone.now() - dt.timedelta(hours=2))
    client.post(reverse("monitoring:talk_notes", args=[past.pk]), {"notes": "Goed."})
    past.refresh_from_db()
    assert (past.notes, past.status) == ("Goed.", TalkStatus.HELD)


def test_actions_are_added_followed_up_and_shown_overdue_to_the_company(
    secretariat_user,
):
    assessment = judged()
    admin, _member = people(assessment)
    talk = talk_for(
        assessment,
        scheduled_at=timezone.now() - dt.timedelta(days=30),
        status=TalkStatus.HELD,
        notes="Intern: directie weinig betrokken",
    )
    client = login(secretariat_user)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    client.post(
        reverse("monitoring:talk_action_add", args=[talk.pk]),
        {"description": "Beleid publiceren", "due_on": yesterday.isoformat()},
    )
    client.post(
        reverse("monitoring:talk_action_add", args=[talk.pk]),
        {"description": "Leveranciers in kaart", "due_on": "2030-01-31"},
    )
    late, later = TalkAction.objects.order_by("due_on")
    assert (late.description, late.due_on) == ("Beleid publiceren", yesterday)

    page = login(admin).get(reverse("monitoring:talk_list", args=[assessment.pk]))
    assert page.status_code == 200
    actions = page.context["talks"][0]["actions"]
    assert [(row["action"], row["overdue"]) for row in actions] == [
        (late, True),
        (later, False),
    ]
    assert "Overdue" in page.content.decode()
    assert "directie weinig betrokken" not in page.content.decode()
    detail = login(admin).get(reverse("monitoring:talk_detail", args=[talk.pk]))
    assert "directie weinig betrokken" not in detail.content.decode()

    prefix = f"action-{late.pk}"
    refused = client.post(
        reverse("monitoring:talk_action_update", args=[late.pk]),
        {f"{prefix}-done_on": timezone.localdate().isoformat()},
    )
    assert refused.status_code == 200
    late.refresh_from_db()
    assert (late.done_on, late.follow_up) == (None, "")

    client.post(
        reverse("monitoring:talk_action_update", args=[late.pk]),
        {
            f"{prefix}-done_on": timezone.localdate().isoformat(),
            f"{prefix}-follow_up": "Gepubliceerd op de website",
        },
    )
    late.refresh_from_db()
    assert (late.done_on, late.follow_up) == (
        timezone.localdate(),
        "Gepubliceerd op de website",
    )
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == [
        "talk_action.add",
        "talk_action.add",
        "talk_action.update",
    ]


# --- Review comments -------------------------------------------------------------------


def test_clarification_request_mails_the_company_who_replies_and_it_is_resolved(
    secretariat_user, django_capture_on_commit_callbacks
):
    assessment = judged()
    admin, _member = people(assessment)
    answer = AnswerFactory(assessment=assessment, question_code="1.1")
    secretariat = login(secretariat_user)
    prefix = f"answer-{answer.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(
            reverse("monitoring:comment_add", args=[answer.pk]),
            {f"{prefix}-kind": "clarification", f"{prefix}-text": "Welk jaar?"},
        )
    assert response.status_code == 302
    request = ReviewComment.objects.get()
    assert (request.kind, request.text, request.author) == (
        "clarification",
        "Welk jaar?",
        secretariat_user,
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "admin@staal.test",
        "lid@staal.test",
    ]
    assert mail.outbox[0].subject == (
        "The secretariat asks for clarification on question 1.1"
    )
    assert "Welk jaar?" in mail.outbox[0].body

    company = login(admin)
    page = company.get(reverse("monitoring:clarification_list", args=[assessment.pk]))
    assert [row["comment"] for row in page.context["rows"]] == [request]
    company.post(
        reverse("monitoring:comment_reply", args=[request.pk]),
        {f"comment-{request.pk}-text": "2025"},
    )
    reply = ReviewComment.objects.get(parent=request)
    assert (reply.kind, reply.text, reply.author, reply.answer) == (
        "reply",
        "2025",
        admin,
        answer,
    )

    secretariat.post(reverse("monitoring:comment_resolve", args=[request.pk]))
    request.refresh_from_db()
    assert request.resolved_at is not None
    page = company.get(reverse("monitoring:clarification_list", args=[assessment.pk]))
    assert page.context["rows"] == []
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == [
        "review_comment.clarification",
        "review_comment.reply",
        "review_comment.resolve",
    ]


def test_a_plain_comment_mails_nobody(
    secretariat_user, django_capture_on_commit_callbacks
):
    assessment = judged()
    people(assessment)
    answer = AnswerFactory(assessment=assessment)
    with django_capture_on_commit_callbacks(execute=True):
        login(secretariat_user).post(
            reverse("monitoring:comment_add", args=[answer.pk]),
            {
                f"answer-{answer.pk}-kind": "comment",
                f"answer-{answer.pk}-text": "Helder.",
            },
        )
    assert ReviewComment.objects.get().kind == "comment"
    assert mail.outbox == []


def test_refused_comment_actions_change_nothing(secretariat_user):
    assessment = judged()
    admin, _member = people(assessment)
    answer = AnswerFactory(assessment=assessment)
    comment = ReviewComment.objects.create(
        answer=answer, kind="comment", text="Let op", author=secretariat_user
    )
    company = login(admin)
    # The company cannot comment, resolve, or reply to a plain comment.
    assert (
        company.post(
            reverse("monitoring:comment_add", args=[answer.pk]),
            {f"answer-{answer.pk}-kind": "comment", f"answer-{answer.pk}-text": "x"},
        ).status_code
        == 403
    )
    assert (
        company.post(
            reverse("monitoring:comment_resolve", args=[comment.pk])
        ).status_code
        == 403
    )
    response = company.post(
        reverse("monitoring:comment_reply", args=[comment.pk]),
        {f"comment-{comment.pk}-text": "x"},
    )
    assert response.status_code == 200
    # The secretariat cannot reply in the company's name.
    assert (
        login(secretariat_user)
        .post(
            reverse("monitoring:comment_reply", args=[comment.pk]),
            {f"comment-{comment.pk}-text": "x"},
        )
        .status_code
        == 403
    )
    assert list(ReviewComment.objects.values_list("pk", flat=True)) == [comment.pk]
    comment.refresh_from_db()
    assert comment.resolved_at is None
    assert AuditEntry.objects.count() == 0


def test_comment_on_an_unsubmitted_assessment_is_refused(secretariat_user):
    answer = AnswerFactory(assessment=AssessmentFactory())
    with pytest.raises(Exception, match="not been submitted"):
        services.review_comment_add(
            answer=answer, kind="comment", text="x", actor=secretariat_user
        )
    assert ReviewComment.objects.count() == 0


def test_review_page_shows_answers_evidence_links_and_the_first_judgement(
    secretariat_user,
):
    from tests.monitoring.company_factories import stored_evidence

    assessment = judged()
    Answer.objects.create(
        assessment=assessment, question_code="1.1", value="adopted", explanation="Ja"
    )
    evidence = stored_evidence(assessment, code="1.1")
    response = login(secretariat_user).get(
        reverse("monitoring:assessment_review_secretariat", args=[assessment.pk])
    )
    assert response.status_code == 200
    row = response.context["rows"][0]["row"]
    assert (row.code, row.answer.explanation, row.step_code, row.step_score) == (
        "1.1",
        "Ja",
        "1",
        50.0,
    )
    assert reverse("monitoring:evidence_download", args=[evidence.pk]) in (
        response.content.decode()
    )


# --- Who may open what -----------------------------------------------------------------


@pytest.fixture
def world(secretariat_user):
    assessment = judged()
    admin, _member = people(assessment)
    talk = talk_for(assessment)
    action = TalkAction.objects.create(
        talk=talk, description="Doen", due_on=dt.date(2030, 1, 1)
    )
    answer = AnswerFactory(assessment=assessment)
    comment = ReviewComment.objects.create(
        answer=answer, kind="clarification", text="?", author=secretariat_user
    )
    return {
        "assessment": assessment.pk,
        "talk": talk.pk,
        "action": action.pk,
        "answer": answer.pk,
        "comment": comment.pk,
        "own": admin,
    }


# (url name, object, method, secretariat, own company)
MATRIX = [
    ("talk_queue", None, "get", 200, 403),
    ("talk_create", "assessment", "get", 200, 403),
    ("talk_create", "assessment", "post", 200, 403),
    ("talk_update", "talk", "get", 200, 403),
    ("talk_update", "talk", "post", 200, 403),
    ("talk_cancel", "talk", "post", 302, 403),
    ("talk_detail", "talk", "get", 200, 200),
    ("talk_list", "assessment", "get", 200, 200),
    ("talk_notes", "talk", "post", 200, 403),
    ("talk_action_add", "talk", "post", 200, 403),
    ("talk_action_update", "action", "post", 302, 403),
    ("assessment_review_secretariat", "assessment", "get", 200, 403),
    ("comment_add", "answer", "post", 200, 403),
    ("comment_reply", "comment", "post", 403, 200),
    ("comment_resolve", "comment", "post", 302, 403),
    ("clarification_list", "assessment", "get", 200, 200),
]


def _url(world, name, obj):
    return reverse(f"monitoring:{name}", args=[world[obj]] if obj else [])


@pytest.mark.parametrize(("name", "obj", "method", "secretariat", "own"), MATRIX)
def test_access_per_role(world, secretariat_user, name, obj, method, secretariat, own):
    url = _url(world, name, obj)
    counts = (
        ImprovementTalk.objects.count(),
        TalkAction.objects.count(),
        ReviewComment.objects.count(),
    )

    def status(client):
        return getattr(client, method)(url).status_code

    anonymous = status(Client())
    assert anonymous == 302
    assert status(login(make_person("ngo"))) == 403
    assert status(login(make_person("branch"))) == 403
    assert status(login(make_person("government"))) == 403
    other_company = status(login(make_person("company_admin")))
    assert other_company == (403 if own == 403 else 404)
    assert status(login(world["own"])) == own
    # Empty posts are refused by the forms: nothing changes for anybody but the
    # secretariat's cancel and resolve, which need no input.
    assert (
        ImprovementTalk.objects.count(),
        TalkAction.objects.count(),
        ReviewComment.objects.count(),
    ) == counts
    assert status(login(secretariat_user)) == secretariat


def test_the_matrix_covers_every_followup_url():
    from monitoring import urls

    names = {
        p.name
        for p in urls.urlpatterns
        if getattr(p.callback, "__module__", "") == "monitoring.views.followup"
    }
    assert names == {row[0] for row in MATRIX}


def test_a_planned_talk_whose_time_passed_stays_in_the_queue_to_be_recorded(
    secretariat_user,
):
    overdue = talk_for(
        judged(Signal.RED, name="Nog vastleggen B.V."),
        scheduled_at=timezone.now() - dt.timedelta(days=2),
    )
    coming = talk_for(judged(Signal.ORANGE, name="Straks B.V."))

    queue = (
        login(secretariat_user).get(reverse("monitoring:talk_queue")).context["queue"]
    )

    assert queue.planned == [overdue, coming]
    assert queue.waiting == []


def test_the_actions_of_a_cancelled_talk_no_longer_change(secretariat_user):
    talk = talk_for(judged(Signal.RED), status=TalkStatus.CANCELLED)
    action = TalkAction.objects.create(
        talk=talk, description="Beleid laten ondertekenen", due_on=dt.date(2030, 1, 1)
    )

    with pytest.raises(ValidationError):
        services.talk_action_update(
            action=action,
            done_on=dt.date(2026, 1, 5),
            follow_up="Gedaan",
            actor=secretariat_user,
        )

    action.refresh_from_db()
    assert (action.done_on, action.follow_up) == (None, "")
