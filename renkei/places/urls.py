from django.urls import path, register_converter

from renkei.places import views


class StatementKind:
    """"need" or "expertise" in a URL; anything else does not match (a 404)."""

    regex = "need|expertise"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(StatementKind, "kind")

app_name = "places"

urlpatterns = [
    path("places/", views.place_list, name="places"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
    path("places/<slug:slug>/edit/", views.place_edit, name="place-edit"),
    path("places/<slug:slug>/history/", views.place_history, name="place-history"),
    path("places/<slug:slug>/<kind:kind>/", views.statement_section, name="statement-section"),
    path("places/<slug:slug>/<kind:kind>/add/", views.statement_edit, name="statement-add"),
    path("places/<slug:slug>/<kind:kind>/<int:pk>/edit/", views.statement_edit, name="statement-edit"),
    path("places/<slug:slug>/<kind:kind>/<int:pk>/delete/", views.statement_delete, name="statement-delete"),
    path("places/<slug:slug>/<kind:kind>/<int:pk>/tag/", views.statement_tag, name="statement-tag"),
    path("themes/", views.theme_list, name="themes"),
    path("themes/<slug:code>/", views.theme_detail, name="theme"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
]
