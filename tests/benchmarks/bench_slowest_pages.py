"""Which pages are the slowest, for whom, and why.

The world: the demo (`seed_demo`: every role's account, meetings, decisions, modules,
grants, releases, ...) grown with the five agreement years of 1,000 more companies of
bench_yearly_report (an assessment with a first and final judgement, a plan of approach
and a production-location list of 5 to 40 locations per company per year: 5,000
assessments, 5,000 plans, about 110,000 locations). The NGO is also granted insight into
a hundred of those companies.

Signed in as each of five roles (secretariat, company admin, NGO with grants, Kerngroep
member, government), every page of PAGES the role may open (answers 200) is requested a
few times with Django's test client, in process: the table lists page, role, queries and
median milliseconds, slowest first. The three slowest are then profiled with
pyinstrument and the top frames of each profile printed, so that the cause is in the
output. Nothing about time is asserted. Run with `make bench`, or alone:

    .venv/bin/python -m pytest tests/benchmarks/bench_slowest_pages.py -m bench -s \
        -p no:randomly -p no:xdist

BENCH_REPORT_COMPANIES sets the number of companies added to the demo (default 1,000).
"""

from __future__ import annotations

import io
import logging
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from convenant.models import AgreementYear
from convenant.reports.models import ReportRun
from governance.models import (
    AccessionApplication,
    AgendaItem,
    Complaint,
    ConfidentialityAgreement,
    Decision,
    KerngroepSeat,
    Meeting,
    Module,
    Organisation,
    Removal,
    User,
    WithdrawalNotice,
    YearlyDocumentKind,
)
from ketenkaart.models import (
    AreaRequest,
    Location,
    LocationImport,
    LocationList,
    LocationRelease,
    RestrictedDisclosure,
    SupplierReport,
)
from monitoring.models import (
    Assessment,
    CompanyInsightGrant,
    Framework,
    ImprovementTalk,
    RiskEntry,
    Round,
)
from monitoring.services import insight
from tests.benchmarks.bench_yearly_report import COMPANIES, five_years_of_data

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

SEED = 20261122
REQUESTS = 3
PROFILED = 3
PROFILE_LINES = 40
FLAT_LINES = 15
INSIGHT_GRANTS = 100

ROLES = {
    "secretariat": "secretariaat@convenant.test",
    "company admin": "bedrijf@convenant.test",
    "NGO": "ngo@convenant.test",
    "Kerngroep": "kerngroep@convenant.test",
    "government": "overheid@convenant.test",
}

# URL names answering GET that are not pages a person reads: files, exports, htmx
# status fragments polled while a job runs, and forms that only confirm one action.
NOT_PAGES = frozenset(
    {
        "health",
        "set_language",
        "governance:invitation_accept",
        "governance:organisation_import_template",
        "governance:organisation_export",
        "governance:contribution_export",
        "governance:agenda_document_download",
        "governance:accession_letter",
        "governance:confidentiality_revoke",
        "governance:confidentiality_scan",
        "governance:module_participation_end",
        "governance:yearly_document_file",
        "governance:decision_close",
        "governance:meeting_pack_status",
        "governance:meeting_pack_download",
        "governance:meeting_outline_pack_status",
        "governance:meeting_outline_pack_download",
        "reports:report_year_status",
        "reports:report_download",
        "monitoring:framework_download",
        "monitoring:answer_save",
        "monitoring:evidence_download",
        "monitoring:plan_file",
        "monitoring:insight_grant_revoke",
        "ketenkaart:location_delete",
        "ketenkaart:list_export",
        "ketenkaart:import_template",
        "ketenkaart:import_progress",
        "ketenkaart:company_export",
        "ketenkaart:release_status",
        "ketenkaart:release_download",
        "ketenkaart:release_exact",
    }
)


@dataclass
class World:
    """The objects the pages are opened on: the largest or busiest of each kind."""

    company: Organisation  # a company of the 1,000, with five years of data
    own_company: Organisation  # the company admin's company (the demo's)
    year: AgreementYear  # the agreement year of "today"
    location_year: int


def _pk(queryset) -> list[dict]:
    obj = queryset.first()
    return [] if obj is None else [{"pk": obj.pk}]


