"""Requests and reports around the map (art. 22, 23): NGOs and unions asking which
companies are active in an area, their expertise profiles, and their reports of risks or
abuses at a supplier.

What each side sees:
- an NGO or union sees the company names of an approved request of its own (never
  addresses, suppliers or numbers of locations), and each view is audited;
- a company sees the reports it was pointed to and its own dialogue with the
  secretariat; it sees who reported only when the reporter allowed that;
- the reporter sees the status of its report and the progress notes meant for it,
  never which companies were matched or notified;
- the secretariat sees everything, including near matches for a person to confirm.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from convenant.vocabulary import Activity, Material
from governance.models import Organisation, OrganisationKind
from governance.permissions import (
    Role,
    confidentiality_agreements_valid,
    confidentiality_valid,
    is_secretariat,
    user_roles,
)
from governance.selectors.confidentiality import (
    AREA_REQUEST_KINDS,
    confidentiality_agreement_for,
)
from monitoring.evidence import check_upload
from monitoring.models import RbcTheme

from . import m49
from .aggregation import normalise_supplier_name, similar_names
from .models import (
    AreaRequest,
    AreaRequestStatus,
    ExpertiseProfile,
    ListStatus,
    Location,
    LocationList,
    RestrictedDisclosure,
    RestrictionStatus,
    SupplierReport,
    SupplierReportCompany,
    SupplierReportNote,
    SupplierReportStatus,
)
from .permissions import is_company_user

# From fine to coarse: a company restricted to a level is named only for an area at
# that level or coarser (art. 24).
LEVEL_ORDER = {"country": 0, "subregion": 1, "region": 2, "world": 3}


# --- Who may ----------------------------------------------------------------------------


def is_ngo_union_user(user) -> bool:
    return bool(
        Role.NGO_UNION in user_roles(user)
        and user.organisation is not None
        and user.organisation.kind in {OrganisationKind.NGO, OrganisationKind.UNION}
    )


def can_ask_area(user) -> bool:
    return is_ngo_union_user(user)


def can_see_area_requests(user) -> bool:
    return is_ngo_union_user(user) or is_secretariat(user)


def can_decide_area_requests(user) -> bool:
    return is_secretariat(user)


def can_see_expertise(user) -> bool:
    """The overview is shared with every party (art. 23)."""
    return bool(user.is_authenticated and user.is_active and user.organisation_id)


def can_keep_expertise(user) -> bool:
    return is_ngo_union_user(user)


def can_report_supplier(user) -> bool:
    return is_ngo_union_user(user)


def can_see_supplier_reports(user) -> bool:
    return is_ngo_union_user(user) or is_secretariat(user) or is_company_user(user)


def can_broker_reports(user) -> bool:
    return is_secretariat(user)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Areas ------------------------------------------------------------------------------


def area_countries(level: str, code: str) -> frozenset[str]:
    """The ISO countries inside a country, M49 sub-region or region."""
    if level == "country":
        return frozenset({code}) if code in m49.COUNTRIES else frozenset()
    if level == "subregion":
        return frozenset(c for c, s in m49.COUNTRY_SUBREGION.items() if s == code)
    if level == "region":
        return frozenset(
            c
            for c, s in m49.COUNTRY_SUBREGION.items()
            if m49.SUBREGION_REGION[s] == code
        )
    return frozenset()


def area_valid(level: str, code: str) -> bool:
    if level == "country":
        return code in m49.COUNTRIES
    if level == "subregion":
        return code in m49.SUBREGION_REGION
    if level == "region":
        return code in m49.REGIONS
    return False


def area_label(level: str, code: str, language: str = "en") -> str:
    language = "nl" if language == "nl" else "en"
    if level == "country":
        return m49.country_name(code, language)
    return m49.area_name(code, language)


def named_for(request_level: str, restriction_level: str | None) -> bool:
    """Whether a company with this restriction may be named for an area at this level."""
    if not restriction_level:
        return True
    return LEVEL_ORDER[request_level] >= LEVEL_ORDER[restriction_level]


# --- Which companies are active in an area (art. 22) --------------------------------------


def area_request_list(*, user) -> QuerySet[AreaRequest]:
    qs = AreaRequest.objects.select_related(
        "organisation", "requested_by", "confidentiality_agreement"
    )
    if is_secretariat(user):
        return qs
    if is_ngo_union_user(user):
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


@transaction.atomic
def area_request_create(
    *,
    organisation: Organisation,
    area_level: str,
    area_code: str,
    activity: str = "",
    year: int | None = None,
    reason: str,
    actor,
    request: HttpRequest | None = None,
) -> AreaRequest:
    """An NGO or union asks which companies are active in an area (and activity). It
    waits for the secretariat's decision."""
    _require(is_ngo_union_user(actor) and actor.organisation_id == organisation.pk)
    if not area_valid(area_level, area_code):
        raise ValidationError({"area_code": _("Choose a country or a region.")})
    item = AreaRequest(
        organisation=organisation,
        area_level=area_level,
        area_code=area_code,
        activity=activity or "",
        year=year,
        reason=(reason or "").strip(),
        requested_by=actor,
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="ketenkaart.area_request_create",
        obj=item,
        organisation=organisation,
        request=request,
        details={"area": f"{area_level}:{area_code}", "activity": activity or ""},
    )
    return item


