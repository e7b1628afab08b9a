from django.urls import path

from renkei.programmes import views

app_name = "programmes"

urlpatterns = [
    path("programmes/", views.programme_list, name="list"),
    path("calls/new/", views.call_new, name="call-new"),
    path("calls/<slug:slug>/", views.call_detail, name="call"),
    path("calls/<slug:slug>/status/", views.call_status, name="call-status"),
    path("calls/<slug:slug>/apply/<slug:place_slug>/", views.apply, name="apply"),
    path("calls/<slug:slug>/committee/", views.committee, name="committee"),
    path("applications/<int:pk>/answers/<int:question>/file/", views.answer_file, name="answer-file"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
]
