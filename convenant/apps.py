from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConvenantConfig(AppConfig):
    name = "convenant"
    verbose_name = _("Agreement")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import note_sign_in

        user_logged_in.connect(note_sign_in, dispatch_uid="convenant.note_sign_in")
