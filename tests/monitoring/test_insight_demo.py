"""The demo gives the demo NGO insight into companies of its risk module, once."""

from __future__ import annotations

import pytest

from convenant.models import AuditEntry
from monitoring.demo import INSIGHT_COMPANIES, INSIGHT_NGO, seed_insight
from monitoring.models import CompanyInsightGrant
from tests.conftest import make_person
from tests.governance.factories import (
    ModuleFactory,
    ModuleParticipationFactory,
    OrganisationFactory,
)
from tests.monitoring.insight_world import entitle

pytestmark = pytest.mark.django_db


def test_the_demo_grants_the_module_and_one_company_once():
    secretariat = make_person("secretariat")
    ngo = OrganisationFactory(name=INSIGHT_NGO, ngo=True)
    module = ModuleFactory(code="R2", kind="risk", updated_by=secretariat)
    entitle(ngo, secretariat, module=module)
    in_module = OrganisationFactory(name="Noordelijke Koperwalserij B.V.")
    ModuleParticipationFactory(
        module=module, organisation=in_module, added_by=secretariat
    )
    own = OrganisationFactory(name=INSIGHT_COMPANIES[0])
    seed_insight(secretariat=secretariat)
    grants = CompanyInsightGrant.objects.filter(organisation=ngo)
    assert {(g.content_object_id, g.module_id) for g in grants} == {
        (in_module.pk, module.pk),
        (own.pk, None),
    }
    seed_insight(secretariat=secretariat)
    assert CompanyInsightGrant.objects.count() == 2
    assert AuditEntry.objects.filter(action="insight.grant").count() == 2


def test_without_an_entitled_ngo_the_demo_grants_nothing():
    secretariat = make_person("secretariat")
    OrganisationFactory(name=INSIGHT_NGO, ngo=True)
    ModuleFactory(code="R2", kind="risk", updated_by=secretariat)
    seed_insight(secretariat=secretariat)
    assert not CompanyInsightGrant.objects.exists()