def _answer_year(year: int | None) -> int | None:
    submitted = LocationList.objects.filter(status=ListStatus.SUBMITTED)
    if year is not None:
        return year
    return submitted.order_by("-year").values_list("year", flat=True).first()


def area_companies(
    *, area_level: str, area_code: str, activity: str, year: int
) -> list[str]:
    """The names of the companies whose submitted lists of `year` have locations in the
    area (and activity), leaving out companies whose approved restricted disclosure
    lies above the area's level."""
    locations = Location.objects.filter(
        location_list__status=ListStatus.SUBMITTED,
        location_list__year=year,
        country__in=sorted(area_countries(area_level, area_code)),
    )
    if activity:
        locations = locations.filter(activity=activity)
    company_ids = set(locations.values_list("location_list__company_id", flat=True))
    restricted = dict(
        RestrictedDisclosure.objects.filter(
            status=RestrictionStatus.APPROVED, company_id__in=company_ids
        ).values_list("company_id", "approved_level")
    )
    named = [i for i in company_ids if named_for(area_level, restricted.get(i))]
    return sorted(
        Organisation.objects.filter(pk__in=named).values_list("name", flat=True)
    )


def organisations_with_area_agreement(organisation_ids) -> frozenset[int]:
    """Of these organisations, those holding a clause or NDA valid today."""
    return confidentiality_agreements_valid(organisation_ids, kind=AREA_REQUEST_KINDS)


def area_request_agreement(item: AreaRequest, *, on: dt.date | None = None):
    """The requesting organisation's confidentiality clause or NDA valid on `on`
    (today by default) that an approval relies on, or None."""
    return confidentiality_agreement_for(
        item.organisation_id, kinds=AREA_REQUEST_KINDS, on=on
    )


@transaction.atomic
def area_request_decide(
    *,
    item: AreaRequest,
    approved: bool,
    note: str = "",
    actor,
    request: HttpRequest | None = None,
) -> AreaRequest:
    """Approve or refuse a waiting request. An approval needs a confidentiality clause
    or NDA of the requesting organisation that is valid today, and names the agreement
    it relied on; it computes the answer from the submitted lists of the year asked (or
    the newest year with submitted lists) and freezes it on the request."""
    _require(can_decide_area_requests(actor))
    item = AreaRequest.objects.select_for_update().get(pk=item.pk)
    if item.status != AreaRequestStatus.PENDING:
        raise ValidationError(_("This request was decided already."))
    note = (note or "").strip()
    if approved:
        agreement = area_request_agreement(item)
        if agreement is None:
            raise ValidationError(
                _(
                    "%(name)s has no valid confidentiality agreement today. Record the "
                    "signed clause or NDA under Confidentiality agreements first; the "
                    "answer is shared only under one (art. 22)."
                )
                % {"name": item.organisation.name},
                code="no_agreement",
            )
        year = _answer_year(item.year)
        item.answer_year = year
        item.company_names = (
            area_companies(
                area_level=item.area_level,
                area_code=item.area_code,
                activity=item.activity,
                year=year,
            )
            if year is not None
            else []
        )
        item.confidentiality_agreement = agreement
        item.confidentiality_signed_on = agreement.signed_on
        item.status = AreaRequestStatus.APPROVED
    else:
        if not note:
            raise ValidationError({"note": _("Say why the request is refused.")})
        item.status = AreaRequestStatus.REFUSED
    item.decision_note = note
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="ketenkaart.area_request_decide",
        obj=item,
        organisation=item.organisation,
        request=request,
        details={
            "approved": approved,
            "companies": len(item.company_names),
            "agreement": item.confidentiality_agreement_id,
        },
    )
    return item


