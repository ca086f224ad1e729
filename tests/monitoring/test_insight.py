"""NGO insight (art. 13): who may see which company, what they see and never see, how
grants are made, revoked and lapse, and the company's access log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from governance.models import ConfidentialityAgreement, ModuleParticipation
from monitoring import permissions
from monitoring.models import CompanyInsightGrant, ScoreKind
from monitoring.selectors import insight as selectors
from monitoring.services import insight as services
from monitoring.tasks import lapse_insight_grants
from tests.conftest import make_person
from tests.governance.factories import (
    ModuleFactory,
    ModuleParticipationFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.monitoring.factories import ScoreRecordFactory
from tests.monitoring.insight_world import (
    MARKERS,
    PLAN_ACTIONS,
    PLAN_RISKS,
    VISIBLE_ADVICE,
    entitle,
    insight_world,
    judged_company,
    raw_grant,
    yesterday,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def _page(client, person, company):
    client.force_login(person)
    return client.get(reverse("monitoring:insight_company", args=[company.pk]))


# --- Entitlement: every combination --------------------------------------------------------


def test_an_entitled_ngo_with_a_grant_sees_the_company(client):
    world = insight_world()
    response = _page(client, world.person, world.company)
    assert response.status_code == 200
    assert world.company.name in response.content.decode()


def test_without_a_grant_the_company_is_not_found(client):
    world = insight_world(grant=False)
    assert _page(client, world.person, world.company).status_code == 404
    assert not AuditEntry.objects.filter(action="insight.view").exists()


def test_without_an_nda_nothing_is_seen(client):
    world = insight_world()
    ConfidentialityAgreement.objects.filter(organisation=world.ngo).delete()
    assert _page(client, world.person, world.company).status_code == 404
    response = client.get(reverse("monitoring:insight_list"))
    assert response.context["entitlement"].nda_valid is False
    assert "holds no valid non-disclosure agreement" in response.content.decode()
    assert world.company.name not in response.content.decode()


def test_with_an_expired_nda_nothing_is_seen(client):
    world = insight_world()
    ConfidentialityAgreement.objects.filter(organisation=world.ngo).update(
        valid_until=yesterday()
    )
    assert _page(client, world.person, world.company).status_code == 404


def test_a_clause_is_not_an_nda(client):
    world = insight_world()
    ConfidentialityAgreement.objects.filter(organisation=world.ngo).update(
        kind="clause"
    )
    assert _page(client, world.person, world.company).status_code == 404


def test_without_a_module_nothing_is_seen(client):
    world = insight_world()
    ModuleParticipation.objects.filter(organisation=world.ngo).update(
        ends_on=yesterday()
    )
    assert _page(client, world.person, world.company).status_code == 404
    response = client.get(reverse("monitoring:insight_list"))
    assert "takes part in no module today" in response.content.decode()


def test_an_ngo_that_is_no_active_party_sees_nothing(client):
    world = insight_world()
    type(world.ngo).objects.filter(pk=world.ngo.pk).update(status="withdrawn")
    assert _page(client, world.person, world.company).status_code == 404
    response = client.get(reverse("monitoring:insight_list"))
    assert "not an active party" in response.content.decode()


def test_another_company_is_not_found(client):
    world = insight_world()
    other, _owner = judged_company("Andere Metaal B.V.")
    assert _page(client, world.person, other.organisation).status_code == 404


def test_a_colleague_without_group_membership_sees_the_grant(client):
    """Grants belong to the organisation; its people are not in the group."""
    world = insight_world()
    colleague = UserFactory(organisation=world.ngo)
    assert not colleague.groups.exists()
    assert _page(client, colleague, world.company).status_code == 200


def test_a_person_of_another_ngo_does_not_see_the_grant(client):
    world = insight_world()
    other = make_person("ngo")
    entitle(other.organisation, world.secretariat)
    assert _page(client, other, world.company).status_code == 404


@pytest.mark.parametrize(
    "role",
    ["company_admin", "company_member", "branch", "kerngroep", "chair", "government"],
)
def test_other_roles_may_not_open_insight_pages(client, role):
    world = insight_world()
    client.force_login(make_person(role))
    url = reverse("monitoring:insight_company", args=[world.company.pk])
    assert client.get(url).status_code == 403
    assert client.get(reverse("monitoring:insight_list")).status_code == 403


def test_the_secretariat_has_no_ngo_page(client):
    world = insight_world()
    client.force_login(world.secretariat)
    url = reverse("monitoring:insight_company", args=[world.company.pk])
    assert client.get(url).status_code == 403


def test_a_union_is_entitled_like_an_ngo(client):
    world = insight_world(grant=False)
    union_person = make_person("union")
    entitle(union_person.organisation, world.secretariat)
    services.insight_grant(
        organisation=union_person.organisation,
        company=world.company,
        actor=world.secretariat,
    )
    assert _page(client, union_person, world.company).status_code == 200


def test_global_permission_does_not_open_every_company(client):
    """A model-level permission on the group gives nothing: accept_global_perms=False."""
    world = insight_world(grant=False)
    group = services.insight_group(world.ngo)
    group.permissions.add(services.insight_permission())
    assert _page(client, world.person, world.company).status_code == 404


# --- What the NGO sees ---------------------------------------------------------------------


def test_the_page_shows_only_the_permitted_fields(client):
    world = insight_world()
    response = _page(client, world.person, world.company)
    content = response.content.decode()
    for name, marker in MARKERS.items():
        assert marker not in content, name
    page = response.context["page"]
    record = world.assessment.scores.get(kind=ScoreKind.FIRST)
    assert page.final_score == record.final_score
    assert page.signal == record.signal
    assert page.level == record.level
    assert [step.code for step in page.steps] == ["2"]
    assert [(q.code, q.score) for q in page.questions] == [("2.1", Decimal("0.0"))]
    assert [line.text for line in page.advice] == [VISIBLE_ADVICE]
    assert VISIBLE_ADVICE in content
    assert "Identify risks" in content
    assert PLAN_RISKS in content
    assert PLAN_ACTIONS in content
    assert "Child labour" in content
    assert "Confidential: do not share." in content
    assert world.person.get_full_name() in content
    assert world.ngo.name in content


def test_the_page_carries_no_download_and_is_not_cached(client):
    world = insight_world()
    response = _page(client, world.person, world.company)
    content = response.content.decode()
    assert "download" not in content.lower()
    assert "plan_file" not in content
    assert "no-store" in response["Cache-Control"]


def test_question_scores_are_kept_with_new_judgements():
    world = insight_world()
    record = world.assessment.scores.get(kind=ScoreKind.FIRST)
    assert record.result["questions"]["2.1"] == {"score": 0.0}
    assert record.result["questions"]["1.1"] == {"score": 0.0}
    assert "1.4" not in record.result["questions"]


def test_question_scores_of_older_judgements_are_computed_at_read_time(client):
    world = insight_world()
    world.assessment.scores.all().delete()
    from monitoring.models import Answer

    Answer.objects.filter(assessment=world.assessment, question_code="2.1").update(
        value="yes"
    )
    record = ScoreRecordFactory(assessment=world.assessment, kind=ScoreKind.FINAL)
    assert "questions" not in record.result
    response = _page(client, world.person, world.company)
    assert [(q.code, q.score) for q in response.context["page"].questions] == [
        ("2.1", Decimal("100.0"))
    ]
    content = response.content.decode()
    for name, marker in MARKERS.items():
        if name.startswith("hidden_advice"):
            continue  # the factory's record has no advice at all
        assert marker not in content, name


def test_the_final_judgement_wins_over_the_first(client):
    world = insight_world()
    ScoreRecordFactory(
        assessment=world.assessment,
        kind=ScoreKind.FINAL,
        final_score=Decimal("77.0"),
        signal="green",
        level=4,
    )
    page = _page(client, world.person, world.company).context["page"]
    assert (page.final_score, page.signal, page.level) == (Decimal("77.0"), "green", 4)


def test_a_company_without_a_judgement_shows_its_plan_only(client):
    world = insight_world()
    world.assessment.scores.all().delete()
    response = _page(client, world.person, world.company)
    assert response.status_code == 200
    assert "no judgement yet" in response.content.decode()
    assert PLAN_RISKS in response.content.decode()


# --- Audit and the company's access log ----------------------------------------------------


def test_every_view_is_audited_for_the_company(client):
    world = insight_world()
    _page(client, world.person, world.company)
    _page(client, world.person, world.company)
    entries = AuditEntry.objects.filter(action="insight.view")
    assert entries.count() == 2
    entry = entries.first()
    assert entry.organisation_id == world.company.pk
    assert entry.actor_id == world.person.pk
    assert entry.details == {"viewer_id": world.ngo.pk, "viewer": world.ngo.name}


def test_the_company_sees_which_organisations_viewed_its_results(client):
    world = insight_world()
    _page(client, world.person, world.company)
    client.force_login(world.company_person)
    response = client.get(reverse("monitoring:insight_access_log"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.organisation for row in rows] == [world.ngo.name]
    assert response.context["holders"] == [world.ngo.name]
    content = response.content.decode()
    assert world.ngo.name in content
    assert world.person.email not in content
    assert world.person.last_name not in content


def test_a_company_does_not_see_views_of_another_company(client):
    world = insight_world()
    _page(client, world.person, world.company)
    other = make_person("company_member")
    client.force_login(other)
    response = client.get(reverse("monitoring:insight_access_log"))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert world.ngo.name not in response.content.decode()


def test_the_results_page_links_to_the_access_log(client):
    world = insight_world()
    client.force_login(world.company_person)
    response = client.get(
        reverse("monitoring:assessment_result", args=[world.assessment.pk])
    )
    assert reverse("monitoring:insight_access_log") in response.content.decode()


# --- Granting, revoking, lapsing -----------------------------------------------------------


def test_a_grant_is_a_guardian_object_permission_of_the_organisations_group():
    from guardian.core import ObjectPermissionChecker

    world = insight_world()
    grant = CompanyInsightGrant.objects.get()
    group = Group.objects.get(name=permissions.insight_group_name(world.ngo.pk))
    assert grant.group == group
    assert (grant.granted_by, grant.module) == (world.secretariat, None)
    checker = ObjectPermissionChecker(group)
    assert checker.has_perm("view_company_insight", world.company)
    entry = AuditEntry.objects.get(action="insight.grant")
    assert entry.organisation_id == world.company.pk


def test_the_secretariat_grants_through_the_form(client):
    world = insight_world(grant=False)
    client.force_login(world.secretariat)
    response = client.post(
        reverse("monitoring:insight_grant_create"),
        {"organisation": world.ngo.pk, "company": world.company.pk},
    )
    assert response.status_code == 302
    assert CompanyInsightGrant.objects.filter(
        organisation=world.ngo, content_object=world.company
    ).exists()


def test_a_grant_to_an_ngo_without_nda_is_refused_with_a_message(client):
    world = insight_world(grant=False)
    ConfidentialityAgreement.objects.filter(organisation=world.ngo).delete()
    client.force_login(world.secretariat)
    response = client.post(
        reverse("monitoring:insight_grant_create"),
        {"organisation": world.ngo.pk, "company": world.company.pk},
    )
    assert response.status_code == 422
    assert "needs a valid non-disclosure agreement" in response.content.decode()
    assert response.context["form"]["company"].value() == str(world.company.pk)
    assert not CompanyInsightGrant.objects.exists()


def test_a_second_grant_for_the_same_company_is_refused():
    world = insight_world()
    with pytest.raises(ValidationError):
        services.insight_grant(
            organisation=world.ngo, company=world.company, actor=world.secretariat
        )
    assert CompanyInsightGrant.objects.count() == 1


def test_only_the_secretariat_grants():
    world = insight_world(grant=False)
    with pytest.raises(PermissionDenied):
        services.insight_grant(
            organisation=world.ngo, company=world.company, actor=world.person
        )
    assert not CompanyInsightGrant.objects.exists()


def test_insight_is_given_into_companies_only():
    world = insight_world(grant=False)
    with pytest.raises(ValidationError):
        services.insight_grant(
            organisation=world.ngo, company=world.ngo, actor=world.secretariat
        )


def test_grant_all_companies_of_a_module(client):
    world = insight_world(grant=False)
    companies = [OrganisationFactory() for _ in range(3)]
    for company in companies[:2]:
        ModuleParticipationFactory(
            module=world.module, organisation=company, added_by=world.secretariat
        )
    ModuleParticipationFactory(
        module=world.module,
        organisation=companies[2],
        added_by=world.secretariat,
        ends_on=yesterday(),
    )
    client.force_login(world.secretariat)
    response = client.post(
        reverse("monitoring:insight_grant_module"),
        {"organisation": world.ngo.pk, "module": world.module.pk},
    )
    assert response.status_code == 302
    grants = CompanyInsightGrant.objects.filter(organisation=world.ngo)
    assert {g.content_object_id for g in grants} == {c.pk for c in companies[:2]}
    assert {g.module_id for g in grants} == {world.module.pk}
    assert AuditEntry.objects.filter(action="insight.grant").count() == 2


def test_grant_all_needs_the_ngo_in_the_module(client):
    world = insight_world(grant=False)
    other_module = ModuleFactory(updated_by=world.secretariat)
    ModuleParticipationFactory(
        module=other_module, organisation=world.company, added_by=world.secretariat
    )
    client.force_login(world.secretariat)
    response = client.post(
        reverse("monitoring:insight_grant_module"),
        {"organisation": world.ngo.pk, "module": other_module.pk},
    )
    assert response.status_code == 422
    assert "does not take part in this module" in response.content.decode()
    assert not CompanyInsightGrant.objects.exists()


def test_a_module_grant_lapses_when_the_ngo_leaves_that_module(client):
    world = insight_world(grant=False)
    ModuleParticipationFactory(
        module=world.module, organisation=world.company, added_by=world.secretariat
    )
    services.insight_grant_module(
        organisation=world.ngo, module=world.module, actor=world.secretariat
    )
    assert _page(client, world.person, world.company).status_code == 200
    # Still in another module, so still entitled; but no longer in the grant's module.
    entitle(world.ngo, world.secretariat)
    ModuleParticipation.objects.filter(
        organisation=world.ngo, module=world.module
    ).update(ends_on=yesterday())
    assert _page(client, world.person, world.company).status_code == 404
    assert lapse_insight_grants.delay().get() == 1
    assert not CompanyInsightGrant.objects.exists()
    entry = AuditEntry.objects.get(action="insight.lapse")
    assert entry.details["reason"] == "module_ended"


def test_the_secretariat_revokes_a_grant(client):
    world = insight_world()
    grant = CompanyInsightGrant.objects.get()
    client.force_login(world.secretariat)
    url = reverse("monitoring:insight_grant_revoke", args=[grant.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not CompanyInsightGrant.objects.exists()
    assert AuditEntry.objects.filter(action="insight.revoke").count() == 1
    assert _page(client, world.person, world.company).status_code == 404


def test_an_ngo_cannot_revoke(client):
    world = insight_world()
    grant = CompanyInsightGrant.objects.get()
    client.force_login(world.person)
    url = reverse("monitoring:insight_grant_revoke", args=[grant.pk])
    assert client.post(url).status_code == 403
    assert CompanyInsightGrant.objects.count() == 1


def test_the_task_removes_grants_whose_nda_expired_and_keeps_the_rest():
    world = insight_world()
    other = make_person("ngo")
    entitle(other.organisation, world.secretariat)
    services.insight_grant(
        organisation=other.organisation, company=world.company, actor=world.secretariat
    )
    ConfidentialityAgreement.objects.filter(organisation=world.ngo).update(
        valid_until=yesterday()
    )
    assert services.insight_grants_lapse() == 1
    assert list(
        CompanyInsightGrant.objects.values_list("organisation_id", flat=True)
    ) == [other.organisation.pk]
    entry = AuditEntry.objects.get(action="insight.lapse")
    assert entry.details["reason"] == "no_valid_nda"
    assert entry.actor is None
    # Twice does no harm.
    assert services.insight_grants_lapse() == 0
    assert AuditEntry.objects.filter(action="insight.lapse").count() == 1


def test_the_task_removes_grants_of_an_organisation_that_left_every_module():
    world = insight_world()
    ModuleParticipation.objects.filter(organisation=world.ngo).update(
        ends_on=yesterday()
    )
    assert services.insight_grants_lapse() == 1
    assert AuditEntry.objects.get(action="insight.lapse").details["reason"] == (
        "no_module"
    )


def test_a_grant_that_lapsed_earlier_refuses_access_before_the_task_runs(client):
    world = insight_world()
    ConfidentialityAgreement.objects.filter(organisation=world.ngo).update(
        revoked_at=timezone.now() - dt.timedelta(hours=1), revocation_reason="Ended."
    )
    assert _page(client, world.person, world.company).status_code == 404
    assert CompanyInsightGrant.objects.count() == 1


def test_the_beat_schedule_runs_the_lapse_task(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "monitoring.lapse_insight_grants" in tasks


def test_the_overview_filters_per_ngo_and_company(client):
    world = insight_world()
    other = make_person("ngo")
    entitle(other.organisation, world.secretariat)
    second, _owner = judged_company("Tweede Metaal B.V.")
    services.insight_grant(
        organisation=other.organisation,
        company=second.organisation,
        actor=world.secretariat,
    )
    client.force_login(world.secretariat)
    url = reverse("monitoring:insight_grant_list")
    assert len(client.get(url).context["grants"]) == 2
    response = client.get(url, {"organisation": world.ngo.pk})
    assert [g.content_object_id for g in response.context["grants"]] == [
        world.company.pk
    ]
    response = client.get(url, {"company": second.organisation.pk})
    assert [g.organisation_id for g in response.context["grants"]] == [
        other.organisation.pk
    ]


# --- Query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("count", [10, 100])
def test_the_ngo_list_takes_a_fixed_number_of_queries(
    client, count, django_assert_max_num_queries
):
    world = insight_world(grant=False)
    for index in range(count):
        raw_grant(
            world.ngo,
            OrganisationFactory(name=f"Bedrijf {index:03d}"),
            world.secretariat,
        )
    client.force_login(world.person)
    url = reverse("monitoring:insight_list")
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [10, 100])
def test_the_grant_overview_takes_a_fixed_number_of_queries(
    client, count, django_assert_max_num_queries
):
    world = insight_world(grant=False)
    for index in range(count):
        raw_grant(
            world.ngo,
            OrganisationFactory(name=f"Bedrijf {index:03d}"),
            world.secretariat,
        )
    client.force_login(world.secretariat)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("monitoring:insight_grant_list"))
    assert len(response.context["grants"]) == count


@pytest.mark.parametrize("count", [10, 100])
def test_the_access_log_takes_a_fixed_number_of_queries(
    client, count, django_assert_max_num_queries
):
    world = insight_world()
    for _ in range(count):
        services.insight_view_record(user=world.person, company=world.company)
    client.force_login(world.company_person)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("monitoring:insight_access_log"))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [10, 100])
def test_the_lapse_task_reads_in_a_fixed_number_of_queries(
    count, django_assert_max_num_queries
):
    world = insight_world(grant=False)
    for index in range(count):
        raw_grant(
            world.ngo,
            OrganisationFactory(name=f"Bedrijf {index:03d}"),
            world.secretariat,
        )
    with django_assert_max_num_queries(5):
        grants = list(CompanyInsightGrant.objects.select_related("organisation"))
        reasons = services._lapse_reasons(grants, timezone.localdate())
    assert reasons == {}


def test_the_entitlement_reads_each_part():
    world = insight_world()
    entitlement = selectors.insight_entitlement(world.ngo)
    assert (
        entitlement.active_party,
        entitlement.nda_valid,
        entitlement.module_participant,
    ) == (True, True, True)


def test_the_grant_form_starts_from_the_filtered_company(client):
    world = insight_world(grant=False)
    client.force_login(world.secretariat)
    response = client.get(
        reverse("monitoring:insight_grant_list"), {"company": world.company.pk}
    )
    link = reverse("monitoring:insight_grant_create") + f"?company={world.company.pk}"
    assert link in response.content.decode()
    response = client.get(link)
    assert response.context["form"]["company"].value() == world.company.pk


def test_the_list_page_view_is_audited_too(client):
    world = insight_world()
    client.force_login(world.person)
    client.get(reverse("monitoring:insight_list"))
    entry = AuditEntry.objects.get(action="insight.list")
    assert (entry.actor_id, entry.organisation_id) == (world.person.pk, None)
    assert entry.details == {"viewer_id": world.ngo.pk, "companies": 1}
