"""Writing to the audit log. Every write service and every view of confidential data calls
`audit_record`; nothing else inserts audit entries."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from .models import AuditEntry


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from. Behind the production proxy REMOTE_ADDR is the
    proxy's own; gunicorn is started with --forwarded-allow-ips so that it is the client's."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    organisation=None,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `organisation` is the organisation whose data was touched."""
    if organisation is None and obj is not None:
        organisation = _organisation_of(obj)
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_person else None,
        actor_label=actor.email if is_person else "system",
        action=action,
        content_type=ContentType.objects.get_for_model(obj)
        if obj is not None
        else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        organisation=organisation,
        ip_address=client_ip(request),
        details=details or {},
    )


def _organisation_of(obj: models.Model):
    from governance.models import Organisation

    if isinstance(obj, Organisation):
        return obj
    return getattr(obj, "organisation", None)
