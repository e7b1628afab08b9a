from django.urls import path

from renkei.partnerships import activity_views, views

app_name = "partnerships"

urlpatterns = [
    path("partnerships/", views.partnership_list, name="list"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="detail"),
    path("partnerships/<slug:slug>/status/", views.partnership_status, name="status"),
    path("partnerships/<slug:slug>/add/<str:what>/", views.partnership_add, name="add"),
    path("partnerships/<slug:slug>/agreements/<int:pk>/document/", views.agreement_document,
         name="agreement-document"),
    path("programmes/<slug:slug>/partnerships/", views.programme_health, name="programme-health"),
    path("applications/<int:pk>/partnership/", views.from_application, name="from-application"),
    path("activities/", activity_views.calendar, name="calendar"),
    path("activities/feed.ics", activity_views.feed_ics, name="feed"),
    path("activities/new/", activity_views.activity_new, name="activity-new"),
    path("activities/<slug:slug>/participants/", activity_views.participant_add, name="participant-add"),
    path("activities/<slug:slug>/sessions/", activity_views.session_add, name="activity-session-add"),
    path("activities/<slug:slug>/", activity_views.activity_detail, name="activity"),
    path("activities/<slug:slug>/event.ics", activity_views.activity_ics, name="activity-ics"),
]