def _busiest(model, children: str) -> list[dict]:
    return _pk(model.objects.annotate(n=Count(children)).order_by("-n", "-pk"))


# url name -> the kwargs to try, in order; a role gets the first that answers 200.
Options = Callable[[World], list[dict]]
PAGES: dict[str, Options] = {
    "dashboard": lambda w: [{}],
    "convenant:calendar": lambda w: [{}],
    "convenant:agreement_update": lambda w: [{}],
    "convenant:year_update": lambda w: [{"pk": w.year.pk}],
    "convenant:audit_log": lambda w: [{}],
    "governance:organisation_list": lambda w: [{}],
    "governance:organisation_create": lambda w: [{}],
    "governance:organisation_detail": lambda w: [
        {"pk": w.company.pk},
        {"pk": w.own_company.pk},
    ],
    "governance:organisation_update": lambda w: [
        {"pk": w.company.pk},
        {"pk": w.own_company.pk},
    ],
    "governance:organisation_invite": lambda w: [
        {"pk": w.company.pk},
        {"pk": w.own_company.pk},
    ],
    "governance:organisation_import": lambda w: [{}],
    "governance:finance": lambda w: [{}],
    "governance:fte_bands": lambda w: [{}],
    "governance:governance_overview": lambda w: [{}],
    "governance:seat_list": lambda w: [{}],
    "governance:seat_assign": lambda w: [{}],
    "governance:seat_representatives": lambda w: _pk(KerngroepSeat.objects),
    "governance:chair_term_create": lambda w: [{}],
    "governance:meeting_list": lambda w: [{}],
    "governance:meeting_create": lambda w: [{}],
    "governance:meeting_detail": lambda w: _busiest(Meeting, "items"),
    "governance:meeting_update": lambda w: _busiest(Meeting, "items"),
    "governance:meeting_minutes": lambda w: _busiest(Meeting, "items"),
    "governance:agenda_item_create": lambda w: _busiest(Meeting, "items"),
    "governance:agenda_item_update": lambda w: _busiest(AgendaItem, "documents"),
    "governance:agenda_document_upload": lambda w: _busiest(AgendaItem, "documents"),
    "governance:meeting_guest_propose": lambda w: _busiest(Meeting, "items"),
    "governance:meeting_pack": lambda w: _busiest(Meeting, "items"),
    "governance:meeting_outline_pack": lambda w: _busiest(Meeting, "items"),
    "governance:decision_list": lambda w: [{}],
    "governance:decision_create": lambda w: [{}],
    "governance:decision_detail": lambda w: _busiest(Decision, "votes"),
    "governance:decision_votes": lambda w: _busiest(Decision, "votes"),
    "governance:decision_vote": lambda w: _busiest(Decision, "votes"),
    "governance:assembly_vote": lambda w: _pk(Decision.objects.order_by("-pk")),
    "governance:accession_apply": lambda w: [{}],
    "governance:accession_applied": lambda w: [{}],
    "governance:accession_list": lambda w: [{}],
    "governance:accession_detail": lambda w: _pk(
        AccessionApplication.objects.order_by("-pk")
    ),
    "governance:supporter_texts": lambda w: [{}],
    "governance:signature_list": lambda w: [{}],
    "governance:organisation_signatures": lambda w: [
        {"pk": w.company.pk},
        {"pk": w.own_company.pk},
    ],
    "governance:confidentiality_list": lambda w: [{}],
    "governance:confidentiality_create": lambda w: [{}],
    "governance:confidentiality_own": lambda w: [{}],
    "governance:confidentiality_sign": lambda w: [{}],
    "governance:confidentiality_detail": lambda w: _pk(
        ConfidentialityAgreement.objects.order_by("-pk")
    ),
    "governance:module_list": lambda w: [{}],
    "governance:module_create": lambda w: [{}],
    "governance:module_detail": lambda w: _busiest(Module, "participations"),
    "governance:module_update": lambda w: _busiest(Module, "participations"),
    "governance:module_participant_add": lambda w: _busiest(Module, "participations"),
    "governance:yearly_document_index": lambda w: [{}],
    "governance:yearly_document_year": lambda w: [{"year": w.year.number}],
    "governance:yearly_document_edit": lambda w: [
        {"year": w.year.number, "kind": YearlyDocumentKind.PROGRESS_REPORT}
    ],
    "governance:withdrawal_list": lambda w: [{}],
    "governance:withdrawal_create": lambda w: [{"pk": w.own_company.pk}],
    "governance:withdrawal_detail": lambda w: _pk(
        WithdrawalNotice.objects.order_by("-pk")
    ),
    "governance:removal_list": lambda w: [{}],
    "governance:removal_create": lambda w: [{}],
    "governance:removal_detail": lambda w: _pk(Removal.objects.order_by("-pk")),
    "governance:complaint_list": lambda w: [{}],
    "governance:complaint_create": lambda w: [{}],
    "governance:complaint_detail": lambda w: _pk(Complaint.objects.order_by("-pk")),
    "governance:news_list": lambda w: [{}],
    "governance:news_create": lambda w: [{}],
    "reports:report_list": lambda w: [{}],
    "reports:report_year": lambda w: [
        {"pk": pk}
        for pk in ReportRun.objects.order_by("-pk").values_list("year", flat=True)[:1]
    ],
    "reminders:reminder_list": lambda w: [{}],
    "reminders:reminder_overview": lambda w: [{}],
    "monitoring:framework_list": lambda w: [{}],
    "monitoring:framework_upload": lambda w: [{}],
    "monitoring:framework_detail": lambda w: _pk(Framework.objects.order_by("pk")),
    "monitoring:round_list": lambda w: [{}],
    "monitoring:round_create": lambda w: [{}],
    "monitoring:round_detail": lambda w: _busiest(Round, "assessments"),
    "monitoring:round_update": lambda w: _busiest(Round, "assessments"),
    "monitoring:round_invite": lambda w: _pk(Round.objects.order_by("-pk")),
    "monitoring:overview": lambda w: [{}],
    "monitoring:ledger": lambda w: [{"pk": w.company.pk}],
    "monitoring:assessment_list": lambda w: [{}],
    "monitoring:assessment_profile": lambda w: _own_assessment(w),
    "monitoring:assessment_step": lambda w: [
        {**kwargs, "step": "2"} for kwargs in _own_assessment(w)
    ],
    "monitoring:assessment_review": lambda w: _own_assessment(w),
    "monitoring:assessment_result": lambda w: _judged_assessment(w),
    "monitoring:talk_queue": lambda w: [{}],
    "monitoring:talk_create": lambda w: _judged_assessment(w),
    "monitoring:talk_list": lambda w: [
        {"pk": pk}
        for pk in ImprovementTalk.objects.order_by("-pk").values_list(
            "assessment", flat=True
        )[:1]
    ],
    "monitoring:talk_detail": lambda w: _pk(ImprovementTalk.objects.order_by("-pk")),
    "monitoring:talk_update": lambda w: _pk(ImprovementTalk.objects.order_by("-pk")),
    "monitoring:assessment_review_secretariat": lambda w: _judged_assessment(w),
    "monitoring:clarification_list": lambda w: _judged_assessment(w),
    "monitoring:plan_list": lambda w: [{}],
    "monitoring:plan_overview": lambda w: [{}],
    "monitoring:plan_edit": lambda w: [{"year": w.year.number}],
    "monitoring:company_plan": lambda w: [{"pk": w.company.pk, "year": w.year.number}],
    "monitoring:risk_list": lambda w: [{"year": w.year.number}],
    "monitoring:risk_create": lambda w: [{"year": w.year.number}],
    "monitoring:risk_update": lambda w: _pk(
        RiskEntry.objects.filter(organisation=w.own_company).order_by("-pk")
    ),
    "monitoring:insight_list": lambda w: [{}],
    "monitoring:insight_company": lambda w: [
        {"pk": pk}
        for pk in CompanyInsightGrant.objects.order_by("pk").values_list(
            "content_object", flat=True
        )[:1]
    ],
    "monitoring:insight_grant_list": lambda w: [{}],
    "monitoring:insight_grant_create": lambda w: [{}],
    "monitoring:insight_grant_module": lambda w: [{}],
    "monitoring:insight_access_log": lambda w: [{}],
    "ketenkaart:list_index": lambda w: [{}],
    "ketenkaart:list_detail": lambda w: [{"year": w.location_year}],
    "ketenkaart:location_create": lambda w: [{"year": w.location_year}],
    "ketenkaart:location_update": lambda w: _pk(
        Location.objects.filter(location_list__company=w.own_company).order_by("-pk")
    ),
    "ketenkaart:import_upload": lambda w: [{"year": w.location_year}],
    "ketenkaart:import_detail": lambda w: _pk(LocationImport.objects.order_by("-pk")),
    "ketenkaart:overview": lambda w: [{}],
    "ketenkaart:company_list": lambda w: [
        {"pk": w.company.pk, "year": w.location_year},
        {"pk": w.own_company.pk, "year": w.location_year},
    ],
    "ketenkaart:release_index": lambda w: [{}],
    "ketenkaart:release_detail": lambda w: _pk(LocationRelease.objects.order_by("-pk")),
    "ketenkaart:disclosure_rules": lambda w: [{}],
    "ketenkaart:restriction_list": lambda w: [{}],
    "ketenkaart:restriction_decide": lambda w: _pk(
        RestrictedDisclosure.objects.order_by("-pk")
    ),
    "ketenkaart:area_request_list": lambda w: [{}],
    "ketenkaart:area_request_create": lambda w: [{}],
    "ketenkaart:area_request_detail": lambda w: _pk(
        AreaRequest.objects.order_by("-pk")
    ),
    "ketenkaart:area_request_decide": lambda w: _pk(
        AreaRequest.objects.order_by("-pk")
    ),
    "ketenkaart:expertise_list": lambda w: [{}],
    "ketenkaart:expertise_edit": lambda w: [{}],
    "ketenkaart:supplier_report_list": lambda w: [{}],
    "ketenkaart:supplier_report_create": lambda w: [{}],
    "ketenkaart:supplier_report_detail": lambda w: _pk(
        SupplierReport.objects.order_by("-pk")
    ),
    "ketenkaart:supplier_report_match": lambda w: _pk(
        SupplierReport.objects.order_by("-pk")
    ),
    "ketenkaart:supplier_report_evidence": lambda w: _pk(
        SupplierReport.objects.order_by("-pk")
    ),
}


