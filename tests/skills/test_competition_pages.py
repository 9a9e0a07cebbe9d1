"""Competitions through the pages and the API: staff set up and endorse, the worker registers
on the phone, judges score on their own pages (their own unit refused, bad scores answered
in Chinese, never a 500), staff close rounds and publish; the worker sees the places."""

from __future__ import annotations

import pytest
from django.test import Client

from gonghui.skills import competitions as comp
from gonghui.skills.models import Competition, Entry, Honour, ScoreSheet
from tests.factories import Tree, make_grassroots, make_member

from .helpers import make_competition, make_entry

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_console_set_up_from_the_forms_to_open_registration():
    tree = Tree()
    staff = _client(tree.staff_a)
    r = staff.post("/console/skills/competitions/", {
        "union": tree.city_a.pk, "title": "数控车工技能竞赛", "level": "city", "trade": "数控车工", "entry_kind": "individual",
        "registration_closes": "2099-06-30", "drop_extremes": "on", "min_judges": "3", "tie_rule": "items",
        "prizes": "1 5000 技术能手\n2-3 2000"})
    competition = Competition.objects.get(title="数控车工技能竞赛")
    assert r.status_code == 302 and competition.prizes[1] == {"from": 2, "to": 3, "fen": 200000, "title": ""}
    setup = f"/console/skills/competitions/{competition.pk}/setup/"
    staff.post(setup, {"what": "item", "name": "实操", "weight": "70"})
    bad = staff.post(setup, {"what": "item", "name": "理论", "weight": "40"}, follow=True)
    assert "权重应在 1 到 30 之间" in bad.content.decode()
    staff.post(setup, {"what": "item", "name": "理论", "weight": "abc"}, follow=True)
    staff.post(setup, {"what": "item", "name": "理论", "weight": "30"})
    staff.post(setup, {"what": "round", "name": "决赛", "advance": "0"})
    unknown = staff.post(setup, {"what": "judge", "phone": "13900000000", "name": "评委"}, follow=True)
    assert "请评委本人先登录一次" in unknown.content.decode()
    staff.post(setup, {"what": "open"})
    competition.refresh_from_db()
    assert competition.status == "registration"
    assert [i.weight for i in competition.items.all()] == [70, 30]
    # Branch B's staff see none of it.
    assert _client(tree.staff_b).get(f"/console/skills/competitions/{competition.pk}/").status_code == 404


def test_worker_registers_the_union_endorses_judges_score_and_results_are_published():
    tree = Tree()
    other = make_grassroots(parent=tree.county_a)
    competition = make_competition(union=tree.city_a, staff=tree.staff_a, rounds=(("决赛", 0),),
                                   judge_employers={1: tree.grassroots_a.employer})
    worker = make_member(union=tree.grassroots_a, name="甲选手").person.user
    page = _client(worker)
    assert "我要报名" in page.get(f"/skills/competitions/{competition.pk}/").content.decode()
    r = page.post(f"/skills/competitions/{competition.pk}/", {})
    assert r.status_code == 302
    entry = Entry.objects.get(user=worker)
    assert entry.status == "submitted"
    # The grassroots union's own staff endorse from the console (the organiser's page lists it).
    staff = _client(tree.staff_a)
    staff.post(f"/console/skills/competition-entries/{entry.pk}/endorse/", {"decision": "endorse"})
    entry.refresh_from_db()
    assert entry.status == "endorsed"
    make_entry(competition=competition, union=other, name="乙选手")
    staff.post(f"/console/skills/competitions/{competition.pk}/setup/", {"what": "judging"})
    judges = list(competition.judges.order_by("pk"))
    items = list(competition.items.order_by("order"))
    # Judge 1 works at the worker's unit: the list says so and the sheet is refused.
    j1 = _client(judges[0].user)
    assert "同一单位" in j1.get(f"/skills/judging/{judges[0].pk}/").content.decode()
    refused = j1.post(f"/skills/judging/{judges[0].pk}/entries/{entry.pk}/",
                      {f"item_{items[0].pk}": "90", f"item_{items[1].pk}": "90"}, follow=True)
    assert refused.status_code == 200 and not ScoreSheet.objects.filter(judge=judges[0], entry=entry).exists()
    # A bad score is answered in Chinese, nothing written.
    j2 = _client(judges[1].user)
    bad = j2.post(f"/skills/judging/{judges[1].pk}/entries/{entry.pk}/",
                  {f"item_{items[0].pk}": "120", f"item_{items[1].pk}": "90"})
    assert bad.status_code == 200 and "0 到 100 的整数" in bad.content.decode()
    assert not ScoreSheet.objects.filter(judge=judges[1]).exists()
    # Another judge cannot open judge 2's pages.
    assert j1.get(f"/skills/judging/{judges[1].pk}/").status_code == 404
    for judge in judges[1:]:
        for e in competition.entries.all():
            if comp.conflict_of(judge, e):
                continue
            r = _client(judge.user).post(f"/skills/judging/{judge.pk}/entries/{e.pk}/",
                                         {f"item_{items[0].pk}": "90" if e == entry else "80", f"item_{items[1].pk}": "80"})
            assert r.status_code == 302
    final = competition.rounds.get()
    staff.post(f"/console/skills/competition-rounds/{final.pk}/close/")
    staff.post(f"/console/skills/competitions/{competition.pk}/setup/", {"what": "publish"})
    competition.refresh_from_db()
    assert competition.status == "published"
    shown = page.get(f"/skills/competitions/{competition.pk}/").content.decode()
    assert "甲选手" in shown and "技术能手" in shown and "5,000.00" in shown
    assert "技术能手" in page.get("/skills/competitions/").content.decode()
    assert Honour.objects.get().user_id == worker.pk
    api = Client().get(f"/api/v1/skills/competitions/{competition.pk}").json()
    assert [(r["rank"], r["name"], r["prize_fen"]) for r in api["results"]] == [(1, "甲选手", 500000), (2, "乙选手", 300000)]


def test_api_judging_and_bad_input():
    tree = Tree()
    competition = make_competition(union=tree.city_a, staff=tree.staff_a, judges=3)
    entry = make_entry(competition=competition, union=tree.grassroots_a)
    comp.judging_start(actor=tree.staff_a, competition=competition)
    judge = competition.judges.order_by("pk").first()
    api = _client(judge.user)
    listed = api.get(f"/api/v1/skills/me/judging/{judge.pk}").json()
    assert [(x["entry_id"], x["conflict"], x["total"]) for x in listed] == [(entry.pk, "", None)]
    items = [str(i.pk) for i in competition.items.order_by("order")]
    url = f"/api/v1/skills/me/judging/{judge.pk}/sheets"
    bad = api.post(url, {"entry_id": entry.pk, "scores": {items[0]: 101, items[1]: 80}}, content_type="application/json")
    assert bad.status_code == 422 and "0 到 100" in str(bad.json())
    missing = api.post(url, {"entry_id": entry.pk, "scores": {items[0]: 80}}, content_type="application/json")
    assert missing.status_code == 422
    ok = api.post(url, {"entry_id": entry.pk, "scores": {items[0]: 88, items[1]: 85}}, content_type="application/json")
    assert ok.json()["total"] == "86.80"
    # The entrant's own union staff in branch B: 404; a worker who is not the judge: 404.
    assert _client(tree.staff_b).post(f"/api/v1/skills/staff/competition-rounds/{competition.rounds.first().pk}/close"
                                      ).status_code == 404
    assert _client(entry.user).get(f"/api/v1/skills/me/judging/{judge.pk}").status_code == 404
