"""Members of the agreement: organisations, their people, invitations, the Kerngroep seats
and the yearly contributions (art. 40-47, 57-65, 69-82)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    UNION = "union", _("Trade union")
    NGO = "ngo", _("NGO")
    BRANCH = "branch", _("Branch organisation")
    SER = "ser", _("SER")
    GOVERNMENT = "government", _("Government")
    SECRETARIAT = "secretariat", _("Secretariat")


class Constituency(models.TextChoices):
    """The geleding of a party; one Kerngroep seat each (art. 46)."""

    UNIONS = "unions", _("Trade unions")
    NGOS = "ngos", _("NGOs")
    BRANCH = "branch", _("Branch organisations")
    COMPANIES = "companies", _("Companies")


CONSTITUENCY_OF_KIND = {
    OrganisationKind.COMPANY: Constituency.COMPANIES,
    OrganisationKind.UNION: Constituency.UNIONS,
    OrganisationKind.NGO: Constituency.NGOS,
    OrganisationKind.BRANCH: Constituency.BRANCH,
}
PARTY_KINDS = frozenset(CONSTITUENCY_OF_KIND)


class Participation(models.TextChoices):
    PARTY = "party", _("Party")
    SUPPORTER = "supporter", _("Supporter")
    NONE = "none", _("None")


class OrganisationStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVE = "active", _("Active")
    WITHDRAWING = "withdrawing", _("Withdrawing")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REMOVED = "removed", _("Removed")


# The status changes the agreement allows. An applicant accedes or its application ends;
# an active party gives notice (withdrawing) or is removed; notice can be taken back
# before it takes effect.
ALLOWED_STATUS_CHANGES: dict[str, frozenset[str]] = {
    OrganisationStatus.APPLICANT: frozenset(
        {OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWN}
    ),
    OrganisationStatus.ACTIVE: frozenset(
        {OrganisationStatus.WITHDRAWING, OrganisationStatus.REMOVED}
    ),
    OrganisationStatus.WITHDRAWING: frozenset(
        {OrganisationStatus.WITHDRAWN, OrganisationStatus.ACTIVE}
    ),
    OrganisationStatus.WITHDRAWN: frozenset(),
    OrganisationStatus.REMOVED: frozenset(),
}


class CsrdCategory(models.TextChoices):
    """Which reporting standard applies to a company (art. 31-32)."""

    CSRD = "csrd", _("CSRD")
    LISTED_SME = "listed_sme", _("Listed SME")
    VSME = "vsme", _("Other (VSME)")


kvk_validator = RegexValidator(
    r"^\d{8}$", _("A KvK number has exactly 8 digits, for example 12345678.")
)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        null=True,
        blank=True,
        validators=[kvk_validator],
        help_text=_("Chamber of Commerce number: 8 digits."),
    )
    country = CountryField(_("country"), default="NL")
    fte = models.PositiveIntegerField(
        _("FTE"),
        null=True,
        blank=True,
        help_text=_("Size in full-time equivalents; sets a company's contribution."),
    )
    is_recycler = models.BooleanField(_("recycler"), default=False)
    in_metal_supply_chain = models.BooleanField(
        _("has a position in metal supply chains"),
        default=True,
        help_text=_(
            "Such a company can take part as a party only, not as a supporter."
        ),
    )
    csrd_category = models.CharField(
        _("CSRD category"), max_length=20, choices=CsrdCategory.choices, blank=True
    )
    participation = models.CharField(
        _("participation"),
        max_length=20,
        choices=Participation.choices,
        default=Participation.PARTY,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.APPLICANT,
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kvk_number"],
                condition=Q(kvk_number__isnull=False),
                name="organisation_kvk_unique",
                violation_error_message=_(
                    "Another organisation already has this KvK number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in OrganisationKind]),
                name="organisation_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def constituency(self) -> str | None:
        return CONSTITUENCY_OF_KIND.get(self.kind)

    def get_constituency_display(self) -> str:
        constituency = self.constituency
        return Constituency(constituency).label if constituency else ""

    @property
    def is_company(self) -> bool:
        return self.kind == OrganisationKind.COMPANY

    @property
    def pays_contribution(self) -> bool:
        """Party companies and supporters pay a yearly contribution (art. 78-82)."""
        if self.participation == Participation.SUPPORTER:
            return True
        return self.is_company and self.participation == Participation.PARTY

    def clean(self) -> None:
        if self.kvk_number == "":
            self.kvk_number = None
        errors: dict[str, list] = {}
        if self.is_company:
            if self.fte is None:
                errors.setdefault("fte", []).append(
                    _("Give the company's size in FTE; it sets the contribution.")
                )
            if not self.csrd_category:
                self.csrd_category = CsrdCategory.VSME
            if (
                self.participation == Participation.SUPPORTER
                and self.in_metal_supply_chain
            ):
                errors.setdefault("participation", []).append(
                    _(
                        "A company with a position in metal supply chains cannot be a "
                        "supporter; it can take part as a party (art. 40b)."
                    )
                )
        else:
            if self.is_recycler:
                errors.setdefault("is_recycler", []).append(
                    _("Only a company can be a recycler.")
                )
            self.csrd_category = ""
            if (
                self.kind not in PARTY_KINDS
                and self.participation != Participation.NONE
            ):
                errors.setdefault("participation", []).append(
                    _("The SER, the government and the secretariat are not parties.")
                )
        if (
            self.status in {OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING}
            and self.participation != Participation.NONE
            and self.signed_on is None
        ):
            errors.setdefault("signed_on", []).append(
                _("An active party or supporter has a signing date.")
            )
        if self.signed_on and self.signed_on > timezone.localdate():
            errors.setdefault("signed_on", []).append(
                _("The signing date cannot lie in the future.")
            )
        if errors:
            raise ValidationError(errors)


class OrganisationRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Member")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person; signs in with an email address and belongs to one organisation."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    organisation_role = models.CharField(
        _("role in the organisation"),
        max_length=20,
        choices=OrganisationRole.choices,
        default=OrganisationRole.MEMBER,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_organisation_admin(self) -> bool:
        return self.organisation_role == OrganisationRole.ADMIN


def invitation_default_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=14)


class Invitation(models.Model):
    """An invitation for one person to join one organisation with a role.

    Only a hash of the token is kept; the link with the token goes out by email once.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=OrganisationRole.choices,
        default=OrganisationRole.MEMBER,
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=invitation_default_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
                violation_error_message=_(
                    "An open invitation for this email address exists already."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def state(self) -> str:
        if self.accepted_at:
            return str(_("accepted"))
        if self.revoked_at and self.revoked_at < self.expires_at:
            return str(_("revoked"))
        if self.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("open"))


