"""Worker pages of the bargaining module, at /bargaining/ (names: bargaining:…). Staff pages: console_urls.py."""

from django.urls import path

from . import views

app_name = "bargaining"
urlpatterns = [
    path("contracts/", views.my_contracts, name="my_contracts"),
    path("contracts/<int:contract_id>/", views.my_contract, name="my_contract"),
    path("hazards/report/", views.hazard_report, name="hazard_report"),
]
