"""The demo's location lists, drawn from the shared reference list of facilities."""

from __future__ import annotations

import csv

import pytest

from ketenkaart.demo import FACILITIES, seed_ketenkaart
from ketenkaart.exports import EXAMPLE_ROW
from ketenkaart.models import ListStatus, Location, LocationList
from ketenkaart.selectors import transparency_figures
from tests.governance.factories import OrganisationFactory

pytestmark = pytest.mark.skipif(
    not FACILITIES.exists(), reason=f"{FACILITIES} is not there"
)


@pytest.mark.django_db
def test_the_demo_seeds_two_years_that_show_progress():
    wire = OrganisationFactory(name="Hollandse Draadtrekkerij B.V.")
    recycler = OrganisationFactory(
        name="Brabant Non-Ferro Recycling B.V.", is_recycler=True
    )
    newcomer = OrganisationFactory(name="Delftse Batterijtechniek B.V.")

    assert seed_ketenkaart(year=2026) == 5

    assert list(
        LocationList.objects.order_by("company__name", "year").values_list(
            "company__name", "year", "status"
        )
    ) == [
        ("Brabant Non-Ferro Recycling B.V.", 2025, ListStatus.SUBMITTED),
        ("Brabant Non-Ferro Recycling B.V.", 2026, ListStatus.SUBMITTED),
        ("Delftse Batterijtechniek B.V.", 2026, ListStatus.SUBMITTED),
        ("Hollandse Draadtrekkerij B.V.", 2025, ListStatus.SUBMITTED),
        ("Hollandse Draadtrekkerij B.V.", 2026, ListStatus.DRAFT),
    ]
    figures = transparency_figures(wire, 2026)
    assert figures.total == 34
    assert 0 < figures.total_last_year < figures.total
    assert figures.beyond_tier_one > 0
    assert Location.objects.filter(
        location_list__company=recycler, relation="customer"
    ).exists()
    assert not Location.objects.filter(
        location_list__company=newcomer, location_list__year=2025
    ).exists()
    for location in Location.objects.select_related("location_list__company"):
        location.full_clean()

    assert seed_ketenkaart(year=2026) == 0


def test_the_templates_example_comes_from_the_reference_list():
    name, _address, _city, _region, country, activity, materials, *_rest = EXAMPLE_ROW
    with FACILITIES.open(encoding="utf-8", newline="") as source:
        records = {
            (r["supplier_name"], r["country"], r["activity"]): r
            for r in csv.DictReader(source)
        }
    assert records[(name, country, activity)]["materials"] == materials
