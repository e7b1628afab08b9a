from django.urls import path

from renkei.indicators import views

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.catalogue, name="catalogue"),
    path("indicators/new/", views.indicator_new, name="indicator-new"),
    path("indicators/import/", views.values_import, name="import"),
    path("indicators/values/<int:pk>/", views.value_history, name="value"),
    path("indicators/values/<int:pk>/delete/", views.value_delete, name="value-delete"),
    path("indicators/peer-groups/", views.peer_groups, name="peer-groups"),
    path("indicators/peer-groups/<slug:slug>/delete/", views.peer_group_delete, name="peer-group-delete"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("places/<slug:slug>/indicators/", views.place_values, name="place-values"),
    path("places/<slug:slug>/indicators/add/", views.value_add, name="value-add"),
    path("places/<slug:slug>/benchmark/", views.benchmark, name="benchmark"),
]
