from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.ReminderListView.as_view(), name="reminder_list"),
    path(
        "<int:pk>/dismiss/",
        views.ReminderDismissView.as_view(),
        name="reminder_dismiss",
    ),
    path("sent/", views.ReminderOverviewView.as_view(), name="reminder_overview"),
]
