from django.urls import path

from renkei.networks import views

app_name = "networks"

urlpatterns = [
    path("networks/", views.network_list, name="list"),
    path("networks/<slug:slug>/", views.network_detail, name="detail"),
    path("networks/<slug:slug>/dues/", views.dues, name="dues"),
    path("networks/<slug:slug>/invoices/", views.invoices, name="invoices"),
    path("networks/<slug:slug>/invoices/issue/", views.invoices_issue, name="invoices-issue"),
    path("networks/<slug:slug>/invoices/reminders/", views.reminders, name="reminders"),
    path("networks/<slug:slug>/invoices/<str:number>/", views.invoice, name="invoice"),
    path("networks/<slug:slug>/members/import/", views.members_import, name="members-import"),
    path("networks/<slug:slug>/members/<slug:key>/statement/", views.statement, name="statement"),
    path("networks/<slug:slug>/presidency/", views.presidency, name="presidency"),
    path("networks/<slug:slug>/presidency/record/", views.presidency_record, name="presidency-record"),
    path("networks/<slug:slug>/offices/add/", views.office_add, name="office-add"),
    path("networks/<slug:slug>/funding/", views.funding, name="funding"),
    path("networks/<slug:slug>/engagement/", views.engagement, name="engagement"),
    path("networks/<slug:slug>/meetings/new/", views.meeting_new, name="meeting-new"),
    path("networks/<slug:slug>/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("networks/<slug:slug>/projects/new/", views.project_new, name="project-new"),
    path("networks/<slug:slug>/projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
]
