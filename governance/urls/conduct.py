"""URLs of the conduct pages (namespace governance): notice of withdrawal, removal and
its public notice, complaints, and the parties' news page."""

from django.urls import path

from ..views import conduct as views

urlpatterns: list = [
    path("withdrawals/", views.WithdrawalListView.as_view(), name="withdrawal_list"),
    path(
        "organisations/<int:pk>/withdrawal/",
        views.WithdrawalCreateView.as_view(),
        name="withdrawal_create",
    ),
    path(
        "withdrawals/<int:pk>/",
        views.WithdrawalDetailView.as_view(),
        name="withdrawal_detail",
    ),
    path(
        "withdrawals/<int:pk>/take-back/",
        views.WithdrawalTakeBackView.as_view(),
        name="withdrawal_take_back",
    ),
    path("removals/", views.RemovalListView.as_view(), name="removal_list"),
    path("removals/new/", views.RemovalCreateView.as_view(), name="removal_create"),
    path(
        "removals/<int:pk>/", views.RemovalDetailView.as_view(), name="removal_detail"
    ),
    path(
        "removals/<int:pk>/reminder/",
        views.RemovalReminderView.as_view(),
        name="removal_reminder",
    ),
    path(
        "removals/<int:pk>/submit/",
        views.RemovalSubmitView.as_view(),
        name="removal_submit",
    ),
    path(
        "removals/<int:pk>/notice/",
        views.RemovalNoticeView.as_view(),
        name="removal_notice",
    ),
    path(
        "removals/<int:pk>/notice/agreed/",
        views.RemovalNoticeAgreeView.as_view(),
        name="removal_notice_agree",
    ),
    path(
        "removals/<int:pk>/publish/",
        views.RemovalPublishView.as_view(),
        name="removal_publish",
    ),
    path("complaints/", views.ComplaintListView.as_view(), name="complaint_list"),
    path(
        "complaints/new/", views.ComplaintCreateView.as_view(), name="complaint_create"
    ),
    path(
        "complaints/<int:pk>/",
        views.ComplaintDetailView.as_view(),
        name="complaint_detail",
    ),
    path(
        "complaints/<int:pk>/admissibility/",
        views.ComplaintJudgeView.as_view(),
        name="complaint_judge",
    ),
    path(
        "complaints/<int:pk>/dates/",
        views.ComplaintScheduleView.as_view(),
        name="complaint_schedule",
    ),
    path(
        "complaints/<int:pk>/submit/",
        views.ComplaintSubmitView.as_view(),
        name="complaint_submit",
    ),
    path("news/", views.NewsListView.as_view(), name="news_list"),
    path("news/new/", views.NewsCreateView.as_view(), name="news_create"),
]
