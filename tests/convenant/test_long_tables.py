"""The tags for long tables give what `{% url %}` and `{% include %}` give."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.urls.base import set_script_prefix

CASES = [
    ("monitoring:talk_create", (7,)),
    ("monitoring:assessment_review_secretariat", (0,)),
    ("monitoring:company_plan", (12, 3)),
    ("ketenkaart:company_list", (5, 2026)),
    ("ketenkaart:release_download", (4, "csv")),
    ("governance:yearly_document_edit", (2, "year_plan")),
    ("dashboard", ()),
]


def row_urls(name: str, rows: list[tuple]) -> list[str]:
    """`{% row_url %}` in every row of one table."""
    arguments = " ".join(f"row.{index}" for index in range(len(rows[0])))
    page = Template(
        "{% load long_tables %}{% for row in rows %}"
        f"{{% row_url '{name}' {arguments} %}}|{{% endfor %}}"
    )
    return page.render(Context({"rows": rows})).split("|")[:-1]


@pytest.mark.parametrize(("name", "args"), CASES)
def test_the_same_url_as_reverse(name, args):
    # Twice: the second row fills in the pattern the first one made.
    assert row_urls(name, [args, args]) == [reverse(name, args=args)] * 2


def test_every_row_gets_its_own_ids():
    rows = [(1, 2), (22, 2), (333, 4)]

    assert row_urls("monitoring:company_plan", rows) == [
        reverse("monitoring:company_plan", args=row) for row in rows
    ]


def test_the_script_prefix_of_the_request_is_kept():
    set_script_prefix("/convenant/")
    try:
        prefixed = row_urls("monitoring:talk_create", [(9,), (10,)])
    finally:
        set_script_prefix("/")

    assert prefixed == [
        "/convenant/monitoring/assessments/9/talks/new/",
        "/convenant/monitoring/assessments/10/talks/new/",
    ]
    assert row_urls("monitoring:talk_create", [(9,)]) == [
        "/monitoring/assessments/9/talks/new/"
    ]


def test_in_a_template_as_the_url_tag():
    context = Context({"pk": 41, "year": 2})
    rendered = Template(
        "{% load long_tables %}{% row_url 'monitoring:company_plan' pk year %}|"
        "{% url 'monitoring:company_plan' pk year %}"
    ).render(context)

    first, second = rendered.split("|")
    assert first == second == "/monitoring/plans/company/41/2/"


@pytest.mark.parametrize("signal", ["green", "orange", "red", None])
def test_include_once_renders_as_include(signal):
    rows = [{"signal": signal}, {"signal": "red"}, {"signal": signal}]
    once = Template(
        "{% load long_tables %}{% for row in rows %}[{% include_once "
        "'monitoring/secretariat/_signal.html' signal=row.signal %}]{% endfor %}"
    )
    plain = Template(
        "{% for row in rows %}[{% include 'monitoring/secretariat/_signal.html' "
        "with signal=row.signal %}]{% endfor %}"
    )

    rendered = once.render(Context({"rows": rows}))

    assert rendered == plain.render(Context({"rows": rows}))
    assert rendered.count("signal--red") == 1 + 2 * (signal == "red")


def test_include_once_keeps_apart_what_it_is_given():
    page = Template(
        "{% load long_tables %}{% for row in rows %}"
        "{% include_once 'monitoring/plans/_state.html' state=row "
        "state_labels=labels %}|{% endfor %}"
    )
    labels = {"due": "Due", "late": "Late"}

    rendered = page.render(Context({"rows": ["due", "late", "due"], "labels": labels}))

    assert rendered == (
        '<span class="plan-state plan-state--due">Due</span>\n|'
        '<span class="plan-state plan-state--late">Late</span>\n|'
        '<span class="plan-state plan-state--due">Due</span>\n|'
    )


def row_fields(forms: list) -> list[str]:
    """`{% row_fields %}` for the comment form of every row of one page."""
    page = Template(
        '{% load long_tables %}{% for form in forms %}{% row_fields form "kind" "text" %}|'
        "{% endfor %}"
    )
    return page.render(Context({"forms": forms})).split("|")[:-1]


def field_groups(form) -> str:
    return str(form["kind"].as_field_group()) + str(form["text"].as_field_group())


def test_row_fields_give_every_row_what_django_renders_for_its_prefix():
    from monitoring.forms.followup import CommentForm

    forms = [CommentForm(prefix=f"answer-{pk}") for pk in (7, 12, 7, 130)]

    rendered = row_fields(forms)

    assert rendered == [field_groups(form) for form in forms]
    assert 'name="answer-130-text"' in rendered[3]
    assert "answer-7-" not in rendered[3]


def test_row_fields_render_a_form_sent_back_with_its_errors_on_its_own():
    from monitoring.forms.followup import CommentForm

    failed = CommentForm(
        {"answer-12-kind": "comment", "answer-12-text": ""}, prefix="answer-12"
    )
    failed.is_valid()
    typed = CommentForm(
        {"answer-13-kind": "nonsense", "answer-13-text": "Wat ik typte"},
        prefix="answer-13",
    )
    typed.is_valid()
    forms = [
        CommentForm(prefix="answer-11"),
        failed,
        typed,
        CommentForm(prefix="answer-14"),
    ]

    rendered = row_fields(forms)

    assert rendered == [field_groups(form) for form in forms]
    assert "This field is required." in rendered[1]
    assert "Wat ik typte" in rendered[2]
    assert "This field is required." not in rendered[3]
