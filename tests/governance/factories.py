import datetime as dt

import factory
from allauth.account.models import EmailAddress

from governance.models import (
    ChairTerm,
    KerngroepSeat,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    OrganisationStatus,
    Participation,
    User,
)

PASSWORD = "Correct-Horse-Battery-9"

SIGNED = dt.date(2025, 10, 16)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Metaalbedrijf {n} B.V.")
    kind = OrganisationKind.COMPANY
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    country = "NL"
    fte = 120
    participation = Participation.PARTY
    status = OrganisationStatus.ACTIVE
    signed_on = SIGNED
    csrd_category = "vsme"

    class Params:
        ngo = factory.Trait(kind=OrganisationKind.NGO, fte=None, csrd_category="")
        union = factory.Trait(kind=OrganisationKind.UNION, fte=None, csrd_category="")
        branch = factory.Trait(kind=OrganisationKind.BRANCH, fte=None, csrd_category="")
        secretariat = factory.Trait(
            kind=OrganisationKind.SECRETARIAT,
            fte=None,
            csrd_category="",
            participation=Participation.NONE,
            signed_on=None,
        )
        government = factory.Trait(
            kind=OrganisationKind.GOVERNMENT,
            fte=None,
            csrd_category="",
            participation=Participation.NONE,
            signed_on=None,
        )
        ser = factory.Trait(
            kind=OrganisationKind.SER,
            fte=None,
            csrd_category="",
            participation=Participation.NONE,
            signed_on=None,
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@convenant.test")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    organisation_role = OrganisationRole.MEMBER

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self,
                email=self.email,
                defaults={"verified": True, "primary": True},
            )


class KerngroepSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KerngroepSeat

    constituency = "branch"
    organisation = factory.SubFactory(OrganisationFactory, branch=True)
    regular_representative = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..organisation")
    )
    starts_on = SIGNED


class ChairTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChairTerm

    person = factory.SubFactory(
        UserFactory, organisation=factory.SubFactory(OrganisationFactory, ser=True)
    )
    starts_on = SIGNED


# --- Conduct: withdrawal, removal, complaints, news -----------------------------------


def kerngroep_with_all_seats(**holders):
    """One current seat per constituency; `holders` names the organisation of a seat
    (by constituency), the others get a new party organisation of their kind."""
    traits = {"unions": "union", "ngos": "ngo", "branch": "branch", "companies": ""}
    seats = {}
    for constituency, trait in traits.items():
        organisation = holders.get(constituency) or OrganisationFactory(
            **({trait: True} if trait else {}),
            name=f"Zetelhouder {constituency}",
        )
        seats[constituency] = KerngroepSeatFactory(
            constituency=constituency, organisation=organisation
        )
    return seats
