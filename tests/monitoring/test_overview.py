"""The secretariat's overview of a round, the charts drawn from it, and a company's score
ledger: exact figures for a small set of judgements, worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import FteBand
from monitoring import charts
from monitoring.models import AssessmentStatus, RoundKind, ScoreKind
from monitoring.selectors.overview import (
    Judged,
    OverviewFilters,
    Progress,
    average_score,
    judged_from_rows,
    level_counts,
    monitoring_overview,
    progress_since,
    score_ledger,
    signal_counts,
    step_level_counts,
)
from tests.conftest import make_person
from tests.governance.factories import OrganisationFactory
from tests.monitoring.factories import (
    AssessmentFactory,
    FrameworkFactory,
    RoundFactory,
    ScoreRecordFactory,
    agreement_year,
)

OTHER_ROLES = (
    "company_admin",
    "company_member",
    "ngo",
    "union",
    "branch",
    "kerngroep",
    "chair",
    "government",
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# --- charts (pure) ----------------------------------------------------------------------


@pytest.mark.core
def test_bar_chart_scales_bars_to_the_largest_value():
    chart = charts.bar_chart(
        [charts.BarItem("Green", 3), charts.BarItem("Red", 1, "#b30000")],
        width=500,
        label_width=150,
        value_width=50,
        bar_height=20,
        gap=10,
    )

    assert [(b.label, b.text, b.x, b.y, b.width, b.height) for b in chart.bars] == [
        ("Green", "3", 150.0, 10.0, 300.0, 20.0),
        ("Red", "1", 150.0, 40.0, 100.0, 20.0),
    ]
    assert [(b.fill, b.text_x, b.text_y, b.label_x) for b in chart.bars] == [
        ("#00456e", 456.0, 20.0, 142.0),
        ("#b30000", 256.0, 50.0, 142.0),
    ]
    assert (chart.width, chart.height, chart.view_box) == (500.0, 70.0, "0 0 500 70")
    assert chart.summary == "Green 3, Red 1"


@pytest.mark.core
def test_bar_chart_of_nothing_but_zeros_draws_empty_bars():
    chart = charts.bar_chart([charts.BarItem("Up", 0), charts.BarItem("Down", 0)])

    assert [bar.width for bar in chart.bars] == [0.0, 0.0]
    assert chart.summary == "Up 0, Down 0"
    assert charts.bar_chart([]).empty is True


@pytest.mark.core
def test_bar_chart_with_a_fixed_maximum_caps_longer_bars():
    chart = charts.bar_chart(
        [charts.BarItem("a", 50), charts.BarItem("b", 150)],
        max_value=100,
        width=300,
        label_width=100,
        value_width=0,
    )

    assert [bar.width for bar in chart.bars] == [100.0, 200.0]


@pytest.mark.core
def test_stacked_chart_splits_each_row_into_shares_of_its_total():
    chart = charts.stacked_chart(
        [
            ("First", [charts.BarItem("Green", 1), charts.BarItem("Red", 3)]),
            ("Final", [charts.BarItem("Green", 0), charts.BarItem("Red", 0)]),
        ],
        width=400,
        label_width=100,
        total_width=100,
        bar_height=20,
        gap=10,
        legend_height=20,
    )

    first, final = chart.rows
    assert [(s.label, s.x, s.width, s.text_x, s.show_text) for s in first.segments] == [
        ("Green", 100.0, 50.0, 125.0, True),
        ("Red", 150.0, 150.0, 225.0, True),
    ]
    assert (first.y, first.total_text, first.total_x) == (30.0, "4", 306.0)
    assert [(s.width, s.show_text) for s in final.segments] == [
        (0.0, False),
        (0.0, False),
    ]
    assert (final.y, final.total_text) == (60.0, "0")
    assert [(e.label, e.x, e.text_x) for e in chart.legend] == [
        ("Green", 100.0, 118.0),
        ("Red", 200.0, 218.0),
    ]
    assert chart.height == 90.0
    assert chart.summary == "First: Green 1, Red 3; Final: Green 0, Red 0"


@pytest.mark.core
def test_a_narrow_segment_leaves_its_value_to_the_table():
    chart = charts.stacked_chart(
        [("Step 1", [charts.BarItem("1", 1), charts.BarItem("2", 99)])],
        width=300,
        label_width=100,
        total_width=0,
    )

    assert [s.show_text for s in chart.rows[0].segments] == [False, True]


# --- summaries (pure) -------------------------------------------------------------------


def row(organisation_id, kind, score, signal, level=3, steps=None, exact=""):
    return {
        "organisation_id": organisation_id,
        "kind": kind,
        "exact_score": exact,
        "final_score": None if score is None else Decimal(score),
        "level": level,
        "signal": signal,
        "steps": steps,
    }


@pytest.mark.core
def test_judged_takes_the_final_judgement_else_the_first():
    judged = judged_from_rows(
        [
            row(2, "first", "30.0", "red", 2, {"1": {"score": 30.0, "level": 2}}),
            row(1, "final", "62.0", "green", 4, exact="62"),
            row(1, "first", "45.0", "orange", 3),
        ]
    )

    assert judged == [
        Judged(
            organisation_id=1,
            first_signal="orange",
            final_signal="green",
            has_first=True,
            has_final=True,
            score=Fraction(62),
            level=4,
            signal="green",
            step_levels={},
        ),
        Judged(
            organisation_id=2,
            first_signal="red",
            has_first=True,
            score=Fraction(30),
            level=2,
            signal="red",
            step_levels={"1": 2},
        ),
    ]


@pytest.mark.core
def test_counts_of_signals_levels_and_steps():
    judged = [
        Judged(1, "orange", "green", True, True, Fraction(62), 4, "green", {"1": 4}),
        Judged(2, "red", None, True, False, Fraction(30), 2, "red", {"1": 2, "2": 1}),
        Judged(3, None, None, True, False, None, None, None, {}),
    ]

    assert signal_counts(judged, ScoreKind.FIRST) == {
        "green": 0,
        "orange": 1,
        "red": 1,
        "none": 1,
    }
    assert signal_counts(judged, ScoreKind.FINAL) == {
        "green": 1,
        "orange": 0,
        "red": 0,
        "none": 0,
    }
    assert level_counts(judged, [1, 2, 3, 4, 5]) == {1: 0, 2: 1, 3: 0, 4: 1, 5: 0}
    assert step_level_counts(judged, ["1", "2"], [1, 2]) == {
        "1": {1: 0, 2: 1},
        "2": {1: 1, 2: 0},
    }
    assert average_score(judged) == Decimal("46.0")
    assert average_score([]) is None


@pytest.mark.core
def test_progress_counts_only_companies_scored_in_both_rounds_exactly():
    baseline = [
        Judged(1, score=Fraction(62), signal="green"),
        Judged(2, score=Fraction(30), signal="red"),
        Judged(3, score=Fraction(241, 3), signal="green"),
        Judged(4, score=None, signal=None),
    ]
    current = [
        Judged(1, score=Fraction(70), signal="green"),
        Judged(2, score=Fraction(50), signal="orange"),
        Judged(3, score=Fraction(55), signal="orange"),
        Judged(4, score=Fraction(90), signal="green"),
        Judged(5, score=Fraction(10), signal="red"),
    ]

    # (8 + 20 + (55 - 241/3)) / 3 = (28 - 76/3) / 3 = 8/9 = 0.888..., shown as 0.9
    assert progress_since(baseline, current) == Progress(
        companies=3, average_change=Decimal("0.9"), up=1, same=1, down=1
    )
    assert progress_since([], current) == Progress(0, None, 0, 0, 0)


# --- the overview of a round, from the database -------------------------------------------


def steps(*levels):
    return {
        str(n): {"score": 10.0 * level, "level": level}
        for n, level in enumerate(levels, start=1)
        if level is not None
    }


@pytest.fixture
def results(db):
    """A baseline and a year-2 round of the test framework (steps 1-3, levels 1-5):

    company  register                  baseline                  year 2
    A        csrd, recycler, 300 FTE   orange 45 -> green 62     green 70 (final)
    B        vsme, 40 FTE              red 30 (in its window)    orange 50 (in window)
    C        vsme, 40 FTE              -                         red 20 -> orange 41
    D        listed SME, 120 FTE       green 241/3 (final)       orange 55 (final)
    E        listed SME, 120 FTE       -                         invited, not started
    """
    framework = FrameworkFactory()
    baseline = RoundFactory(
        framework=framework,
        name="Nulmeting 2026",
        kind=RoundKind.BASELINE,
        status="closed",
    )
    year2 = RoundFactory(
        framework=framework,
        name="Jaar 2",
        kind=RoundKind.YEAR2,
        agreement_year=agreement_year(2),
        opens_on=dt.date(2027, 3, 1),
        closes_on=dt.date(2027, 6, 30),
    )
    companies = {
        "A": OrganisationFactory(
            name="A Gieterij", csrd_category="csrd", is_recycler=True, fte=300
        ),
        "B": OrganisationFactory(name="B Walserij", csrd_category="vsme", fte=40),
        "C": OrganisationFactory(name="C Smederij", csrd_category="vsme", fte=40),
        "D": OrganisationFactory(
            name="D Pletterij", csrd_category="listed_sme", fte=120
        ),
        "E": OrganisationFactory(name="E Draad", csrd_category="listed_sme", fte=120),
    }

    def judge(round_, company, *judgements, status=AssessmentStatus.FINAL):
        assessment = AssessmentFactory(
            round=round_, organisation=companies[company], status=status
        )
        for kind, score, signal, level, step_levels, exact in judgements:
            ScoreRecordFactory(
                assessment=assessment,
                kind=kind,
                final_score=Decimal(score),
                exact_score=exact or score,
                signal=signal,
                level=level,
                steps=step_levels,
            )
        return assessment

    first, final = ScoreKind.FIRST, ScoreKind.FINAL
    judge(
        baseline,
        "A",
        (first, "45.0", "orange", 3, steps(3, 3, 3), ""),
        (final, "62.0", "green", 4, steps(4, 4, 3), ""),
    )
    judge(
        baseline,
        "B",
        (first, "30.0", "red", 2, steps(2, 1, 2), ""),
        status=AssessmentStatus.IMPROVING,
    )
    judge(
        baseline,
        "D",
        (first, "80.3", "green", 5, steps(5, 5, 5), "241/3"),
        (final, "80.3", "green", 5, steps(5, 5, 5), "241/3"),
    )
    judge(
        year2,
        "A",
        (first, "70.0", "green", 4, steps(4, 5, 3), ""),
        (final, "70.0", "green", 4, steps(4, 5, 3), ""),
    )
    judge(
        year2,
        "B",
        (first, "50.0", "orange", 3, steps(3, 3, None), ""),
        status=AssessmentStatus.IMPROVING,
    )
    judge(
        year2,
        "C",
        (first, "20.0", "red", 2, steps(2, 1, 2), ""),
        (final, "41.0", "orange", 3, steps(3, 2, 3), ""),
    )
    judge(
        year2,
        "D",
        (first, "55.0", "orange", 3, steps(3, 3, 4), ""),
        (final, "55.0", "orange", 3, steps(3, 3, 4), ""),
    )
    AssessmentFactory(round=year2, organisation=companies["E"])
    return {"baseline": baseline, "year2": year2, "companies": companies}


def figures(overview) -> dict:
    return {
        "invited": overview.invited,
        "judged": overview.judged,
        "signals": [(s.value, s.first, s.final) for s in overview.signals],
        "levels": [t.count for t in overview.levels],
        "steps": {
            s.code: ([t.count for t in s.levels], s.judged) for s in overview.steps
        },
        "average": overview.average_score,
        "progress": overview.progress,
    }


@pytest.mark.django_db
def test_overview_of_year_2_for_every_company(results):
    overview = monitoring_overview(round=results["year2"])

    assert overview.baseline == results["baseline"]
    assert figures(overview) == {
        "invited": 5,
        "judged": 4,
        # first: A green, B orange, C red, D orange; final: A green, C and D orange
        "signals": [("green", 1, 1), ("orange", 2, 2), ("red", 1, 0)],
        # A 4; B, C, D 3
        "levels": [0, 0, 3, 1, 0],
        "steps": {
            "1": ([0, 0, 3, 1, 0], 4),
            "2": ([0, 1, 2, 0, 1], 4),
            # step 3 did not apply to B
            "3": ([0, 0, 2, 1, 0], 3),
        },
        # (70 + 50 + 41 + 55) / 4
        "average": Decimal("54.0"),
        # A 62 -> 70 (kept green), B 30 -> 50 (red to orange), D 241/3 -> 55 (green
        # to orange): (8 + 20 - 76/3) / 3 = 8/9
        "progress": Progress(
            companies=3, average_change=Decimal("0.9"), up=1, same=1, down=1
        ),
    }
    assert overview.charts["signals"].summary == (
        "First judgement: Green 1, Orange 2, Red 1; "
        "Final judgement: Green 1, Orange 2, Red 0"
    )
    assert overview.charts["progress"].summary == (
        "Moved up a signal 1, Kept their signal 1, Moved down a signal 1"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            OverviewFilters(csrd_category="vsme"),
            {
                "invited": 2,
                "judged": 2,
                "signals": [("green", 0, 0), ("orange", 1, 1), ("red", 1, 0)],
                "average": Decimal("45.5"),
                "progress": Progress(1, Decimal("20.0"), up=1, same=0, down=0),
            },
        ),
        (
            OverviewFilters(recycler=True),
            {
                "invited": 1,
                "judged": 1,
                "signals": [("green", 1, 1), ("orange", 0, 0), ("red", 0, 0)],
                "average": Decimal("70.0"),
                "progress": Progress(1, Decimal("8.0"), up=0, same=1, down=0),
            },
        ),
        (
            OverviewFilters(fte_min=50, fte_max=249),
            {
                "invited": 2,
                "judged": 1,
                "signals": [("green", 0, 0), ("orange", 1, 1), ("red", 0, 0)],
                "average": Decimal("55.0"),
                "progress": Progress(1, Decimal("-25.3"), up=0, same=0, down=1),
            },
        ),
    ],
)
def test_overview_filters_by_the_companies_register_data(results, filters, expected):
    overview = monitoring_overview(round=results["year2"], filters=filters)

    found = figures(overview)
    assert {key: found[key] for key in expected} == expected


@pytest.mark.django_db
def test_the_baseline_round_has_no_progress(results):
    overview = monitoring_overview(round=results["baseline"])

    assert (overview.baseline, overview.progress) == (None, None)
    assert figures(overview)["signals"] == [
        ("green", 1, 2),
        ("orange", 1, 0),
        ("red", 1, 0),
    ]
    assert overview.average_score == Decimal("57.4")  # (62 + 30 + 241/3) / 3 = 57.44


# --- the overview page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_overview_page_shows_the_latest_round_by_default(secretariat_user, results):
    response = client_for(secretariat_user).get(reverse("monitoring:overview"))

    assert response.status_code == 200
    assert response.context["round"] == results["year2"]
    content = response.content.decode()
    assert (
        '<svg role="img" aria-labelledby="chart-signals-title chart-signals-desc"'
        in (content)
    )
    assert '<caption class="utrecht-table__caption">Companies per signal' in content
    assert "3 companies were judged both in “Nulmeting 2026” and in this round." in (
        content
    )
    assert "changed by 0.9 points on average" in content


@pytest.mark.django_db
def test_overview_page_in_dutch_keeps_svg_numbers_unlocalised(
    secretariat_user, results
):
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(secretariat_user)

    response = client.get(reverse("monitoring:overview"))

    content = response.content.decode()
    bar = response.context["overview"].charts["steps"].rows[0].segments[2]
    assert f'<rect x="{bar.x}" y="' in content
    assert "," not in str(bar.x)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "round_name", "judged"),
    [
        ({"round": "BASELINE"}, "Nulmeting 2026", 3),
        ({"kind": "baseline"}, "Nulmeting 2026", 3),
        ({"kind": "year2", "round": "BASELINE"}, "Jaar 2", 4),
        ({"csrd_category": "vsme"}, "Jaar 2", 2),
        ({"recycler": "no"}, "Jaar 2", 3),
        ({"fte_band": "BAND"}, "Jaar 2", 1),
        ({"round": "999999", "fte_band": "999999"}, "Jaar 2", 4),
    ],
)
def test_overview_page_filters(secretariat_user, results, query, round_name, judged):
    band = FteBand.objects.get(min_fte=250)
    values = {"BASELINE": str(results["baseline"].pk), "BAND": str(band.pk)}
    query = {key: values.get(value, value) for key, value in query.items()}

    response = client_for(secretariat_user).get(reverse("monitoring:overview"), query)

    overview = response.context["overview"]
    assert (overview.round.name, overview.judged) == (round_name, judged)


@pytest.mark.django_db
def test_overview_page_without_rounds_says_to_create_one(secretariat_user):
    response = client_for(secretariat_user).get(reverse("monitoring:overview"))

    content = response.content.decode()
    assert "There is no monitoring round to show yet." in content
    assert reverse("monitoring:round_create") in content


@pytest.mark.django_db
def test_overview_page_of_a_round_nobody_submitted_says_so(secretariat_user):
    AssessmentFactory(round=RoundFactory(kind=RoundKind.YEAR2))

    response = client_for(secretariat_user).get(reverse("monitoring:overview"))

    content = response.content.decode()
    assert "No company matching these filters has been judged in this round yet." in (
        content
    )
    assert "There is no baseline round of this agreement before this round" in content


def grow(round_, baseline, total: int) -> None:
    """Companies judged in both rounds until `round_` has `total`."""
    signals = ("green", "orange", "red")
    for index in range(round_.assessments.count(), total):
        company = OrganisationFactory(is_recycler=index % 2 == 0)
        for target, score in ((baseline, 40 + index % 20), (round_, 45 + index % 30)):
            assessment = AssessmentFactory(
                round=target, organisation=company, status=AssessmentStatus.FINAL
            )
            for kind in (ScoreKind.FIRST, ScoreKind.FINAL):
                ScoreRecordFactory(
                    assessment=assessment,
                    kind=kind,
                    final_score=Decimal(score),
                    signal=signals[index % 3],
                )


@pytest.mark.django_db
def test_overview_costs_the_same_queries_for_10_and_100_companies(
    secretariat_user, django_assert_max_num_queries
):
    framework = FrameworkFactory()
    baseline = RoundFactory(framework=framework, status="closed")
    round_ = RoundFactory(
        framework=framework,
        kind=RoundKind.YEAR2,
        opens_on=dt.date(2027, 3, 1),
        closes_on=dt.date(2027, 6, 30),
    )
    client = client_for(secretariat_user)
    url = reverse("monitoring:overview") + "?recycler=yes"

    grow(round_, baseline, 10)
    client.get(url)
    with CaptureQueriesContext(connection) as at_10:
        client.get(url)
    grow(round_, baseline, 100)
    with django_assert_max_num_queries(len(at_10)):
        response = client.get(url)

    assert response.context["overview"].judged == 50
    assert response.context["overview"].progress.companies == 50


# --- the score ledger ----------------------------------------------------------------------


@pytest.mark.django_db
def test_ledger_lists_every_judgement_with_the_change_since_the_round_before(results):
    company = results["companies"]["D"]

    rows = score_ledger(organisation=company)

    assert [
        (
            r.round.name,
            r.record.kind,
            r.record.framework.version,
            r.record.final_score,
            r.record.level,
            r.record.signal,
            r.change,
        )
        for r in rows
    ] == [
        ("Nulmeting 2026", "first", 1, Decimal("80.3"), 5, "green", None),
        ("Nulmeting 2026", "final", 1, Decimal("80.3"), 5, "green", None),
        # 55 - 241/3 = -76/3
        ("Jaar 2", "first", 1, Decimal("55.0"), 3, "orange", Decimal("-25.3")),
        ("Jaar 2", "final", 1, Decimal("55.0"), 3, "orange", Decimal("-25.3")),
    ]


@pytest.mark.django_db
def test_ledger_compares_with_the_first_judgement_while_no_final_exists(results):
    rows = score_ledger(organisation=results["companies"]["B"])

    assert [(r.round.name, r.record.kind, r.change) for r in rows] == [
        ("Nulmeting 2026", "first", None),
        ("Jaar 2", "first", Decimal("20.0")),
    ]


@pytest.mark.django_db
def test_ledger_page(secretariat_user, results):
    company = results["companies"]["A"]

    response = client_for(secretariat_user).get(
        reverse("monitoring:ledger", args=[company.pk])
    )

    assert response.status_code == 200
    assert [r.change for r in response.context["rows"]] == [
        None,
        None,
        Decimal("8.0"),
        Decimal("8.0"),
    ]
    assert "+8.0" in response.content.decode()


@pytest.mark.django_db
def test_ledger_page_without_judgements_says_what_happens_next(secretariat_user):
    company = OrganisationFactory()

    response = client_for(secretariat_user).get(
        reverse("monitoring:ledger", args=[company.pk])
    )

    assert "This company has no judgement yet." in response.content.decode()


@pytest.mark.django_db
def test_ledger_of_an_organisation_that_is_no_company_is_404(secretariat_user):
    ngo = OrganisationFactory(ngo=True)

    response = client_for(secretariat_user).get(
        reverse("monitoring:ledger", args=[ngo.pk])
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_ledger_page_costs_the_same_queries_however_many_rounds(
    secretariat_user, django_assert_max_num_queries
):
    company = OrganisationFactory()
    framework = FrameworkFactory()
    client = client_for(secretariat_user)
    url = reverse("monitoring:ledger", args=[company.pk])

    def judged_in(count: int) -> None:
        for _ in range(count):
            ScoreRecordFactory(
                assessment__organisation=company, assessment__round__framework=framework
            )

    judged_in(2)
    client.get(url)
    with CaptureQueriesContext(connection) as at_2:
        client.get(url)
    judged_in(8)
    with django_assert_max_num_queries(len(at_2)):
        response = client.get(url)

    assert len(response.context["rows"]) == 10


# --- access ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_403(role):
    company = OrganisationFactory()
    client = client_for(make_person(role))

    assert client.get(reverse("monitoring:overview")).status_code == 403
    assert (
        client.get(reverse("monitoring:ledger", args=[company.pk])).status_code == 403
    )


@pytest.mark.django_db
def test_anonymous_people_are_sent_to_sign_in():
    company = OrganisationFactory()

    for url in (
        reverse("monitoring:overview"),
        reverse("monitoring:ledger", args=[company.pk]),
    ):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
