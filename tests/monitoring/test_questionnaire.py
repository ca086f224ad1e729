"""The company's questionnaire: its assessments, the profile, the steps, saving answers
(autosave and the Save button), conflicts, the improvement window, who may see what,
copying last round's answers, and the query counts of the step page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from convenant.models import AuditEntry
from monitoring.forms.company import AnswerForm
from monitoring.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    RoundStatus,
    ScoreKind,
    Signal,
)
from monitoring.selectors import assessments as selectors
from monitoring.services import assessments as services
from tests.conftest import make_person
from tests.monitoring.company_factories import (
    PROFILE,
    AnswerFactory,
    company_person,
    generated_assessment,
    profiled_assessment,
    stored_evidence,
    use_fast_hashing,
    use_private_storage,
)
from tests.monitoring.factories import (
    AssessmentFactory,
    FrameworkFactory,
    RoundFactory,
    ScoreRecordFactory,
)

pytestmark = pytest.mark.django_db

# Form prefixes of the test framework's questions: their place in the framework.
PREFIX = {
    "1.1": "q0",
    "1.2": "q1",
    "1.3": "q2",
    "1.4": "q3",
    "2.1": "q4",
    "2.2": "q5",
    "2.3": "q6",
    "3.1": "q7",
}


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, monkeypatch):
    use_fast_hashing(settings)
    use_private_storage(monkeypatch, tmp_path)


@pytest.fixture
def assessment(db):
    return profiled_assessment()


@pytest.fixture
def person(assessment):
    return company_person(assessment)


@pytest.fixture
def company_client(client, person):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(person)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"monitoring:{name}", kwargs=kwargs or None)


def post_answer(
    client,
    assessment,
    code: str,
    answer=None,
    explanation: str = "",
    revision: int = 0,
    *,
    htmx: bool = True,
    **extra,
):
    prefix = PREFIX[code]
    data = {f"{prefix}-explanation": explanation, f"{prefix}-revision": str(revision)}
    if answer is not None:
        data[f"{prefix}-answer"] = answer
    data.update({f"{prefix}-{key}": value for key, value in extra.items()})
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url("answer_save", pk=assessment.pk, code=code), data, **headers)


def answers_of(assessment) -> dict[str, tuple]:
    return {
        a.question_code: (a.value, a.explanation, a.revision)
        for a in Answer.objects.filter(assessment=assessment)
    }


# --- My assessments -----------------------------------------------------------------------


def test_the_list_shows_each_round_with_status_progress_deadline_and_signal(
    company_client, assessment
):
    assessment.answered_count = 2
    assessment.save()
    earlier = AssessmentFactory(
        organisation=assessment.organisation,
        round=RoundFactory(
            name="Nulmeting 2025",
            opens_on=dt.date(2025, 11, 3),
            closes_on=dt.date(2025, 12, 19),
            status=RoundStatus.CLOSED,
        ),
        status=AssessmentStatus.FINAL,
    )
    ScoreRecordFactory(assessment=earlier, kind=ScoreKind.FINAL, signal=Signal.GREEN)

    response = company_client.get(url("assessment_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert [row.assessment.pk for row in response.context["rows"]] == [
        assessment.pk,
        earlier.pk,
    ]
    assert "40% (2 of 5 questions)" in html
    assert "In progress" in html
    assert "30 June 2026" in html
    assert 'class="signal signal--green"' in html
    assert "Green" in html
    assert url("assessment_step", pk=assessment.pk, step="1") in html
    assert url("assessment_result", pk=earlier.pk) in html
    assert url("assessment_copy_forward", pk=assessment.pk) not in html


def test_the_list_says_when_no_round_is_open(client, db):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(make_person("company_member"))

    response = client.get(url("assessment_list"))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "No monitoring round is open for your company yet." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "role",
    ["secretariat", "ngo", "union", "branch", "kerngroep", "chair", "government"],
)
def test_the_list_is_for_company_people_only(client, db, role):
    client.force_login(make_person(role))

    assert client.get(url("assessment_list")).status_code == 403


# --- Who may open what --------------------------------------------------------------------

PAGES = (
    ("assessment_profile", "GET", {}),
    ("assessment_profile", "POST", {}),
    ("assessment_step", "GET", {"step": "1"}),
    ("assessment_step", "POST", {"step": "1"}),
    ("answer_save", "GET", {"code": "1.1"}),
    ("answer_save", "POST", {"code": "1.1"}),
    ("evidence_upload", "POST", {"code": "1.1"}),
    ("assessment_review", "GET", {}),
    ("assessment_submit", "POST", {}),
    ("assessment_result", "GET", {}),
    ("assessment_resubmit", "POST", {}),
    ("assessment_copy_forward", "POST", {}),
)
EVIDENCE_PAGES = (("evidence_download", "GET"), ("evidence_delete", "POST"))


def _snapshot() -> list:
    return [
        list(Assessment.objects.order_by("pk").values()),
        list(Answer.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    ]


@pytest.mark.parametrize(("name", "method", "kwargs"), PAGES)
def test_another_companys_assessment_is_not_found(
    client, assessment, name, method, kwargs
):
    AnswerFactory(assessment=assessment, explanation="Vertrouwelijk")
    client.force_login(make_person("company_admin"))
    before = _snapshot()

    path = url(name, pk=assessment.pk, **kwargs)
    response = client.get(path) if method == "GET" else client.post(path, {})

    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "method"), EVIDENCE_PAGES)
def test_another_companys_evidence_is_not_found(client, assessment, name, method):
    evidence = stored_evidence(assessment)
    client.force_login(make_person("company_admin"))
    before = _snapshot()

    path = url(name, pk=evidence.pk)
    response = client.get(path) if method == "GET" else client.post(path, {})

    assert response.status_code == 404
    assert _snapshot() == before
    assert evidence.file.storage.exists(evidence.file.name)


@pytest.mark.parametrize(
    "role", ["ngo", "union", "branch", "kerngroep", "chair", "government"]
)
@pytest.mark.parametrize(("name", "method", "kwargs"), PAGES)
def test_other_roles_are_refused(client, assessment, role, name, method, kwargs):
    client.force_login(make_person(role))
    before = _snapshot()

    path = url(name, pk=assessment.pk, **kwargs)
    response = client.get(path) if method == "GET" else client.post(path, {})

    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [(name, kwargs) for name, method, kwargs in PAGES if method == "POST"],
)
def test_the_secretariat_changes_nothing(client, assessment, name, kwargs):
    AnswerFactory(assessment=assessment, explanation="Van het bedrijf")
    client.force_login(make_person("secretariat"))
    before = _snapshot()

    response = client.post(url(name, pk=assessment.pk, **kwargs), {})

    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("name", ["assessment_profile", "assessment_review"])
def test_the_secretariat_reads_any_assessment_read_only(client, assessment, name):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(make_person("secretariat"))

    response = client.get(url(name, pk=assessment.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert "You are viewing this self-assessment as the secretariat" in html
    assert '<form method="post"' not in html


def test_the_secretariat_sees_the_step_without_inputs(client, assessment):
    AnswerFactory(assessment=assessment, value="draft", explanation="Concept klaar")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(make_person("secretariat"))

    response = client.get(url("assessment_step", pk=assessment.pk, step="1"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-answer" not in html
    assert 'type="radio"' not in html
    assert "Concept klaar" in html
    assert "<dt>Answer</dt>\n    <dd>Draft</dd>" in html
    assert "questionnaire.js" not in html


def test_the_secretariat_cannot_save_an_answer(client, assessment):
    AnswerFactory(assessment=assessment, value="draft", explanation="Van het bedrijf")
    client.force_login(make_person("secretariat"))

    response = post_answer(client, assessment, "1.1", "adopted", "Anders", 1)

    assert response.status_code == 403
    assert answers_of(assessment) == {"1.1": ("draft", "Van het bedrijf", 1)}


def test_an_expired_session_gets_401_from_htmx_and_the_sign_in_page_otherwise(
    client, assessment
):
    htmx = post_answer(client, assessment, "1.1", "adopted", "Tekst", 0)
    plain = post_answer(client, assessment, "1.1", "adopted", "Tekst", 0, htmx=False)

    assert htmx.status_code == 401
    assert plain.status_code == 302
    assert plain["Location"].startswith(reverse("account_login"))
    assert answers_of(assessment) == {}


# --- The company profile ------------------------------------------------------------------


def test_the_profile_is_prefilled_from_the_organisation(client, db):
    assessment = AssessmentFactory(
        organisation__is_recycler=True,
        organisation__fte=340,
        organisation__csrd_category="csrd",
    )
    client.force_login(company_person(assessment))

    response = client.get(url("assessment_profile", pk=assessment.pk))

    form = response.context["form"]
    assert form.initial == {
        "recycler": "yes",
        "csrd_category": "csrd",
        "fte": 340,
    }
    html = response.content.decode()
    assert 'name="fte" value="340"' in html
    assert 'value="yes" required id="id_recycler_0" checked>' in html
    assert 'value="vsme" required id="id_csrd_category_2">' in html
    assert 'value="csrd" required id="id_csrd_category_0" checked>' in html


def test_saving_the_profile_decides_which_questions_apply(client, db):
    assessment = AssessmentFactory()
    person = company_person(assessment)
    client.force_login(person)

    response = client.post(
        url("assessment_profile", pk=assessment.pk),
        {
            "recycler": "no",
            "cahra_sourcing": "yes",
            "sources_3tg": "no",
            "csrd_category": "vsme",
            "fte": "120",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("assessment_step", pk=assessment.pk, step="1")
    assessment.refresh_from_db()
    assert assessment.profile == {
        "recycler": False,
        "cahra_sourcing": True,
        "sources_3tg": False,
        "csrd_category": "vsme",
        "fte": 120,
    }
    assert assessment.profile_completed_at is not None
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    assert assessment.applicable_count == 6  # 1.1-1.4, 2.1 and the CAHRA question 2.2
    assert assessment.answered_count == 0
    entry = AuditEntry.objects.get(action="assessment.profile")
    assert entry.actor == person
    assert entry.details["changes"]["cahra_sourcing"] == [None, True]


def test_a_profile_change_counts_the_answers_again(company_client, assessment, person):
    services.profile_save(
        assessment=assessment, profile={**PROFILE, "cahra_sourcing": True}, actor=person
    )
    post_answer(company_client, assessment, "2.2", "yes", "", 0)
    post_answer(company_client, assessment, "1.1", "draft", "", 0)
    assessment.refresh_from_db()
    assert (assessment.answered_count, assessment.applicable_count) == (2, 6)

    services.profile_save(assessment=assessment, profile=PROFILE, actor=person)

    assessment.refresh_from_db()
    assert (assessment.answered_count, assessment.applicable_count) == (1, 5)
    # The answer to 2.2 is kept, should the profile change back.
    assert answers_of(assessment)["2.2"] == ("yes", "", 1)


def test_an_incomplete_profile_is_refused_and_nothing_is_stored(client, db):
    assessment = AssessmentFactory()
    client.force_login(company_person(assessment))

    response = client.post(
        url("assessment_profile", pk=assessment.pk),
        {"recycler": "no", "csrd_category": "vsme", "fte": "-3"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "cahra_sourcing",
        "sources_3tg",
        "fte",
    }
    assessment.refresh_from_db()
    assert assessment.profile == {}
    assert assessment.profile_completed_at is None
    assert assessment.status == AssessmentStatus.INVITED


def test_the_profile_cannot_change_after_submission(client, db):
    assessment = profiled_assessment(status=AssessmentStatus.IMPROVING)
    client.force_login(company_person(assessment))

    response = client.post(
        url("assessment_profile", pk=assessment.pk),
        {
            **dict.fromkeys(("recycler", "cahra_sourcing", "sources_3tg"), "yes"),
            "csrd_category": "csrd",
            "fte": "9",
        },
    )

    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.profile == PROFILE


# --- The step page ------------------------------------------------------------------------


def test_the_step_waits_for_the_profile(client, db):
    assessment = AssessmentFactory()
    client.force_login(company_person(assessment))

    response = client.get(url("assessment_step", pk=assessment.pk, step="1"))

    assert response.status_code == 302
    assert response["Location"] == url("assessment_profile", pk=assessment.pk)


def test_the_step_shows_each_applicable_question_with_its_input(
    company_client, assessment
):
    response = company_client.get(url("assessment_step", pk=assessment.pk, step="1"))

    assert response.status_code == 200
    page = response.context["page"]
    assert [item.code for item in page.items] == ["1.1", "1.2", "1.3", "1.4"]
    assert page.left_out == 0
    assert [(p.code, p.answered, p.applicable) for p in page.progress] == [
        ("1", 0, 4),
        ("2", 0, 1),
        ("3", 0, 0),
    ]
    html = response.content.decode()
    assert "Do you have an RBC policy?" in html
    assert '<details class="question__help"><summary>' in html
    assert "An adopted policy." in html
    assert html.count('type="radio" name="q0-answer"') == 3
    assert html.count('type="checkbox" name="q1-answer"') == 3
    assert 'name="q2-answer"' in html
    assert 'inputmode="decimal"' in html
    assert '<textarea name="q3-answer"' in html
    assert all(f'<textarea name="q{n}-explanation"' in html for n in range(4))
    # Documents only where the question takes them (1.1 required, 1.2 optional).
    assert 'name="q0-file"' in html
    assert 'name="q1-file"' in html
    assert 'name="q2-file"' not in html
    assert 'name="q3-file"' not in html
    assert f'hx-post="{url("answer_save", pk=assessment.pk, code="1.1")}"' in html
    assert 'hx-trigger="change, input delay:1500ms"' in html
    assert '<script src="/static/js/questionnaire.js" defer></script>' in html
    assert "<script>" not in html


def test_the_step_says_how_many_questions_were_left_out(company_client, assessment):
    response = company_client.get(url("assessment_step", pk=assessment.pk, step="2"))

    page = response.context["page"]
    assert [item.code for item in page.items] == ["2.1"]
    assert page.left_out == 2
    html = response.content.decode()
    assert "2 questions of this step do not apply to your company profile" in html
    assert "Do you follow the OECD minerals guidance?" not in html
    assert 'name="q4-answer" value="yes"' in html
    assert 'name="q4-answer" value="no"' in html


def test_an_unknown_step_is_not_found(company_client, assessment):
    response = company_client.get(url("assessment_step", pk=assessment.pk, step="9"))

    assert response.status_code == 404


# --- Saving one answer (htmx) -------------------------------------------------------------


def test_an_answer_is_saved_and_its_status_area_comes_back(
    company_client, assessment, person
):
    response = post_answer(
        company_client, assessment, "1.1", "draft", "Ons concept.\r\nVolgt.", 0
    )

    assert response.status_code == 200
    assert response["X-Convenant-Fragment"] == "1"
    html = response.content.decode()
    assert html.strip().startswith('<div class="answer-state" id="q0-state"')
    assert "Saved at " in html
    assert 'name="q0-revision" value="1"' in html
    answer = Answer.objects.get(assessment=assessment)
    assert (answer.value, answer.explanation, answer.revision) == (
        "draft",
        "Ons concept.\nVolgt.",
        1,
    )
    assert answer.updated_by == person
    assessment.refresh_from_db()
    assert (assessment.answered_count, assessment.applicable_count) == (1, 5)


@pytest.mark.parametrize(
    ("code", "posted", "stored"),
    [
        ("1.2", ["gender", "labour"], ["labour", "gender"]),
        ("1.3", "12,5", 12.5),
        ("1.3", "1 200", 1200),
        ("1.4", "  Vrije tekst  ", "Vrije tekst"),
        ("2.1", "no", "no"),
    ],
)
def test_each_type_of_answer_is_stored_as_scoring_reads_it(
    company_client, assessment, code, posted, stored
):
    response = post_answer(company_client, assessment, code, posted, "", 0)

    assert response.status_code == 200
    assert answers_of(assessment) == {code: (stored, "", 1)}


@pytest.mark.parametrize(
    ("code", "posted", "message"),
    [
        ("1.1", "maybe", "Question 1.1: choose one of the options."),
        ("1.2", ["labour", "tax"], "Question 1.2: “tax” is not one of its options."),
        ("1.3", "twaalf", "Question 1.3: “twaalf” is not a number."),
        ("2.1", "perhaps", "Question 2.1: answer yes or no."),
    ],
)
def test_a_value_the_question_does_not_take_is_refused_and_says_why(
    company_client, assessment, code, posted, message
):
    AnswerFactory(assessment=assessment, question_code=code, value=None, revision=3)

    response = post_answer(company_client, assessment, code, posted, "Uitleg", 3)

    assert response.status_code == 422
    html = response.content.decode()
    assert f"Not saved: {message}" in html
    assert answers_of(assessment) == {code: (None, "", 3)}


def test_an_answer_to_a_question_that_does_not_apply_is_not_found(
    company_client, assessment
):
    response = post_answer(company_client, assessment, "2.2", "yes", "", 0)

    assert response.status_code == 404
    assert answers_of(assessment) == {}


def test_clearing_an_answer_makes_it_unanswered(company_client, assessment):
    post_answer(company_client, assessment, "1.1", "draft", "", 0)

    response = post_answer(company_client, assessment, "1.1", None, "Nog niet", 1)

    assert response.status_code == 200
    assert answers_of(assessment) == {"1.1": (None, "Nog niet", 2)}
    assessment.refresh_from_db()
    assert assessment.answered_count == 0


def test_saving_what_is_stored_changes_nothing(company_client, assessment):
    post_answer(company_client, assessment, "1.1", "draft", "Zelfde", 0)

    # Also from an older revision: the same content is no conflict.
    response = post_answer(company_client, assessment, "1.1", "draft", "Zelfde", 0)

    assert response.status_code == 200
    assert answers_of(assessment) == {"1.1": ("draft", "Zelfde", 1)}


def test_answer_saves_are_audited_once_per_answer_per_person_per_day(
    company_client, assessment, person
):
    for revision, text in enumerate(["Een", "Twee", "Drie"]):
        post_answer(company_client, assessment, "1.1", "draft", text, revision)

    entries = AuditEntry.objects.filter(action="assessment.answer")
    assert [(e.actor, e.details) for e in entries] == [
        (person, {"question": "1.1", "revision": 1})
    ]
    assert entries[0].organisation == assessment.organisation


# --- Conflicts ----------------------------------------------------------------------------


def test_a_save_over_a_newer_revision_shows_both_versions_and_overwrites_nothing(
    company_client, assessment
):
    colleague = company_person(assessment, first_name="Sam", last_name="Collega")
    services.answer_save(
        assessment=assessment,
        question_code="1.1",
        value="adopted",
        explanation="Vastgesteld door de directie.",
        revision=0,
        actor=colleague,
    )

    response = post_answer(
        company_client, assessment, "1.1", "draft", "Mijn eigen tekst.", 0
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this answer while you were working on it." in html
    assert "Sam Collega saved it at" in html
    assert "Vastgesteld door de directie." in html
    assert "Mijn eigen tekst." in html
    assert 'name="q0-revision" value="0"' in html  # still the old one: no silent win
    assert 'name="q0-overwrite" value="1"' in html
    assert "Take their version" in html
    assert answers_of(assessment) == {
        "1.1": ("adopted", "Vastgesteld door de directie.", 1)
    }


def test_keeping_my_version_after_a_conflict_saves_it(company_client, assessment):
    colleague = company_person(assessment)
    services.answer_save(
        assessment=assessment,
        question_code="1.1",
        value="adopted",
        explanation="Van de collega.",
        revision=0,
        actor=colleague,
    )

    response = post_answer(
        company_client, assessment, "1.1", "draft", "Van mij.", 0, overwrite="1"
    )

    assert response.status_code == 200
    assert answers_of(assessment) == {"1.1": ("draft", "Van mij.", 2)}


def test_taking_their_version_shows_the_question_as_stored(company_client, assessment):
    AnswerFactory(assessment=assessment, value="adopted", explanation="Opgeslagen.")

    response = company_client.get(
        url("answer_save", pk=assessment.pk, code="1.1"), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<section class="question" id="q0"')
    assert 'value="adopted" id="id_q0-answer_2" checked' in html
    assert "Opgeslagen." in html


# --- When answers may change --------------------------------------------------------------


@pytest.mark.parametrize("status", [AssessmentStatus.SUBMITTED, AssessmentStatus.FINAL])
def test_after_submission_a_save_is_refused_and_the_answer_unchanged(
    company_client, status
):
    assessment = profiled_assessment(status=status)
    client = company_client
    client.force_login(company_person(assessment))
    AnswerFactory(assessment=assessment, value="draft", explanation="Ingediend.")

    response = post_answer(client, assessment, "1.1", "adopted", "Later.", 1)

    assert response.status_code == 403
    assert "Not saved: The self-assessment has been submitted" in (
        response.content.decode()
    )
    assert "What you typed is still here" in response.content.decode()
    assert answers_of(assessment) == {"1.1": ("draft", "Ingediend.", 1)}


def test_after_submission_the_step_is_read_only(company_client):
    assessment = profiled_assessment(status=AssessmentStatus.FINAL)
    company_client.force_login(company_person(assessment))

    response = company_client.get(url("assessment_step", pk=assessment.pk, step="1"))

    html = response.content.decode()
    assert "data-answer" not in html
    assert "The self-assessment has been submitted" in html


def test_a_closed_round_refuses_saves(company_client):
    assessment = profiled_assessment(round=RoundFactory(status=RoundStatus.CLOSED))
    company_client.force_login(company_person(assessment))

    response = post_answer(company_client, assessment, "1.1", "adopted", "", 0)

    assert response.status_code == 403
    assert "The round is closed" in response.content.decode()
    assert answers_of(assessment) == {}


@pytest.fixture
def improving(db):
    """An assessment in its improvement window, with 2.1 scored insufficient."""
    assessment = profiled_assessment(
        status=AssessmentStatus.IMPROVING,
        submitted_at=dt.datetime(2026, 3, 31, 10, tzinfo=dt.UTC),
        window_closes_on=dt.date(2099, 6, 30),
    )
    ScoreRecordFactory(
        assessment=assessment,
        kind=ScoreKind.FIRST,
        signal=Signal.ORANGE,
        result={
            "final_score": 55.0,
            "level": 3,
            "signal": "orange",
            "steps": {},
            "insufficient": ["2.1"],
            "unsubstantiated": [],
            "critical_failed": ["2.1"],
            "advice": [],
            "modules": {"mandatory": [], "advised": []},
        },
    )
    AnswerFactory(assessment=assessment, question_code="1.1", value="adopted")
    AnswerFactory(assessment=assessment, question_code="2.1", value="no")
    return assessment


def test_in_the_improvement_window_only_the_insufficient_parts_save(
    company_client, improving
):
    company_client.force_login(company_person(improving))

    allowed = post_answer(company_client, improving, "2.1", "yes", "Analyse af.", 1)
    refused = post_answer(company_client, improving, "1.1", "draft", "Toch niet.", 1)

    assert allowed.status_code == 200
    assert refused.status_code == 403
    assert "only the parts scored insufficient can change" in (refused.content.decode())
    assert answers_of(improving) == {
        "1.1": ("adopted", "", 1),
        "2.1": ("yes", "Analyse af.", 2),
    }


def test_in_the_improvement_window_the_step_shows_a_notice_and_the_rest_read_only(
    company_client, improving
):
    company_client.force_login(company_person(improving))

    step1 = company_client.get(url("assessment_step", pk=improving.pk, step="1"))
    step2 = company_client.get(url("assessment_step", pk=improving.pk, step="2"))

    assert "data-answer" not in step1.content.decode()
    html = step2.content.decode()
    assert "Your improvement window is open until 30 June 2099." in html
    assert html.count("data-answer") == 1
    assert "Can be improved" in html


# --- The Save button (no JavaScript) ------------------------------------------------------


def _step_data(assessment, **answers) -> dict:
    """The step-1 form as the browser posts it: every question's fields, as shown."""
    page = selectors.questionnaire_step(
        user=AnonymousUser(), assessment=assessment, step_code="1", language="en"
    )
    data: dict = {}
    for item in page.items:
        form = AnswerForm.for_answer(item=item)
        for name in ("answer", "explanation", "revision", "digest"):
            value = form[name].value()
            if value is not None:
                data[f"{item.prefix}-{name}"] = value
    for code, (value, explanation) in answers.items():
        data[f"{PREFIX[code[1:].replace('_', '.')]}-answer"] = value
        data[f"{PREFIX[code[1:].replace('_', '.')]}-explanation"] = explanation
    return data


