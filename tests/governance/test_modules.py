"""Modules (art. 29-30) and who takes part: the dates that decide whether an
organisation is a module participant (what NGO insight, art. 13, depends on), what the
secretariat keeps, and what everybody else sees (names only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.models import Module, ModuleParticipation
from governance.permissions import module_participant, module_participants
from governance.services import confidentiality as services
from tests.conftest import make_person
from tests.governance.factories import (
    ModuleFactory,
    ModuleParticipationFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

FROM = dt.date(2026, 2, 1)
UNTIL = dt.date(2026, 6, 30)


@pytest.fixture
def secretariat():
    return make_person("secretariat")


@pytest.mark.parametrize(
    ("day", "taking_part"),
    [
        (FROM - dt.timedelta(days=1), False),
        (FROM, True),
        (UNTIL, True),
        (UNTIL + dt.timedelta(days=1), False),
    ],
)
def test_a_participation_counts_from_its_first_to_its_last_day(day, taking_part):
    item = ModuleParticipationFactory(starts_on=FROM, ends_on=UNTIL)
    assert module_participant(item.organisation, on=day) is taking_part
    assert (item.organisation_id in module_participants(on=day)) is taking_part


def test_a_module_that_ended_makes_nobody_a_participant():
    module = ModuleFactory(starts_on=FROM, ends_on=UNTIL)
    item = ModuleParticipationFactory(module=module, starts_on=FROM)
    assert module_participant(item.organisation, on=UNTIL)
    assert not module_participant(item.organisation, on=UNTIL + dt.timedelta(days=1))


def test_taking_part_in_any_running_module_counts():
    ngo = OrganisationFactory(ngo=True)
    ModuleParticipationFactory(organisation=ngo, starts_on=FROM, ends_on=UNTIL)
    ModuleParticipationFactory(
        organisation=ngo, starts_on=UNTIL + dt.timedelta(days=10)
    )
    assert module_participant(ngo, on=FROM)
    assert not module_participant(ngo, on=UNTIL + dt.timedelta(days=5))
    assert module_participant(ngo.pk, on=UNTIL + dt.timedelta(days=10))
    assert not module_participant(None)


def test_the_secretariat_adds_and_ends_a_participation(secretariat):
    module = ModuleFactory()
    ngo = OrganisationFactory(ngo=True)
    item = services.module_participant_add(
        module=module, organisation=ngo, starts_on=FROM, actor=secretariat
    )
    assert module_participant(ngo)

    today = timezone.localdate()
    services.module_participation_end(
        participation=item, ends_on=today, actor=secretariat
    )
    assert module_participant(ngo, on=today)
    assert not module_participant(ngo, on=today + dt.timedelta(days=1))


def test_overlapping_periods_in_one_module_are_refused(secretariat):
    item = ModuleParticipationFactory(starts_on=FROM, ends_on=UNTIL)
    with pytest.raises(ValidationError) as error:
        services.module_participant_add(
            module=item.module,
            organisation=item.organisation,
            starts_on=UNTIL,
            actor=secretariat,
        )
    assert "already in that period" in error.value.message_dict["organisation"][0]
    # The day after the period ends is fine.
    services.module_participant_add(
        module=item.module,
        organisation=item.organisation,
        starts_on=UNTIL + dt.timedelta(days=1),
        actor=secretariat,
    )
    assert ModuleParticipation.objects.count() == 2


def test_an_end_before_the_start_is_refused(secretariat):
    item = ModuleParticipationFactory(starts_on=FROM)
    with pytest.raises(ValidationError) as error:
        services.module_participation_end(
            participation=item, ends_on=FROM - dt.timedelta(days=1), actor=secretariat
        )
    assert "ends_on" in error.value.message_dict
    item.refresh_from_db()
    assert item.ends_on is None


def test_a_module_code_is_unique_and_its_end_lies_after_its_start(secretariat):
    ModuleFactory(code="K3")
    with pytest.raises(ValidationError) as error:
        services.module_save(
            code="k3",
            kind="knowledge",
            name="Nog een",
            starts_on=FROM,
            actor=secretariat,
        )
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.module_save(
            code="K4",
            kind="knowledge",
            name="Gender",
            starts_on=UNTIL,
            ends_on=FROM,
            actor=secretariat,
        )
    assert "ends_on" in error.value.message_dict
    assert Module.objects.count() == 1


@pytest.mark.parametrize("role", ["ngo", "company_admin", "kerngroep"])
def test_only_the_secretariat_keeps_the_modules(role):
    person = make_person(role)
    module = ModuleFactory()
    with pytest.raises(PermissionDenied):
        services.module_save(
            code="K9", kind="risk", name="X", starts_on=FROM, actor=person
        )
    with pytest.raises(PermissionDenied):
        services.module_participant_add(
            module=module,
            organisation=person.organisation,
            starts_on=FROM,
            actor=person,
        )
    assert Module.objects.count() == 1
    assert not ModuleParticipation.objects.exists()


def test_others_see_the_names_of_todays_participants_only(client):
    module = ModuleFactory(name="Risicomodule kobalt en koper DRC")
    today = timezone.localdate()
    ModuleParticipationFactory(
        module=module, organisation=OrganisationFactory(ngo=True, name="Huidige NGO")
    )
    ModuleParticipationFactory(
        module=module,
        organisation=OrganisationFactory(name="Gestopt B.V."),
        ends_on=today - dt.timedelta(days=1),
    )
    client.force_login(make_person("company_member"))
    for url in (
        reverse("governance:module_list"),
        reverse("governance:module_detail", args=[module.pk]),
    ):
        content = client.get(url).content.decode()
        assert "Huidige NGO" in content
        assert "Gestopt B.V." not in content
        assert "End the participation" not in content


def test_the_secretariat_sees_every_participation_with_its_dates(client, secretariat):
    module = ModuleFactory()
    ModuleParticipationFactory(
        module=module,
        organisation=OrganisationFactory(name="Gestopt B.V."),
        ends_on=dt.date(2026, 3, 31),
    )
    client.force_login(secretariat)
    content = client.get(
        reverse("governance:module_detail", args=[module.pk])
    ).content.decode()
    assert "Gestopt B.V." in content
    assert "2026-03-31" in content


def test_a_framework_module_with_the_same_code_is_mentioned(client, secretariat):
    from tests.monitoring.factories import FrameworkFactory

    framework = FrameworkFactory()
    codes = [m.get("code") for m in framework.data.get("modules", [])]
    if not codes:
        pytest.skip("the test framework names no modules")
    module = ModuleFactory(code=codes[0])
    client.force_login(secretariat)
    response = client.get(reverse("governance:module_detail", args=[module.pk]))
    assert "The framework advises module" in response.content.decode()


def test_a_bad_participant_form_keeps_what_was_typed(client, secretariat):
    item = ModuleParticipationFactory(starts_on=FROM)
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:module_participant_add", args=[item.module_id]),
        {"organisation": item.organisation_id, "starts_on": "2026-03-01"},
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert "already in that period" in content
    assert 'value="2026-03-01"' in content
    assert ModuleParticipation.objects.count() == 1


@pytest.mark.parametrize("modules", [3, 12])
def test_the_module_list_takes_the_same_queries_whatever_its_length(
    client, modules, django_assert_max_num_queries
):
    for _ in range(modules):
        module = ModuleFactory()
        for _ in range(3):
            ModuleParticipationFactory(module=module)
    client.force_login(make_person("company_admin"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("governance:module_list"))
    assert len(response.context["modules"]) == modules


def test_ngo_insight_needs_a_module_and_a_valid_nda(secretariat):
    from governance.permissions import ngo_insight_entitled
    from tests.governance.factories import ConfidentialityAgreementFactory

    ngo = OrganisationFactory(ngo=True)
    clause = ConfidentialityAgreementFactory(organisation=ngo, kind="clause")
    ModuleParticipationFactory(organisation=ngo)
    assert not ngo_insight_entitled(ngo)
    nda = ConfidentialityAgreementFactory(organisation=ngo, nda=True)
    assert ngo_insight_entitled(ngo)
    services.confidentiality_revoke(agreement=nda, reason="Gedeeld.", actor=secretariat)
    assert not ngo_insight_entitled(ngo)
    assert clause.is_valid()
    without_module = ConfidentialityAgreementFactory(nda=True).organisation
    assert not ngo_insight_entitled(without_module)
