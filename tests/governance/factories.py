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


# --- Confidentiality agreements and modules (area: confidentiality) ----------------------


class ConfidentialityAgreementFactory(factory.django.DjangoModelFactory):
    """A confidentiality clause an NGO signed on paper, valid from SIGNED until the end
    of the agreement's term."""

    class Meta:
        model = "governance.ConfidentialityAgreement"

    organisation = factory.SubFactory(OrganisationFactory, ngo=True)
    kind = "clause"
    text_version = "2025-1"
    signed_by_name = "Lotte Visser"
    signed_on = SIGNED
    valid_from = SIGNED
    valid_until = dt.date(2029, 12, 31)
    recorded_by = factory.SubFactory(
        UserFactory,
        organisation=factory.SubFactory(
            OrganisationFactory, secretariat=True, name="Secretariaat"
        ),
    )

    class Params:
        nda = factory.Trait(kind="nda")


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Module"

    code = factory.Sequence(lambda n: f"K{n + 10}")
    kind = "knowledge"
    name = factory.Sequence(lambda n: f"Kennismodule {n}")
    starts_on = SIGNED
    updated_by = factory.SubFactory(UserFactory)


class ModuleParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.ModuleParticipation"

    module = factory.SubFactory(ModuleFactory)
    organisation = factory.SubFactory(OrganisationFactory, ngo=True)
    starts_on = SIGNED
    added_by = factory.SelfAttribute("module.updated_by")
