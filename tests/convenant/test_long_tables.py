"""The tags for long tables give what `{% url %}` and `{% include %}` give."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.urls.base import set_script_prefix

from convenant.templatetags.long_tables import row_url

CASES = [
    ("monitoring:talk_create", (7,)),
    ("monitoring:assessment_review_secretariat", (0,)),
    ("monitoring:company_plan", (12, 3)),
    ("ketenkaart:company_list", (5, 2026)),
    ("ketenkaart:release_download", (4, "csv")),
    ("governance:yearly_document_edit", (2, "year_plan")),
    ("dashboard", ()),
]


@pytest.mark.parametrize(("name", "args"), CASES)
def test_the_same_url_as_reverse(name, args):
    assert row_url(name, *args) == reverse(name, args=args)
    # Twice: the second comes from the stored pattern.
    assert row_url(name, *args) == reverse(name, args=args)


def test_every_row_gets_its_own_ids():
    urls = [row_url("monitoring:company_plan", pk, 2) for pk in (1, 22, 333)]

    assert urls == [
        reverse("monitoring:company_plan", args=(pk, 2)) for pk in (1, 22, 333)
    ]


def test_a_script_prefix_is_kept_apart():
    plain = row_url("monitoring:talk_create", 9)
    set_script_prefix("/convenant/")
    try:
        prefixed = row_url("monitoring:talk_create", 9)
    finally:
        set_script_prefix("/")

    assert plain == "/monitoring/assessments/9/talks/new/"
    assert prefixed == "/convenant/monitoring/assessments/9/talks/new/"
    assert row_url("monitoring:talk_create", 9) == plain


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
