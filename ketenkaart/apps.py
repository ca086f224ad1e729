from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KetenkaartConfig(AppConfig):
    name = "ketenkaart"
    verbose_name = _("Ketenkaart")
