from django.urls import path

from renkei.partnerships import views

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
]
