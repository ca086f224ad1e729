"""The expertise overview (art. 23): NGOs and unions keep their profile; every party
searches it by country (also through the country's sub-region and region) and by raw
material, and sees the contact details."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ketenkaart import requests as svc
from ketenkaart.models import ExpertiseProfile
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def save(person, **changes) -> ExpertiseProfile:
    fields = {
        "countries": ["CD"],
        "areas": [],
        "materials": ["cobalt"],
        "themes": ["child_labour"],
        "description": "Partners in Kolwezi volgen de ambachtelijke mijnbouw.",
        "contact_name": "Lotte Visser",
        "contact_email": "lotte@tdh.test",
        "contact_phone": "+31 70 310 5000",
    }
    fields.update(changes)
    return svc.expertise_profile_save(
        organisation=person.organisation, **fields, actor=person
    )


@pytest.fixture
def profiles():
    """Congo and cobalt; Middle Africa (017) and copper; Africa (002) and gold;
    Peru and copper."""
    congo = save(make_person("ngo"))
    middle = save(
        make_person("union"), countries=[], areas=["017"], materials=["copper"]
    )
    africa = save(make_person("ngo"), countries=[], areas=["002"], materials=["gold"])
    peru = save(make_person("union"), countries=["PE"], materials=["copper"])
    return {"congo": congo, "middle": middle, "africa": africa, "peru": peru}


@pytest.mark.parametrize(
    ("country", "material", "expected"),
    [
        ("CD", "", {"congo", "middle", "africa"}),
        ("CD", "copper", {"middle"}),
        ("ZM", "", {"africa"}),
        ("PE", "", {"peru"}),
        ("", "copper", {"middle", "peru"}),
        ("", "", {"congo", "middle", "africa", "peru"}),
        ("NL", "", set()),
    ],
)
def test_a_country_search_also_finds_its_subregion_and_region(
    profiles, country, material, expected
):
    found = svc.expertise_search(country=country, material=material)
    assert {p.pk for p in found} == {profiles[name].pk for name in expected}


def test_saving_again_replaces_the_profile():
    person = make_person("ngo")
    save(person)
    save(person, materials=["gold", "cobalt"], contact_phone="")
    profile = ExpertiseProfile.objects.get()
    assert profile.materials == ["cobalt", "gold"]
    assert profile.contact_phone == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"countries": [], "areas": []}, "countries"),
        ({"countries": ["XX"]}, "countries"),
        ({"areas": ["999"]}, "areas"),
        ({"materials": ["kryptonite"]}, "materials"),
        ({"themes": ["gossip"]}, "themes"),
        ({"contact_email": "not an address"}, "contact_email"),
    ],
)
def test_a_bad_profile_is_refused(changes, field):
    with pytest.raises(ValidationError) as error:
        save(make_person("ngo"), **changes)
    assert field in error.value.error_dict
    assert not ExpertiseProfile.objects.exists()


@pytest.mark.parametrize("role", ["company_admin", "secretariat", "branch"])
def test_only_an_ngo_or_union_keeps_a_profile(role):
    with pytest.raises(PermissionDenied):
        save(make_person(role))
    assert not ExpertiseProfile.objects.exists()


def test_a_company_searches_and_sees_the_contact_details(client, profiles):
    client.force_login(make_person("company_member"))
    response = client.get(
        reverse("ketenkaart:expertise_list"), {"country": "CD", "material": "cobalt"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert [row["profile"].pk for row in response.context["rows"]] == [
        profiles["congo"].pk
    ]
    assert "lotte@tdh.test" in content
    assert "+31 70 310 5000" in content
    assert "Edit your organisation" not in content


def test_the_union_edits_its_profile_on_the_page(client):
    person = make_person("union")
    client.force_login(person)
    assert client.get(reverse("ketenkaart:expertise_edit")).status_code == 200
    response = client.post(
        reverse("ketenkaart:expertise_edit"),
        {
            "countries": ["PE", "CL"],
            "areas": ["005"],
            "materials": ["copper"],
            "themes": ["health_safety"],
            "description": "Contacten met mijnwerkersbonden in de Andes.",
            "contact_name": "Sanne de Vries",
            "contact_email": "sanne@cnv.test",
            "contact_phone": "",
        },
    )
    assert response.status_code == 302
    profile = ExpertiseProfile.objects.get(organisation=person.organisation)
    assert profile.countries == ["CL", "PE"]
    assert profile.areas == ["005"]
    # The edit page shows the saved profile.
    page = client.get(reverse("ketenkaart:expertise_edit")).content.decode()
    assert "Contacten met mijnwerkersbonden" in page


def test_a_profile_without_a_place_is_shown_again(client):
    client.force_login(make_person("ngo"))
    response = client.post(
        reverse("ketenkaart:expertise_edit"),
        {
            "materials": ["gold"],
            "description": "Goud.",
            "contact_name": "Yara",
            "contact_email": "yara@seg.test",
        },
    )
    assert response.status_code == 422
    assert "Name at least one country or region." in response.content.decode()
    assert 'value="yara@seg.test"' in response.content.decode()
    assert not ExpertiseProfile.objects.exists()


def test_the_search_takes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    for _ in range(10):
        save(make_person("ngo"))
    client.force_login(make_person("company_member"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("ketenkaart:expertise_list"), {"country": "CD"})
    assert len(response.context["rows"]) == 10
