"""The risk analysis page numbers each risk once: the matrix points to the table's rows
by the same numbers, most severe first, with each risk's severity beside it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.selectors import plans as selectors
from monitoring.services import plans as services
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

RISK = {
    "theme": "child_labour",
    "country": "CD",
    "material": "cobalt",
    "prioritised": True,
    "explanation": "Artisanal cobalt mining in Katanga.",
    "gender_considered": False,
    "gender_notes": "",
}
# (scale, scope, irremediability, likelihood): severities 2, 5 and 4.
RATINGS = ((2, 2, 2, 3), (5, 5, 5, 2), (4, 4, 3, 5))

MATRIX_LINK = re.compile(
    r'<a href="#risk-(\d+)" class="risk-matrix__item"[^>]*>(\d+)</a>'
)
TABLE_ROW = re.compile(
    r'<tr class="utrecht-table__row" id="risk-(\d+)">\s*'
    r'<td class="utrecht-table__cell">(\d+)</td>'
)


@pytest.fixture
def risks(agreement):
    officer = make_person("company_admin")
    today = timezone.localdate()
    year = agreement.years.get(starts_on__lte=today, ends_on__gte=today)
    created = [
        services.risk_create(
            organisation=officer.organisation,
            agreement_year=year,
            values={
                **RISK,
                "scale": scale,
                "scope": scope,
                "irremediability": irremediability,
                "likelihood": likelihood,
            },
            actor=officer,
        )
        for scale, scope, irremediability, likelihood in RATINGS
    ]
    return officer, year, created


def test_the_analysis_numbers_the_risks_most_severe_first(risks):
    _officer, _year, (mild, gravest, grave) = risks

    analysis = selectors.risk_analysis([mild, gravest, grave])

    assert [risk.pk for risk in analysis.risks] == [gravest.pk, grave.pk, mild.pk]
    assert [risk.number for risk in analysis.risks] == [1, 2, 3]
    assert [risk.severity_rating for risk in analysis.risks] == [5, 4, 2]
    placed = {
        entry.risk.pk: (place.severity, place.likelihood, entry.number)
        for row in analysis.places
        for place in row
        for entry in place.entries
    }
    assert placed == {gravest.pk: (5, 2, 1), grave.pk: (4, 5, 2), mild.pk: (2, 3, 3)}


def test_the_matrix_points_to_the_rows_by_their_numbers(client, risks):
    officer, year, (mild, gravest, grave) = risks
    client.force_login(officer)

    page = client.get(reverse("monitoring:risk_list", args=[year.number]))

    html = page.content.decode()
    in_matrix = {int(pk): int(number) for pk, number in MATRIX_LINK.findall(html)}
    in_table = {int(pk): int(number) for pk, number in TABLE_ROW.findall(html)}
    assert in_matrix == in_table == {gravest.pk: 1, grave.pk: 2, mild.pk: 3}
