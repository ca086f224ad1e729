"""The ketenkaart (art. 15-24): each company's production-location list per year, its
locations, and the runs that import a list from a file.

Name and address data (NAW) of locations are confidential: only the company itself and the
secretariat see them (art. 20). Everything else sees locations only through the published
aggregated list.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from convenant.vocabulary import Activity, Material
from governance.models import Organisation, OrganisationKind

from .places import region_problem

# The reporting years a list can be kept for: calendar years, from before the agreement
# (a company may hand in the list it had) up to next year.
FIRST_YEAR = 2020


def last_year_allowed() -> int:
    return timezone.localdate().year + 1


def year_allowed(year: int) -> bool:
    return FIRST_YEAR <= year <= last_year_allowed()


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Relation(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    # Recyclers map the locations of their customers where the risk matrix gives that
    # priority (art. 17).
    CUSTOMER = "customer", _("Customer")


class LocationList(models.Model):
    """One company's production-location list for one calendar year."""

    company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="location_lists",
        limit_choices_to={"kind": OrganisationKind.COMPANY},
        verbose_name=_("company"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR)]
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ListStatus.choices,
        default=ListStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("production-location list")
        verbose_name_plural = _("production-location lists")
        ordering = ["company__name", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "year"],
                name="location_list_one_per_company_year",
                violation_error_message=_(
                    "This company has a list for this year already."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ListStatus]),
                name="location_list_status_valid",
            ),
            # A submitted list says when; a draft has no submission date.
            models.CheckConstraint(
                condition=(
                    Q(status=ListStatus.SUBMITTED, submitted_at__isnull=False)
                    | Q(status=ListStatus.DRAFT, submitted_at__isnull=True)
                ),
                name="location_list_submitted_at_with_status",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR), name="location_list_year_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.year}"

    def clean(self) -> None:
        if self.company_id and self.company.kind != OrganisationKind.COMPANY:
            raise ValidationError(
                {"company": _("Only a company keeps a production-location list.")}
            )
        if self.year and self.year > last_year_allowed():
            raise ValidationError(
                {
                    "year": _("A list can be kept up to %(year)d.")
                    % {"year": last_year_allowed()}
                }
            )

    @property
    def is_submitted(self) -> bool:
        return self.status == ListStatus.SUBMITTED


