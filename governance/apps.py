from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Members and governance")

    def ready(self) -> None:
        # What a Kerngroep decision does to its subject is registered when these load.
        from .services import conduct, decisions, membership  # noqa: F401