def _own_assessment(world: World) -> list[dict]:
    """The company admin's assessment of the open round (the questionnaire)."""
    return _pk(
        Assessment.objects.filter(organisation=world.own_company).order_by(
            "-round__agreement_year__number", "-pk"
        )
    )


def _judged_assessment(world: World) -> list[dict]:
    """A judged assessment with answers: the demo's, which the secretariat reviews and
    the company admin reads the result of."""
    return _pk(
        Assessment.objects.filter(organisation=world.own_company)
        .exclude(submitted_at=None)
        .order_by("round__agreement_year__number", "pk")
    )


def get_pages() -> set[str]:
    """Every URL name of the platform's own apps that answers GET."""
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name in {"admin"} or str(pattern.pattern) in {
                    "accounts/",
                    "i18n/",
                }:
                    continue
                walk(
                    pattern,
                    namespace + (f"{pattern.namespace}:" if pattern.namespace else ""),
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                view = getattr(pattern.callback, "view_class", None)
                if view is None or hasattr(view, "get"):
                    names.add(namespace + pattern.name)

    walk(get_resolver(), "")
    return names


def build_world() -> tuple[World, dict[str, int]]:
    started = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    print(f"\ndemo loaded in {time.perf_counter() - started:.1f} s")
    secretariat = User.objects.get(email=ROLES["secretariat"])
    started = time.perf_counter()
    counts = five_years_of_data(random.Random(SEED), secretariat)
    print(
        f"five years of {COMPANIES:,} companies in {time.perf_counter() - started:.1f} s"
    )
    own_company = User.objects.get(email=ROLES["company admin"]).organisation
    ngo = User.objects.get(email=ROLES["NGO"]).organisation
    newest_round = Round.objects.order_by("-agreement_year__number", "-pk").first()
    company = (
        Organisation.objects.filter(assessments__round=newest_round)
        .exclude(pk=own_company.pk)
        .order_by("pk")
        .first()
    )
    granted = 0
    for other in Organisation.objects.filter(assessments__round=newest_round).order_by(
        "pk"
    )[:INSIGHT_GRANTS]:
        insight.insight_grant(organisation=ngo, company=other, actor=secretariat)
        granted += 1
    counts["insight grants"] = granted
    if connection.vendor == "postgresql":
        # The rows are not committed, so autovacuum has not seen them: without fresh
        # statistics the planner takes every table for empty, unlike in production.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    year = (
        AgreementYear.objects.filter(starts_on__lte=timezone.localdate())
        .order_by("-number")
        .first()
    )
    location_year = (
        LocationList.objects.filter(company=own_company).aggregate(y=Max("year"))["y"]
        or year.starts_on.year
    )
    return World(company, own_company, year, location_year), counts


