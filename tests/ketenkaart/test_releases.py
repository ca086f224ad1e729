"""Publishing the aggregated list: building a release from submitted lists, what every
party sees (bands only), what only the secretariat sees, the disclosure rule with its
history, and restricted disclosure (art. 19-21, 24)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from ketenkaart import m49, releases
from ketenkaart.models import (
    DisclosureRule,
    ListStatus,
    LocationRelease,
    ReleaseCell,
    ReleaseStatus,
    RestrictedDisclosure,
    RestrictionStatus,
)
from tests.conftest import make_person
from tests.governance.factories import OrganisationFactory, UserFactory
from tests.ketenkaart.factories import YEAR, LocationFactory, LocationListFactory

pytestmark = pytest.mark.django_db


def submitted_list(company=None, year=YEAR, **kwargs):
    return LocationListFactory(
        company=company or OrganisationFactory(),
        year=year,
        status=ListStatus.SUBMITTED,
        submitted_at=timezone.now(),
        **kwargs,
    )


def add(location_list, name, country="CD", activity="mining", count=1):
    for index in range(count):
        LocationFactory(
            location_list=location_list,
            supplier_name=f"{name} {index}" if count > 1 else name,
            country=country,
            region_code="",
            activity=activity,
        )


@pytest.fixture
def secretariat(db):
    return make_person("secretariat")


@pytest.fixture
def cohort(db):
    """Four companies mining in DR Congo (a published country figure), two smelting in
    Rwanda and one in Burundi (held back, together an "Eastern Africa (other)" figure
    of three companies), and a draft list that never counts."""
    companies = [OrganisationFactory(name=f"Bedrijf {c} B.V.") for c in "ABCDEFG"]
    lists = [submitted_list(company) for company in companies]
    for location_list in lists[:4]:
        add(location_list, "Kamoto Copper Company", count=2)
    add(lists[4], "Rwanda Smelter", country="RW", activity="smelting_refining")
    add(lists[5], "Kigali Refinery", country="RW", activity="smelting_refining")
    add(lists[6], "Burundi Tin Smelter", country="BI", activity="smelting_refining")
    draft = LocationListFactory(company=OrganisationFactory(), year=YEAR)
    add(draft, "Draft Mine", country="PE")
    return companies


def publish(actor, year=YEAR):
    release, started = releases.release_start(year=year, actor=actor, run_now=True)
    assert started
    release.refresh_from_db()
    return release


def test_a_release_holds_only_published_figures(cohort, secretariat):
    release = publish(secretariat)
    assert release.status == ReleaseStatus.PUBLISHED
    assert release.number == 1
    assert release.lists == 7
    assert release.companies == 7
    cells = {(c.area_level, c.area_code, c.activity): c for c in release.cells.all()}
    congo = cells[("country", "CD", "mining")]
    assert (congo.exact_companies, congo.exact_locations) == (4, 2)
    assert congo.companies_band == "3-4"
    assert ("country", "RW", "smelting_refining") not in cells
    east = cells[("subregion", "014", "smelting_refining")]
    assert east.exact_companies == 3
    assert sorted(east.countries) == ["BI", "RW"]
    assert ("country", "PE", "mining") not in cells
    assert {held["area_code"] for held in release.held_back} == {"RW", "BI"}
    assert AuditEntry.objects.filter(action="ketenkaart.release_publish").count() == 1


def test_nothing_to_publish_without_submitted_lists(secretariat):
    LocationListFactory(year=YEAR)
    with pytest.raises(ValidationError, match="No company has submitted"):
        releases.release_start(year=YEAR, actor=secretariat)
    assert not LocationRelease.objects.exists()


def test_only_the_secretariat_publishes(cohort):
    for role in ("company_admin", "ngo", "kerngroep"):
        with pytest.raises(PermissionDenied):
            releases.release_start(year=YEAR, actor=make_person(role))
    assert not LocationRelease.objects.exists()


def test_a_second_start_attaches_to_the_build_under_way(cohort, secretariat):
    with mock.patch("ketenkaart.tasks.publish_location_list.delay") as delay:
        first, started = releases.release_start(year=YEAR, actor=secretariat)
        second, started_again = releases.release_start(year=YEAR, actor=secretariat)
    assert started
    assert not started_again
    assert first.pk == second.pk
    assert LocationRelease.objects.count() == 1
    assert delay.call_count <= 1


def test_building_twice_changes_nothing(cohort, secretariat):
    release = publish(secretariat)
    cells = list(release.cells.values_list("pk", flat=True))
    again = releases.release_build(release_id=release.pk)
    assert again.status == ReleaseStatus.PUBLISHED
    assert list(release.cells.values_list("pk", flat=True)) == cells


def test_a_failed_build_keeps_no_cells_and_says_why(cohort, secretariat):
    with (
        mock.patch("ketenkaart.tasks.publish_location_list.delay"),
        mock.patch(
            "ketenkaart.releases.aggregation.aggregate",
            side_effect=RuntimeError("disk full"),
        ),
    ):
        release, _started = releases.release_start(year=YEAR, actor=secretariat)
        with pytest.raises(RuntimeError):
            releases.release_build(release_id=release.pk)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.FAILED
    assert "disk full" in release.error_message
    assert not ReleaseCell.objects.exists()
    # A new start makes the next release.
    retry = publish(secretariat)
    assert retry.number == 2


def test_publishing_again_makes_the_next_release_and_keeps_the_first(
    cohort, secretariat
):
    first = publish(secretariat)
    second = publish(secretariat)
    assert (first.number, second.number) == (1, 2)
    assert releases.release_latest(YEAR) == second
    assert first.cells.count() == second.cells.count()


def test_the_rule_in_force_decides_k(cohort, secretariat):
    releases.disclosure_rule_record(
        k=5,
        dominance_percent=85,
        valid_from=timezone.localdate() - dt.timedelta(days=1),
        decided_on=timezone.localdate() - dt.timedelta(days=2),
        note="Kerngroep 12 maart",
        actor=secretariat,
    )
    release = publish(secretariat)
    assert release.rules["k"] == 5
    assert release.rule is not None
    # Four companies in Congo are now too few.
    assert not release.cells.filter(area_level="country").exists()


def test_a_rule_for_the_future_is_kept_but_not_yet_used(cohort, secretariat):
    releases.disclosure_rule_record(
        k=10,
        dominance_percent=85,
        valid_from=timezone.localdate() + dt.timedelta(days=30),
        decided_on=timezone.localdate(),
        actor=secretariat,
    )
    assert releases.disclosure_rule_current() is None
    assert publish(secretariat).rules["k"] == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"k": 1}, "k"), ({"dominance_percent": 40}, "dominance_percent")],
)
def test_a_bad_rule_is_refused(secretariat, changes, field):
    arguments = {
        "k": 3,
        "dominance_percent": 85,
        "valid_from": timezone.localdate(),
        "decided_on": timezone.localdate(),
        "actor": secretariat,
    } | changes
    with pytest.raises(ValidationError) as error:
        releases.disclosure_rule_record(**arguments)
    assert field in error.value.message_dict
    assert not DisclosureRule.objects.exists()


# --- Restricted disclosure ----------------------------------------------------------------


def test_an_approved_restriction_applies_from_the_next_release(cohort, secretariat):
    officer = UserFactory(organisation=cohort[0], organisation_role="admin")
    first = publish(secretariat)
    assert first.cells.get(area_code="CD").exact_companies == 4
    item = releases.restriction_request(
        company=cohort[0],
        requested_level="region",
        reason="Our only supplier in Congo would be known.",
        actor=officer,
    )
    assert item.status == RestrictionStatus.PENDING
    releases.restriction_decide(
        item=item,
        approved=True,
        level="subregion",
        decided_on=timezone.localdate(),
        note="Kerngroep: sub-region is enough.",
        actor=secretariat,
    )
    second = publish(secretariat)
    assert second.restrictions == [{"company": cohort[0].pk, "level": "subregion"}]
    congo = second.cells.get(area_level="country", area_code="CD")
    assert cohort[0].pk not in congo.company_ids
    assert congo.exact_companies == 3
    for cell in second.cells.filter(area_level="country"):
        assert cohort[0].pk not in cell.company_ids
    # The first release stays as it was.
    assert first.cells.get(area_code="CD").exact_companies == 4


def test_a_company_asks_once_at_a_time_and_only_for_itself(cohort):
    officer = UserFactory(organisation=cohort[0], organisation_role="admin")
    stranger = UserFactory(organisation=cohort[1])
    with pytest.raises(PermissionDenied):
        releases.restriction_request(
            company=cohort[0], requested_level="world", reason="x", actor=stranger
        )
    releases.restriction_request(
        company=cohort[0], requested_level="world", reason="Reasons.", actor=officer
    )
    with pytest.raises(ValidationError, match="waiting for the Kerngroep"):
        releases.restriction_request(
            company=cohort[0], requested_level="region", reason="Again.", actor=officer
        )
    assert RestrictedDisclosure.objects.count() == 1


def test_an_approval_needs_a_level_and_only_the_secretariat_records_it(
    cohort, secretariat
):
    officer = UserFactory(organisation=cohort[0], organisation_role="admin")
    item = releases.restriction_request(
        company=cohort[0], requested_level="world", reason="Reasons.", actor=officer
    )
    with pytest.raises(ValidationError) as error:
        releases.restriction_decide(
            item=item,
            approved=True,
            level="",
            decided_on=timezone.localdate(),
            actor=secretariat,
        )
    assert "level" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        releases.restriction_decide(
            item=item,
            approved=True,
            level="world",
            decided_on=timezone.localdate(),
            actor=make_person("kerngroep"),
        )
    item.refresh_from_db()
    assert item.status == RestrictionStatus.PENDING


# --- Pages --------------------------------------------------------------------------------


def test_every_party_sees_bands_and_never_exact_figures(client, cohort, secretariat):
    release = publish(secretariat)
    for role in ("company_admin", "ngo", "union", "branch", "kerngroep", "government"):
        client.force_login(make_person(role))
        page = client.get(reverse("ketenkaart:release_detail", args=[release.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Congo" in html
        assert "3-4" in html
        assert "Eastern Africa (other)" in html
        for name in ("Bedrijf A B.V.", "Kamoto", "Rwanda Smelter"):
            assert name not in html
        assert "<svg" in html
        exact = client.get(reverse("ketenkaart:release_exact", args=[release.pk]))
        assert exact.status_code == 403


def test_the_secretariat_sees_exact_figures_and_companies(client, cohort, secretariat):
    release = publish(secretariat)
    client.force_login(secretariat)
    html = client.get(
        reverse("ketenkaart:release_exact", args=[release.pk])
    ).content.decode()
    assert "Bedrijf A B.V." in html
    assert "Bedrijf G B.V." in html


def test_downloads_carry_the_published_columns_only(client, cohort, secretariat):
    release = publish(secretariat)
    client.force_login(make_person("ngo"))
    response = client.get(
        reverse("ketenkaart:release_download", args=[release.pk, "csv"])
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "year",
        "area_level",
        "area_code",
        "area_name",
        "activity",
        "companies",
        "locations",
    ]
    assert [str(YEAR), "country", "CD", "Congo, The Democratic Republic of the"][
        :3
    ] == rows[1][:3]
    response = client.get(
        reverse("ketenkaart:release_download", args=[release.pk, "xlsx"])
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["year", "area_level", "area_code"]
    assert (
        client.get(
            reverse("ketenkaart:release_download", args=[release.pk, "pdf"])
        ).status_code
        == 404
    )


def test_a_build_in_progress_is_shown_to_the_secretariat_only(
    client, cohort, secretariat
):
    with mock.patch("ketenkaart.tasks.publish_location_list.delay"):
        release, _ = releases.release_start(year=YEAR, actor=secretariat)
    client.force_login(secretariat)
    page = client.get(reverse("ketenkaart:release_detail", args=[release.pk]))
    assert "hx-trigger" in page.content.decode()
    client.force_login(make_person("ngo"))
    assert (
        client.get(reverse("ketenkaart:release_detail", args=[release.pk])).status_code
        == 404
    )


def test_the_published_list_page_keeps_its_queries_as_cells_grow(
    client, secretariat, django_assert_max_num_queries
):
    release = LocationRelease.objects.create(
        year=YEAR,
        number=1,
        status=ReleaseStatus.PUBLISHED,
        rules={"k": 3},
        published_at=timezone.now(),
    )

    def cells(start, count):
        countries = sorted(m49.COUNTRIES)
        ReleaseCell.objects.bulk_create(
            ReleaseCell(
                release=release,
                position=i,
                area_level="country",
                area_code=countries[i],
                activity="mining",
                companies_band="3-4",
                locations_band="1-9",
                exact_companies=3,
                exact_locations=5,
            )
            for i in range(start, start + count)
        )

    cells(0, 10)
    client.force_login(make_person("ngo"))
    url = reverse("ketenkaart:release_detail", args=[release.pk])
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    cells(10, 190)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_publish_and_export_commands(cohort, tmp_path, secretariat):
    out = io.StringIO()
    call_command("publish_location_list", "--year", str(YEAR), stdout=out)
    assert "release 1" in out.getvalue()
    target = tmp_path / "list.csv"
    call_command(
        "export_location_list",
        "--year",
        str(YEAR),
        "--format",
        "csv",
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert {row["area_code"] for row in rows} == {"CD", "014"}
    assert all(row["companies"] == "3-4" for row in rows)


def test_a_task_delivered_twice_leaves_the_release_published(cohort, secretariat):
    """Two deliveries of the build task: the second marks the release running, then
    finds it published by the first when its turn to build comes, and leaves it."""
    with mock.patch("ketenkaart.tasks.publish_location_list.delay"):
        release, _started = releases.release_start(year=YEAR, actor=secretariat)
    manager = LocationRelease.objects
    real_select = manager.select_for_update
    lookups = []

    class OtherWorkerFinishesFirst:
        def get(self, **kwargs):
            lookups.append(kwargs)
            if len(lookups) == 2:
                # Between the two steps the first delivery builds the release.
                with mock.patch.object(manager, "select_for_update", real_select):
                    LocationRelease.objects.filter(pk=release.pk).update(
                        status=ReleaseStatus.QUEUED
                    )
                    releases.release_build(release_id=release.pk)
            return real_select().get(**kwargs)

    with mock.patch.object(
        manager, "select_for_update", return_value=OtherWorkerFinishesFirst()
    ):
        again = releases.release_build(release_id=release.pk)
    assert len(lookups) == 2
    assert again.status == ReleaseStatus.PUBLISHED
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PUBLISHED
    assert release.error_message == ""
    assert release.cells.count() == len(
        {(c.area_level, c.area_code, c.activity) for c in release.cells.all()}
    )
