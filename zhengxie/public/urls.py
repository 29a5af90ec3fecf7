from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.replies, name="replies"),
    path("<slug:slug>/<int:pk>/", views.proposal, name="proposal"),
    path("<slug:slug>/leads/new/", views.new_lead, name="new_lead"),
    path("<slug:slug>/leads/thanks/", views.lead_thanks, name="lead_thanks"),
]
