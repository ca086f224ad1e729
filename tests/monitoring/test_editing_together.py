"""Two people of one company edit the same answer, each in their own browser: the one who
saves second is told, sees both texts, loses nothing, and chooses. Both clients load the
real step page and post back the hidden fields it gave them, as a browser does."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from monitoring.models import Answer
from tests.monitoring.company_factories import (
    company_person,
    profiled_assessment,
    use_fast_hashing,
    use_private_storage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path, monkeypatch):
    use_fast_hashing(settings)
    use_private_storage(monkeypatch, tmp_path)


@pytest.fixture
def assessment(db):
    return profiled_assessment()


def _client(assessment, first_name: str, last_name: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(
        company_person(assessment, first_name=first_name, last_name=last_name)
    )
    return client


@pytest.fixture
def anna(assessment):
    return _client(assessment, "Anna", "Akkerman")


@pytest.fixture
def bram(assessment):
    return _client(assessment, "Bram", "Bos")


def step_url(assessment) -> str:
    return reverse(
        "monitoring:assessment_step", kwargs={"pk": assessment.pk, "step": 1}
    )


def save_url(assessment) -> str:
    return reverse(
        "monitoring:answer_save", kwargs={"pk": assessment.pk, "code": "1.1"}
    )


def hidden(html: str, name: str) -> str:
    """The value of a hidden field of the page, as the browser would post it."""
    match = re.search(rf'name="{name}" value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"no field {name} on the page"
    return match.group(1)


def loaded_form(client, assessment) -> dict[str, str]:
    """Question 1.1's hidden fields as the step page shows them now."""
    html = client.get(step_url(assessment)).content.decode()
    return {name: hidden(html, f"q0-{name}") for name in ("revision", "digest")}


def stored(assessment) -> tuple:
    answer = Answer.objects.get(assessment=assessment, question_code="1.1")
    return answer.value, answer.explanation, answer.revision, answer.updated_by


def autosave(client, assessment, shown, value, explanation, **extra):
    data = {
        "q0-answer": value,
        "q0-explanation": explanation,
        "q0-revision": shown["revision"],
        "q0-digest": shown["digest"],
        **{f"q0-{key}": item for key, item in extra.items()},
    }
    return client.post(save_url(assessment), data, HTTP_HX_REQUEST="true")


def test_the_second_autosave_gets_a_conflict_and_keeps_both_texts(
    assessment, anna, bram
):
    anna_form = loaded_form(anna, assessment)
    bram_form = loaded_form(bram, assessment)

    first = autosave(anna, assessment, anna_form, "adopted", "Tekst van Anna.")
    second = autosave(bram, assessment, bram_form, "draft", "Tekst van Bram.")

    assert first.status_code == 200
    assert second.status_code == 409
    html = second.content.decode()
    assert "Someone else saved this answer while you were working on it." in html
    saved_at = Answer.objects.get(assessment=assessment, question_code="1.1").updated_at
    # The day as well as the time: the other person may have saved it days ago.
    assert (
        f"Anna Akkerman saved it at {date_format(localtime(saved_at), 'j F Y, H:i')}"
        in html
    )
    assert "Tekst van Anna." in html  # theirs, beside ...
    assert "Tekst van Bram." in html  # ... what Bram typed
    assert "Keep what I typed" in html
    assert "Take their version" in html
    value, explanation, revision, by = stored(assessment)
    assert (value, explanation, revision) == ("adopted", "Tekst van Anna.", 1)
    assert by.first_name == "Anna"


def test_after_a_conflict_a_merged_text_on_the_new_revision_is_saved(
    assessment, anna, bram
):
    bram_form = loaded_form(bram, assessment)
    autosave(anna, assessment, loaded_form(anna, assessment), "adopted", "Van Anna.")
    conflict = autosave(bram, assessment, bram_form, "draft", "Van Bram.")
    overwrite = hidden(conflict.content.decode(), "q0-overwrite")

    # Bram merges the two texts in the field and chooses "Keep what I typed".
    merged = autosave(
        bram,
        assessment,
        bram_form,
        "adopted",
        "Van Anna. Van Bram.",
        overwrite=overwrite,
    )

    assert merged.status_code == 200
    assert "Saved at" in merged.content.decode()
    value, explanation, revision, by = stored(assessment)
    assert (value, explanation, revision) == ("adopted", "Van Anna. Van Bram.", 2)
    assert by.first_name == "Bram"


def test_after_taking_their_version_the_next_save_builds_on_it(assessment, anna, bram):
    bram_form = loaded_form(bram, assessment)
    autosave(anna, assessment, loaded_form(anna, assessment), "adopted", "Van Anna.")
    autosave(bram, assessment, bram_form, "draft", "Van Bram.")

    # "Take their version" fetches the question as stored, with its new revision.
    fresh = bram.get(save_url(assessment), HTTP_HX_REQUEST="true").content.decode()
    assert "Van Anna." in fresh
    fresh_form = {name: hidden(fresh, f"q0-{name}") for name in ("revision", "digest")}
    assert fresh_form["revision"] == "1"
    saved = autosave(bram, assessment, fresh_form, "adopted", "Van Anna, aangevuld.")

    assert saved.status_code == 200
    assert stored(assessment)[:3] == ("adopted", "Van Anna, aangevuld.", 2)


def test_the_first_save_of_a_third_person_still_conflicts_after_a_merge(
    assessment, anna, bram
):
    """An overwrite names the revision it was shown; a save after that is newer."""
    bram_form = loaded_form(bram, assessment)
    autosave(anna, assessment, loaded_form(anna, assessment), "adopted", "Van Anna.")
    conflict = autosave(bram, assessment, bram_form, "draft", "Van Bram.")
    overwrite = hidden(conflict.content.decode(), "q0-overwrite")
    autosave(anna, assessment, {"revision": "1", "digest": ""}, "none", "Anna weer.")

    late = autosave(
        bram, assessment, bram_form, "draft", "Van Bram.", overwrite=overwrite
    )

    assert late.status_code == 409
    assert "Anna weer." in late.content.decode()
    assert stored(assessment)[:3] == ("none", "Anna weer.", 2)


def test_the_save_button_without_javascript_conflicts_the_same_way(
    assessment, anna, bram
):
    page = bram.get(step_url(assessment)).content.decode()
    data = dict(re.findall(r'name="(q\d+-(?:revision|digest))" value="([^"]*)"', page))
    autosave(anna, assessment, loaded_form(anna, assessment), "adopted", "Van Anna.")

    response = bram.post(
        step_url(assessment),
        {**data, "q0-answer": "draft", "q0-explanation": "Van Bram, zonder script."},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Not everything could be saved" in html
    assert "Van Anna." in html
    assert "Van Bram, zonder script." in html
    assert stored(assessment)[:3] == ("adopted", "Van Anna.", 1)
