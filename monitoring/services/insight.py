"""NGO insight (art. 13): the secretariat grants an NGO or union insight into one company,
or into every company of a module; revokes it; grants lapse by themselves when the NGO's
entitlement ends; every look an NGO takes is written to the audit log.

A grant is a django-guardian object permission of the organisation's group on the
company (see CompanyInsightGrant). Grants belong to the organisation, never to a person:
its people need not be members of the group."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from governance.models import Organisation, OrganisationKind
from governance.models.confidentiality import (
    Module,
    ModuleParticipation,
    running_on_q,
)
from governance.permissions import ngo_insight_entitled

from .. import permissions
from ..models import INSIGHT_PERMISSION, CompanyInsightGrant


def insight_permission() -> Permission:
    """The insight permission on the company's (Organisation's) content type. Made when
    first needed: it belongs to no model's Meta, since guardian checks a permission
    against the type of the object it is held on."""
    permission, _created = Permission.objects.get_or_create(
        codename=INSIGHT_PERMISSION,
        content_type=ContentType.objects.get_for_model(Organisation),
        defaults={"name": "Can view a company's results as an NGO (art. 13)"},
    )
    return permission


def insight_group(organisation: Organisation) -> Group:
    group, _created = Group.objects.get_or_create(
        name=permissions.insight_group_name(organisation.pk)
    )
    return group


def _check_grantee(organisation: Organisation, day: dt.date) -> None:
    if organisation.kind not in permissions.INSIGHT_KINDS:
        raise ValidationError(
            {"organisation": _("Only an NGO or a trade union can be given insight.")}
        )
    if not permissions.insight_active_party(organisation):
        raise ValidationError(
            {
                "organisation": _("%(name)s is not an active party.")
                % {"name": organisation}
            }
        )
    if not ngo_insight_entitled(organisation, on=day):
        raise ValidationError(
            {
                "organisation": _(
                    "%(name)s needs a valid non-disclosure agreement and a module it "
                    "takes part in today before it can be given insight."
                )
                % {"name": organisation}
            }
        )


def _grant(
    *,
    organisation: Organisation,
    company: Organisation,
    module: Module | None,
    actor,
    request,
    permission: Permission,
    group: Group,
) -> CompanyInsightGrant:
    grant = CompanyInsightGrant(
        group=group,
        permission=permission,
        content_object=company,
        organisation=organisation,
        module=module,
        granted_by=actor,
    )
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        action="insight.grant",
        obj=grant,
        organisation=company,
        request=request,
        details={
            "grantee_id": organisation.pk,
            "grantee": organisation.name,
            "module": module.code if module else None,
        },
    )
    return grant


@transaction.atomic
def insight_grant(
    *, organisation: Organisation, company: Organisation, actor, request=None
) -> CompanyInsightGrant:
    """Give `organisation` (an entitled NGO or union) insight into `company`. Refused
    with a ValidationError when the company is no company, the organisation is not
    entitled today, or it holds this grant already."""
    if not permissions.can_manage_insight(actor):
        raise PermissionDenied
    day = timezone.localdate()
    _check_grantee(organisation, day)
    if company.kind != OrganisationKind.COMPANY:
        raise ValidationError({"company": _("Insight is given into companies only.")})
    if CompanyInsightGrant.objects.filter(
        organisation=organisation, content_object=company
    ).exists():
        raise ValidationError(
            {
                "company": _("%(name)s has insight into this company already.")
                % {"name": organisation}
            }
        )
    return _grant(
        organisation=organisation,
        company=company,
        module=None,
        actor=actor,
        request=request,
        permission=insight_permission(),
        group=insight_group(organisation),
    )


def module_companies(module: Module, *, on: dt.date | None = None):
    """The companies taking part in `module` on `on` (today by default)."""
    day = on or timezone.localdate()
    return Organisation.objects.filter(
        kind=OrganisationKind.COMPANY,
        pk__in=ModuleParticipation.objects.filter(
            running_on_q(day), module=module
        ).values("organisation_id"),
    ).order_by("name")


@transaction.atomic
def insight_grant_module(
    *, organisation: Organisation, module: Module, actor, request=None
) -> list[CompanyInsightGrant]:
    """Give `organisation` insight into every company taking part today in `module`,
    which runs today and in which the organisation takes part too; a company it has
    insight into already is left as it is. Returns the new grants. Such a grant lapses
    when the organisation stops taking part in the module."""
    if not permissions.can_manage_insight(actor):
        raise PermissionDenied
    day = timezone.localdate()
    _check_grantee(organisation, day)
    if not module.is_running(day):
        raise ValidationError({"module": _("This module does not run today.")})
    if not ModuleParticipation.objects.filter(
        running_on_q(day), module=module, organisation=organisation
    ).exists():
        raise ValidationError(
            {
                "module": _("%(name)s does not take part in this module today.")
                % {"name": organisation}
            }
        )
    held = set(
        CompanyInsightGrant.objects.filter(organisation=organisation).values_list(
            "content_object_id", flat=True
        )
    )
    companies = [c for c in module_companies(module, on=day) if c.pk not in held]
    if not companies and not held:
        raise ValidationError(
            {"module": _("No company takes part in this module today.")}
        )
    permission = insight_permission()
    group = insight_group(organisation)
    return [
        _grant(
            organisation=organisation,
            company=company,
            module=module,
            actor=actor,
            request=request,
            permission=permission,
            group=group,
        )
        for company in companies
    ]


def _delete(grant: CompanyInsightGrant, *, actor, action: str, request, reason: str):
    audit_record(
        actor=actor,
        action=action,
        obj=grant,
        organisation=grant.content_object,
        request=request,
        details={
            "grantee_id": grant.organisation_id,
            "grantee": grant.organisation.name,
            "module": grant.module.code if grant.module else None,
            "reason": reason,
        },
    )
    grant.delete()


@transaction.atomic
def insight_revoke(*, grant: CompanyInsightGrant, actor, request=None) -> None:
    """Take a grant back at once."""
    if not permissions.can_manage_insight(actor):
        raise PermissionDenied
    _delete(grant, actor=actor, action="insight.revoke", request=request, reason="")


def _lapse_reasons(grants: list[CompanyInsightGrant], day: dt.date) -> dict[int, str]:
    """Why each grant that no longer holds on `day` lapsed, by grant id (three
    queries for any number of grants)."""
    from governance.models.confidentiality import ConfidentialityKind
    from governance.permissions import (
        confidentiality_agreements_valid,
        module_participants,
    )

    organisations = {grant.organisation_id for grant in grants}
    with_nda = confidentiality_agreements_valid(
        organisations, kind=ConfidentialityKind.NDA, on=day
    )
    in_a_module = module_participants(organisations, on=day)
    taking_part = set(
        ModuleParticipation.objects.filter(
            running_on_q(day),
            running_on_q(day, "module__"),
            organisation_id__in=organisations,
        ).values_list("organisation_id", "module_id")
    )
    reasons = {}
    for grant in grants:
        if not permissions.insight_active_party(grant.organisation):
            reasons[grant.pk] = "not_active_party"
        elif grant.organisation_id not in with_nda:
            reasons[grant.pk] = "no_valid_nda"
        elif grant.organisation_id not in in_a_module:
            reasons[grant.pk] = "no_module"
        elif (
            grant.module_id is not None
            and (grant.organisation_id, grant.module_id) not in taking_part
        ):
            reasons[grant.pk] = "module_ended"
    return reasons


def insight_grants_lapse(*, today: dt.date | None = None) -> int:
    """Remove every grant that no longer holds (the NDA expired or was revoked, the
    organisation left its modules or stopped being an active party, or the module a
    grant came through ended for it), each with an audit entry; returns how many.
    Running it twice does no harm. Access is refused at every request already; this
    tidies the grants away so that the secretariat's overview shows what holds."""
    day = today or timezone.localdate()
    grants = list(
        CompanyInsightGrant.objects.select_related(
            "organisation", "content_object", "module"
        ).order_by("pk")
    )
    count = 0
    for pk, reason in _lapse_reasons(grants, day).items():
        with transaction.atomic():
            grant = (
                CompanyInsightGrant.objects.select_for_update(of=("self",))
                .select_related("organisation", "content_object", "module")
                .filter(pk=pk)
                .first()
            )
            if grant is None:
                continue
            _delete(
                grant, actor=None, action="insight.lapse", request=None, reason=reason
            )
            count += 1
    return count


def insight_view_record(*, user, company: Organisation, request=None) -> None:
    """Write an NGO person's look at a company's results to the audit log, naming
    the organisation the company will see."""
    organisation = user.organisation
    audit_record(
        actor=user,
        action="insight.view",
        obj=company,
        organisation=company,
        request=request,
        details={"viewer_id": organisation.pk, "viewer": organisation.name},
    )


def insight_list_view_record(*, user, shown: int, request=None) -> None:
    """Write an NGO person's look at its list of companies to the audit log."""
    audit_record(
        actor=user,
        action="insight.list",
        request=request,
        details={"viewer_id": user.organisation_id, "companies": shown},
    )
