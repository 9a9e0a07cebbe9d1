"""Worker pages of the bargaining module, at /bargaining/ (names: bargaining:…). Staff pages: console_urls.py."""

from django.urls import path

from . import views

app_name = "bargaining"
urlpatterns = [
    path("contracts/", views.my_contracts, name="my_contracts"),
    path("contracts/<int:contract_id>/", views.my_contract, name="my_contract"),
    path("hazards/report/", views.hazard_report, name="hazard_report"),
    path("employer/", views.employer_home, name="employer_home"),
    path("employer/offers/<int:offer_id>/", views.employer_offer, name="employer_offer"),
    path("employer/hazards/<int:hazard_id>/", views.employer_hazard, name="employer_hazard"),
]
