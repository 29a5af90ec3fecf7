from django.urls import path

from . import views

app_name = "figures"

urlpatterns = [
    path("figures/definitions/", views.definitions, name="definitions"),
]
