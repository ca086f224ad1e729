"""Factories of the monitoring tool, shared by every monitoring test.

- FrameworkFactory loads tests/monitoring/data/framework.yaml (the small test framework,
  code "test", three steps, eight questions); `FrameworkFactory(default=True)` loads the
  shipped monitoring/frameworks/metals-v1.yaml. The same code and version give the same
  row (get-or-create).
- RoundFactory: an open baseline round in agreement year 1 with the test framework.
- AssessmentFactory: an invited company's assessment in a round.
- ScoreRecordFactory: a judgement as the ledger keeps it; `steps` gives each step's
  {"score", "level"} (by default every step of the framework at the final score).
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import factory
from django.conf import settings

from convenant.models import AgreementYear
from monitoring.framework import (
    framework_to_dict,
    load_framework_yaml,
    thresholds_to_dict,
)
from monitoring.models import (
    Assessment,
    AssessmentStatus,
    Framework,
    Round,
    RoundKind,
    RoundStatus,
    ScoreKind,
    ScoreRecord,
    Signal,
)
from tests.governance.factories import OrganisationFactory, UserFactory

DATA = Path(__file__).parent / "data"
TEST_FRAMEWORK_YAML = (DATA / "framework.yaml").read_text(encoding="utf-8")
DEFAULT_FRAMEWORK_YAML = (
    Path(settings.BASE_DIR) / "monitoring" / "frameworks" / "metals-v1.yaml"
).read_text(encoding="utf-8")


@cache
def _framework_data(source: str) -> dict[str, Any]:
    return framework_to_dict(load_framework_yaml(source))


def framework_data(source: str) -> dict[str, Any]:
    """The framework in the YAML `source` as stored in Framework.data (a fresh copy)."""
    return copy.deepcopy(_framework_data(source))


def agreement_year(number: int = 1) -> AgreementYear:
    """A year of the agreement the data migration creates."""
    return AgreementYear.objects.get(agreement__code="metaal-2025-2029", number=number)


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ("code", "version")

    class Params:
        default = factory.Trait(source=DEFAULT_FRAMEWORK_YAML)

    source = TEST_FRAMEWORK_YAML
    code = factory.LazyAttribute(lambda o: _framework_data(o.source)["code"])
    version = factory.LazyAttribute(lambda o: _framework_data(o.source)["version"])
    title = factory.LazyAttribute(lambda o: dict(_framework_data(o.source)["title"]))
    data = factory.LazyAttribute(
        lambda o: {**framework_data(o.source), "code": o.code, "version": o.version}
    )


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    agreement_year = factory.LazyFunction(agreement_year)
    kind = RoundKind.BASELINE
    name = factory.Sequence(lambda n: f"Nulmeting {n}")
    framework = factory.SubFactory(FrameworkFactory)
    opens_on = dt.date(2026, 3, 2)
    closes_on = dt.date(2026, 6, 30)
    status = RoundStatus.OPEN
    created_by = factory.SubFactory(
        UserFactory,
        organisation=factory.SubFactory(
            OrganisationFactory, secretariat=True, name="Secretariaat"
        ),
    )


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    round = factory.SubFactory(RoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = AssessmentStatus.INVITED


def _steps(o) -> dict[str, dict[str, Any]]:
    score = None if o.final_score is None else float(o.final_score)
    return {
        step["code"]: {"score": score, "level": o.level}
        for step in o.framework.data["steps"]
    }


class ScoreRecordFactory(factory.django.DjangoModelFactory):
    """A judgement; give `final_score`, `level`, `signal` and, optionally, `steps`."""

    class Meta:
        model = ScoreRecord

    class Params:
        steps = factory.LazyAttribute(_steps)

    assessment = factory.SubFactory(
        AssessmentFactory, status=AssessmentStatus.SUBMITTED
    )
    kind = ScoreKind.FIRST
    framework = factory.LazyAttribute(lambda o: o.assessment.round.framework)
    final_score = Decimal("50.0")
    exact_score = factory.LazyAttribute(
        lambda o: "" if o.final_score is None else str(o.final_score)
    )
    level = 3
    signal = Signal.ORANGE
    result = factory.LazyAttribute(
        lambda o: {
            "final_score": None if o.final_score is None else float(o.final_score),
            "level": o.level,
            "signal": o.signal,
            "steps": o.steps,
            "insufficient": [],
            "unsubstantiated": [],
            "critical_failed": [],
            "advice": [],
            "modules": {"mandatory": [], "advised": []},
        }
    )
    thresholds = factory.LazyAttribute(
        lambda o: thresholds_to_dict(o.framework.parsed.signal)
    )
