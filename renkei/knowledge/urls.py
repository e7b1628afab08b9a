from django.urls import path

from renkei.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/new/", views.product_new, name="product-new"),
    path("library/suggest-themes/", views.suggest_themes, name="suggest-themes"),
    path("library/index/", views.index_page, name="index"),
    path("library/requests/", views.requests_list, name="requests"),
    path("library/places/<slug:slug>/", views.place_knowledge, name="place"),
    path("library/requests/new/", views.request_new, name="request-new"),
    path("library/requests/<int:pk>/", views.request_detail, name="request"),
    path("library/requests/<int:pk>/answer/", views.request_answer, name="request-answer"),
    path("library/requests/<int:pk>/<str:action>/", views.request_action, name="request-action"),
    path("library/<slug:slug>/", views.product_detail, name="product"),
    path("library/<slug:slug>/edit/", views.product_edit, name="product-edit"),
    path("library/<slug:slug>/status/", views.product_status, name="product-status"),
    path("library/<slug:slug>/delete/", views.product_delete, name="product-delete"),
    path("library/<slug:slug>/files/", views.files_add, name="files-add"),
    path("library/<slug:slug>/files/<int:pk>/", views.file_download, name="file"),
    path("library/<slug:slug>/files/<int:pk>/remove/", views.file_remove, name="file-remove"),
]
