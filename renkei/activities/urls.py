from django.urls import path

from renkei.activities import views

app_name = "activities"

urlpatterns = [
    path("activities/", views.calendar, name="calendar"),
    path("activities/feed.ics", views.feed_ics, name="feed"),
    path("activities/new/", views.activity_new, name="new"),
    path("activities/<slug:slug>/participants/", views.participant_add, name="participant-add"),
    path("activities/<slug:slug>/sessions/", views.session_add, name="session-add"),
    path("activities/<slug:slug>/", views.activity_detail, name="detail"),
    path("activities/<slug:slug>/event.ics", views.activity_ics, name="ics"),
]
