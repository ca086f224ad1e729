"""The review before submitting, submitting (the first judgement, and the improvement
window it opens) and resubmitting in the window (the final judgement)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from monitoring.models import (
    Assessment,
    AssessmentStatus,
    RoundStatus,
    ScoreKind,
    ScoreRecord,
)
from tests.conftest import make_person
from tests.monitoring.company_factories import (
    PROFILE,
    SUBMITTED_AT,
    answer,
    company_person,
    green_answers,
    orange_answers,
    profiled_assessment,
    stored_evidence,
    use_fast_hashing,
    use_private_storage,
)
from tests.monitoring.factories import AssessmentFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, monkeypatch):
    use_fast_hashing(settings)
    use_private_storage(monkeypatch, tmp_path)


@pytest.fixture
def at_submission(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: SUBMITTED_AT)


def url(name: str, assessment) -> str:
    return reverse(f"monitoring:{name}", kwargs={"pk": assessment.pk})


@pytest.fixture
def assessment():
    return profiled_assessment()


@pytest.fixture
def person(assessment):
    return company_person(assessment)


@pytest.fixture
def company_client(client, person):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(person)
    return client


@pytest.fixture
def cahra(assessment):
    assessment.profile = {**PROFILE, "cahra_sourcing": True}
    assessment.save()
    return assessment


# --- The review ---------------------------------------------------------------------------


def test_the_review_lists_what_is_missing_with_links_to_the_questions(
    company_client, assessment, person
):
    answer(assessment, person, "1.1", "adopted")  # evidence required, none given
    answer(assessment, person, "1.2", ["labour"])

    response = company_client.get(url("assessment_review", assessment))

    review = response.context["review"]
    assert [ref.code for ref in review.unanswered] == ["1.3", "1.4", "2.1"]
    assert [ref.code for ref in review.unsubstantiated] == ["1.1"]
    assert (review.answered, review.applicable) == (2, 5)
    html = response.content.decode()
    step1 = reverse(
        "monitoring:assessment_step", kwargs={"pk": assessment.pk, "step": "1"}
    )
    step2 = reverse(
        "monitoring:assessment_step", kwargs={"pk": assessment.pk, "step": "2"}
    )
    assert f'<a href="{step1}#q2">1.3 How many FTE work on RBC?</a>' in html
    assert f'<a href="{step2}#q4">2.1 Do you have a risk analysis?</a>' in html
    assert f'<a href="{step1}#q0">1.1 Do you have an RBC policy?</a>' in html
    assert "3 questions not answered" in html
    assert "1 answer without the required evidence" in html
    assert "You can submit now, but the unanswered questions" in html
    assert ">Submit anyway</button>" in html


def test_a_document_or_an_explanation_is_evidence_enough(
    company_client, assessment, person
):
    answer(assessment, person, "1.1", "adopted")
    stored_evidence(assessment, code="1.1")
    answer(assessment, person, "1.2", ["labour"])
    answer(assessment, person, "1.3", "2")
    answer(assessment, person, "1.4", "Tekst")
    answer(assessment, person, "2.1", "yes")

    response = company_client.get(url("assessment_review", assessment))

    review = response.context["review"]
    assert review.complete
    html = response.content.decode()
    assert "Every question that applies is answered" in html
    assert ">Submit the self-assessment</button>" in html
    assert "You can submit now, but" not in html


def test_without_a_profile_the_review_says_so_and_offers_no_submit(client):
    assessment = AssessmentFactory()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(company_person(assessment))

    response = client.get(url("assessment_review", assessment))

    assert response.context["review"].profile_missing
    html = response.content.decode()
    assert "The company profile is not filled in yet." in html
    assert url("assessment_submit", assessment) not in html


# --- Submitting ---------------------------------------------------------------------------


def test_a_green_result_is_final_at_once(
    company_client, assessment, person, at_submission
):
    green_answers(assessment, person)

    response = company_client.post(url("assessment_submit", assessment))

    assert response.status_code == 302
    assert response["Location"] == url("assessment_result", assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FINAL
    assert assessment.submitted_at == SUBMITTED_AT
    assert assessment.finalised_at == SUBMITTED_AT
    assert assessment.window_closes_on is None
    records = {r.kind: r for r in ScoreRecord.objects.filter(assessment=assessment)}
    assert set(records) == {ScoreKind.FIRST, ScoreKind.FINAL}
    for record in records.values():
        assert (record.final_score, record.level, record.signal) == (
            Decimal("100.0"),
            5,
            "green",
        )
        assert record.framework == assessment.round.framework
    entry = AuditEntry.objects.get(action="assessment.submit")
    assert entry.actor == person
    assert entry.details == {"signal": "green", "score": "100"}


def test_an_orange_result_opens_a_window_of_three_calendar_months(
    company_client, cahra, person, at_submission
):
    orange_answers(cahra, person)

    company_client.post(url("assessment_submit", cahra))

    cahra.refresh_from_db()
    assert cahra.status == AssessmentStatus.IMPROVING
    assert cahra.window_closes_on == dt.date(2026, 6, 30)
    assert cahra.finalised_at is None
    record = ScoreRecord.objects.get(assessment=cahra)
    assert record.kind == ScoreKind.FIRST
    assert (record.final_score, record.exact_score, record.level, record.signal) == (
        Decimal("66.7"),
        "200/3",
        4,
        "orange",
    )
    assert record.result["insufficient"] == ["2.1"]
    assert record.result["critical_failed"] == ["2.1"]
    assert record.result["steps"] == {
        "1": {"score": 100.0, "level": 5},
        "2": {"score": 50.0, "level": 3},
    }


def test_a_submission_with_things_missing_is_allowed_and_scores_them_0(
    company_client, assessment, at_submission
):
    response = company_client.post(url("assessment_submit", assessment))

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IMPROVING
    assert assessment.window_closes_on == dt.date(2026, 6, 30)
    record = ScoreRecord.objects.get(assessment=assessment)
    assert (record.final_score, record.signal) == (Decimal("0.0"), "red")
    assert record.result["insufficient"] == ["1.1", "1.2", "2.1"]


def test_after_submission_answers_are_read_only(company_client, assessment, person):
    green_answers(assessment, person)
    company_client.post(url("assessment_submit", assessment))
    before = list(assessment.answers.order_by("pk").values())

    response = company_client.post(
        reverse("monitoring:answer_save", kwargs={"pk": assessment.pk, "code": "1.1"}),
        {"q0-answer": "none", "q0-explanation": "", "q0-revision": "1"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 403
    assert list(assessment.answers.order_by("pk").values()) == before


def test_a_second_submission_is_refused_with_a_message(
    company_client, assessment, person
):
    green_answers(assessment, person)
    company_client.post(url("assessment_submit", assessment))
    before = list(ScoreRecord.objects.order_by("pk").values())

    response = company_client.post(url("assessment_submit", assessment), follow=True)

    assert "This assessment has been submitted already." in response.content.decode()
    assert list(ScoreRecord.objects.order_by("pk").values()) == before


def test_a_closed_round_takes_no_submission(client):
    assessment = profiled_assessment(round=RoundFactory(status=RoundStatus.CLOSED))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(company_person(assessment))

    response = client.post(url("assessment_submit", assessment), follow=True)

    assert "The round is closed" in response.content.decode()
    assert not ScoreRecord.objects.exists()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS


def test_the_secretariat_cannot_submit_for_a_company(client, assessment):
    client.force_login(make_person("secretariat"))

    response = client.post(url("assessment_submit", assessment))

    assert response.status_code == 403
    assert not ScoreRecord.objects.exists()
    assert Assessment.objects.get().status == AssessmentStatus.IN_PROGRESS


# --- The improvement window ---------------------------------------------------------------


def test_resubmitting_after_improving_gives_the_final_judgement(
    company_client, cahra, person
):
    orange_answers(cahra, person)
    company_client.post(url("assessment_submit", cahra))
    answer(cahra, person, "2.1", "yes", "De risicoanalyse is af.")

    response = company_client.post(url("assessment_resubmit", cahra))

    assert response.status_code == 302
    assert response["Location"] == url("assessment_result", cahra)
    cahra.refresh_from_db()
    assert cahra.status == AssessmentStatus.FINAL
    records = {r.kind: r for r in ScoreRecord.objects.filter(assessment=cahra)}
    assert (records["first"].final_score, records["first"].signal) == (
        Decimal("66.7"),
        "orange",
    )
    assert (records["final"].final_score, records["final"].signal) == (
        Decimal("100.0"),
        "green",
    )
    assert AuditEntry.objects.filter(action="assessment.resubmit").count() == 1


def test_resubmitting_without_a_window_is_refused_with_a_message(
    company_client, assessment
):
    response = company_client.post(url("assessment_resubmit", assessment), follow=True)

    assert "There is no open improvement window" in response.content.decode()
    assert not ScoreRecord.objects.exists()


@pytest.mark.django_db
def test_the_review_page_shows_the_transparency_figures_of_the_list(client):
    from tests.ketenkaart.factories import submitted_location

    assessment = profiled_assessment()
    officer = company_person(assessment)
    year = assessment.round.opens_on.year
    submitted_location(assessment.organisation, year=year, tier=1)
    submitted_location(assessment.organisation, year=year, tier=3)
    client.force_login(officer)
    page = client.get(
        reverse("monitoring:assessment_review", args=[assessment.pk])
    ).content.decode()
    assert "supply-chain transparency" in page
    assert "Beyond tier 1" in page
    assert "50&nbsp;%" in page