def area_answer_refusal(*, item: AreaRequest, actor) -> str:
    """Why the person may not see the answer of this approved request now, or "" when
    they may. The requesting organisation sees it only while it holds a valid
    confidentiality clause or NDA: the day its agreement expires or is revoked, the
    names are withheld."""
    if not item.is_approved or is_secretariat(actor):
        return ""
    if confidentiality_valid(item.organisation_id, kind=AREA_REQUEST_KINDS):
        return ""
    agreement = item.confidentiality_agreement
    if agreement is not None and agreement.revoked_at is not None:
        return _(
            "The confidentiality agreement this answer was shared under was revoked "
            "on %(date)s, and your organisation holds no other valid one. The names "
            "are withheld until a new agreement is recorded."
        ) % {"date": timezone.localtime(agreement.revoked_at).date().isoformat()}
    if agreement is not None and agreement.valid_until is not None:
        return _(
            "The confidentiality agreement this answer was shared under expired on "
            "%(date)s, and your organisation holds no other valid one. The names are "
            "withheld until a new agreement is recorded."
        ) % {"date": agreement.valid_until.isoformat()}
    return _(
        "Your organisation holds no valid confidentiality agreement, so the names are "
        "withheld until one is recorded."
    )


def area_answer_view(
    *, item: AreaRequest, actor, request: HttpRequest | None = None
) -> list[str]:
    """The frozen answer of an approved request; every view by the requesting
    organisation is written to the audit log. Refused (PermissionDenied, with the
    reason) while the organisation holds no valid confidentiality agreement."""
    if not item.is_approved:
        return []
    refusal = area_answer_refusal(item=item, actor=actor)
    if refusal:
        raise PermissionDenied(refusal)
    if not is_secretariat(actor):
        audit_record(
            actor=actor,
            action="ketenkaart.area_answer_view",
            obj=item,
            organisation=item.organisation,
            request=request,
            details={"companies": len(item.company_names)},
        )
    return list(item.company_names)


# --- Expertise overview (art. 23) --------------------------------------------------------


def expertise_profile_get(organisation: Organisation) -> ExpertiseProfile | None:
    return ExpertiseProfile.objects.filter(organisation=organisation).first()


