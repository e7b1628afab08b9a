from django.urls import path

from renkei.matching import views

app_name = "matching"

urlpatterns = [
    path("match/", views.find_start, name="start"),
    path("match/pair/", views.pair_cohort, name="pair"),
    path("match/runs/", views.run_list, name="runs"),
    path("match/index/", views.index_status, name="index"),
    path("match/runs/<int:pk>/", views.run_detail, name="run"),
    path("places/<slug:slug>/partners/", views.find_partners, name="find"),
    path("places/<slug:slug>/partners/feedback/", views.feedback, name="feedback"),
    path("match/programmes/<slug:slug>/", views.programme_tuning, name="tuning"),
    path("match/programmes/<slug:slug>/tune/", views.programme_tuning_start, name="tuning-start"),
    path("match/programmes/<slug:slug>/reset/", views.programme_tuning_reset, name="tuning-reset"),
]
