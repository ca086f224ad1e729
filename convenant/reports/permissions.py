"""Who may see, make and download which yearly report.

The secretariat makes every report and sees every version and edition. The people of
an active (or withdrawing) party, the Kerngroep and its chair among them, download the
latest published parties version of each year (art. 50); the government observer the
government version (art. 63). The internal version, with exact figures, never leaves
the secretariat.
"""

from __future__ import annotations

from governance.models import OrganisationStatus, Participation
from governance.permissions import Role, is_secretariat, user_roles

from .document import GOVERNMENT, INTERNAL, PARTIES, VERSIONS

ACTIVE = (OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING)


def can_manage_reports(user) -> bool:
    """Start, retry and publish reports; see every edition of every version."""
    return is_secretariat(user)


def is_party_person(user) -> bool:
    organisation = getattr(user, "organisation", None)
    return bool(
        user.is_authenticated
        and organisation is not None
        and organisation.participation == Participation.PARTY
        and organisation.status in ACTIVE
    )


def versions_for(user) -> frozenset[str]:
    """The versions of the yearly report this person may download."""
    if is_secretariat(user):
        return frozenset(VERSIONS)
    versions: set[str] = set()
    roles = user_roles(user)
    if Role.GOVERNMENT in roles:
        versions.add(GOVERNMENT)
    if is_party_person(user) or roles & {Role.KERNGROEP, Role.CHAIR}:
        versions.add(PARTIES)
    versions.discard(INTERNAL)
    return frozenset(versions)


def can_view_reports(user) -> bool:
    return bool(versions_for(user))


def can_download(user, run) -> bool:
    """The secretariat any edition; everybody else only the latest published edition
    of a version that is theirs (the selector finds that edition)."""
    if can_manage_reports(user):
        return True
    return run.version in versions_for(user) and run.is_published
