"""The kinds of request of the load scenario (tests/load/locustfile.py), each with an
example URL. The locustfile names every request after one of these; the smoke test
(tests/load/test_locustfile.py) checks that each example resolves in the load URLconf.
Plain data: importing it loads neither locust nor Django."""

from __future__ import annotations

PAGES = {
    "minimal view": "/load/minimal/",
    "sign in: form": "/accounts/login/",
    "sign in": "/accounts/login/",
    "dashboard": "/",
    "company: assessments": "/monitoring/assessments/",
    "company: step": "/monitoring/assessments/1/steps/2/",
    "company: save answer": "/monitoring/assessments/1/answers/2.1/",
    "company: review": "/monitoring/assessments/1/review/",
    "company: locations": "/ketenkaart/",
    "company: location list": "/ketenkaart/lists/2026/",
    "company: upload form": "/ketenkaart/lists/2026/import/",
    "company: upload locations": "/ketenkaart/lists/2026/import/",
    "company: import check": "/ketenkaart/imports/1/",
    "company: confirm import": "/ketenkaart/imports/1/confirm/",
    "secretariat: organisations": "/organisations/",
    "secretariat: organisation": "/organisations/1/",
    "secretariat: monitoring overview": "/monitoring/overview/",
    "secretariat: rounds": "/monitoring/rounds/",
    "secretariat: round": "/monitoring/rounds/1/",
    "secretariat: assessment review": "/monitoring/assessments/1/secretariat-review/",
    "secretariat: plans overview": "/monitoring/plans/overview/",
    "secretariat: location lists": "/ketenkaart/companies/",
    "secretariat: company location list": "/ketenkaart/companies/1/2026/",
    "secretariat: audit log": "/audit-log/",
    "ngo: insight": "/monitoring/insight/",
    "ngo: insight company": "/monitoring/insight/companies/1/",
    "kerngroep: meetings": "/meetings/",
    "kerngroep: meeting": "/meetings/1/",
    "kerngroep: pack page": "/meetings/1/pack/",
    "kerngroep: pack PDF": "/meetings/1/pack/download/",
    "kerngroep: outline pack PDF": "/meetings/1/outline-pack/download/",
}

# Requests whose answers are PDF files: reported, but not held to the page target.
PDF_NAMES = frozenset({"kerngroep: pack PDF", "kerngroep: outline pack PDF"})
