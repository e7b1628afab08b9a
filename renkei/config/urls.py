from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog, set_language

from renkei.config.api import api, json_not_found
from renkei.web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    re_path(r"^api/", json_not_found),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("", include("renkei.matching.urls")),
    path("", include("renkei.programmes.urls")),
    path("", include("renkei.partnerships.urls")),
    path("", include("renkei.activities.urls")),
    path("", include("renkei.evaluation.urls")),
    path("", include("renkei.connections.urls")),
    path("", include("renkei.knowledge.urls")),
    path("", include("renkei.indicators.urls")),
    path("", include("renkei.iati.urls")),
    path("", include("renkei.networks.urls")),
    path("", include("renkei.places.urls")),
    path("", include("renkei.web.urls")),
]

handler403 = "renkei.web.views.error_403"
handler404 = "renkei.web.views.error_404"
handler500 = "renkei.web.views.error_500"