def test_the_save_button_saves_the_changed_answers_of_the_step(
    company_client, assessment
):
    AnswerFactory(assessment=assessment, question_code="1.4", value="Ongewijzigd")
    data = _step_data(assessment, q1_1=("draft", "Concept."), q1_3=("7", ""))

    response = company_client.post(
        url("assessment_step", pk=assessment.pk, step="1"), data
    )

    assert response.status_code == 302
    assert response["Location"] == url("assessment_step", pk=assessment.pk, step="1")
    assert answers_of(assessment) == {
        "1.1": ("draft", "Concept.", 1),
        "1.3": (7, "", 1),
        "1.4": ("Ongewijzigd", "", 1),  # left alone: no new revision
    }


def test_save_and_next_goes_to_the_next_step(company_client, assessment):
    data = {**_step_data(assessment, q1_1=("draft", "")), "next": "1"}

    response = company_client.post(
        url("assessment_step", pk=assessment.pk, step="1"), data
    )

    assert response["Location"] == url("assessment_step", pk=assessment.pk, step="2")


def test_a_failed_save_of_the_step_keeps_what_was_typed(company_client, assessment):
    colleague = company_person(assessment)
    data = _step_data(
        assessment,
        q1_1=("adopted", "Mijn uitleg bij 1.1."),
        q1_3=("veel", "Mijn uitleg bij 1.3."),
        q1_4=("Nieuw antwoord.", ""),
    )
    services.answer_save(
        assessment=assessment,
        question_code="1.1",
        value="none",
        explanation="Uitleg van de collega.",
        revision=0,
        actor=colleague,
    )

    response = company_client.post(
        url("assessment_step", pk=assessment.pk, step="1"), data
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Not everything could be saved" in html
    assert "Mijn uitleg bij 1.1." in html  # the conflict keeps my text ...
    assert "Uitleg van de collega." in html  # ... and shows theirs
    assert ">veel<" not in html
    assert 'value="veel"' in html
    assert "Not saved: Question 1.3: “veel” is not a number." in html
    assert "Mijn uitleg bij 1.3." in html
    assert "data-answer data-unsaved" in html
    assert answers_of(assessment) == {
        "1.1": ("none", "Uitleg van de collega.", 1),
        "1.4": ("Nieuw antwoord.", "", 1),  # the rest of the step is saved
    }


def test_a_refused_step_save_changes_nothing(company_client):
    assessment = profiled_assessment(status=AssessmentStatus.FINAL)
    company_client.force_login(company_person(assessment))
    AnswerFactory(assessment=assessment, value="draft")

    response = company_client.post(
        url("assessment_step", pk=assessment.pk, step="1"),
        {"q0-answer": "adopted", "q0-revision": "1", "q0-explanation": ""},
    )

    assert response.status_code == 403
    assert answers_of(assessment) == {"1.1": ("draft", "", 1)}


# --- Copy forward -------------------------------------------------------------------------


@pytest.fixture
def earlier(assessment):
    """The same company's assessment of an earlier round, answered."""
    earlier = AssessmentFactory(
        organisation=assessment.organisation,
        round=RoundFactory(
            opens_on=dt.date(2025, 11, 3),
            closes_on=dt.date(2025, 12, 19),
            status=RoundStatus.CLOSED,
        ),
        status=AssessmentStatus.FINAL,
        profile=dict(PROFILE),
    )
    for code, value, explanation in [
        ("1.1", "adopted", "Beleid van 2024."),
        ("1.2", ["labour"], ""),
        ("1.3", 4, "Vier mensen."),
        ("2.1", "maybe", "Oude optie."),  # no longer a valid value
        ("9.9", "yes", "Vraag bestaat niet meer."),  # no longer a question
    ]:
        AnswerFactory(
            assessment=earlier, question_code=code, value=value, explanation=explanation
        )
    return earlier


def test_copy_forward_copies_the_valid_answers_of_the_latest_earlier_round(
    company_client, assessment, earlier, person
):
    response = company_client.post(
        url("assessment_copy_forward", pk=assessment.pk), follow=True
    )

    assert response.redirect_chain[0] == (
        url("assessment_step", pk=assessment.pk, step="1"),
        302,
    )
    assert "3 answers with their explanations were copied from" in (
        response.content.decode()
    )
    assert answers_of(assessment) == {
        "1.1": ("adopted", "Beleid van 2024.", 1),
        "1.2": (["labour"], "", 1),
        "1.3": (4, "Vier mensen.", 1),
    }
    assessment.refresh_from_db()
    assert assessment.answered_count == 3
    entry = AuditEntry.objects.get(action="assessment.copy_forward")
    assert entry.details == {"from": earlier.pk, "copied": 3}
    assert entry.actor == person


def test_copy_forward_is_offered_on_the_list_before_anything_is_answered(
    company_client, assessment, earlier
):
    html = company_client.get(url("assessment_list")).content.decode()

    assert url("assessment_copy_forward", pk=assessment.pk) in html


def test_copy_forward_is_refused_once_something_is_answered(
    company_client, assessment, earlier
):
    AnswerFactory(assessment=assessment, question_code="1.4", value="Al begonnen")

    response = company_client.post(
        url("assessment_copy_forward", pk=assessment.pk), follow=True
    )

    assert "can be copied only before anything is answered" in (
        response.content.decode()
    )
    assert answers_of(assessment) == {"1.4": ("Al begonnen", "", 1)}
    assert not AuditEntry.objects.filter(action="assessment.copy_forward").exists()


def test_copy_forward_without_an_earlier_round_copies_nothing(
    company_client, assessment
):
    response = company_client.post(
        url("assessment_copy_forward", pk=assessment.pk), follow=True
    )

    assert "There is no earlier self-assessment to copy from." in (
        response.content.decode()
    )
    assert answers_of(assessment) == {}


def test_copy_forward_takes_only_the_same_framework(company_client, assessment):
    other = AssessmentFactory(
        organisation=assessment.organisation,
        round=RoundFactory(
            framework=FrameworkFactory(default=True), opens_on=dt.date(2025, 11, 3)
        ),
    )
    AnswerFactory(assessment=other, question_code="1.1", value="none")

    company_client.post(url("assessment_copy_forward", pk=assessment.pk))

    assert answers_of(assessment) == {}


# --- Query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("questions", [10, 60])
def test_the_step_page_takes_the_same_queries_for_10_and_60_questions(
    client, django_assert_max_num_queries, questions
):
    assessment = generated_assessment(questions, documents=2)
    client.force_login(company_person(assessment))
    path = url("assessment_step", pk=assessment.pk, step="1")
    client.get(path)  # warm caches (content types, sessions)

    with django_assert_max_num_queries(STEP_PAGE_QUERIES) as captured:
        response = client.get(path)

    assert response.status_code == 200
    assert len(response.context["page"].items) == questions // 2
    assert len(captured) == STEP_PAGE_QUERIES


# The session, the person and their organisation, their Kerngroep seat and chair term
# (roles), then the assessment with round and framework, its judgements, its answers and
# this step's documents.
STEP_PAGE_QUERIES = 9


def test_number_answers_take_a_decimal_comma_and_come_back_exact(assessment):
    question = assessment.round.framework.parsed.question("1.3")

    assert services.answer_value_clean(question, "0,3") == 0.3
    assert services.answer_value_clean(question, Decimal("2.50")) == 2.5
    assert services.answer_value_clean(question, "") is None


def test_after_the_closing_date_the_window_no_longer_accepts_changes(improving):
    """The window ends on its date even before the task gives the final judgement."""
    from monitoring.permissions import can_change_answer, can_fill_in

    person = company_person(improving)
    assert can_change_answer(person, improving, "2.1") is True
    improving.window_closes_on = dt.date.today() - dt.timedelta(days=1)
    improving.save(update_fields=["window_closes_on"])

    assert can_fill_in(person, improving) is False
    assert can_change_answer(person, improving, "2.1") is False
