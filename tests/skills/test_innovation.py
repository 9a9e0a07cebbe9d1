"""创新创造 registry as rules: patent numbers checked by hand, studios evaluated each year (两年
不合格 removes), renamed and removed with the record kept; 四技五小两比 activities; the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from gonghui.core.errors import Conflict, ValidationFailed
from gonghui.skills import innovation
from gonghui.skills.models import Innovation, SkillActivity, Studio, StudioEvent
from tests.factories import Tree

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# 2·2 + 0·3 + 2·4 + 3·5 + 1·6 + 0·7 + 1·8 + 2·9 + 3·2 + 4·3 + 5·4 + 6·5
#  = 4 + 0 + 8 + 15 + 6 + 0 + 8 + 18 + 6 + 12 + 20 + 30 = 127; 127 mod 11 = 6
@pytest.mark.parametrize(("digits", "check"), [
    ("202310123456", "6"),
    ("202320123456", "1"),   # the fifth digit 1 → 2 adds 1 × 6: 133 mod 11 = 1
    ("202310123459", "X"),   # the last digit 6 → 9 adds 3 × 5: 142 mod 11 = 10 → X
])
def test_patent_check_character_worked_by_hand(digits, check):
    assert innovation.patent_check_char(digits) == check


def test_patent_numbers_cleaned_and_checked():
    assert innovation.patent_number_clean("zl 2023 1012 3456.6", "invention") == "ZL202310123456.6"
    assert innovation.patent_number_clean("ZL202310123459X", "invention") == "ZL202310123459.X"
    assert innovation.patent_number_clean("", "") == ""
    for number, kind, code in [
        ("ZL202310123456.5", "invention", "patent_check"),
        ("ZL202310123456.6", "utility", "patent_kind_mismatch"),   # fifth digit 1 = 发明
        ("ZL20231012345.6", "invention", "patent_format"),
        ("ZL202310123456.6", "", "patent_kind_required"),
        ("", "invention", "patent_required"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            innovation.patent_number_clean(number, kind)
        assert exc.value.code == code, number


def make_studio(tree: Tree, **kw) -> Studio:
    return innovation.studio_create(actor=tree.staff_a, union=tree.grassroots_a, name=kw.get("name", "李焊工劳模创新工作室"),
                                    level="city", leader="李焊工", leader_title="全国劳动模范", named_year=2022)


def test_two_failed_evaluations_in_a_row_remove_the_studio():
    tree = Tree()
    studio = make_studio(tree)
    innovation.studio_evaluate(actor=tree.staff_a, studio=studio, year=2022, grade="fail", note="成果不足")
    innovation.studio_evaluate(actor=tree.staff_a, studio=studio, year=2023, grade="pass")
    studio.refresh_from_db()
    assert studio.status == Studio.Status.ACTIVE  # 2022 fail, 2023 pass: not in a row
    innovation.studio_evaluate(actor=tree.staff_a, studio=studio, year=2024, grade="fail", note="未开展活动")
    studio.refresh_from_db()
    assert studio.status == Studio.Status.ACTIVE  # one fail after a pass
    innovation.studio_evaluate(actor=tree.staff_a, studio=studio, year=2025, grade="fail", note="仍未整改")
    studio.refresh_from_db()
    assert studio.status == Studio.Status.REMOVED and "2024、2025" in studio.removed_reason
    assert list(studio.events.values_list("kind", flat=True)) == ["evaluation"] * 4 + ["remove"]
    with pytest.raises(Conflict):
        innovation.studio_member_add(actor=tree.staff_a, studio=studio, name="王徒弟", joined_on=dt.date(2025, 1, 1))


def test_evaluation_rules():
    tree = Tree()
    studio = make_studio(tree)
    innovation.studio_evaluate(actor=tree.staff_a, studio=studio, year=2023, grade="excellent")
    with pytest.raises(Conflict):
        innovation.studio_evaluate(actor=tree.staff_a, studio=studio, year=2023, grade="pass")
    with pytest.raises(ValidationFailed):  # before the studio was named
        innovation.studio_evaluate(actor=tree.staff_a, studio=studio, year=2021, grade="pass")
    with pytest.raises(ValidationFailed):  # a fail needs a reason
        innovation.studio_evaluate(actor=tree.staff_a, studio=studio, year=2024, grade="fail")
    assert StudioEvent.objects.filter(kind="evaluation").count() == 1


def test_rename_keeps_the_old_name_on_record_and_innovations_link_to_people_and_studio():
    tree = Tree()
    studio = make_studio(tree)
    innovation.studio_rename(actor=tree.staff_a, studio=studio, name="李焊工技能大师工作室", note="升级")
    assert "李焊工劳模创新工作室" in studio.events.get(kind="rename").note
    item = innovation.innovation_register(actor=tree.staff_a, union=tree.grassroots_a, kind="invention", title="焊缝自动跟踪装置",
                                          people="李焊工、王徒弟", year=2024, patent_kind="invention",
                                          patent_number="ZL202310123456.6", studio=studio)
    assert item.studio == studio and item.patent_number == "ZL202310123456.6"
    with pytest.raises(Conflict):
        innovation.innovation_register(actor=tree.staff_a, union=tree.grassroots_a, kind="invention", title="另一项",
                                       people="张三", year=2024, patent_kind="invention", patent_number="ZL202310123456.6")
    assert Innovation.objects.count() == 1


def test_activity_recorded_with_participants_and_results():
    tree = Tree()
    activity = innovation.activity_record(actor=tree.staff_a, union=tree.grassroots_a, kind="compare_skill",
                                          title="焊工岗位练兵", held_on=dt.date(2025, 5, 20), participants=48,
                                          results="评出操作能手 5 名")
    assert activity.get_kind_display() == "岗位练兵技能比武"
    with pytest.raises(ValidationFailed):
        innovation.activity_record(actor=tree.staff_a, union=tree.grassroots_a, kind="compare_skill", title="x",
                                   held_on=dt.date(2025, 5, 20), participants=0)
    assert SkillActivity.objects.count() == 1


def test_console_and_public_pages():
    tree = Tree()
    staff = _client(tree.staff_a)
    r = staff.post("/console/skills/studios/", {"union": tree.grassroots_a.pk, "name": "数控创新工作室", "level": "enterprise",
                                                "leader": "赵师傅", "named_year": "2023"})
    studio = Studio.objects.get(name="数控创新工作室")
    assert r.status_code == 302
    change = f"/console/skills/studios/{studio.pk}/change/"
    staff.post(change, {"what": "member", "name": "钱徒弟", "role": "编程", "joined_on": "2023-03-01"})
    bad = staff.post(change, {"what": "member", "name": "孙徒弟", "joined_on": "不是日期"}, follow=True)
    assert "请填写加入日期" in bad.content.decode()
    staff.post(change, {"what": "evaluate", "year": "2024", "grade": "excellent"})
    r = staff.post("/console/skills/innovations/", {"union": tree.grassroots_a.pk, "kind": "invention", "title": "刀具磨损预警",
                                                    "people": "赵师傅、钱徒弟", "year": "2024", "patent_kind": "invention",
                                                    "patent_number": "ZL202310123456.5", "studio": studio.pk})
    assert r.status_code == 200 and "校验位不对" in r.content.decode()
    staff.post("/console/skills/innovations/", {"union": tree.grassroots_a.pk, "kind": "invention", "title": "刀具磨损预警",
                                                "people": "赵师傅、钱徒弟", "year": "2024", "patent_kind": "invention",
                                                "patent_number": "ZL202310123456.6", "studio": studio.pk})
    staff.post("/console/skills/activities/", {"union": tree.grassroots_a.pk, "kind": "small_invention", "title": "五小成果展",
                                               "held_on": "2025-04-01", "participants": "120", "results": "展出 30 项"})
    assert SkillActivity.objects.count() == 1
    public = Client().get(f"/skills/studios/{studio.pk}/").content.decode()
    assert "钱徒弟" in public and "刀具磨损预警" in public and "ZL202310123456.6" in public and "优秀" in public
    assert "数控创新工作室" in Client().get("/skills/studios/").content.decode()
    api = Client().get("/api/v1/skills/studios").json()
    assert [(s["name"], s["members"], s["results"]) for s in api] == [("数控创新工作室", 1, 1)]
    assert _client(tree.staff_b).get(f"/console/skills/studios/{studio.pk}/").status_code == 404
    assert _client(tree.staff_b).post(change, {"what": "remove", "reason": "x"}).status_code == 404
