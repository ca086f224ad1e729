"""What the yearly report holds, per year and per audience, and that the parties' and
the government's versions single out no company."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from convenant.reports.content import gather, kind_of
from convenant.reports.document import (
    BASELINE,
    EVALUATION,
    GOVERNMENT,
    INTERIM,
    INTERNAL,
    PARTIES,
    PROGRESS,
    ReportDocument,
)
from governance.models import (
    Contribution,
    ContributionStatus,
    Organisation,
    WithdrawalNotice,
)
from ketenkaart.models import LocationRelease, ReleaseCell, ReleaseStatus
from monitoring.models import (
    AssessmentStatus,
    ImprovementTalk,
    PlanOfApproach,
    RiskEntry,
    RoundKind,
    ScoreKind,
    Signal,
    TalkStatus,
)
from tests.governance.factories import OrganisationFactory, UserFactory
from tests.ketenkaart.factories import submitted_location
from tests.monitoring.factories import (
    AssessmentFactory,
    FrameworkFactory,
    RoundFactory,
    ScoreRecordFactory,
    agreement_year,
)

pytestmark = pytest.mark.django_db

PLAN_RISKS = "Kinderarbeid bij onze kobaltleverancier Mina Secreta"
PLAN_ACTIONS = "Audit bij smelter Fundición Confidencial in Q3"


def texts(document: ReportDocument) -> str:
    """Every text of a document, one per line."""
    parts = [document.title, document.year_label, *document.notes]
    for section in document.sections:
        parts += [section.title, *section.paragraphs]
        for table in section.tables:
            parts += [table.title, table.note, *table.columns]
            for label, cells in table.rows:
                parts.append(label)
                parts += [cell.text for cell in cells]
        for chart in section.charts:
            parts += [chart.title, chart.svg, chart.summary]
    return "\n".join(parts)


def table(document: ReportDocument, key: str) -> dict[str, tuple[str, ...]]:
    for section in document.sections:
        for candidate in section.tables:
            if candidate.key == key:
                return {
                    label: tuple(cell.text for cell in cells)
                    for label, cells in candidate.rows
                }
    raise KeyError(key)


def section_keys(document: ReportDocument) -> list[str]:
    return [section.key for section in document.sections]


def judge(round_, company, signal, *, score="50.0", level=3, final=None):
    assessment = AssessmentFactory(
        round=round_, organisation=company, status=AssessmentStatus.SUBMITTED
    )
    ScoreRecordFactory(
        assessment=assessment,
        kind=ScoreKind.FIRST,
        signal=signal,
        final_score=Decimal(score),
        level=level,
    )
    if final:
        ScoreRecordFactory(
            assessment=assessment,
            kind=ScoreKind.FINAL,
            signal=final,
            final_score=Decimal(score) + 10,
            level=level,
        )
    return assessment


@pytest.fixture
def baseline():
    return RoundFactory(framework=FrameworkFactory())


@pytest.fixture
def companies():
    return [OrganisationFactory(name=f"Geheim Metaal {n} B.V.") for n in range(7)]


@pytest.fixture
def person():
    return UserFactory()


def test_the_kind_follows_the_year():
    assert [kind_of(n) for n in range(1, 7)] == [
        BASELINE,
        PROGRESS,
        INTERIM,
        PROGRESS,
        EVALUATION,
        INTERIM,
    ]


def test_each_year_has_its_own_sections(baseline, companies):
    for company in companies[:5]:
        judge(baseline, company, Signal.GREEN)
    second = RoundFactory(
        kind=RoundKind.YEAR2,
        agreement_year=agreement_year(2),
        framework=baseline.framework,
        opens_on=dt.date(2027, 3, 1),
        closes_on=dt.date(2027, 6, 30),
    )
    for company in companies[:5]:
        judge(second, company, Signal.GREEN, score="70.0")
    documents = {
        n: gather(year=agreement_year(n), version=PARTIES) for n in range(1, 6)
    }
    assert [documents[n].kind for n in range(1, 6)] == [
        BASELINE,
        PROGRESS,
        INTERIM,
        PROGRESS,
        EVALUATION,
    ]
    common = [
        "introduction",
        "participants",
        "monitoring",
        "talks",
        "plans",
        "risks",
        "transparency",
        "location_list",
        "collective_needs",
    ]
    assert section_keys(documents[1]) == common
    with_progress = [*common[:3], "progress", *common[3:]]
    assert section_keys(documents[2]) == with_progress
    assert section_keys(documents[3]) == common
    assert section_keys(documents[4]) == with_progress
    assert section_keys(documents[5]) == [*with_progress, "evaluation"]
    assert documents[1].sections[2].title == "Baseline results (nulmeting)"
    interim = documents[3].sections[2]
    assert interim.title == "Results of the latest monitoring round"
    assert "no monitoring round of its own" in " ".join(interim.paragraphs)
    assert table(documents[3], "assessed")["Companies judged"] == ("5",)
    # Year 2 against the baseline: five companies moved from 50.0 to 70.0.
    assert table(documents[2], "since_baseline") == {
        "Judged with a score in both rounds": ("5",),
        "Moved up a signal": ("0",),
        "Kept their signal": ("5",),
        "Moved down a signal": ("0",),
        "Average change of score": ("20.0",),
    }
    assert table(documents[2], "against_baseline")["Average final score"] == (
        "50.0",
        "70.0",
    )
    # Year 5 sums up the years, each with its own round.
    years = table(documents[5], "years")
    assert years["Year 1"][:5] == ("7", "0", "5", "50.0", "5")
    assert years["Year 2"][:5] == ("7", "0", "5", "70.0", "5")
    assert years["Year 3"][2:4] == ("", "")


def test_internal_is_exact_and_parties_withhold_small_cells_and_their_partner(
    baseline, companies
):
    for company in companies[:5]:
        judge(baseline, company, Signal.GREEN, level=4)
    for company in companies[5:]:
        judge(baseline, company, Signal.RED, level=1)
    year = agreement_year(1)
    internal = gather(year=year, version=INTERNAL)
    parties = gather(year=year, version=PARTIES)

    signals = table(internal, "signals")
    assert signals == {
        "Green": ("5", "0"),
        "Orange": ("0", "0"),
        "Red": ("2", "0"),
        "Companies judged": ("7", "0"),
    }
    assert table(parties, "signals") == {
        "Green": ("not shown", "0"),
        "Orange": ("0", "0"),
        "Red": ("fewer than 3", "0"),
        "Companies judged": ("7", "0"),
    }
    withheld = [
        cell
        for section in parties.sections
        for t in section.tables
        if t.key == "signals"
        for _label, cells in t.rows
        for cell in cells
        if cell.withheld
    ]
    assert [cell.value for cell in withheld] == [None, None]
    # The levels: level 1 holds the two red companies, level 4 the other five.
    assert table(parties, "levels")["1 Basic"] == ("fewer than 3",)
    assert table(parties, "levels")["4 Mature"] == ("not shown",)
    # Every owed talk is one of the two red companies: fewer than 3.
    assert table(parties, "talks")["Owed a talk (first judgement orange or red)"] == (
        "fewer than 3",
    )
    # The internal version names what the others hold back.
    notes = {t.key: t.note for s in internal.sections for t in s.tables}
    assert "Red / First judgement (fewer than 3 companies)" in notes["signals"]
    assert (
        "Green / First judgement (would reveal another figure by subtraction)"
        in notes["signals"]
    )
    assert (
        "fewer than 3 companies is not shown"
        in {t.key: t.note for s in parties.sections for t in s.tables}["signals"]
    )
    # The chart shows what the table shows.
    chart = next(s for s in parties.sections if s.key == "monitoring").charts[0]
    assert "Red fewer than 3" in chart.summary
    assert ">2<" not in chart.svg


def test_no_name_plan_text_or_location_reaches_the_parties_or_the_government(
    baseline, companies, person
):
    for index, company in enumerate(companies):
        judge(baseline, company, Signal.ORANGE if index % 2 else Signal.GREEN)
        PlanOfApproach.objects.create(
            organisation=company,
            agreement_year=agreement_year(1),
            themes=["child_labour", "environment"],
            risks_addressed=PLAN_RISKS,
            planned_actions=PLAN_ACTIONS,
            submitted_by=person,
        )
        RiskEntry.objects.create(
            organisation=company,
            agreement_year=agreement_year(1),
            theme="child_labour",
            country="CD",
            material="cobalt",
            scale=4,
            scope=3,
            irremediability=4,
            likelihood=3,
            prioritised=True,
            explanation="Geheime toelichting van het bedrijf",
            updated_by=person,
        )
        submitted_location(
            company,
            year=2026,
            supplier_name="Mina Secreta S.A.",
            address="Calle Oculta 1",
            city="Kolwezi",
        )
    names = [company.name for company in companies]
    for version in (PARTIES, GOVERNMENT, INTERNAL):
        text = texts(gather(year=agreement_year(1), version=version))
        for forbidden in [
            *names,
            PLAN_RISKS,
            PLAN_ACTIONS,
            "Geheime toelichting",
            "Mina Secreta",
            "Calle Oculta",
            "Kolwezi",
        ]:
            assert forbidden not in text, (version, forbidden)
    parties = gather(year=agreement_year(1), version=PARTIES)
    assert table(parties, "aggregated_plan")["Child labour"] == ("7", "7", "7", "7")
    assert table(parties, "risk_countries") == {
        "Democratic Republic of the Congo": ("7",)
    }
    assert table(parties, "tiers")["Tier 3 and deeper"] == ("0", "7")


def test_the_budget_is_for_the_government_and_the_secretariat(companies):
    year = agreement_year(1)
    for index, company in enumerate(companies):
        Contribution.objects.create(
            organisation=company,
            agreement_year=year,
            fte=120,
            amount=Decimal("2500.00"),
            status=ContributionStatus.PAID if index < 4 else ContributionStatus.DUE,
        )
    supporter = OrganisationFactory(ngo=True, participation="supporter")
    Contribution.objects.create(
        organisation=supporter,
        agreement_year=year,
        amount=Decimal("1000.00"),
        status=ContributionStatus.INVOICED,
    )
    assert "budget" not in section_keys(gather(year=year, version=PARTIES))
    government = gather(year=year, version=GOVERNMENT)
    internal = gather(year=year, version=INTERNAL)
    assert section_keys(government)[-1] == "budget"
    assert section_keys(internal)[-1] == "budget"
    budget = table(government, "budget")
    assert budget["Total"] == (
        "8",
        "€ 18,500.00",
        "€ 11,000.00",
        "€ 10,000.00",
        "€ 8,500.00",
    )
    assert budget["Supporters"] == (
        "1",
        "€ 1,000.00",
        "€ 1,000.00",
        "€ 0.00",
        "€ 1,000.00",
    )


def test_a_band_of_one_or_two_companies_is_withheld_in_the_budget(companies):
    year = agreement_year(1)
    for index, company in enumerate(companies[:4]):
        Contribution.objects.create(
            organisation=company,
            agreement_year=year,
            fte=5000 if index == 0 else 120,
            amount=Decimal("9000.00") if index == 0 else Decimal("2500.00"),
            status=ContributionStatus.PAID,
        )
    government = table(gather(year=year, version=GOVERNMENT), "budget")
    big = next(label for label in government if "or more" in label or "5000" in label)
    assert government[big][0] == "fewer than 3"
    assert all(text in ("fewer than 3", "not shown") for text in government[big])
    internal = table(gather(year=year, version=INTERNAL), "budget")
    assert internal[big] == ("1", "€ 9,000.00", "€ 9,000.00", "€ 9,000.00", "€ 0.00")


def test_joined_and_left_and_the_participants_per_kind(companies, person):
    year = agreement_year(2)
    OrganisationFactory(signed_on=dt.date(2027, 1, 10))
    leaving = companies[0]
    WithdrawalNotice.objects.create(
        organisation=leaving,
        notice_on=dt.date(2026, 11, 1),
        reasons="Andere prioriteiten",
        effective_on=dt.date(2027, 1, 1),
        given_by=person,
    )
    document = gather(year=year, version=PARTIES)
    movement = table(document, "joined_left")
    assert movement["Company"] == ("1", "1")
    # Seven companies, the person's own, one joined and one left; who takes part is
    # public, so the figures are exact, even for one.
    assert table(document, "participants")["Company"] == ("8", "0", "8")
    assert table(document, "constituencies")["Companies"] == ("8",)
    assert table(gather(year=agreement_year(1), version=PARTIES), "participants")[
        "Company"
    ] == ("8", "0", "8")


def test_talks_and_a_published_location_list(baseline, companies, person):
    for company in companies[:4]:
        assessment = judge(baseline, company, Signal.RED)
        ImprovementTalk.objects.create(
            assessment=assessment,
            scheduled_at=timezone.now(),
            status=TalkStatus.HELD,
            management_present=True,
            created_by=person,
        )
    release = LocationRelease.objects.create(
        year=2026,
        number=1,
        status=ReleaseStatus.PUBLISHED,
        rules={"k": 3},
        companies=4,
        locations=12,
        published_at=timezone.now(),
    )
    ReleaseCell.objects.create(
        release=release,
        position=0,
        area_level="country",
        area_code="CL",
        activity="mining",
        companies_band="3-4",
        locations_band="10-49",
        exact_companies=4,
        exact_locations=12,
        company_ids=[c.pk for c in companies[:4]],
        countries=["CL"],
    )
    parties = gather(year=agreement_year(1), version=PARTIES)
    assert table(parties, "talks") == {
        "Owed a talk (first judgement orange or red)": ("4",),
        "Talk held": ("4",),
        "Talk planned, not yet held": ("0",),
        "No talk held or planned yet": ("0",),
        "Talk held with management taking part": ("4",),
    }
    assert table(parties, "location_list") == {"Chile, Mining": ("3-4", "10-49")}
    internal = gather(year=agreement_year(1), version=INTERNAL)
    assert table(internal, "location_list") == {"Chile, Mining": ("4", "12")}
    location_section = next(s for s in parties.sections if s.key == "location_list")
    assert location_section.charts[0].svg.startswith("<svg")
    assert 'data-country="CL"' in location_section.charts[0].svg


def test_progress_is_reported_as_parts_are_done(baseline, companies):
    judge(baseline, companies[0], Signal.GREEN)
    calls = []
    gather(
        year=agreement_year(5),
        version=GOVERNMENT,
        progress=lambda percent, text: calls.append((percent, text)),
    )
    percents = [percent for percent, _text in calls]
    assert percents == sorted(percents)
    assert calls[0] == (5, "Loading the year's data")
    assert calls[-1] == (100, "Done")
    assert (90, "Evaluation") in calls
    assert (94, "Budget") in calls


def _grow(round_, count, person, start):
    year = agreement_year(1)
    for index in range(start, start + count):
        company = OrganisationFactory()
        assessment = judge(
            round_, company, [Signal.GREEN, Signal.ORANGE, Signal.RED][index % 3]
        )
        ImprovementTalk.objects.create(
            assessment=assessment,
            scheduled_at=timezone.now(),
            status=TalkStatus.HELD,
            created_by=person,
        )
        PlanOfApproach.objects.create(
            organisation=company,
            agreement_year=year,
            themes=["climate"],
            risks_addressed="x",
            planned_actions="y",
            submitted_by=person,
        )
        RiskEntry.objects.create(
            organisation=company,
            agreement_year=year,
            theme="climate",
            country="PE",
            material="copper",
            scale=1,
            scope=1,
            irremediability=1,
            likelihood=1,
            explanation="z",
            updated_by=person,
        )
        submitted_location(company, year=2026)
        Contribution.objects.create(
            organisation=company,
            agreement_year=year,
            fte=120,
            amount=Decimal("2500"),
        )


@pytest.mark.parametrize("version", [PARTIES, INTERNAL])
def test_the_queries_do_not_grow_with_the_companies(
    baseline, person, version, django_assert_max_num_queries
):
    # The budget (internal version) takes two more: contributions and FTE bands.
    limit = 20 if version == INTERNAL else 18
    _grow(baseline, 10, person, 0)
    with django_assert_max_num_queries(limit):
        gather(year=agreement_year(5), version=version)
    _grow(baseline, 90, person, 10)
    with django_assert_max_num_queries(limit):
        document = gather(year=agreement_year(5), version=version)
    assert table(document, "assessed")["Companies judged"] == ("100",)


def test_the_threshold_is_the_ketenkaarts_k(baseline, companies, person):
    from ketenkaart.models import DisclosureRule

    for company in companies[:4]:
        judge(baseline, company, Signal.GREEN)
    for company in companies[4:]:
        judge(baseline, company, Signal.RED)
    parties = gather(year=agreement_year(1), version=PARTIES)
    assert parties.k == 3
    assert table(parties, "signals")["Green"] == ("4", "0")
    assert table(parties, "signals")["Red"] == ("3", "0")
    DisclosureRule.objects.create(
        k=5,
        dominance_percent=85,
        valid_from=dt.date(2025, 1, 1),
        decided_on=dt.date(2025, 1, 1),
        recorded_by=person,
    )
    parties = gather(year=agreement_year(1), version=PARTIES)
    assert parties.k == 5
    assert table(parties, "signals")["Green"] == ("fewer than 5", "0")
    assert table(parties, "signals")["Red"] == ("fewer than 5", "0")
    assert table(parties, "signals")["Companies judged"] == ("7", "0")


def test_year_four_reports_the_change_since_year_two_and_the_baseline(
    baseline, companies
):
    framework = baseline.framework
    rounds = [baseline]
    for number, kind, opens in (
        (2, RoundKind.YEAR2, dt.date(2027, 3, 1)),
        (4, RoundKind.YEAR4, dt.date(2029, 3, 1)),
    ):
        rounds.append(
            RoundFactory(
                kind=kind,
                agreement_year=agreement_year(number),
                framework=framework,
                opens_on=opens,
                closes_on=opens + dt.timedelta(days=90),
            )
        )
    signals = [Signal.RED, Signal.ORANGE, Signal.GREEN]
    for index, round_ in enumerate(rounds):
        for company in companies:
            judge(round_, company, signals[index], score=str(30 + 20 * index))
    document = gather(year=agreement_year(4), version=PARTIES)
    assert table(document, "change")["Moved up a signal"] == ("7",)
    assert table(document, "change")["Average change of score"] == ("20.0",)
    assert table(document, "since_baseline")["Average change of score"] == ("40.0",)
    two = gather(year=agreement_year(2), version=PARTIES)
    with pytest.raises(KeyError):
        table(two, "change")


def test_the_parties_and_the_government_read_the_same_figures(baseline, companies):
    for company in companies[:5]:
        judge(baseline, company, Signal.GREEN, final=Signal.GREEN)
    for company in companies[5:]:
        judge(baseline, company, Signal.RED, final=Signal.ORANGE)
    for index, company in enumerate(companies[:2]):
        Contribution.objects.create(
            organisation=company,
            agreement_year=agreement_year(1),
            fte=120 if index else 9000,
            amount=Decimal("2500.00"),
        )
    parties = gather(year=agreement_year(1), version=PARTIES).figures()
    government = gather(year=agreement_year(1), version=GOVERNMENT).figures()
    assert parties
    assert {key: government[key] for key in parties} == parties
    assert parties["signals / Red / Final judgement"] == "0"
    assert parties["signals / Orange / Final judgement"] == "fewer than 3"


def test_the_report_is_written_in_the_active_language(baseline, companies):
    from django.utils import translation

    for company in companies:
        judge(baseline, company, Signal.GREEN)
    with translation.override("nl"):
        document = gather(year=agreement_year(1), version=INTERNAL)
    assert "oktober 2025" in document.year_label
    assert table(document, "signals")


def test_a_part_whose_rest_is_fewer_than_k_companies_is_withheld(companies, person):
    """Six of seven plans describe actions: the one that does not is a figure about
    one company, worked out by subtraction, so the six are not shown either."""
    for _index in range(3):
        OrganisationFactory()  # companies without a plan: enough not to single one out
    for index, company in enumerate(companies):
        PlanOfApproach.objects.create(
            organisation=company,
            agreement_year=agreement_year(1),
            themes=["climate"],
            risks_addressed="x",
            planned_actions="" if index == 0 else "y",
            submitted_by=person,
        )
    parties = table(gather(year=agreement_year(1), version=PARTIES), "plans_received")
    internal = gather(year=agreement_year(1), version=INTERNAL)
    # Eleven companies: the seven, the three and the person's own.
    assert parties == {
        "Companies taking part at the end of the year": ("11",),
        "Plans received": ("7",),
        "Plans describing the risks addressed": ("7",),
        "Plans describing planned actions": ("not shown",),
    }
    assert table(internal, "plans_received")["Plans describing planned actions"] == (
        "6",
    )
    note = next(
        t.note for s in internal.sections for t in s.tables if t.key == "plans_received"
    )
    assert note == (
        "Held back in the parties' and the government's versions: Plans describing "
        "planned actions / Companies (would reveal another figure by subtraction)."
    )
    # Two companies without a plan of eight taking part: the plans received give
    # them away, so they are not shown; the plans with actions are then safe.
    Organisation.objects.filter(plans__isnull=True, kind="company").exclude(
        pk=person.organisation_id
    ).first().delete()
    Organisation.objects.filter(plans__isnull=True, kind="company").exclude(
        pk=person.organisation_id
    ).first().delete()
    parties = table(gather(year=agreement_year(1), version=PARTIES), "plans_received")
    assert parties["Plans received"] == ("not shown",)
    assert parties["Plans describing planned actions"] == ("6",)


def test_every_figure_of_the_parties_is_the_exact_one_or_withheld(
    baseline, companies, person
):
    signals = [Signal.GREEN, Signal.GREEN, Signal.ORANGE, Signal.RED]
    for index, company in enumerate(companies):
        judge(baseline, company, signals[index % 4], level=1 + index % 5)
        submitted_location(company, year=2026, tier=1 + index % 4)
        RiskEntry.objects.create(
            organisation=company,
            agreement_year=agreement_year(1),
            theme=["climate", "child_labour"][index % 2],
            country=["PE", "CL", "CD"][index % 3],
            material="copper",
            scale=1,
            scope=1,
            irremediability=1,
            likelihood=1,
            prioritised=bool(index % 3),
            explanation="z",
            updated_by=person,
        )
    internal = gather(year=agreement_year(1), version=INTERNAL)
    parties = gather(year=agreement_year(1), version=PARTIES)
    exact = {
        (t.key, label): cells
        for s in internal.sections
        for t in s.tables
        for label, cells in t.rows
    }
    withheld = 0
    for section in parties.sections:
        for t in section.tables:
            for label, cells in t.rows:
                for cell, exact_cell in zip(cells, exact[t.key, label], strict=True):
                    if cell.withheld:
                        withheld += 1
                        assert cell.value is None
                        assert cell.text in ("fewer than 3", "not shown")
                    else:
                        assert cell == exact_cell
    assert withheld > 0
