"""Words the whole agreement shares: the raw materials and the activities at production
locations, as the ketenkaart and the monitoring tool both use them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Material(models.TextChoices):
    ALUMINIUM = "aluminium", _("Aluminium")
    COBALT = "cobalt", _("Cobalt")
    COPPER = "copper", _("Copper")
    GOLD = "gold", _("Gold")
    GRAPHITE = "graphite", _("Graphite")
    IRON_STEEL = "iron_steel", _("Iron and steel")
    LEAD = "lead", _("Lead")
    LITHIUM = "lithium", _("Lithium")
    MANGANESE = "manganese", _("Manganese")
    NICKEL = "nickel", _("Nickel")
    PLATINUM_GROUP = "platinum_group", _("Platinum group metals")
    RARE_EARTHS = "rare_earths", _("Rare earths")
    TANTALUM = "tantalum", _("Tantalum")
    TIN = "tin", _("Tin")
    TUNGSTEN = "tungsten", _("Tungsten")
    ZINC = "zinc", _("Zinc")
    OTHER = "other", _("Other")


class Activity(models.TextChoices):
    MINING = "mining", _("Mining")
    ARTISANAL_MINING = "artisanal_mining", _("Artisanal and small-scale mining")
    SMELTING_REFINING = "smelting_refining", _("Smelting and refining")
    PROCESSING = "processing", _("Processing")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    TRADING = "trading", _("Trading")
    SCRAP_COLLECTION = "scrap_collection", _("Scrap collection")
    RECYCLING = "recycling", _("Recycling")
    OTHER = "other", _("Other")