@dataclass(frozen=True)
class Row:
    page: str
    role: str
    url: str
    queries: int
    median_ms: float


def measure(client: Client, page: str, role: str, url: str) -> Row:
    """The page has answered once already (the warm-up); the first timed request also
    counts the queries."""
    timings = []
    for index in range(REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        if index == 0:
            # Read now: every request starts by emptying the connection's query log.
            queries = len(captured)
    return Row(page, role, url, queries, statistics.median(timings))


def profile(client: Client, url: str) -> str:
    """The call tree down to the project's code (Django's own frames folded), then the
    functions that spent the most time themselves: the template tags, filters, database
    waits or model constructors that make the page slow."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    client.get(url)
    profiler.stop()
    tree = profiler.output_text(unicode=False, color=False, show_all=False)
    flat = profiler.output_text(unicode=False, color=False, flat=True, flat_time="self")
    tree_lines = [line for line in tree.splitlines() if line.strip()]
    flat_lines = [line for line in flat.splitlines() if line.strip()]
    return "\n".join(
        [
            *tree_lines[3:PROFILE_LINES],
            "  most time spent in (self):",
            *(f"  {line}" for line in flat_lines[4 : 4 + FLAT_LINES]),
        ]
    )


@pytest.fixture
def quiet_refusals():
    """A role is refused most pages of the others: no warning for each."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def test_the_slowest_pages(settings, quiet_refusals):
    # Two-factor authentication is not what is measured; the demo accounts have none.
    settings.CONVENANT_REQUIRE_MFA = False
    started = time.perf_counter()
    world, counts = build_world()
    load_s = time.perf_counter() - started

    unclassified = get_pages() - set(PAGES) - NOT_PAGES
    assert not unclassified, f"pages neither measured nor set aside: {unclassified}"

    candidates = {name: options(world) for name, options in PAGES.items()}
    rows: list[Row] = []
    unreached: set[str] = set(PAGES)
    for role, email in ROLES.items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        for name, options in candidates.items():
            for kwargs in options:
                url = reverse(name, kwargs=kwargs)
                if client.get(url).status_code != 200:
                    continue
                rows.append(measure(client, name, role, url))
                unreached.discard(name)
                break
    rows.sort(key=lambda row: row.median_ms, reverse=True)

    header = f"{'page':<44} {'role':<13} {'queries':>7} {'median ms':>9}"
    lines = [
        "",
        f"slowest pages ({connection.vendor} database): the demo and "
        f"{COMPANIES:,} companies over five years ({counts['assessments']:,} "
        f"assessments, {counts['plans']:,} plans, {counts['locations']:,} locations, "
        f"{counts['insight grants']} insight grants; loaded in {load_s:.0f} s); "
        f"median of {REQUESTS} requests",
        header,
        "-" * len(header),
    ]
    lines += [
        f"{row.page:<44} {row.role:<13} {row.queries:>7} {row.median_ms:>9.1f}"
        for row in rows
    ]
    if unreached:
        lines.append(f"not reached by any role: {', '.join(sorted(unreached))}")
    print("\n".join(lines))

    for row in rows[:PROFILED]:
        client = Client()
        client.force_login(User.objects.get(email=ROLES[row.role]))
        print(f"\nprofile of {row.page} as {row.role} ({row.url}):")
        print(profile(client, row.url))
    assert rows
