from django.urls import path

from renkei.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("partnerships/<slug:slug>/results/", views.results, name="results"),
    path("partnerships/<slug:slug>/results/add/<str:what>/", views.results_add, name="results-add"),
    path("evaluations/<int:pk>/", views.evaluation, name="evaluation"),
    path("evaluations/<int:pk>/score/<str:criterion>/", views.evaluation_score, name="score"),
    path("evaluations/<int:pk>/status/", views.evaluation_step, name="step"),
    path("evaluations/<int:pk>/edit/<str:what>/", views.evaluation_edit, name="edit"),
    path("evaluation/rubric/", views.rubric, name="rubric"),
    path("programmes/<slug:slug>/portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/", views.portfolio_all, name="portfolio-all"),
]
