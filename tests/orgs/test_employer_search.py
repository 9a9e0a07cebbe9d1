"""Employer lookup for the join and case forms (issue 8, item 5): pinyin initials anywhere in
the name through an indexed key table, and an exact 统一社会信用代码 picked for the worker."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.members.models import MembershipApplication
from gonghui.orgs import selectors
from gonghui.orgs.models import EmployerInitialsKey
from tests.factories import Tree, make_employer, make_id_number, make_worker_user

pytestmark = pytest.mark.django_db


def _names(q: str) -> list[str]:
    return [e.name for e in selectors.employer_search(q=q)]


def test_pinyin_initials_match_anywhere_in_the_name():
    make_employer(name="深圳鹏城科技有限公司")
    make_employer(name="鹏程物流有限公司")
    make_employer(name="广州白云机场有限公司")
    # "pc" starts 鹏程物流 (pcwl…) and sits inside 深圳鹏城科技 (szpckj…): both, the start first.
    assert _names("pc") == ["鹏程物流有限公司", "深圳鹏城科技有限公司"]
    assert _names("PCKJ") == ["深圳鹏城科技有限公司"]
    assert _names("jc") == ["广州白云机场有限公司"]
    assert _names("xyz") == []


def test_initials_lookup_reads_the_key_index_not_a_scan_of_every_name():
    make_employer(name="深圳鹏城科技有限公司")
    with CaptureQueriesContext(connection) as queries:
        assert _names("pc") == ["深圳鹏城科技有限公司"]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "%pc%" not in sql, "a LIKE '%…%' cannot use an index"
    assert EmployerInitialsKey._meta.db_table in sql
    assert len(queries.captured_queries) == 1


def test_initials_keys_are_written_with_the_employer():
    employer = make_employer(name="深圳鹏城科技有限公司")
    keys = list(EmployerInitialsKey.objects.filter(employer=employer).order_by("position").values_list("key", flat=True))
    assert employer.name_initials == "szpckjyxgs"
    assert keys == ["szpckjyxgs", "zpckjyxgs", "pckjyxgs", "ckjyxgs", "kjyxgs", "jyxgs", "yxgs", "xgs", "gs", "s"]


def test_initials_longer_than_a_key_still_match_exactly():
    long_name = "深圳市南山区粤海街道科技园社区鹏城科技研究发展有限公司"
    employer = make_employer(name=long_name)
    make_employer(name="深圳市南山区粤海街道科技园社区鹏城科技研究中心")
    assert len(employer.name_initials) > 20
    assert _names(employer.name_initials) == [long_name]


def test_a_common_initials_pair_reads_a_bounded_number_of_index_hits(monkeypatch):
    for n in range(12):
        make_employer(name=f"测试{n}有限公司")
    # "gs" (公司) is in every name: only the first INITIALS_CANDIDATES index hits are ranked.
    assert len(selectors.employer_search(q="gs", limit=20)) == 12
    monkeypatch.setattr(selectors, "INITIALS_CANDIDATES", 5)
    assert len(selectors.employer_search(q="gs", limit=20)) == 5
    # Names that start with the initials are always read, whatever the bound.
    make_employer(name="高速公路养护有限公司")
    assert _names("gs")[0] == "高速公路养护有限公司"


def test_exact_uscc_is_selected_in_the_join_pickers(client):
    tree = Tree()
    employer = tree.grassroots_a.employer
    client.force_login(make_worker_user(phone="13800002222"))
    fragment = client.get(reverse("members:join_employers"), {"employer_q": employer.uscc.lower()}).content.decode()
    assert f'value="{employer.pk}" checked' in fragment
    # A name search leaves the choice to the worker.
    fragment = client.get(reverse("members:join_employers"), {"employer_q": employer.name[:4]}).content.decode()
    assert "checked" not in fragment
    # Without JavaScript: "查找" re-renders the form with the employer picked …
    data = {"name": "王小明", "id_number": make_id_number(), "phone": "13800002222", "employment_form": "standard",
            "new_form_kind": "", "employer_q": employer.uscc}
    page = client.post(reverse("members:join"), {**data, "action": "search"}).content.decode()
    assert f'value="{employer.pk}" checked' in page
    # … and submitting with only the code typed applies to that employer's union.
    response = client.post(reverse("members:join"), {**data, "action": "submit"})
    assert response.status_code == 302
    assert MembershipApplication.objects.get().union == tree.grassroots_a


def test_exact_uscc_is_selected_in_the_case_form_instead_of_none_of_these(client):
    tree = Tree()
    employer = tree.grassroots_a.employer
    fragment = client.get(reverse("cases:employer_search"), {"employer_name": employer.uscc}).content.decode()
    assert f'value="{employer.pk}" checked' in fragment
    assert 'value="" checked' not in fragment
    fragment = client.get(reverse("cases:employer_search"), {"employer_name": employer.name[:4]}).content.decode()
    assert 'value="" checked' in fragment


@pytest.mark.django_db(transaction=True)
def test_migration_indexes_the_initials_of_employers_registered_before_it():
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("orgs", "0001_initial")])
    old = executor.loader.project_state([("orgs", "0001_initial")]).apps
    region, _ = old.get_model("orgs", "Region").objects.get_or_create(code="440300", defaults={"name": "深圳市", "level": "city"})
    old.get_model("orgs", "Employer").objects.create(
        uscc="91440300MA5XXXXX0A", name="深圳鹏城科技有限公司", name_initials="szpckjyxgs", region=region,
    )
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("orgs", "0003_employer_initials_key")])
        new = executor.loader.project_state([("orgs", "0003_employer_initials_key")]).apps
        keys = new.get_model("orgs", "EmployerInitialsKey").objects.order_by("position").values_list("key", flat=True)
        assert list(keys)[:3] == ["szpckjyxgs", "zpckjyxgs", "pckjyxgs"]
    finally:
        call_command("migrate", verbosity=0)
