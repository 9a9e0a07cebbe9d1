"""Legal services: roster, lawyer assignment, legal-aid decisions, mediation, 一函两书 PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.cases import legal_services
from gonghui.cases.models import Category, Mediation, SupervisionLetter
from gonghui.core.errors import Conflict, ValidationFailed
from tests.factories import Tree

from .helpers import app_case

pytestmark = pytest.mark.django_db


def test_lawyer_roster_and_assignment_to_a_consultation(client):
    tree = Tree()
    client.force_login(tree.staff_a)
    response = client.post(reverse("console:cases:lawyers"), {
        "name": "王律师", "kind": "lawyer", "firm": "鹏城律师事务所", "specialities": "劳动争议、工伤", "phone": "13800001111",
        "union": str(tree.city_a.pk),
    })
    assert response.status_code == 302
    page = client.get(reverse("console:cases:lawyers") + "?speciality=工伤").content.decode()
    assert "王律师" in page
    lawyer = tree.city_a.lawyers.get()
    case = app_case(tree, category=Category.LEGAL_CONSULTATION)
    response = client.post(reverse("console:cases:legal_action", args=[case.pk, "assign_lawyer"]), {"lawyer": str(lawyer.pk)})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lawyer == lawyer
    assert case.events.filter(kind="legal", is_public=True).exists()


def test_lawyer_from_another_branch_cannot_be_assigned():
    tree = Tree()
    other = legal_services.lawyer_create(union=tree.city_b, name="乙律师", by=tree.staff_b)
    case = app_case(tree, category=Category.LEGAL_CONSULTATION)
    with pytest.raises(ValidationFailed):
        legal_services.case_lawyer_assign(case=case, lawyer=other, by=tree.staff_a)


def test_legal_aid_eligibility_decision():
    tree = Tree()
    lawyer = legal_services.lawyer_create(union=tree.city_a, name="援助律师", by=tree.staff_a)
    case = app_case(tree, category=Category.LEGAL_AID)
    with pytest.raises(ValidationFailed):
        legal_services.legal_aid_decide(case=case, eligible=True, reason="经济困难", by=tree.staff_a)
    decision = legal_services.legal_aid_decide(case=case, eligible=True, reason="经济困难，符合条件", lawyer=lawyer, by=tree.staff_a)
    assert decision.eligible and decision.lawyer == lawyer
    with pytest.raises(Conflict):
        legal_services.legal_aid_decide(case=case, eligible=False, reason="再审", by=tree.staff_a)
    with pytest.raises(Conflict):
        legal_services.legal_aid_decide(case=app_case(tree), eligible=False, reason="不是援助", by=tree.staff_a)


def test_mediation_with_sessions_agreement_and_arbitration_referral():
    tree = Tree()
    mediator = legal_services.lawyer_create(union=tree.county_a, name="调解员甲", kind="mediator", by=tree.staff_a)
    case = app_case(tree, category=Category.MEDIATION)
    mediation = legal_services.mediation_open(case=case, applicant="王小明", respondent="某科技公司", mediator=mediator,
                                              claim_fen=3_000_000, by=tree.staff_a)
    legal_services.mediation_session_add(case=case, held_on=dt.date(2025, 3, 3), place="区总工会调解室", notes="双方到场", by=tree.staff_a)
    with pytest.raises(ValidationFailed):
        legal_services.mediation_conclude(case=case, outcome=Mediation.Outcome.REFERRED, by=tree.staff_a)
    mediation = legal_services.mediation_conclude(case=case, outcome=Mediation.Outcome.REFERRED,
                                                  arbitration_ref="深南劳人仲案〔2025〕123号", by=tree.staff_a)
    assert mediation.closed_at and mediation.sessions.count() == 1
    with pytest.raises(Conflict):
        legal_services.mediation_session_add(case=case, held_on=dt.date(2025, 3, 4), by=tree.staff_a)


def test_mediation_agreement_through_the_api(client):
    tree = Tree()
    case = app_case(tree, category=Category.MEDIATION)
    client.force_login(tree.staff_a)
    base = f"/api/v1/cases/{case.pk}/mediation"
    assert client.post(base, {"applicant": "王", "respondent": "某公司", "claim_fen": 100}, content_type="application/json").status_code == 201
    assert client.post(f"{base}/sessions", {"held_on": "2025-03-03"}, content_type="application/json").json()["sessions"] == 1
    done = client.post(f"{base}/conclude", {"outcome": "agreement", "agreement": "分两期支付", "agreed_fen": 80},
                       content_type="application/json").json()
    assert done["outcome"] == "agreement" and done["agreed_fen"] == 80


def test_letter_is_a_chinese_pdf_and_follows_delivery_response_follow_up(client):
    tree = Tree()
    case = app_case(tree, employer_may_know_name=False)
    client.force_login(tree.staff_a)
    response = client.post(reverse("console:cases:letter_new", args=[case.pk]), {
        "kind": "notice", "recipient": case.employer_name, "subject": "拖欠工资", "body": "你单位拖欠三名职工工资。",
        "response_days": "5",
    })
    letter = SupervisionLetter.objects.get()
    assert response.status_code == 302 and letter.number.startswith("提示函〔")
    assert letter.response_due is not None
    pdf_response = client.get(reverse("console:cases:letter_pdf", args=[letter.pk]))
    content = b"".join(pdf_response.streaming_content)
    assert content.startswith(b"%PDF") and b"STSong-Light" in content
    for action, text in (("deliver", "专人送达"), ("respond", "已补发工资"), ("follow_up", "回访确认已到账")):
        r = client.post(reverse("console:cases:letter_action", args=[letter.pk, action]), {"text": text})
        assert r.status_code == 302, action
    letter.refresh_from_db()
    assert letter.status == SupervisionLetter.Status.FOLLOWED_UP and letter.response == "已补发工资"
    assert case.events.filter(kind="letter", is_public=False).exists()
    assert letter.number in client.get(reverse("console:cases:letters")).content.decode()


def test_letter_response_before_delivery_is_refused():
    tree = Tree()
    letter = legal_services.letter_issue(case=app_case(tree), kind="opinion", recipient="某公司", subject="工时",
                                         body="超时加班。", by=tree.staff_a)
    with pytest.raises(Conflict):
        legal_services.letter_response_record(letter=letter, response="好", by=tree.staff_a)


def test_worker_is_named_in_the_letter_only_with_consent(monkeypatch):
    from gonghui.cases import pdf

    seen = []
    real = pdf.letter_pdf

    def spy(**kw):
        seen.append(kw["worker_name"])
        return real(**kw)

    monkeypatch.setattr(pdf, "letter_pdf", spy)
    tree = Tree()
    for consent in (False, True):
        case = app_case(tree, employer_may_know_name=consent)
        legal_services.letter_issue(case=case, kind="recommendation", recipient="人社局", subject="欠薪",
                                    body="建议督促支付。", by=tree.staff_a)
    assert seen == ["", "王小明"]
