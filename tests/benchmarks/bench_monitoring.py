"""How the monitoring tool scales: the scoring core, the company's questionnaire step and
the secretariat's overview and round progress pages.

1. Scoring 10,000 assessments of the shipped framework (metals-v1.yaml) with random but
   valid answers and profiles (a fixed seed), without a database.
2. The largest step of the questionnaire ("2") for one company, in a round of 10 and of
   1,000 invited companies.
3. The secretariat's overview and the round progress page at 10 and 1,000 judged
   companies, each with a first and a final judgement whose result JSON has the shape
   `monitoring.services.judgements.stored_result` keeps.

Each prints a small table; the pages are timed in process with Django's test client
(median of a few requests, after warming up) and their queries counted. Nothing about
time is asserted: only that the pages answer 200 and that the number of queries does not
grow with the number of companies. Run with `make bench`.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import Organisation
from monitoring.framework import (
    CSRD_CATEGORIES,
    Framework,
    Question,
    load_framework_yaml,
    thresholds_to_dict,
)
from monitoring.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    ScoreKind,
    ScoreRecord,
)
from monitoring.scoring import Answer as ScoredAnswer
from monitoring.scoring import AssessmentResult, display_score, score_assessment
from monitoring.services.judgements import stored_result
from tests.governance.factories import OrganisationFactory
from tests.monitoring.company_factories import company_person, use_fast_hashing
from tests.monitoring.factories import (
    AssessmentFactory,
    FrameworkFactory,
    RoundFactory,
)

pytestmark = pytest.mark.bench

SEED = 20260302
ASSESSMENTS = 10_000
SIZES = (10, 1_000)
WARM_UP = 2
REQUESTS = 5
STEP = "2"
DEFAULT_FRAMEWORK = (
    Path(django_settings.BASE_DIR) / "monitoring" / "frameworks" / "metals-v1.yaml"
)
# The company measured on the step page: every profile condition holds, so that as many
# questions as possible apply.
FULL_PROFILE: dict[str, Any] = {
    "recycler": True,
    "cahra_sourcing": True,
    "sources_3tg": True,
    "csrd_category": "csrd",
    "fte": 600,
}


# --- Random but valid answers -----------------------------------------------------------


def random_profile(rng: random.Random) -> dict[str, Any]:
    return {
        "recycler": rng.random() < 0.3,
        "cahra_sourcing": rng.random() < 0.4,
        "sources_3tg": rng.random() < 0.5,
        "csrd_category": rng.choice(CSRD_CATEGORIES),
        "fte": rng.randint(5, 5_000),
    }


def random_value(rng: random.Random, question: Question) -> Any:
    """A value `question` accepts, as the questionnaire stores it."""
    if question.type == "single":
        return rng.choice(question.options).value
    if question.type == "multi":
        chosen = [option.value for option in question.options if rng.random() < 0.5]
        return chosen or [question.options[0].value]
    if question.type == "boolean":
        return rng.choice(("yes", "no"))
    if question.type == "number":
        return rng.randint(0, 500)
    return rng.choice(("Zie bijlage.", "Via het inkoopbeleid.", "Nog niet bekend."))


def random_answers(
    rng: random.Random, framework: Framework, *, answered: float = 0.9
) -> dict[str, ScoredAnswer]:
    """Most questions answered, some with an explanation, some with documents."""
    answers = {}
    for question in framework.questions:
        if rng.random() >= answered:
            continue
        answers[question.code] = ScoredAnswer(
            value=random_value(rng, question),
            explanation=rng.choice(("", "", "Toegelicht in het jaarverslag.")),
            documents=rng.choice((0, 0, 1, 2)),
        )
    return answers


# --- Timing pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class PageRow:
    page: str
    companies: int
    queries: int
    median_ms: float
    min_ms: float
    max_ms: float


def measure(client, page: str, url: str, companies: int) -> PageRow:
    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # Read now: every request starts by emptying the connection's query log.
    queries = len(captured)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return PageRow(
        page=page,
        companies=companies,
        queries=queries,
        median_ms=statistics.median(timings),
        min_ms=min(timings),
        max_ms=max(timings),
    )


def print_pages(title: str, rows: list[PageRow]) -> None:
    header = (
        f"{'page':<14} {'companies':>9} {'queries':>7} {'requests':>8} "
        f"{'median ms':>9} {'min ms':>7} {'max ms':>7}"
    )
    lines = [
        "",
        f"{title} ({connection.vendor} database)",
        header,
        "-" * len(header),
    ]
    for row in rows:
        lines.append(
            f"{row.page:<14} {row.companies:>9,} {row.queries:>7} {REQUESTS:>8} "
            f"{row.median_ms:>9.1f} {row.min_ms:>7.1f} {row.max_ms:>7.1f}"
        )
    print("\n".join(lines))


def assert_queries_flat(rows: list[PageRow]) -> None:
    for page in {row.page for row in rows}:
        counts = [row.queries for row in rows if row.page == page]  # small, then large
        assert counts[-1] <= counts[0], f"{page}: queries grow {counts}"


def organisations_bulk_create(count: int, rng: random.Random) -> list[Organisation]:
    organisations = OrganisationFactory.build_batch(count)
    for organisation in organisations:
        organisation.fte = rng.randint(5, 5_000)
        organisation.csrd_category = rng.choice(CSRD_CATEGORIES)
    return Organisation.objects.bulk_create(organisations, batch_size=500)


def grow_to(
    round_, size: int, rng: random.Random, add: Callable[[list[Organisation]], None]
) -> None:
    """Add companies, with what `add` gives each, until the round counts `size`."""
    missing = size - round_.assessments.count()
    if missing > 0:
        add(organisations_bulk_create(missing, rng))


# --- 1. Scoring -------------------------------------------------------------------------


def test_scoring_many_assessments():
    framework = load_framework_yaml(DEFAULT_FRAMEWORK.read_text(encoding="utf-8"))
    rng = random.Random(SEED)
    cases = [
        (random_profile(rng), random_answers(rng, framework))
        for _ in range(ASSESSMENTS)
    ]
    score_assessment(framework, *cases[0])  # the per-framework plan, made once

    started = time.perf_counter()
    results = [
        score_assessment(framework, profile, answers) for profile, answers in cases
    ]
    seconds = time.perf_counter() - started

    signals: dict[str | None, int] = {}
    for result in results:
        signals[result.signal] = signals.get(result.signal, 0) + 1
    header = (
        f"{'framework':<10} {'questions':>9} {'assessments':>11} {'total s':>8} "
        f"{'us each':>8} {'per second':>10}"
    )
    print(
        "\n".join(
            [
                "",
                "score_assessment, pure Python, random valid answers "
                f"(seed {SEED}; signals {dict(sorted(signals.items(), key=str))})",
                header,
                "-" * len(header),
                f"{framework.code + '-v' + str(framework.version):<10} "
                f"{len(framework.questions):>9} {ASSESSMENTS:>11,} {seconds:>8.3f} "
                f"{seconds / ASSESSMENTS * 1e6:>8.1f} {ASSESSMENTS / seconds:>10,.0f}",
            ]
        )
    )
    assert len(results) == ASSESSMENTS


# --- 2. The questionnaire step ----------------------------------------------------------


@pytest.mark.django_db
def test_questionnaire_step(client, settings):
    use_fast_hashing(settings)
    rng = random.Random(SEED)
    round_ = RoundFactory(framework=FrameworkFactory(default=True))
    framework = round_.framework.parsed
    applicable = [q for q in framework.questions if q.applies_if.holds(FULL_PROFILE)]
    assessment = AssessmentFactory(
        round=round_,
        status=AssessmentStatus.IN_PROGRESS,
        profile=dict(FULL_PROFILE),
        profile_completed_at=timezone.now(),
        applicable_count=len(applicable),
        answered_count=len(applicable),
    )
    person = company_person(assessment)
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            question_code=question.code,
            value=random_value(rng, question),
            explanation=rng.choice(("", "Vastgelegd in het inkoopbeleid van 2025.")),
            revision=1,
            updated_by=person,
        )
        for question in applicable
    )
    client.force_login(person)
    url = reverse(
        "monitoring:assessment_step", kwargs={"pk": assessment.pk, "step": STEP}
    )

    def invite(organisations: list[Organisation]) -> None:
        statuses = (
            AssessmentStatus.INVITED,
            AssessmentStatus.IN_PROGRESS,
            AssessmentStatus.SUBMITTED,
        )
        Assessment.objects.bulk_create(
            [
                Assessment(
                    round=round_,
                    organisation=organisation,
                    status=statuses[index % len(statuses)],
                    profile=random_profile(rng) if index % 3 else {},
                )
                for index, organisation in enumerate(organisations)
            ],
            batch_size=500,
        )

    rows = []
    for size in SIZES:
        grow_to(round_, size, rng, invite)
        assert round_.assessments.count() == size
        rows.append(measure(client, f"step {STEP}", url, size))
    print_pages(
        f"questionnaire step {STEP} for one company ({len(applicable)} answers), "
        "by invited companies in the round",
        rows,
    )
    assert_queries_flat(rows)


# --- 3. The secretariat's overview and round progress -----------------------------------


def judgement(
    assessment: Assessment, kind: str, result: AssessmentResult, framework_row
) -> ScoreRecord:
    return ScoreRecord(
        assessment=assessment,
        kind=kind,
        framework=framework_row,
        final_score=(
            display_score(result.final_score)
            if result.final_score is not None
            else None
        ),
        exact_score="" if result.final_score is None else str(result.final_score),
        level=result.level,
        signal=result.signal,
        result=stored_result(result),
        thresholds=thresholds_to_dict(result.thresholds),
    )


@pytest.mark.django_db
def test_secretariat_overview_and_progress(secretariat_client, settings):
    use_fast_hashing(settings)
    rng = random.Random(SEED)
    framework_row = FrameworkFactory(default=True)
    framework = framework_row.parsed
    round_ = RoundFactory(framework=framework_row)
    submitted = timezone.now() - dt.timedelta(days=100)

    def judge(organisations: list[Organisation]) -> None:
        assessments = []
        results = []
        for organisation in organisations:
            profile = random_profile(rng)
            profile["fte"] = organisation.fte
            profile["csrd_category"] = organisation.csrd_category
            first = score_assessment(framework, profile, random_answers(rng, framework))
            # Green is final at once; orange and red improve for a second judgement.
            final = (
                first
                if first.signal == "green"
                else score_assessment(
                    framework, profile, random_answers(rng, framework, answered=0.97)
                )
            )
            results.append((first, final))
            assessments.append(
                Assessment(
                    round=round_,
                    organisation=organisation,
                    status=AssessmentStatus.FINAL,
                    profile=profile,
                    profile_completed_at=submitted - dt.timedelta(days=7),
                    submitted_at=submitted,
                    window_closes_on=(
                        None
                        if first.signal == "green"
                        else timezone.localdate(submitted) + dt.timedelta(days=91)
                    ),
                    finalised_at=submitted + dt.timedelta(days=91),
                )
            )
        Assessment.objects.bulk_create(assessments, batch_size=500)
        ScoreRecord.objects.bulk_create(
            [
                judgement(assessment, kind, result, framework_row)
                for assessment, (first, final) in zip(assessments, results, strict=True)
                for kind, result in ((ScoreKind.FIRST, first), (ScoreKind.FINAL, final))
            ],
            batch_size=500,
        )

    pages = {
        "overview": f"{reverse('monitoring:overview')}?round={round_.pk}",
        "round progress": reverse("monitoring:round_detail", kwargs={"pk": round_.pk}),
    }
    rows = []
    for size in SIZES:
        grow_to(round_, size, rng, judge)
        assert round_.assessments.count() == size
        assert ScoreRecord.objects.filter(assessment__round=round_).count() == 2 * size
        for page, url in pages.items():
            rows.append(measure(secretariat_client, page, url, size))
    rows.sort(key=lambda row: (row.page, row.companies))
    print_pages(
        "secretariat pages by judged companies (first and final judgement each)", rows
    )
    assert_queries_flat(rows)