class KerngroepSeat(models.Model):
    """Which organisation holds a constituency's Kerngroep seat, and its representatives
    (art. 46-47). The chair never holds a seat."""

    constituency = models.CharField(
        _("constituency"), max_length=20, choices=Constituency.choices
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="kerngroep_seats"
    )
    regular_representative = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="regular_seats",
        verbose_name=_("regular representative"),
    )
    deputy_representative = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputy_seats",
        verbose_name=_("deputy representative"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kerngroep seat")
        verbose_name_plural = _("Kerngroep seats")
        ordering = ["constituency", "-starts_on"]

    def __str__(self) -> str:
        return f"{self.get_constituency_display()}: {self.organisation}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.organisation_id and self.organisation.constituency != self.constituency:
            errors.setdefault("organisation", []).append(
                _("The organisation does not belong to this constituency.")
            )
        for field in ("regular_representative", "deputy_representative"):
            person = getattr(self, field)
            if person is not None and person.organisation_id != self.organisation_id:
                errors.setdefault(field, []).append(
                    _("A representative works for the organisation holding the seat.")
                )
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors.setdefault("ends_on", []).append(_("The end lies before the start."))
        if errors:
            raise ValidationError(errors)


class ChairTerm(models.Model):
    """The independent chair of the Kerngroep: proposed by the SER, confirmed by the
    Kerngroep (art. 51). The chair has no vote."""

    person = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="chair_terms"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    proposed_on = models.DateField(_("proposed by the SER on"), null=True, blank=True)
    confirmed_on = models.DateField(
        _("confirmed by the Kerngroep on"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("chair term")
        verbose_name_plural = _("chair terms")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return str(self.person)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors.setdefault("ends_on", []).append(_("The end lies before the start."))
        if (
            self.confirmed_on
            and self.proposed_on
            and self.confirmed_on < self.proposed_on
        ):
            errors.setdefault("confirmed_on", []).append(
                _("The Kerngroep confirms the chair after the SER proposed them.")
            )
        if errors:
            raise ValidationError(errors)


class FteBand(models.Model):
    """A contribution band: companies from `min_fte` up to and including `max_fte` FTE pay
    `amount` a year (art. 80). The bands are data the secretariat publishes."""

    agreement = models.ForeignKey(
        "convenant.Agreement", on_delete=models.CASCADE, related_name="fte_bands"
    )
    min_fte = models.PositiveIntegerField(_("from FTE"))
    max_fte = models.PositiveIntegerField(
        _("up to and including FTE"), null=True, blank=True
    )
    amount = models.DecimalField(
        _("yearly contribution (EUR)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("FTE band")
        verbose_name_plural = _("FTE bands")
        ordering = ["agreement", "min_fte"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "min_fte"], name="fte_band_start_unique"
            ),
        ]

    def __str__(self) -> str:
        if self.max_fte is None:
            return _("%(min)s FTE or more") % {"min": self.min_fte}
        return _("%(min)s to %(max)s FTE") % {"min": self.min_fte, "max": self.max_fte}

    def clean(self) -> None:
        if self.max_fte is not None and self.max_fte < self.min_fte:
            raise ValidationError(
                {"max_fte": _("The upper bound lies below the lower bound.")}
            )

    def covers(self, fte: int) -> bool:
        return self.min_fte <= fte and (self.max_fte is None or fte <= self.max_fte)


class ContributionStatus(models.TextChoices):
    DUE = "due", _("Due")
    INVOICED = "invoiced", _("Invoiced")
    PAID = "paid", _("Paid")


class Contribution(models.Model):
    """What one organisation owes for one agreement year."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contributions"
    )
    agreement_year = models.ForeignKey(
        "convenant.AgreementYear",
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    fte = models.PositiveIntegerField(_("FTE at the time"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ContributionStatus.choices,
        default=ContributionStatus.DUE,
    )
    invoiced_on = models.DateField(_("invoiced on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["agreement_year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "agreement_year"],
                name="contribution_one_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.agreement_year}"
