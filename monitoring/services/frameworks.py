"""Loading assessment frameworks: versioned data the secretariat maintains as YAML.

A version is checked in full before anything is saved. Once a round uses a version, that
version can no longer change: a changed framework must come as a new version number.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record

from .. import permissions
from ..framework import FrameworkError, framework_to_dict, load_framework_yaml
from ..models import Framework


def framework_problems(error: FrameworkError) -> ValidationError:
    """One message per problem, each naming the place in the file."""
    return ValidationError(
        [ValidationError(str(problem), code="framework") for problem in error.problems]
    )


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """The data as a JSON field gives it back, so a loaded version compares equal."""
    return json.loads(json.dumps(data))


@transaction.atomic
def framework_load(*, text: str, actor=None, request=None) -> tuple[Framework, bool]:
    """Load one framework version from the YAML document `text`.

    Returns the stored version and whether it is new. Every problem in the file is raised
    at once as a ValidationError, each message naming its place, and nothing is saved.
    When the code and version are loaded already: the same content changes nothing; a
    different content replaces the stored one while no round uses it, and is refused
    (with the next free version number to use) once a round does. `actor` None is the
    command line.
    """
    if actor is not None and not permissions.can_manage_monitoring(actor):
        raise PermissionDenied
    try:
        parsed = load_framework_yaml(text)
    except FrameworkError as error:
        raise framework_problems(error) from error
    data = _plain(framework_to_dict(parsed))
    loaded_by = actor if getattr(actor, "is_authenticated", False) else None
    existing = (
        Framework.objects.select_for_update()
        .filter(code=parsed.code, version=parsed.version)
        .first()
    )
    if existing is not None and existing.data == data:
        return existing, False
    if existing is not None and existing.rounds.exists():
        next_version = (
            Framework.objects.filter(code=parsed.code).aggregate(top=Max("version"))[
                "top"
            ]
            + 1
        )
        raise ValidationError(
            _(
                "Version %(version)s of “%(code)s” is used by a monitoring round and can "
                "no longer change. Give the changed framework version %(next)s."
            )
            % {"version": parsed.version, "code": parsed.code, "next": next_version},
            code="framework_in_use",
        )
    framework = existing or Framework(code=parsed.code, version=parsed.version)
    framework.title = dict(parsed.title)
    framework.data = data
    framework.source = text
    framework.loaded_at = timezone.now()
    framework.loaded_by = loaded_by
    framework.full_clean()
    framework.save()
    audit_record(
        actor=actor,
        action="framework.replace" if existing is not None else "framework.load",
        obj=framework,
        request=request,
        details={
            "code": parsed.code,
            "version": parsed.version,
            "steps": len(parsed.steps),
            "questions": len(parsed.questions),
        },
    )
    return framework, existing is None
