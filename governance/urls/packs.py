"""URLs of the packs pages (namespace governance): the full pack for the Kerngroep and
the outline pack for every party, each with its page, a prepare action, the progress
fragment and the download."""

from django.urls import path

from ..models import PackKind
from ..views import packs as views

urlpatterns: list = []

for _prefix, _name, _kind in (
    ("pack", "meeting_pack", PackKind.FULL),
    ("outline-pack", "meeting_outline_pack", PackKind.OUTLINE),
):
    urlpatterns += [
        path(
            f"meetings/<int:pk>/{_prefix}/",
            views.MeetingPackView.as_view(kind=_kind),
            name=_name,
        ),
        path(
            f"meetings/<int:pk>/{_prefix}/prepare/",
            views.MeetingPackPrepareView.as_view(kind=_kind),
            name=f"{_name}_prepare",
        ),
        path(
            f"meetings/<int:pk>/{_prefix}/status/",
            views.MeetingPackStatusView.as_view(kind=_kind),
            name=f"{_name}_status",
        ),
        path(
            f"meetings/<int:pk>/{_prefix}/download/",
            views.MeetingPackDownloadView.as_view(kind=_kind),
            name=f"{_name}_download",
        ),
    ]
