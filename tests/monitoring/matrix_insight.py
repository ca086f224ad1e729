"""Permission-matrix rows of NGO insight (art. 13; see tests/matrix.py).

The world's own NGO or union (the requesting person's organisation for the ngo and union
roles) is entitled: a valid NDA and a running module it takes part in; it holds insight
into the own company and not into the other company, which takes part in the module."""

from __future__ import annotations

from collections.abc import Callable

from monitoring.models import CompanyInsightGrant
from monitoring.services import insight as services
from tests.governance.factories import (
    ConfidentialityAgreementFactory,
    ModuleFactory,
    ModuleParticipationFactory,
)
from tests.matrix import (
    COMPANY,
    NGO_UNION,
    Redirect,
    Row,
    World,
    only,
    secretariat_only,
)

TO_GRANTS = Redirect("monitoring:insight_grant_list")

ROWS: tuple[Row, ...] = (
    Row("monitoring:insight_list", "GET", only(NGO_UNION, 200, 403)),
    Row(
        "monitoring:insight_company",
        "GET",
        only(NGO_UNION, 200, 403),
        target="insight_company",
    ),
    Row(
        "monitoring:insight_company",
        "GET",
        only(NGO_UNION, 404, 403),
        target="insight_other_company",
    ),
    Row("monitoring:insight_grant_list", "GET", secretariat_only()),
    Row("monitoring:insight_grant_create", "GET", secretariat_only()),
    Row(
        "monitoring:insight_grant_create",
        "POST",
        secretariat_only(TO_GRANTS),
        data="insight_grant",
    ),
    Row("monitoring:insight_grant_module", "GET", secretariat_only()),
    Row(
        "monitoring:insight_grant_module",
        "POST",
        secretariat_only(TO_GRANTS),
        data="insight_grant_module",
    ),
    Row(
        "monitoring:insight_grant_revoke",
        "GET",
        secretariat_only(),
        target="insight_grant",
    ),
    Row(
        "monitoring:insight_grant_revoke",
        "POST",
        secretariat_only(TO_GRANTS),
        target="insight_grant",
    ),
    Row("monitoring:insight_access_log", "GET", only(COMPANY, 200, 403)),
)


def _grant_data(world: World) -> dict:
    return {
        "organisation": world.context["own_ngo"].pk,
        "company": world.context["other_company"].pk,
    }


def _module_grant_data(world: World) -> dict:
    return {
        "organisation": world.context["own_ngo"].pk,
        "module": world.context["insight_module"].pk,
    }


DATA: dict[str, Callable[[World], dict]] = {
    "insight_grant": _grant_data,
    "insight_grant_module": _module_grant_data,
}
WATCHED: tuple = (CompanyInsightGrant,)
CREATED: dict = {}


def build(world: World) -> None:
    secretariat = world.context["secretariat_person"]
    ngo = world.context["own_ngo"]
    # An NDA of an earlier text, signed on paper: the NGO may still sign the current
    # text in the platform (the confidentiality rows do).
    ConfidentialityAgreementFactory(
        organisation=ngo, nda=True, text_version="2024-2", recorded_by=secretariat
    )
    module = ModuleFactory(code="R7", kind="risk", updated_by=secretariat)
    for organisation in (ngo, world.context["other_company"]):
        ModuleParticipationFactory(
            module=module, organisation=organisation, added_by=secretariat
        )
    grant = services.insight_grant(
        organisation=ngo, company=world.context["own_company"], actor=secretariat
    )
    world.context["insight_module"] = module
    world.targets.update(
        {
            "insight_company": {"pk": world.context["own_company"].pk},
            "insight_other_company": {"pk": world.context["other_company"].pk},
            "insight_grant": {"pk": grant.pk},
        }
    )
