"""Who may see and change production-location lists.

Name and address data (NAW) of locations are seen only by the company itself and by the
secretariat (art. 20). A company's people (admins and members alike) keep their own list;
the secretariat reads every list, and each of its views is audited. Nobody else sees a
list: other roles get 403, and another company's locations are not there for a company
(404).
"""

from __future__ import annotations

from django.db.models import QuerySet

from governance.models import Organisation, OrganisationKind
from governance.permissions import Role, is_secretariat, user_roles

from .models import Location, LocationImport, LocationList


def is_company_user(user) -> bool:
    return bool(
        Role.COMPANY in user_roles(user)
        and user.organisation is not None
        and user.organisation.kind == OrganisationKind.COMPANY
    )


def own_company(user) -> Organisation | None:
    """The company whose list this person keeps, or None."""
    return user.organisation if is_company_user(user) else None


def can_keep_list(user) -> bool:
    """Add, change, delete, import, export and submit the own company's locations."""
    return is_company_user(user)


def can_edit_list_of(user, company: Organisation) -> bool:
    return is_company_user(user) and user.organisation_id == company.pk


def can_view_all_lists(user) -> bool:
    return is_secretariat(user)


def can_import_for(user, company: Organisation) -> bool:
    """A company imports its own list; the secretariat may import any company's
    (the command line runs without a person)."""
    return can_edit_list_of(user, company) or is_secretariat(user)


def location_list_visible_to(user) -> QuerySet[LocationList]:
    qs = LocationList.objects.select_related("company")
    if is_secretariat(user):
        return qs
    if is_company_user(user):
        return qs.filter(company_id=user.organisation_id)
    return qs.none()


def location_editable_by(user) -> QuerySet[Location]:
    """The locations this person may change: their own company's."""
    if not is_company_user(user):
        return Location.objects.none()
    return Location.objects.select_related(
        "location_list", "location_list__company"
    ).filter(location_list__company_id=user.organisation_id)


def location_import_visible_to(user) -> QuerySet[LocationImport]:
    if not is_company_user(user):
        return LocationImport.objects.none()
    return LocationImport.objects.select_related("company", "created_by").filter(
        company_id=user.organisation_id
    )
