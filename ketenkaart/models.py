"""The ketenkaart (art. 15-24): each company's production-location list per year, its
locations, and the runs that import a list from a file.

Name and address data (NAW) of locations are confidential: only the company itself and the
secretariat see them (art. 20). Everything else sees locations only through the published
aggregated list.
"""

from __future__ import annotations

import datetime as dt

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
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

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
