"""Plans of approach (art. 11) and risk analyses (art. 25-28): services, pages, who is
late, and that nobody but the company and the secretariat sees them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from monitoring.models import PlanOfApproach, RiskEntry
from monitoring.selectors import plans as selectors
from monitoring.services import plans as services
from tests.conftest import make_person
from tests.governance.factories import OrganisationFactory, UserFactory
from tests.monitoring.company_factories import (
    pdf_bytes,
    upload,
    use_private_storage,
)

pytestmark = pytest.mark.django_db

RISK = {
    "theme": "child_labour",
    "country": "CD",
    "material": "cobalt",
    "scale": 5,
    "scope": 4,
    "irremediability": 5,
    "likelihood": 3,
    "prioritised": True,
    "explanation": "Artisanal cobalt mining in Katanga; our smelter sources from it.",
    "gender_considered": True,
    "gender_notes": "Girls work at washing sites.",
}


@pytest.fixture(autouse=True)
def private_storage(monkeypatch, tmp_path):
    return use_private_storage(monkeypatch, tmp_path)


@pytest.fixture
def year(agreement):
    """The agreement year that contains today."""
    today = timezone.localdate()
    return agreement.years.get(starts_on__lte=today, ends_on__gte=today)


@pytest.fixture
def officer(db):
    return make_person("company_admin")


def _plan(officer, year, **changes):
    arguments = {
        "organisation": officer.organisation,
        "agreement_year": year,
        "themes": ["child_labour", "health_safety"],
        "risks_addressed": "Child labour at artisanal cobalt mines.",
        "planned_actions": "Join the cobalt module; audit two smelters.",
        "report_link": "https://example.org/csrd-2026.pdf",
        "actor": officer,
    }
    arguments.update(changes)
    return services.plan_submit(**arguments)


# --- Plan of approach: the service ------------------------------------------------------


def test_a_link_to_the_report_is_enough(officer, year):
    plan = _plan(officer, year)
    assert plan.report_link == "https://example.org/csrd-2026.pdf"
    assert plan.themes == ["child_labour", "health_safety"]
    assert not plan.file
    entry = AuditEntry.objects.get(action="plan.create")
    assert entry.organisation == officer.organisation
    assert entry.details["themes"] == ["child_labour", "health_safety"]


def test_a_document_is_stored_under_a_random_name(officer, year, private_storage):
    plan = _plan(
        officer, year, report_link="", file=upload("../../plan.pdf", pdf_bytes())
    )
    assert plan.original_name == "plan.pdf"
    assert "plan.pdf" not in plan.file.name
    assert private_storage.exists(plan.file.name)


def test_neither_document_nor_link_is_refused(officer, year):
    with pytest.raises(ValidationError) as error:
        _plan(officer, year, report_link="")
    assert "file" in error.value.message_dict
    assert not PlanOfApproach.objects.exists()


def test_a_program_named_pdf_is_refused_and_nothing_stored(
    officer, year, private_storage
):
    with pytest.raises(ValidationError, match="judged by its content"):
        _plan(officer, year, file=upload("plan.pdf", b"MZ\x90\x00" + b"\x00" * 200))
    assert not PlanOfApproach.objects.exists()
    assert private_storage.listdir("")[1] == []


def test_themes_are_required_and_kept_in_list_order(officer, year):
    with pytest.raises(ValidationError) as error:
        _plan(officer, year, themes=[])
    assert "themes" in error.value.message_dict
    with pytest.raises(ValidationError):
        _plan(officer, year, themes=["astrology"])
    plan = _plan(officer, year, themes=["corruption", "child_labour"])
    assert plan.themes == ["child_labour", "corruption"]


def test_handing_in_again_replaces_the_plan_and_removes_the_old_file(
    officer, year, private_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _plan(officer, year, file=upload("v1.pdf", pdf_bytes()))
    old_name = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        second = _plan(
            officer, year, file=upload("v2.pdf", pdf_bytes()), planned_actions="More."
        )
    assert second.pk == first.pk
    assert PlanOfApproach.objects.count() == 1
    assert second.original_name == "v2.pdf"
    assert second.planned_actions == "More."
    assert not private_storage.exists(old_name)
    assert private_storage.exists(second.file.name)
    assert AuditEntry.objects.filter(action="plan.update").count() == 1


def test_the_document_stays_when_only_the_summary_changes(officer, year):
    first = _plan(officer, year, report_link="", file=upload("v1.pdf", pdf_bytes()))
    second = _plan(officer, year, report_link="", planned_actions="Changed.")
    assert second.file.name == first.file.name
    with pytest.raises(ValidationError):
        _plan(officer, year, report_link="", remove_file=True)
    assert PlanOfApproach.objects.get().file.name == first.file.name


def test_another_company_cannot_hand_in_for_this_one(officer, year):
    stranger = make_person("company_admin")
    with pytest.raises(PermissionDenied):
        _plan(officer, year, actor=stranger)
    secretariat = make_person("secretariat")
    with pytest.raises(PermissionDenied):
        _plan(officer, year, actor=secretariat)
    assert not PlanOfApproach.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="plan.").exists()


def test_a_year_that_has_not_begun_is_refused(officer, agreement):
    future = agreement.years.filter(starts_on__gt=timezone.localdate()).first()
    with pytest.raises(ValidationError, match="has not begun"):
        _plan(officer, future)
    assert not PlanOfApproach.objects.exists()


# --- Who is late --------------------------------------------------------------------------


def test_states(agreement, officer):
    year = agreement.years.get(number=1)
    on_time = timezone.make_aware(dt.datetime.combine(year.ends_on, dt.time(12)))
    after = on_time + dt.timedelta(days=2)
    plan = PlanOfApproach(submitted_at=on_time)
    assert selectors.plan_state(None, year, year.ends_on) == selectors.DUE
    assert (
        selectors.plan_state(None, year, year.ends_on + dt.timedelta(days=1))
        == selectors.LATE
    )
    assert selectors.plan_state(plan, year, year.ends_on) == selectors.HANDED_IN
    plan.submitted_at = after
    assert selectors.plan_state(plan, year, after.date()) == selectors.HANDED_IN_LATE


def test_the_secretariat_sees_who_handed_in_and_who_is_late(agreement, officer):
    past = agreement.years.get(number=1)
    officer.organisation.signed_on = past.starts_on
    officer.organisation.save()
    late = OrganisationFactory(name="Aaa Late B.V.", signed_on=past.starts_on)
    OrganisationFactory(
        name="Zzz Joined Later B.V.", signed_on=past.ends_on + dt.timedelta(days=3)
    )
    OrganisationFactory(name="Supporter B.V.", participation="supporter")
    OrganisationFactory(name="Withdrawn B.V.", status="withdrawn")
    PlanOfApproach.objects.create(
        organisation=officer.organisation,
        agreement_year=past,
        themes=["environment", "child_labour"],
        risks_addressed="r",
        planned_actions="p",
        report_link="https://example.org",
        submitted_at=timezone.make_aware(
            dt.datetime.combine(past.starts_on, dt.time(9))
        ),
        submitted_by=officer,
    )
    status = selectors.plan_status(agreement_year=past)
    names = [row.organisation.name for row in status.rows]
    assert names == ["Aaa Late B.V.", officer.organisation.name]
    assert [row.state for row in status.rows] == [selectors.LATE, selectors.HANDED_IN]
    assert status.counts == {"handed_in": 1, "handed_in_late": 0, "due": 0, "late": 1}
    assert [(value, count) for value, _label, count in status.themes] == [
        ("child_labour", 1),
        ("environment", 1),
    ]
    only_late = selectors.plan_status(agreement_year=past, state=selectors.LATE)
    assert [row.organisation for row in only_late.rows] == [late]
    assert only_late.counts == status.counts


def test_plan_overview_queries_do_not_grow_with_companies(
    agreement, secretariat_client, django_assert_max_num_queries
):
    year = agreement.years.get(number=1)
    url = reverse("monitoring:plan_overview") + "?year=1"

    def add(count):
        for _ in range(count):
            person = UserFactory(organisation=OrganisationFactory())
            PlanOfApproach.objects.create(
                organisation=person.organisation,
                agreement_year=year,
                themes=["climate"],
                risks_addressed="r",
                planned_actions="p",
                report_link="https://example.org",
                submitted_by=person,
            )
            RiskEntry.objects.create(
                organisation=person.organisation,
                agreement_year=year,
                updated_by=person,
                **RISK,
            )

    add(10)
    with django_assert_max_num_queries(12) as small:
        response = secretariat_client.get(url)
    assert response.status_code == 200
    add(90)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = secretariat_client.get(url)
    assert response.content.decode().count("plan-state--handed_in") == 100


# --- Risk analysis ------------------------------------------------------------------------


def test_a_risk_is_added_changed_and_removed_with_audit(officer, year):
    risk = services.risk_create(
        organisation=officer.organisation,
        agreement_year=year,
        values=RISK,
        actor=officer,
    )
    assert risk.country.code == "CD"
    services.risk_update(risk=risk, values={**RISK, "likelihood": 5}, actor=officer)
    risk.refresh_from_db()
    assert risk.likelihood == 5
    change = AuditEntry.objects.get(action="risk.update")
    assert change.details["changed"] == {"likelihood": ["3", "5"]}
    services.risk_delete(risk=risk, actor=officer)
    assert not RiskEntry.objects.exists()
    assert AuditEntry.objects.filter(action="risk.delete").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scale": 6}, "scale"),
        ({"likelihood": 0}, "likelihood"),
        ({"country": "XX"}, "country"),
        ({"explanation": "  "}, "explanation"),
        ({"gender_considered": False}, "gender_considered"),
    ],
)
def test_bad_risks_are_refused_and_nothing_saved(officer, year, changes, field):
    with pytest.raises(ValidationError) as error:
        services.risk_create(
            organisation=officer.organisation,
            agreement_year=year,
            values={**RISK, **changes},
            actor=officer,
        )
    assert field in error.value.message_dict
    assert not RiskEntry.objects.exists()


def test_another_company_cannot_change_the_risk(officer, year):
    risk = services.risk_create(
        organisation=officer.organisation,
        agreement_year=year,
        values=RISK,
        actor=officer,
    )
    stranger = make_person("company_admin")
    with pytest.raises(PermissionDenied):
        services.risk_update(risk=risk, values={**RISK, "scale": 1}, actor=stranger)
    with pytest.raises(PermissionDenied):
        services.risk_delete(risk=risk, actor=stranger)
    risk.refresh_from_db()
    assert risk.scale == 5


def test_last_years_risks_are_copied_only_into_an_empty_analysis(officer, agreement):
    first = agreement.years.get(number=1)
    second = agreement.years.get(number=2)
    for theme in ("child_labour", "corruption"):
        services.risk_create(
            organisation=officer.organisation,
            agreement_year=first,
            values={**RISK, "theme": theme},
            actor=officer,
        )
    assert (
        services.risk_copy_forward(
            organisation=officer.organisation, agreement_year=second, actor=officer
        )
        == 2
    )
    assert sorted(
        RiskEntry.objects.filter(agreement_year=second).values_list("theme", flat=True)
    ) == ["child_labour", "corruption"]
    with pytest.raises(ValidationError, match="has risks already"):
        services.risk_copy_forward(
            organisation=officer.organisation, agreement_year=second, actor=officer
        )
    assert RiskEntry.objects.filter(agreement_year=second).count() == 2
    newcomer = make_person("company_admin")
    with pytest.raises(ValidationError, match="no risks to copy"):
        services.risk_copy_forward(
            organisation=newcomer.organisation, agreement_year=second, actor=newcomer
        )


# --- Pages --------------------------------------------------------------------------------


def test_the_company_hands_in_its_plan_through_the_page(client, officer, year):
    client.force_login(officer)
    url = reverse("monitoring:plan_edit", args=[year.number])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "themes": ["child_labour", "environment"],
            "risks_addressed": "Cobalt from artisanal mines.",
            "planned_actions": "Audit the smelter.",
            "file": upload("Plan van Aanpak 2026.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 302
    plan = PlanOfApproach.objects.get()
    assert plan.original_name == "Plan van Aanpak 2026.pdf"
    page = client.get(url).content.decode()
    assert "Plan van Aanpak 2026.pdf" in page
    assert "Handed in" in page


def test_a_bad_plan_keeps_what_was_typed_and_says_where(client, officer, year):
    client.force_login(officer)
    response = client.post(
        reverse("monitoring:plan_edit", args=[year.number]),
        {
            "themes": ["child_labour"],
            "risks_addressed": "Typed with care.",
            "planned_actions": "Also typed.",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Typed with care." in page
    assert "Also typed." in page
    assert "give the link to your CSRD or CSDDD report" in page
    assert not PlanOfApproach.objects.exists()


def test_the_risk_page_shows_the_matrix(client, officer, year):
    services.risk_create(
        organisation=officer.organisation,
        agreement_year=year,
        values={**RISK, "scale": 2, "scope": 2, "irremediability": 2},
        actor=officer,
    )
    services.risk_create(
        organisation=officer.organisation,
        agreement_year=year,
        values={**RISK, "theme": "corruption", "prioritised": False, "likelihood": 5},
        actor=officer,
    )
    client.force_login(officer)
    page = client.get(
        reverse("monitoring:risk_list", args=[year.number])
    ).content.decode()
    assert "Risk matrix" in page
    assert page.count('class="risk-matrix__item"') == 2
    assert "Katanga" in page
    assert "the explanation should say why this one is not prioritised" in page


def test_a_bad_risk_form_keeps_what_was_typed(client, officer, year):
    client.force_login(officer)
    response = client.post(
        reverse("monitoring:risk_create", args=[year.number]),
        {**RISK, "scale": "9", "explanation": "Kept explanation"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Kept explanation" in page
    assert not RiskEntry.objects.exists()


def test_another_companys_risk_is_not_found(client, officer, year):
    risk = services.risk_create(
        organisation=officer.organisation,
        agreement_year=year,
        values=RISK,
        actor=officer,
    )
    client.force_login(make_person("company_admin"))
    assert (
        client.get(reverse("monitoring:risk_update", args=[risk.pk])).status_code == 404
    )
    assert (
        client.post(reverse("monitoring:risk_delete", args=[risk.pk])).status_code
        == 404
    )
    assert RiskEntry.objects.filter(pk=risk.pk).exists()


def test_the_secretariats_download_of_a_plan_is_audited(
    secretariat_client, officer, year
):
    plan = _plan(officer, year, file=upload("plan.pdf", pdf_bytes()))
    response = secretariat_client.get(reverse("monitoring:plan_file", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        AuditEntry.objects.filter(
            action="plan.download", organisation=officer.organisation
        ).count()
        == 1
    )
    page = secretariat_client.get(
        reverse("monitoring:company_plan", args=[officer.organisation.pk, year.number])
    ).content.decode()
    assert "plan.pdf" in page


@pytest.mark.parametrize("role", ["ngo", "union", "branch", "kerngroep", "government"])
def test_nobody_else_sees_plans_or_risks(client, officer, year, role):
    plan = _plan(officer, year, file=upload("plan.pdf", pdf_bytes()))
    client.force_login(make_person(role))
    assert (
        client.get(reverse("monitoring:plan_file", args=[plan.pk])).status_code == 403
    )
    assert client.get(reverse("monitoring:plan_list")).status_code == 403
    assert (
        client.get(
            reverse(
                "monitoring:company_plan", args=[officer.organisation.pk, year.number]
            )
        ).status_code
        == 403
    )
