"""Finance staff pages of the fund ledger, at /console/assistance/ (names: console:assistance:…)."""

from django.urls import path

from . import console_views as views
from .console_views import grants, hardship, relief
from .console_views import payouts as pay

app_name = "assistance"
urlpatterns = [
    path("", views.ledger_overview, name="ledger"),
    path("accounts/<int:fund_account_id>/", views.fund_account_detail, name="account_detail"),
    path("transactions/", views.transaction_list, name="transactions"),
    path("transactions/new/", views.transaction_post, name="post"),
    path("transactions/<int:transaction_id>/", views.transaction_detail, name="transaction_detail"),
    path("transactions/<int:transaction_id>/reverse/", views.transaction_reverse, name="transaction_reverse"),
    path("transactions/<int:transaction_id>/refund/", views.transaction_refund, name="transaction_refund"),
    path("periods/", views.period_list, name="periods"),
    path("statement/", views.statement, name="statement"),
    path("statement/export.xlsx", views.statement_export, name="statement_export"),
    path("payouts/", pay.payout_queue, name="payouts"),
    path("payouts/<int:payout_id>/", pay.payout_detail, name="payout_detail"),
    path("payouts/<int:payout_id>/reveal/", pay.payout_reveal, name="payout_reveal"),
    path("payouts/<int:payout_id>/cancel/", pay.payout_cancel, name="payout_cancel"),
    path("batches/", pay.batch_list, name="batches"),
    path("batches/<int:payment_batch_id>/", pay.batch_detail, name="batch_detail"),
    path("batches/<int:payment_batch_id>/bank-file.xlsx", pay.batch_file, name="batch_file"),
    path("batches/<int:payment_batch_id>/bank-file.csv", pay.batch_file_csv, name="batch_file_csv"),
    path("grants/", grants.grant_list, name="grants"),
    path("grants/programs/", grants.program_list, name="grant_programs"),
    path("grants/new/", grants.grant_on_behalf, name="grant_on_behalf"),
    path("grants/school-tiers/", grants.education_tiers, name="education_tiers"),
    path("grants/<int:grant_id>/", grants.grant_detail, name="grant_detail"),
    path("grants/<int:grant_id>/<str:step>/", grants.grant_step, name="grant_step"),
    path("relief/", relief.campaign_list, name="relief_list"),
    path("relief/<int:relief_campaign_id>/", relief.campaign_detail, name="relief_detail"),
    path("relief/<int:relief_campaign_id>/<str:step>/", relief.campaign_step, name="relief_step"),
    path("relief/targets/<int:relief_target_id>/", relief.target_detail, name="relief_target"),
    path("relief/targets/<int:relief_target_id>/<str:step>/", relief.target_step, name="relief_target_step"),
    path("hardship/", hardship.hardship_list, name="hardship_list"),
    path("hardship/lookup/", hardship.hardship_lookup, name="hardship_lookup"),
    path("hardship/standards/", hardship.hardship_standards, name="hardship_standards"),
    path("hardship/<int:hardship_file_id>/", hardship.hardship_detail, name="hardship_detail"),
    path("hardship/<int:hardship_file_id>/<str:step>/", hardship.hardship_step, name="hardship_step"),
]
