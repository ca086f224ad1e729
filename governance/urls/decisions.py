"""URLs of the decisions pages (namespace governance)."""

from django.urls import path

from ..views import decisions as views

urlpatterns: list = [
    path("decisions/", views.DecisionListView.as_view(), name="decision_list"),
    path("decisions/new/", views.DecisionCreateView.as_view(), name="decision_create"),
    path(
        "decisions/<int:pk>/",
        views.DecisionDetailView.as_view(),
        name="decision_detail",
    ),
    path(
        "decisions/<int:pk>/votes/",
        views.DecisionVotesView.as_view(),
        name="decision_votes",
    ),
    path(
        "decisions/<int:pk>/close/",
        views.DecisionCloseView.as_view(),
        name="decision_close",
    ),
    path(
        "decisions/<int:pk>/vote/",
        views.DecisionVoteView.as_view(),
        name="decision_vote",
    ),
    path(
        "decisions/<int:pk>/assembly/",
        views.AssemblyVoteView.as_view(),
        name="assembly_vote",
    ),
    path(
        "decisions/<int:pk>/assembly/close/",
        views.AssemblyVoteCloseView.as_view(),
        name="assembly_vote_close",
    ),
]
