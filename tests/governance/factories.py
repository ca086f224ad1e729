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


# --- Meetings (area: meetings) -----------------------------------------------------------


def _agreement_year_of(meeting) -> object:
    from django.utils import timezone as tz

    from convenant.models import AgreementYear

    day = tz.localtime(meeting.starts_at).date()
    return AgreementYear.objects.get(
        agreement__code="metaal-2025-2029", starts_on__lte=day, ends_on__gte=day
    )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Meeting"

    starts_at = factory.LazyFunction(
        lambda: dt.datetime(2026, 3, 12, 10, 0, tzinfo=dt.UTC)
    )
    location = "Den Haag, SER-gebouw"
    agreement_year = factory.LazyAttribute(_agreement_year_of)
    created_by = factory.SubFactory(
        UserFactory,
        organisation=factory.SubFactory(OrganisationFactory, secretariat=True),
    )


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agendapunt {n}")
    description = "Toelichting voor de Kerngroep."
    visibility = "outline"
    outline = "In hoofdlijnen voor alle partijen."


class MeetingGuestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.MeetingGuest"

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Sequence(lambda n: f"Gast {n}")
    affiliation = "OESO"
    reason = "Toelichting op de richtlijnen."
    proposed_by = factory.SubFactory(UserFactory)


# --- Decisions (tests/governance/test_decisions*.py) ------------------------------------


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Decision"

    title = factory.Sequence(lambda n: f"Besluit {n}")
    proposal = "De Kerngroep stemt in met het voorstel."
    created_by = factory.SubFactory(
        UserFactory,
        organisation=factory.SubFactory(
            OrganisationFactory, secretariat=True, name="Secretariaat"
        ),
    )


def kerngroep(*, deputies: bool = True) -> dict[str, KerngroepSeat]:
    """The four seats, each held by a party organisation of its constituency with a
    regular and (unless told not) a deputy representative."""
    traits = {"unions": "union", "ngos": "ngo", "branch": "branch", "companies": None}
    seats = {}
    for constituency, trait in traits.items():
        organisation = OrganisationFactory(**({trait: True} if trait else {}))
        seats[constituency] = KerngroepSeatFactory(
            constituency=constituency,
            organisation=organisation,
            regular_representative=UserFactory(organisation=organisation),
            deputy_representative=UserFactory(organisation=organisation)
            if deputies
            else None,
        )
    return seats


# --- Accession and the supporter's signatures (area: membership) -----------------------

LETTER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class AccessionApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application of a new applicant company; `announced=True` for one the
    secretariat announced, with four weeks left for responses."""

    class Meta:
        model = "governance.AccessionApplication"

    organisation = factory.SubFactory(
        OrganisationFactory,
        name=factory.Sequence(lambda n: f"Toetreder {n} B.V."),
        status=OrganisationStatus.APPLICANT,
        signed_on=None,
    )
    participation = factory.SelfAttribute("organisation.participation")
    letter = factory.django.FileField(filename="letter", data=LETTER_PDF)
    letter_name = "motivatiebrief.pdf"
    letter_type = "application/pdf"
    contact_name = "Sanne de Vries"
    contact_email = factory.Sequence(lambda n: f"contact{n}@toetreder.test")
    endorsement_confirmed = True

    class Params:
        announced = factory.Trait(
            status="announced",
            checked_at=factory.LazyFunction(lambda: dt.datetime.now(tz=dt.UTC)),
            announced_at=factory.LazyFunction(lambda: dt.datetime.now(tz=dt.UTC)),
            response_deadline=factory.LazyFunction(
                lambda: (dt.datetime.now(tz=dt.UTC) + dt.timedelta(weeks=4)).date()
            ),
        )


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Signature"

    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=OrganisationKind.NGO,
        fte=None,
        csrd_category="",
        participation=Participation.SUPPORTER,
    )
    document = "supporter_declaration"
    version = "2025-1"
    signed_by = factory.SubFactory(
        UserFactory,
        organisation=factory.SelfAttribute("..organisation"),
        organisation_role=OrganisationRole.ADMIN,
    )


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
