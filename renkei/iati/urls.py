from django.urls import path

from renkei.iati import views

app_name = "iati"

urlpatterns = [
    path("iati/activities.xml", views.activities_xml, name="activities"),
    path("iati/organisation.xml", views.organisation_xml, name="organisation"),
    path("iati/", views.publishing, name="publishing"),
    path("iati/settings/", views.settings_page, name="settings"),
    path("iati/documents/<int:pk>/delete/", views.document_delete, name="document-delete"),
]
