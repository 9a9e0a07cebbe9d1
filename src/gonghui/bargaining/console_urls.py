"""Staff pages of the bargaining module, at /console/bargaining/ (names: console:bargaining:…)."""

from django.urls import path

from . import console_views as views

app_name = "bargaining"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:bargaining_unit_id>/", views.unit_detail, name="unit"),
    path("units/<int:bargaining_unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("pick/<str:kind>/", views.pick, name="pick"),
    path("units/<int:bargaining_unit_id>/offers/new/", views.offer_send, name="offer_send"),
    path("units/<int:bargaining_unit_id>/rounds/new/", views.round_add, name="round_add"),
    path("units/<int:bargaining_unit_id>/contracts/new/", views.contract_create, name="contract_create"),
    path("offers/<int:bargaining_offer_id>/", views.offer_detail, name="offer"),
    path("offers/<int:bargaining_offer_id>/offer.pdf", views.offer_pdf, name="offer_pdf"),
    path("offers/<int:bargaining_offer_id>/receipt/", views.offer_receipt, name="offer_receipt"),
    path("offers/<int:bargaining_offer_id>/answer/", views.offer_answer, name="offer_answer"),
    path("offers/<int:bargaining_offer_id>/escalate/", views.offer_escalate, name="offer_escalate"),
    path("contracts/<int:collective_contract_id>/", views.contract_detail, name="contract"),
    path("contracts/<int:collective_contract_id>/versions/new/", views.version_add, name="version_add"),
    path("contracts/<int:collective_contract_id>/vote/", views.contract_vote, name="contract_vote"),
    path("contracts/<int:collective_contract_id>/sign/", views.contract_sign, name="contract_sign"),
    path("contracts/<int:collective_contract_id>/file/", views.contract_file, name="contract_file"),
    path("contracts/<int:collective_contract_id>/objection/", views.contract_objection, name="contract_objection"),
    path("compare/", views.pay_compare, name="compare"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:offer_campaign_id>/", views.campaign_detail, name="campaign"),
    path("safety/", views.safety_index, name="safety"),
    path("safety/checklists/new/", views.checklist_create, name="checklist_create"),
    path("safety/inspections/new/", views.inspection_create, name="inspection_create"),
    path("safety/plans/new/", views.plan_create, name="plan_create"),
    path("safety/plans/<int:inspection_plan_id>/", views.plan_detail, name="plan"),
    path("safety/plans/<int:inspection_plan_id>/cancel/", views.plan_cancel, name="plan_cancel"),
    path("safety/inspections/<int:safety_inspection_id>/", views.inspection_detail, name="inspection"),
    path("safety/inspections/<int:safety_inspection_id>/hazards/new/", views.hazard_add, name="hazard_add"),
    path("safety/hazards/<int:safety_hazard_id>/", views.hazard_detail, name="hazard"),
    path("safety/hazards/<int:safety_hazard_id>/verify/", views.hazard_verify, name="hazard_verify"),
    path("safety/hazards/<int:safety_hazard_id>/rectify/", views.hazard_rectify, name="hazard_rectify"),
    path("safety/hazards/<int:safety_hazard_id>/reinspect/", views.hazard_reinspect, name="hazard_reinspect"),
    path("safety/hazards/<int:safety_hazard_id>/escalate/", views.hazard_escalate, name="hazard_escalate"),
]
