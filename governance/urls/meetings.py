"""URLs of the Kerngroep's seats, its chair and its meetings (namespace governance)."""

from django.urls import path

from ..views import meetings, seats

urlpatterns: list = [
    path("kerngroep/", seats.SeatListView.as_view(), name="seat_list"),
    path("kerngroep/seats/assign/", seats.SeatAssignView.as_view(), name="seat_assign"),
    path(
        "kerngroep/seats/<int:pk>/representatives/",
        seats.SeatRepresentativesView.as_view(),
        name="seat_representatives",
    ),
    path(
        "kerngroep/chair/new/",
        seats.ChairTermCreateView.as_view(),
        name="chair_term_create",
    ),
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting_create"),
    path(
        "meetings/<int:pk>/",
        meetings.MeetingDetailView.as_view(),
        name="meeting_detail",
    ),
    path(
        "meetings/<int:pk>/edit/",
        meetings.MeetingUpdateView.as_view(),
        name="meeting_update",
    ),
    path(
        "meetings/<int:pk>/cancel/",
        meetings.MeetingCancelView.as_view(),
        name="meeting_cancel",
    ),
    path(
        "meetings/<int:pk>/held/",
        meetings.MeetingHeldView.as_view(),
        name="meeting_held",
    ),
    path(
        "meetings/<int:pk>/minutes/",
        meetings.MinutesEditView.as_view(),
        name="meeting_minutes",
    ),
    path(
        "meetings/<int:pk>/minutes/approve-previous/",
        meetings.MinutesApproveView.as_view(),
        name="meeting_minutes_approve",
    ),
    path(
        "meetings/<int:pk>/items/new/",
        meetings.AgendaItemCreateView.as_view(),
        name="agenda_item_create",
    ),
    path(
        "meetings/items/<int:pk>/edit/",
        meetings.AgendaItemUpdateView.as_view(),
        name="agenda_item_update",
    ),
    path(
        "meetings/items/<int:pk>/delete/",
        meetings.AgendaItemDeleteView.as_view(),
        name="agenda_item_delete",
    ),
    path(
        "meetings/items/<int:pk>/move/",
        meetings.AgendaItemMoveView.as_view(),
        name="agenda_item_move",
    ),
    path(
        "meetings/items/<int:pk>/documents/new/",
        meetings.AgendaDocumentUploadView.as_view(),
        name="agenda_document_upload",
    ),
    path(
        "meetings/documents/<int:pk>/",
        meetings.AgendaDocumentDownloadView.as_view(),
        name="agenda_document_download",
    ),
    path(
        "meetings/documents/<int:pk>/delete/",
        meetings.AgendaDocumentDeleteView.as_view(),
        name="agenda_document_delete",
    ),
    path(
        "meetings/<int:pk>/guests/new/",
        meetings.GuestProposeView.as_view(),
        name="meeting_guest_propose",
    ),
    path(
        "meetings/guests/<int:pk>/decide/",
        meetings.GuestDecideView.as_view(),
        name="meeting_guest_decide",
    ),
]
