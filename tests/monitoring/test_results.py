"""The results page: the judgements as stored, explained in the active language, and
what the improvement window still allows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.services import assessments as services
from monitoring.services import judgements
from tests.conftest import make_person
from tests.monitoring.company_factories import (
    PROFILE,
    SUBMITTED_AT,
    answer,
    company_person,
    orange_answers,
    profiled_assessment,
    use_fast_hashing,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings, monkeypatch):
    use_fast_hashing(settings)
    monkeypatch.setattr(timezone, "now", lambda: SUBMITTED_AT)


@pytest.fixture
def assessment():
    return profiled_assessment(profile={**PROFILE, "cahra_sourcing": True})


@pytest.fixture
def person(assessment):
    return company_person(assessment)


@pytest.fixture
def orange(assessment, person):
    orange_answers(assessment, person)
    judgements.assessment_submit(assessment=assessment, actor=person)
    return assessment


def result_page(client, assessment, language="en"):
    return client.get(
        reverse("monitoring:assessment_result", kwargs={"pk": assessment.pk}),
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_the_first_judgement_is_shown_with_score_levels_signal_advice_and_modules(
    client, orange, person
):
    client.force_login(person)

    response = result_page(client, orange)

    assert response.status_code == 200
    results = response.context["results"]
    assert results.final is None
    first = results.first
    assert (str(first.final_score), first.level, first.level_name, first.signal) == (
        "66.7",
        4,
        "Mature",
        "orange",
    )
    assert [(s.code, s.score, s.level, s.level_name) for s in first.steps] == [
        ("1", Decimal("100.0"), 5, "Leading"),
        ("2", Decimal("50.0"), 3, "Developing"),
        ("3", None, None, ""),
    ]
    html = response.content.decode()
    assert "<dd>66.7 / 100</dd>" in html
    assert "<dd>4 · Mature</dd>" in html
    assert 'class="utrecht-alert utrecht-alert--warning"' in html
    assert 'class="signal signal--orange"' in html
    assert "Orange</span>" in html  # a text label, not colour alone
    assert "The secretariat invites you for an improvement talk." in html
    assert '<rect width="100.0" height="12" fill="#00456e"/>' in html
    assert '<rect width="50.0" height="12" fill="#00456e"/>' in html
    assert "Does not apply to your company profile" in html
    assert "2.1 Do you have a risk analysis?" in html
    assert "<p>Make a risk analysis.</p>" in html
    assert "P1 · Practice module risks" in html
    assert "Critical questions below their minimum" in html


def test_the_advice_follows_the_active_language(client, orange, person):
    client.force_login(person)

    html = result_page(client, orange, language="nl").content.decode()

    assert "<p>Maak een risicoanalyse.</p>" in html
    assert "4 · Volwassen" in html
    assert "P1 · Praktijkmodule risico&#x27;s" in html


def test_the_open_window_shows_its_closing_date_the_parts_and_the_resubmit_button(
    client, orange, person
):
    client.force_login(person)

    html = result_page(client, orange).content.decode()

    assert "Your improvement window is open until 30 June 2026." in html
    step2 = reverse("monitoring:assessment_step", kwargs={"pk": orange.pk, "step": "2"})
    assert f'<a href="{step2}#q4">2.1 Do you have a risk analysis?</a>' in html
    resubmit = reverse("monitoring:assessment_resubmit", kwargs={"pk": orange.pk})
    assert f'action="{resubmit}"' in html
    assert "Resubmit for the final judgement" in html


def test_the_secretariat_sees_the_result_without_the_resubmit_button(client, orange):
    client.force_login(make_person("secretariat"))

    response = result_page(client, orange)

    assert response.status_code == 200
    html = response.content.decode()
    assert "66.7 / 100" in html
    assert "Resubmit for the final judgement" not in html
    assert (
        reverse("monitoring:assessment_step", kwargs={"pk": orange.pk, "step": "2"})
        + "#q4"
        not in html
    )


def test_both_judgements_are_shown_once_the_final_one_exists(client, orange, person):
    answer(orange, person, "2.1", "yes", "Af.")
    judgements.assessment_resubmit(assessment=orange, actor=person)
    client.force_login(person)

    response = result_page(client, orange)

    results = response.context["results"]
    assert (str(results.final.final_score), results.final.signal) == ("100.0", "green")
    assert (str(results.first.final_score), results.first.signal) == ("66.7", "orange")
    html = response.content.decode()
    assert html.index("Final judgement") < html.index("First judgement, at submission")
    assert "Your improvement window is open" not in html
    assert "No advice: no part scored insufficient." in html


def test_answers_without_evidence_are_listed(client, assessment, person):
    answer(assessment, person, "1.1", "adopted")  # no explanation, no document
    judgements.assessment_submit(assessment=assessment, actor=person)
    client.force_login(person)

    html = result_page(client, assessment).content.decode()

    assert "Answers without the required evidence (scored 0)" in html
    assert "1.1 Do you have an RBC policy?" in html


def test_before_submission_there_is_no_result(client, assessment, person):
    client.force_login(person)

    response = result_page(client, assessment)

    assert response.status_code == 200
    assert "has not been submitted yet, so there is no result" in (
        response.content.decode()
    )


def test_the_result_page_takes_a_fixed_number_of_queries(
    client, orange, person, django_assert_max_num_queries
):
    answer(orange, person, "2.1", "yes", "Af.")
    judgements.assessment_resubmit(assessment=orange, actor=person)
    client.force_login(person)
    result_page(client, orange)

    # Session, person and organisation, seat and chair term, the assessment, its
    # judgements with their framework versions.
    with django_assert_max_num_queries(7):
        result_page(client, orange)


def test_saving_in_the_window_does_not_touch_the_stored_judgement(orange, person):
    first = orange.scores.get()
    before = (first.final_score, first.result)

    services.answer_save(
        assessment=orange,
        question_code="2.1",
        value="yes",
        explanation="",
        revision=1,
        actor=person,
    )

    first.refresh_from_db()
    assert (first.final_score, first.result) == before
