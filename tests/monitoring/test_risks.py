"""The pure rules of the risk analysis: severity, bands, the matrix and the order."""

import pytest

from monitoring.risks import (
    RiskRating,
    band,
    risk_matrix,
    severity,
    suggested_order,
    unexplained_priorities,
)

pytestmark = pytest.mark.core


@pytest.mark.parametrize(
    ("scale", "scope", "irremediability", "expected"),
    [
        (1, 1, 1, 1),
        (5, 5, 5, 5),
        (1, 1, 2, 2),  # 4/3 rounds up
        (2, 2, 2, 2),
        (5, 1, 1, 3),  # one grave dimension is not averaged away
        (3, 3, 4, 4),
        (4, 4, 4, 4),
    ],
)
def test_severity_is_the_average_rounded_up(scale, scope, irremediability, expected):
    assert severity(scale, scope, irremediability) == expected


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_a_rating_outside_one_to_five_is_refused(bad):
    with pytest.raises(ValueError, match="from 1 to 5"):
        severity(bad, 3, 3)


@pytest.mark.parametrize(
    ("severity_value", "likelihood", "expected"),
    [
        (5, 3, "high"),
        (3, 5, "high"),
        (4, 4, "high"),
        (4, 2, "medium"),
        (2, 4, "medium"),
        (5, 1, "medium"),  # the gravest harm is never low
        (1, 5, "low"),
        (2, 3, "low"),
        (1, 1, "low"),
    ],
)
def test_bands(severity_value, likelihood, expected):
    assert band(severity_value, likelihood) == expected


def _risk(key, scale, scope, irr, likelihood, prioritised=False):
    return RiskRating(
        key=key,
        scale=scale,
        scope=scope,
        irremediability=irr,
        likelihood=likelihood,
        prioritised=prioritised,
    )


def test_the_matrix_places_each_risk_once_with_severity_five_on_top():
    matrix = risk_matrix(
        [_risk(1, 5, 5, 5, 2), _risk(2, 1, 1, 1, 5), _risk(3, 5, 4, 5, 2)]
    )
    assert len(matrix.rows) == 5
    assert all(len(row) == 5 for row in matrix.rows)
    assert [row[0].severity for row in matrix.rows] == [5, 4, 3, 2, 1]
    assert matrix.rows[0][1].keys == (1, 3)
    assert matrix.rows[0][1].likelihood == 2
    assert matrix.rows[4][4].keys == (2,)
    assert matrix.total == 3


def test_an_empty_analysis_gives_an_empty_matrix():
    matrix = risk_matrix([])
    assert matrix.total == 0
    assert matrix.rows[0][4].band == "high"


def test_suggested_order_is_severity_first_then_likelihood_stable_on_ties():
    risks = [
        _risk(1, 2, 2, 2, 5),
        _risk(2, 5, 5, 5, 1),
        _risk(3, 5, 5, 5, 3),
        _risk(4, 2, 2, 2, 5),
    ]
    assert suggested_order(risks) == [3, 2, 1, 4]


def test_a_graver_and_likelier_risk_left_unprioritised_needs_explaining():
    risks = [
        _risk(1, 2, 2, 2, 2, prioritised=True),
        _risk(2, 5, 5, 5, 4),  # graver and likelier than 1: flagged
        _risk(3, 5, 5, 5, 1),  # graver but less likely: not flagged
        _risk(4, 1, 1, 1, 5),  # likelier but less grave: not flagged
    ]
    assert unexplained_priorities(risks) == [2]