def _unknown(values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    allowed = set(allowed)
    return [value for value in values if value not in allowed]


@transaction.atomic
def expertise_profile_save(
    *,
    organisation: Organisation,
    countries: list[str],
    areas: list[str],
    materials: list[str],
    themes: list[str],
    description: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    actor,
    request: HttpRequest | None = None,
) -> ExpertiseProfile:
    """Create or replace the organisation's profile; its own people keep it. It names
    at least one country or region."""
    _require(is_ngo_union_user(actor) and actor.organisation_id == organisation.pk)
    errors = {}
    if _unknown(countries, m49.COUNTRIES):
        errors["countries"] = _("Unknown country.")
    if _unknown(areas, set(m49.SUBREGION_REGION) | m49.REGIONS):
        errors["areas"] = _("Unknown region.")
    if _unknown(materials, Material.values):
        errors["materials"] = _("Unknown raw material.")
    if _unknown(themes, RbcTheme.values):
        errors["themes"] = _("Unknown theme.")
    if not countries and not areas:
        errors["countries"] = _("Name at least one country or region.")
    if errors:
        raise ValidationError(errors)
    profile = expertise_profile_get(organisation) or ExpertiseProfile(
        organisation=organisation
    )
    profile.countries = sorted(set(countries))
    profile.areas = sorted(set(areas))
    profile.materials = sorted(set(materials))
    profile.themes = sorted(set(themes))
    profile.description = (description or "").strip()
    profile.contact_name = (contact_name or "").strip()
    profile.contact_email = (contact_email or "").strip()
    profile.contact_phone = (contact_phone or "").strip()
    profile.updated_by = actor
    profile.full_clean()
    profile.save()
    audit_record(
        actor=actor,
        action="ketenkaart.expertise_profile_save",
        obj=profile,
        organisation=organisation,
        request=request,
    )
    return profile


def expertise_search(
    *, country: str = "", material: str = ""
) -> list[ExpertiseProfile]:
    """The profiles that cover a country (by name, or by its sub-region or region) and
    a material. The overview holds one profile per NGO and union, a few dozen at most,
    so the lists are matched here rather than with JSON lookups the databases differ
    on."""
    profiles = list(ExpertiseProfile.objects.select_related("organisation"))
    if country:
        wanted = {country}
        if country in m49.COUNTRY_SUBREGION:
            subregion = m49.COUNTRY_SUBREGION[country]
            wanted |= {subregion, m49.SUBREGION_REGION[subregion]}
        profiles = [
            p for p in profiles if country in p.countries or wanted & set(p.areas)
        ]
    if material:
        profiles = [p for p in profiles if material in p.materials]
    return profiles


# --- Supplier reports (art. 23) ---------------------------------------------------------


def supplier_report_list(*, user) -> QuerySet[SupplierReport]:
    """The reports this person may open: all for the secretariat, its own for the
    reporting organisation, those it was pointed to for a company."""
    qs = SupplierReport.objects.select_related("organisation")
    if is_secretariat(user):
        return qs
    if is_ngo_union_user(user):
        return qs.filter(organisation_id=user.organisation_id)
    if is_company_user(user):
        return qs.filter(notified__company_id=user.organisation_id).distinct()
    return qs.none()


def supplier_report_get(*, user, pk: int) -> SupplierReport:
    item = supplier_report_list(user=user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@transaction.atomic
def supplier_report_create(
    *,
    organisation: Organisation,
    supplier_name: str,
    country: str,
    activity: str,
    description: str,
    share_reporter: bool = False,
    evidence=None,
    actor,
    request: HttpRequest | None = None,
) -> SupplierReport:
    """An NGO or union reports a risk or abuse at a supplier, optionally with one
    evidence document (a PDF, Office document or image of at most 10 MB, judged by its
    content). The companies see who reported only when `share_reporter` is set."""
    _require(is_ngo_union_user(actor) and actor.organisation_id == organisation.pk)
    item = SupplierReport(
        organisation=organisation,
        supplier_name=(supplier_name or "").strip(),
        normalised_name=normalise_supplier_name((supplier_name or "").strip()),
        country=country,
        activity=activity,
        description=(description or "").strip(),
        share_reporter=share_reporter,
        reported_by=actor,
    )
    if evidence is not None:
        try:
            checked = check_upload(evidence)
        except ValidationError as error:
            raise ValidationError({"evidence": error.messages}) from error
        item.evidence_name = checked.original_name
        item.evidence_type = checked.content_type
    item.full_clean(exclude=["evidence"])
    if evidence is not None:
        item.evidence.save("upload", evidence, save=False)
    item.save()
    audit_record(
        actor=actor,
        action="ketenkaart.supplier_report_create",
        obj=item,
        organisation=organisation,
        request=request,
        details={"country": str(item.country.code), "evidence": bool(evidence)},
    )
    return item


@dataclass(frozen=True)
class CompanyMatch:
    """A company whose list names a supplier like the reported one: `exact` when a
    normalised name equals the report's in the same country."""

    company_id: int
    company_name: str
    names: tuple[str, ...]
    years: tuple[int, ...]
    exact: bool
    score: float


def supplier_report_matches(report: SupplierReport) -> list[CompanyMatch]:
    """The companies whose lists contain the reported supplier in the report's country:
    exact matches on the normalised name first, then near matches for a person to
    confirm. For the secretariat only."""
    rows = Location.objects.filter(country=report.country).values_list(
        "location_list__company_id",
        "location_list__company__name",
        "location_list__year",
        "supplier_name",
        "normalised_name",
    )
    by_name: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for company_id, company_name, year, name, _normalised in rows:
        by_name[name].append((company_id, company_name, year))
    scores = {
        match.candidate: match.score
        for match in similar_names(report.supplier_name, by_name, limit=50)
    }
    found: dict[int, dict] = {}
    for name, score in scores.items():
        for company_id, company_name, year in by_name[name]:
            entry = found.setdefault(
                company_id,
                {"name": company_name, "names": set(), "years": set(), "score": 0.0},
            )
            entry["names"].add(name)
            entry["years"].add(year)
            entry["score"] = max(entry["score"], score)
    matches = [
        CompanyMatch(
            company_id=company_id,
            company_name=entry["name"],
            names=tuple(sorted(entry["names"])),
            years=tuple(sorted(entry["years"], reverse=True)),
            exact=entry["score"] == 1.0,
            score=entry["score"],
        )
        for company_id, entry in found.items()
    ]
    matches.sort(key=lambda m: (not m.exact, -m.score, m.company_name))
    return matches


@transaction.atomic
def supplier_report_notify(
    *,
    report: SupplierReport,
    company_ids: Iterable[int],
    actor,
    request: HttpRequest | None = None,
) -> list[SupplierReportCompany]:
    """Point the chosen companies (each one a match of the report) to it, and mail
    their people once the transaction commits. Companies notified before are left
    alone. The report's status becomes "companies notified" unless the dialogue has
    gone further."""
    from .tasks import send_supplier_report_notice

    _require(can_broker_reports(actor))
    report = SupplierReport.objects.select_for_update().get(pk=report.pk)
    if report.status == SupplierReportStatus.CLOSED:
        raise ValidationError(_("This report is closed."))
    chosen = set(company_ids)
    if not chosen:
        raise ValidationError({"companies": _("Choose at least one company.")})
    matches = {m.company_id: m for m in supplier_report_matches(report)}
    if chosen - set(matches):
        raise ValidationError(
            {"companies": _("Choose only companies whose lists name this supplier.")}
        )
    already = set(report.notified.values_list("company_id", flat=True))
    made = []
    for company_id in sorted(chosen - already):
        link = SupplierReportCompany(
            report=report,
            company_id=company_id,
            matched_names=list(matches[company_id].names),
            notified_by=actor,
        )
        link.full_clean()
        link.save()
        made.append(link)
        audit_record(
            actor=actor,
            action="ketenkaart.supplier_report_notify",
            obj=report,
            organisation=link.company,
            request=request,
            details={"company": company_id},
        )
        transaction.on_commit(lambda pk=link.pk: send_supplier_report_notice.delay(pk))
    if made and report.status in {
        SupplierReportStatus.RECEIVED,
        SupplierReportStatus.UNDER_REVIEW,
    }:
        report.status = SupplierReportStatus.NOTIFIED
        report.save(update_fields=["status", "updated_at"])
    return made


@transaction.atomic
def supplier_report_note_add(
    *,
    report: SupplierReport,
    text: str,
    company: Organisation | None = None,
    for_reporter: bool = False,
    status: str = "",
    actor,
    request: HttpRequest | None = None,
) -> SupplierReportNote:
    """Add a dated note. The secretariat writes internal notes, progress notes for the
    reporter, or notes in the dialogue with a notified company, and may change the
    status with it; a notified company writes only in its own dialogue."""
    report = SupplierReport.objects.select_for_update().get(pk=report.pk)
    notified = set(report.notified.values_list("company_id", flat=True))
    if is_secretariat(actor):
        if company is not None and company.pk not in notified:
            raise ValidationError(
                {"company": _("Only a notified company is in the dialogue.")}
            )
    elif is_company_user(actor) and actor.organisation_id in notified:
        company = actor.organisation
        for_reporter = False
        status = ""
    else:
        raise PermissionDenied
    if company is not None and for_reporter:
        raise ValidationError(
            {
                "for_reporter": _(
                    "A note in a company's dialogue is not for the reporter."
                )
            }
        )
    if status and status not in SupplierReportStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    note = SupplierReportNote(
        report=report,
        company=company,
        for_reporter=for_reporter,
        text=(text or "").strip(),
        status=status,
        author=actor,
    )
    note.full_clean()
    note.save()
    if status and status != report.status:
        report.status = status
        report.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="ketenkaart.supplier_report_note",
        obj=report,
        organisation=company or report.organisation,
        request=request,
        details={"status": status, "for_reporter": for_reporter},
    )
    return note


def supplier_report_notes(*, report: SupplierReport, user) -> list[SupplierReportNote]:
    """The notes this person may read: all for the secretariat, the progress notes for
    the reporter, a company's own dialogue for a company."""
    qs = report.notes.select_related("author", "company")
    if is_secretariat(user):
        return list(qs)
    if is_ngo_union_user(user) and user.organisation_id == report.organisation_id:
        return list(qs.filter(company__isnull=True, for_reporter=True))
    if is_company_user(user):
        return list(qs.filter(company_id=user.organisation_id))
    return []


def can_download_evidence(user, report: SupplierReport) -> bool:
    """The evidence may identify the reporter: the secretariat and the reporting
    organisation only."""
    return is_secretariat(user) or (
        is_ngo_union_user(user) and user.organisation_id == report.organisation_id
    )


def activity_label(value: str) -> str:
    return str(dict(Activity.choices).get(value, value))