def validate_materials(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Give at least one material."), code="required")
    unknown = [item for item in value if item not in Material.values]
    if unknown:
        raise ValidationError(
            _("Unknown material: %(values)s.")
            % {"values": ", ".join(map(str, unknown))},
            code="invalid",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A material is named twice."), code="repeated")


class Location(models.Model):
    """A production location on a company's list: a supplier's (or, for a recycler, a
    customer's) site, at a tier of the chain."""

    location_list = models.ForeignKey(
        LocationList,
        on_delete=models.CASCADE,
        related_name="locations",
        verbose_name=_("list"),
    )
    supplier_name = models.CharField(_("supplier name"), max_length=200)
    # Filled by the services from supplier_name, so that one supplier reported under
    # different spellings is counted once and can be matched between years.
    normalised_name = models.CharField(
        _("normalised name"), max_length=200, db_index=True, editable=False
    )
    address = models.CharField(_("address"), max_length=255)
    city = models.CharField(_("city"), max_length=100)
    region_code = models.CharField(
        _("region"),
        max_length=6,
        blank=True,
        help_text=_("ISO 3166-2 code of the region, such as CD-LU."),
    )
    country = CountryField(_("country"))
    activity = models.CharField(_("activity"), max_length=30, choices=Activity.choices)
    materials = models.JSONField(
        _("materials"), default=list, validators=[validate_materials]
    )
    tier = models.PositiveSmallIntegerField(
        _("tier"),
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("1 for a direct supplier, 2 for its supplier, and so on."),
    )
    relation = models.CharField(
        _("relation"),
        max_length=20,
        choices=Relation.choices,
        default=Relation.SUPPLIER,
    )
    external_id = models.CharField(
        _("your reference"),
        max_length=100,
        blank=True,
        help_text=_(
            "Your own code for this location, such as a supplier number; unique in "
            "the list."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("production location")
        verbose_name_plural = _("production locations")
        ordering = ["tier", "supplier_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["location_list", "external_id"],
                condition=~Q(external_id=""),
                name="location_external_id_unique_in_list",
                violation_error_message=_(
                    "Another location in this list has this reference."
                ),
            ),
            models.CheckConstraint(
                condition=Q(tier__gte=1, tier__lte=99), name="location_tier_valid"
            ),
            models.CheckConstraint(
                condition=Q(activity__in=Activity.values),
                name="location_activity_valid",
            ),
            models.CheckConstraint(
                condition=Q(relation__in=Relation.values),
                name="location_relation_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["location_list", "tier"]),
            models.Index(fields=["location_list", "country"]),
            models.Index(fields=["country", "activity"]),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_name} ({self.city}, {self.country.code})"

    def get_materials_display(self) -> str:
        return ", ".join(
            str(Material(value).label) if value in Material.values else str(value)
            for value in self.materials
        )

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.region_code and self.country:
            problem = region_problem(self.region_code, str(self.country.code))
            if problem:
                errors["region_code"] = [problem]
        if (
            self.relation == Relation.CUSTOMER
            and self.location_list_id
            and not self.location_list.company.is_recycler
        ):
            errors["relation"] = [
                _(
                    "Only a recycler maps its customers (art. 17); give supplier as "
                    "the relation."
                )
            ]
        if errors:
            raise ValidationError(errors)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# An import that has not moved for this long has lost its worker (or its web
# process): it shows as stopped, and the person (or the task, delivered again) may run
# it anew. A live run records its progress at least every few hundred rows.
IMPORT_STUCK_AFTER = dt.timedelta(minutes=10)


class ImportMode(models.TextChoices):
    CHECK = "check", _("Check")
    APPLY = "apply", _("Apply")


class LocationImport(models.Model):
    """One upload of a location file: first checked (a dry run), then, when the person
    confirms, applied exactly as checked. Large files run in a Celery task; the page polls
    `rows_done` of `rows_total`. The file lies in the private "import_export" storage
    until the run is applied or cleaned up."""

    company = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="location_imports",
        verbose_name=_("company"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    file_name = models.CharField(_("file name"), max_length=200)
    # The file's name in the "import_export" storage: random, never the person's name;
    # empty once the file is deleted.
    stored_file = models.CharField(max_length=200, blank=True, editable=False)
    file_digest = models.CharField(max_length=64, editable=False)
    mode = models.CharField(
        _("step"), max_length=10, choices=ImportMode.choices, default=ImportMode.CHECK
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.QUEUED,
    )
    in_task = models.BooleanField(_("runs in the background"), default=False)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    # The report of the check (every count, the first rows of each kind) and, once
    # applied, what was saved.
    result = models.JSONField(_("result"), default=dict, blank=True)
    plan_digest = models.CharField(max_length=64, blank=True, editable=False)
    error_message = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When the current attempt began: it tells a run's own worker from one that took
    # it over after it stopped, so that only the latest attempt records its outcome.
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    # When the task's message was last handed to the queue; empty while the queue
    # could not be reached: convenant/dispatch.py sends it again once it is back.
    dispatched_at = models.DateTimeField(
        _("handed to the queue"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("location import")
        verbose_name_plural = _("location imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ImportStatus]),
                name="location_import_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=[m.value for m in ImportMode]),
                name="location_import_mode_valid",
            ),
        ]
        indexes = [models.Index(fields=["company", "year", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.company}, {self.year})"

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.FAILED}

    @property
    def is_stuck(self) -> bool:
        """Queued or running, but without a sign of life for IMPORT_STUCK_AFTER."""
        if self.is_finished or self.updated_at is None:
            return False
        return timezone.now() - self.updated_at > IMPORT_STUCK_AFTER

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None

    @property
    def waits_for_queue(self) -> bool:
        """Queued for a worker, but its message could not be handed to the queue yet."""
        return (
            self.in_task
            and self.status == ImportStatus.QUEUED
            and self.dispatched_at is None
        )

    @property
    def awaits_confirmation(self) -> bool:
        """Checked without problems, with something to change, and not applied yet."""
        return (
            self.mode == ImportMode.CHECK
            and self.status == ImportStatus.DONE
            and bool(self.plan_digest)
            and bool(self.stored_file)
            and not self.result.get("problem_count")
            and bool(self.result.get("changes_anything"))
        )

    @property
    def age(self) -> dt.timedelta:
        return timezone.now() - self.created_at


# --- The published aggregated list (art. 19, 21, 24) ------------------------------------


class AreaLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    SUBREGION = "subregion", _("Sub-region")
    REGION = "region", _("Region")
    WORLD = "world", _("World")


class RestrictionLevel(models.TextChoices):
    """The levels at which a company with restricted disclosure may enter (art. 24)."""

    SUBREGION = "subregion", _("Sub-region")
    REGION = "region", _("Region")
    WORLD = "world", _("World")


class DisclosureRule(models.Model):
    """The disclosure thresholds as the Kerngroep set them, kept with their history: the
    rule in force for a release is the newest one valid on its date."""

    k = models.PositiveSmallIntegerField(
        _("minimum number of companies per published figure"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
    )
    dominance_percent = models.PositiveSmallIntegerField(
        _("dominance threshold (%)"),
        default=85,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
        help_text=_(
            "The locations figure of a cell is withheld when its two largest companies "
            "hold more than this share of its locations."
        ),
    )
    valid_from = models.DateField(_("valid from"))
    decided_on = models.DateField(_("decided by the Kerngroep on"))
    note = models.TextField(_("decision"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("disclosure rule")
        verbose_name_plural = _("disclosure rules")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(k__gte=2), name="disclosure_rule_k_at_least_two"
            ),
            models.CheckConstraint(
                condition=Q(dominance_percent__gte=50, dominance_percent__lte=100),
                name="disclosure_rule_dominance_range",
            ),
        ]

    def __str__(self) -> str:
        return f"k={self.k} · {self.valid_from}"


class RestrictionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the Kerngroep")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RestrictedDisclosure(models.Model):
    """A company's reasoned request to enter the aggregated list only at a higher level
    (art. 24). The Kerngroep decides; an approval applies from the next release."""

    company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="disclosure_requests",
        verbose_name=_("company"),
    )
    requested_level = models.CharField(
        _("requested level"), max_length=20, choices=RestrictionLevel.choices
    )
    reason = models.TextField(_("reasons"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RestrictionStatus.choices,
        default=RestrictionStatus.PENDING,
    )
    approved_level = models.CharField(
        _("approved level"),
        max_length=20,
        choices=RestrictionLevel.choices,
        blank=True,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request for restricted disclosure")
        verbose_name_plural = _("requests for restricted disclosure")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # An approval names its level; nothing else does.
            models.CheckConstraint(
                condition=(
                    Q(status="approved", decided_on__isnull=False)
                    & ~Q(approved_level="")
                )
                | (Q(approved_level="") & ~Q(status="approved")),
                name="restricted_disclosure_level_with_approval",
            ),
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(status="pending"),
                name="restricted_disclosure_one_pending",
                violation_error_message=_(
                    "The company has a request waiting for the Kerngroep already."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.get_requested_level_display()}"


class ReleaseStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


class LocationRelease(models.Model):
    """One publication of the aggregated list for a year, frozen once built: its cells,
    the rules it was built with and the restrictions it honoured never change. A later
    release of the same year supersedes it."""

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("release"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReleaseStatus.choices,
        default=ReleaseStatus.QUEUED,
    )
    rules = models.JSONField(_("rules"), default=dict)
    rule = models.ForeignKey(
        DisclosureRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="releases",
    )
    restrictions = models.JSONField(default=list, blank=True)
    lists = models.PositiveIntegerField(_("lists"), default=0)
    companies = models.PositiveIntegerField(_("companies"), default=0)
    locations = models.PositiveIntegerField(_("locations"), default=0)
    # For the secretariat only: the cells held back and where they went.
    held_back = models.JSONField(default=list, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("release of the aggregated list")
        verbose_name_plural = _("releases of the aggregated list")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"], name="location_release_number_per_year"
            ),
            # One build at a time per year: a second start attaches to it.
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status__in=["queued", "running"]),
                name="location_release_one_build_per_year",
            ),
        ]

    def __str__(self) -> str:
        return _("%(year)s, release %(number)s") % {
            "year": self.year,
            "number": self.number,
        }

    @property
    def is_published(self) -> bool:
        return self.status == ReleaseStatus.PUBLISHED

    @property
    def is_building(self) -> bool:
        return self.status in {ReleaseStatus.QUEUED, ReleaseStatus.RUNNING}


class ReleaseCell(models.Model):
    """One published figure of a release. The banded figures are public; the exact
    counts and the companies behind them are for the secretariat only."""

    release = models.ForeignKey(
        LocationRelease, on_delete=models.CASCADE, related_name="cells"
    )
    position = models.PositiveIntegerField()
    area_level = models.CharField(max_length=20, choices=AreaLevel.choices)
    area_code = models.CharField(max_length=3)
    activity = models.CharField(max_length=30, choices=Activity.choices)
    companies_band = models.CharField(max_length=20)
    # Empty: withheld by the dominance rule.
    locations_band = models.CharField(max_length=20, blank=True)
    exact_companies = models.PositiveIntegerField()
    exact_locations = models.PositiveIntegerField()
    company_ids = models.JSONField(default=list)
    countries = models.JSONField(default=list)

    class Meta:
        ordering = ["release", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "area_level", "area_code", "activity"],
                name="release_cell_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_level}:{self.area_code} · {self.activity}"


# --- Requests and reports around the map (art. 22, 23) ----------------------------------


def _is_ngo_or_union(organisation: Organisation) -> bool:
    return organisation.kind in {OrganisationKind.NGO, OrganisationKind.UNION}


class AreaRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the secretariat")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class RequestAreaLevel(models.TextChoices):
    """The areas an NGO or union may ask about: the world as a whole is no area."""

    COUNTRY = "country", _("Country")
    SUBREGION = "subregion", _("Sub-region")
    REGION = "region", _("Region")


class AreaRequest(models.Model):
    """An NGO's or union's question which companies are active in a country, sub-region
    or region, optionally for one activity (art. 22).

    The answer is shared only under a confidentiality agreement. An approval needs a
    clause or NDA of the organisation that is valid that day and names the agreement it
    relied on; the organisation sees the answer only while it holds a valid one. The
    answer (the company names and the year of the lists it was drawn from) is computed
    when the request is approved and frozen here.

    `confidentiality_signed_on` is the signing date of the agreement relied on. Before
    agreements were kept in the platform, approvals recorded only that date (and no
    agreement); it is kept so that those approvals keep their record."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="area_requests",
        verbose_name=_("organisation"),
    )
    area_level = models.CharField(
        _("area level"), max_length=20, choices=RequestAreaLevel.choices
    )
    area_code = models.CharField(_("area"), max_length=3)
    activity = models.CharField(
        _("activity"), max_length=30, choices=Activity.choices, blank=True
    )
    year = models.PositiveSmallIntegerField(
        _("year of the lists"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR)],
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AreaRequestStatus.choices,
        default=AreaRequestStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    confidentiality_signed_on = models.DateField(
        _("confidentiality agreement signed on"), null=True, blank=True
    )
    confidentiality_agreement = models.ForeignKey(
        "governance.ConfidentialityAgreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="area_requests",
        verbose_name=_("confidentiality agreement relied on"),
    )
    decision_note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    answer_year = models.PositiveSmallIntegerField(
        _("year of the answer"), null=True, blank=True
    )
    company_names = models.JSONField(_("companies"), default=list, blank=True)

    class Meta:
        verbose_name = _("request for companies in an area")
        verbose_name_plural = _("requests for companies in an area")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # An approval records the confidentiality agreement it relies on.
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(confidentiality_signed_on__isnull=False, decided_at__isnull=False),
                name="area_request_approval_with_agreement",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "refused"]),
                name="area_request_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.area_level}:{self.area_code}"

    def clean(self) -> None:
        if self.organisation_id and not _is_ngo_or_union(self.organisation):
            raise ValidationError(
                {"organisation": _("Only an NGO or a trade union asks this.")}
            )

    @property
    def is_approved(self) -> bool:
        return self.status == AreaRequestStatus.APPROVED


class ExpertiseProfile(models.Model):
    """Where an NGO or union has a network or expertise: countries and M49 areas, raw
    materials and themes, and whom companies contact about risks there (art. 23)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="expertise_profile",
        verbose_name=_("organisation"),
    )
    # ISO 3166-1 alpha-2 codes.
    countries = models.JSONField(_("countries"), default=list, blank=True)
    # M49 sub-region and region codes.
    areas = models.JSONField(_("regions"), default=list, blank=True)
    materials = models.JSONField(_("raw materials"), default=list, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    description = models.TextField(_("network and expertise"))
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("email"))
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("expertise profile")
        verbose_name_plural = _("expertise profiles")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        if self.organisation_id and not _is_ngo_or_union(self.organisation):
            raise ValidationError(
                {"organisation": _("Only an NGO or a trade union keeps a profile.")}
            )


class SupplierReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    NOTIFIED = "notified", _("Companies notified")
    IN_DIALOGUE = "in_dialogue", _("In dialogue")
    CLOSED = "closed", _("Closed")


def supplier_report_evidence_path(instance, filename: str) -> str:
    # The person's file name is kept as data only, never as part of a path.
    return f"supplier-reports/{uuid.uuid4().hex}"


def _private_storage():
    from monitoring.models import private_storage

    return private_storage()


class SupplierReport(models.Model):
    """An NGO's or union's report of a risk or abuse at a named supplier (art. 23). The
    secretariat finds the companies that buy from it, points them to the report and
    brokers the dialogue; the reporter follows the progress, never which companies."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="supplier_reports",
        verbose_name=_("reporting organisation"),
    )
    supplier_name = models.CharField(_("supplier name"), max_length=200)
    normalised_name = models.CharField(max_length=200, db_index=True, editable=False)
    country = CountryField(_("country"))
    activity = models.CharField(_("activity"), max_length=30, choices=Activity.choices)
    description = models.TextField(_("what happened"))
    share_reporter = models.BooleanField(
        _("the companies may see who reported"), default=False
    )
    evidence = models.FileField(
        _("evidence"),
        upload_to=supplier_report_evidence_path,
        storage=_private_storage,
        blank=True,
    )
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SupplierReportStatus.choices,
        default=SupplierReportStatus.RECEIVED,
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("supplier report")
        verbose_name_plural = _("supplier reports")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SupplierReportStatus]),
                name="supplier_report_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_name} ({self.country.code})"

    def clean(self) -> None:
        if self.organisation_id and not _is_ngo_or_union(self.organisation):
            raise ValidationError(
                {"organisation": _("Only an NGO or a trade union reports a supplier.")}
            )


class SupplierReportCompany(models.Model):
    """A company the secretariat pointed to a report, because its list names the
    supplier."""

    report = models.ForeignKey(
        SupplierReport, on_delete=models.CASCADE, related_name="notified"
    )
    company = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="supplier_reports_received"
    )
    # The supplier names in the company's list the secretariat confirmed as a match.
    matched_names = models.JSONField(default=list)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notified_at = models.DateTimeField(_("notified"), default=timezone.now)

    class Meta:
        verbose_name = _("notified company")
        verbose_name_plural = _("notified companies")
        ordering = ["company__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "company"], name="supplier_report_company_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.company}"


class SupplierReportNote(models.Model):
    """A dated note on a report. Without a company it is the secretariat's: internal,
    or a progress note for the reporter. With a company it belongs to the dialogue with
    that company, which the secretariat and that company see."""

    report = models.ForeignKey(
        SupplierReport, on_delete=models.CASCADE, related_name="notes"
    )
    company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("dialogue with"),
    )
    for_reporter = models.BooleanField(_("show to the reporter"), default=False)
    text = models.TextField(_("note"))
    status = models.CharField(
        _("status set to"),
        max_length=20,
        choices=SupplierReportStatus.choices,
        blank=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("note on a supplier report")
        verbose_name_plural = _("notes on supplier reports")
        ordering = ["created_at", "pk"]
        constraints = [
            # The reporter never reads the dialogue with a company.
            models.CheckConstraint(
                condition=Q(company__isnull=True) | Q(for_reporter=False),
                name="supplier_report_note_reporter_not_in_dialogue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.created_at:%Y-%m-%d}"
