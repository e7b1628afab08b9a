from django.urls import path

from renkei.partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("partnerships/", views.partnership_list, name="list"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="detail"),
    path("partnerships/<slug:slug>/status/", views.partnership_status, name="status"),
    path("applications/<int:pk>/partnership/", views.from_application, name="from-application"),
]
