from django.urls import path

from . import history_views, views

app_name = "figures"

urlpatterns = [
    path("figures/", views.dashboard, name="dashboard"),
    path("figures/records/<str:group>/<str:name>/", views.records, name="records"),
    path("figures/report/", views.report, name="report"),
    path("figures/definitions/", views.definitions, name="definitions"),
    path("figures/import/", history_views.import_history, name="import_history"),
]
