from django.urls import path

from renkei.connections import views

app_name = "connections"

urlpatterns = [
    path("places/<slug:slug>/connections/", views.dashboard, name="dashboard"),
    path("places/<slug:slug>/connections/people/", views.people, name="people"),
    path("places/<slug:slug>/connections/people/new/", views.person_new, name="person-new"),
    path("places/<slug:slug>/connections/import/", views.import_csv, name="import"),
    path("places/<slug:slug>/connections/retention/", views.retention, name="retention"),
    path("connections/people/<int:pk>/", views.person, name="person"),
    path("connections/people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("connections/people/<int:pk>/export.json", views.person_export, name="person-export"),
    path("connections/people/<int:pk>/withdraw/", views.person_withdraw, name="person-withdraw"),
    path("connections/people/<int:pk>/consents/<int:consent>/withdraw/", views.consent_withdraw,
         name="consent-withdraw"),
    path("connections/people/<int:pk>/erase/", views.person_erase, name="person-erase"),
    path("activities/<slug:slug>/connect/", views.from_activity, name="from-activity"),
]
