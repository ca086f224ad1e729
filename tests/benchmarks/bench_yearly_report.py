"""How long the yearly report of 1,000 companies with five years of data takes to make,
how much memory the worker needs, and how many pages the PDF has.

The data: 1,000 party companies (bulk_create), and for each of the five agreement
years a monitoring round in which every company is judged (scored with the real
framework on random answers), a submitted plan of approach, and a submitted
production-location list of 5 to 40 locations over four tiers and twenty countries:
about 1,000 assessments, 2,000 score records, 1,000 plans and 22,000 locations a year.

Measured, for the year-5 report, through the real pipeline (`report_start` then
`report_build`, as the Celery task runs it), so that it measures whatever the report
holds:
1. each version (parties, government, internal): wall-clock time, pages, PDF and XLSX
   size, and the growth of the process's resident size (ru_maxrss, a high-water mark);
2. the parties version once more under tracemalloc, for its peak Python memory
   (tracemalloc slows Python down, so its time is not the build time).

Prints a table and asserts nothing about time. Run with `make bench`; set
BENCH_REPORT_COMPANIES for another number of companies.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import sys
import time
import tracemalloc

import pytest
from django.utils import timezone

from convenant.models import AgreementYear
from convenant.reports import services
from convenant.reports.models import ReportRun, ReportStatus
from ketenkaart.models import ListStatus, Location, LocationList
from monitoring.models import (
    Assessment,
    AssessmentStatus,
    PlanOfApproach,
    RoundKind,
    RoundStatus,
    ScoreKind,
    ScoreRecord,
)
from monitoring.scoring import score_assessment
from tests.benchmarks.bench_monitoring import (
    judgement,
    organisations_bulk_create,
    random_answers,
    random_profile,
)
from tests.conftest import make_person
from tests.monitoring.factories import FrameworkFactory, RoundFactory

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

SEED = 20261122
COMPANIES = int(os.environ.get("BENCH_REPORT_COMPANIES", "1000"))
YEARS = 5
COUNTRIES = (
    "CN", "CD", "PE", "CL", "AU", "ZA", "ID", "BR", "IN", "RU",
    "DE", "BE", "TR", "MX", "KZ", "PH", "GH", "BO", "US", "VN",
)  # fmt: skip
ACTIVITIES = ("mining", "smelting_refining", "processing", "manufacturing", "trading")
ROUND_KINDS = {1: RoundKind.BASELINE, 2: RoundKind.YEAR2, 4: RoundKind.YEAR4}


def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def five_years_of_data(rng: random.Random, secretariat) -> dict[str, int]:
    companies = organisations_bulk_create(COMPANIES, rng)
    framework_row = FrameworkFactory(default=True)
    framework = framework_row.parsed
    years = {
        year.number: year
        for year in AgreementYear.objects.filter(number__lte=YEARS).order_by("number")
    }
    counts = {"assessments": 0, "plans": 0, "locations": 0}
    for number, year in years.items():
        round_ = RoundFactory(
            agreement_year=year,
            framework=framework_row,
            kind=ROUND_KINDS.get(number, RoundKind.EXTRA),
            name=f"Round of year {number}",
            opens_on=year.starts_on,
            closes_on=min(year.ends_on, year.starts_on + dt.timedelta(days=120)),
            status=RoundStatus.CLOSED,
            created_by=secretariat,
        )
        submitted = timezone.make_aware(
            dt.datetime.combine(year.starts_on + dt.timedelta(days=60), dt.time(10))
        )
        assessments, results = [], []
        for company in companies:
            profile = random_profile(rng)
            profile["fte"] = company.fte
            profile["csrd_category"] = company.csrd_category
            answered = min(1.0, 0.6 + 0.08 * number + rng.random() * 0.1)
            result = score_assessment(
                framework, profile, random_answers(rng, framework, answered=answered)
            )
            results.append(result)
            assessments.append(
                Assessment(
                    round=round_,
                    organisation=company,
                    status=AssessmentStatus.FINAL,
                    profile=profile,
                    profile_completed_at=submitted - dt.timedelta(days=7),
                    submitted_at=submitted,
                    finalised_at=submitted + dt.timedelta(days=30),
                )
            )
        Assessment.objects.bulk_create(assessments, batch_size=500)
        ScoreRecord.objects.bulk_create(
            [
                judgement(assessment, kind, result, framework_row)
                for assessment, result in zip(assessments, results, strict=True)
                for kind in (ScoreKind.FIRST, ScoreKind.FINAL)
            ],
            batch_size=500,
        )
        counts["assessments"] += len(assessments)
        PlanOfApproach.objects.bulk_create(
            [
                PlanOfApproach(
                    organisation=company,
                    agreement_year=year,
                    themes=rng.sample(
                        [
                            "child_labour",
                            "environment",
                            "health_safety",
                            "living_wage",
                            "conflict",
                        ],
                        k=2,
                    ),
                    risks_addressed="Risks in the supply chain of copper.",
                    planned_actions="Visit two smelters; train the buyers.",
                    submitted_at=submitted,
                    submitted_by=secretariat,
                )
                for company in companies
            ],
            batch_size=500,
        )
        counts["plans"] += len(companies)
        lists = LocationList.objects.bulk_create(
            [
                LocationList(
                    company=company,
                    year=year.starts_on.year,
                    status=ListStatus.SUBMITTED,
                    submitted_at=submitted,
                )
                for company in companies
            ],
            batch_size=500,
        )
        locations = [
            Location(
                location_list=location_list,
                supplier_name=f"Supplier {index}",
                normalised_name=f"supplier {index}",
                address="Street 1",
                city="City",
                country=rng.choice(COUNTRIES),
                activity=rng.choice(ACTIVITIES),
                tier=rng.randint(1, 4),
            )
            for location_list in lists
            for index in range(rng.randint(5, 40))
        ]
        Location.objects.bulk_create(locations, batch_size=2_000)
        counts["locations"] += len(locations)
    return counts


def test_the_yearly_report_of_a_thousand_companies(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    rng = random.Random(SEED)
    secretariat = make_person("secretariat")
    started = time.perf_counter()
    counts = five_years_of_data(rng, secretariat)
    load_s = time.perf_counter() - started
    year = AgreementYear.objects.get(number=YEARS)

    rows = []
    for version in ("parties", "government", "internal"):
        rss_before = _rss_mb()
        started = time.perf_counter()
        ((run, _started),) = services.report_start(
            year=year, versions=[version], actor=secretariat
        )
        run = services.report_build(run.pk)
        seconds = time.perf_counter() - started
        assert run.status == ReportStatus.DONE, run.error_message
        rows.append(
            (version, seconds, run.pages, run.pdf_size, run.xlsx_size,
             _rss_mb() - rss_before, _rss_mb())
        )  # fmt: skip

    ((run, _started),) = services.report_start(
        year=year, versions=["parties"], actor=secretariat
    )
    tracemalloc.start()
    services.report_build(run.pk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert ReportRun.objects.get(pk=run.pk).status == ReportStatus.DONE

    header = (
        f"{'version':<11} {'seconds':>8} {'pages':>6} {'PDF kB':>8} {'XLSX kB':>8} "
        f"{'RSS growth MB':>13} {'RSS MB':>7}"
    )
    lines = [
        "",
        f"yearly report of year {YEARS}: {COMPANIES:,} companies, "
        f"{counts['assessments']:,} assessments, {counts['plans']:,} plans, "
        f"{counts['locations']:,} locations (loaded in {load_s:.1f} s)",
        header,
        "-" * len(header),
    ]
    for version, seconds, pages, pdf_size, xlsx_size, growth, rss in rows:
        lines.append(
            f"{version:<11} {seconds:>8.2f} {pages:>6} {pdf_size / 1024:>8.1f} "
            f"{xlsx_size / 1024:>8.1f} {growth:>13.1f} {rss:>7.1f}"
        )
    lines.append(
        f"peak Python memory of one build (tracemalloc): {peak / (1024 * 1024):.1f} MB"
    )
    print("\n".join(lines))
