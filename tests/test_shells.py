"""The two shells and the rooms of every module.

- Every staff page is served from a module's `console_views` (or the console's own overview and
  notices), under /console/; no staff page is served from a worker module, and the reverse.
- Every worker page extends the app shell (`web/base.html`) and every staff page the console
  (`console/base.html`), so no page lacks the tab bar or the sidebar.
- The menus are built from the modules' declarations: roles see their entries, badges count
  open items, the 服务 search finds a service by what a worker would type.
- One inbox: every module's notices in 消息 (workers) and 我的提醒 (staff), with unread counts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

import gonghui
from gonghui.core import modules as registry
from gonghui.notices.models import Notice
from gonghui.notices.services import notice_send
from tests.cases.helpers import app_case
from tests.factories import Tree, make_staff, make_worker_user

pytestmark = pytest.mark.django_db
SRC = Path(gonghui.__file__).parent


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, object]]:
    """(route, view) for every URL the project serves."""
    found: list[tuple[str, object]] = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(_routes(entry, route))
        elif isinstance(entry, URLPattern):
            found.append((route, entry.callback))
    return found


def _module_of(view: object) -> str:
    view = getattr(view, "view_class", view)
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__  # type: ignore[attr-defined]
    return getattr(view, "__module__", "")


def test_staff_pages_are_served_from_a_modules_console_views_only():
    console_routes = [(r, v) for r, v in _routes() if r.startswith("console/")]
    assert len(console_routes) > 40
    for route, view in console_routes:
        module = _module_of(view)
        allowed = module == "gonghui.console.views" or re.fullmatch(r"gonghui\.\w+\.console_views(\.\w+)?", module)
        assert allowed, f"/{route} is served by {module}: staff pages belong in a module's console_views.py"


def test_no_worker_url_is_served_by_console_views():
    for route, view in _routes():
        if route.startswith(("console/", "admin/")):
            continue
        assert "console_views" not in _module_of(view), f"/{route} is a staff view outside /console/"


def _templates(kind: str) -> list[Path]:
    return sorted(p for p in SRC.glob("*/templates/*/pages/*.html") if kind == "console" and (
        p.name.startswith("console_") or p.parent.parent.name == "console") or kind == "worker" and not (
        p.name.startswith("console_") or p.parent.parent.name == "console"))


def test_every_worker_page_extends_the_app_shell_and_every_staff_page_the_console():
    worker, console = _templates("worker"), _templates("console")
    assert len(worker) > 15 and len(console) > 25
    for path in worker:
        first = path.read_text(encoding="utf-8").lstrip()
        assert first.startswith('{% extends "web/base.html" %}'), f"{path.relative_to(SRC)} does not extend the app shell"
    for path in console:
        first = path.read_text(encoding="utf-8").lstrip()
        assert first.startswith('{% extends "console/base.html" %}'), f"{path.relative_to(SRC)} does not extend the console"


def test_every_declared_entry_resolves_and_module_names_are_their_url_prefixes():
    names = [m.name for m in registry.modules()]
    assert {"members", "cases", "stations", "orgs", "accounts"} <= set(names)
    for module in registry.modules():
        for link in (*module.services, *module.console):
            assert link.url  # reverse() raises for a name the module does not serve
        if module.worker_urls:
            assert reverse(f"{module.name}:{_any_name(module.worker_urls)}").startswith(f"/{module.name}/")
        if module.console_urls:
            assert reverse(f"console:{module.name}:{_any_name(module.console_urls)}").startswith(f"/console/{module.name}/")


def test_every_declared_icon_is_drawn_by_the_shared_sprite():
    sprite = (Path(gonghui.__file__).parent / "templates" / "_icons.html").read_text(encoding="utf-8")
    drawn = set(re.findall(r'<symbol id="i-([a-z-]+)"', sprite))
    missing = {
        f"{module.name}: {link.icon}" for module in registry.modules() for link in (*module.services, *module.console)
        if link.icon not in drawn
    }
    assert not missing, f"icons with no <symbol> in templates/_icons.html (they draw nothing): {sorted(missing)}"


def _any_name(urlconf: str) -> str:
    from importlib import import_module

    return next(p.name for p in import_module(urlconf).urlpatterns if p.name and "<" not in str(p.pattern))


def test_every_worker_page_has_the_tab_bar_and_inner_pages_a_back_arrow(client):
    worker = make_worker_user()
    client.force_login(worker)
    for url in ("/", "/services/", "/messages/", "/me/", "/members/join/", "/cases/", "/cases/new/", "/stations/"):
        html = client.get(url).content.decode()
        assert 'class="tabbar"' in html, url
        for tab in ("/services/", "/messages/", "/me/"):
            assert f'href="{tab}"' in html, (url, tab)
        assert ('<a class="back"' in html) is (url != "/"), url


# --- menus from the declarations ------------------------------------------------------------


def _labels(user) -> set[str]:
    return {str(e.link.label) for g in registry.console_menu(user) for e in g.entries}


def test_console_menu_shows_each_role_its_entries():
    tree = Tree()
    admin = tree.staff_a
    operator = make_staff(union=tree.city_a, role="operator")
    station = make_staff(union=tree.county_a, role="station")
    assert {"入会审核", "诉求办理", "12351 热线", "服务站点", "角色授权", "花名册导入"} <= _labels(admin)
    assert "12351 热线" in _labels(operator) and "诉求办理" in _labels(operator)
    assert not {"入会审核", "花名册导入", "角色授权"} & _labels(operator)
    assert "服务站点" in _labels(station)
    assert not {"诉求办理", "入会审核", "角色授权"} & _labels(station)


def test_console_badges_count_open_items_in_the_users_branch_only():
    tree = Tree()
    app_case(tree)
    app_case(tree)

    def badge(user, label):
        return next(e.badge for g in registry.console_menu(user) for e in g.entries if str(e.link.label) == label)

    assert badge(tree.staff_a, "诉求办理") == 2
    assert badge(tree.staff_b, "诉求办理") == 0


def test_every_badge_of_the_sidebar_is_counted_in_one_query_and_per_branch():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gonghui.stations.models import StationReport
    from tests.members.helpers import make_application, make_transfer
    from tests.stations.helpers import make_station

    tree = Tree()
    for _ in range(3):
        app_case(tree)
    make_application(union=tree.grassroots_a, phone="13912340091")
    make_application(union=tree.grassroots_a, phone="13912340092")
    make_transfer(tree=tree)
    station = make_station(union=tree.grassroots_a)
    for text in ("地面很脏", "灯坏了", "没有热水", "门锁坏了"):
        StationReport.objects.create(station=station, category="dirty", text=text)
    expected = {"诉求办理": 3, "入会审核": 2, "会员接转": 1, "问题反馈": 4}

    def badges(user):
        return {str(e.link.label): e.badge for g in registry.console_menu(user) for e in g.entries if e.link.badge}

    admin = make_staff(union=tree.province, role="admin")
    registry.console_menu(admin)  # the user's grants are read once per request; count the rest
    with CaptureQueriesContext(connection) as ctx:
        assert badges(admin) == expected
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and counts[0].upper().count("UNION ALL") == len(expected) - 1
    assert set(badges(make_staff(union=tree.grassroots_b, role="admin")).values()) == {0}


def test_the_current_page_is_marked_in_the_sidebar(client):
    tree = Tree()
    client.force_login(tree.staff_a)
    html = client.get(reverse("console:cases:hotline")).content.decode()
    current = re.findall(r'<a href="([^"]+)" aria-current="page"', html)
    assert current == [reverse("console:cases:hotline")]


def test_services_search_finds_a_service_by_what_a_worker_types(client):
    found = {str(e.link.label) for g in registry.worker_services("讨薪") for e in g.entries}
    assert found == {"我要反映（12351）"}
    html = client.get("/services/", {"q": "充电"}).content.decode()
    assert "附近驿站" in html and "电子会员卡" not in html
    assert "没有找到" in client.get("/services/", {"q": "无此服务zzz"}).content.decode()


# --- one inbox ------------------------------------------------------------------------------


def test_inbox_shows_every_modules_notices_counts_unread_and_marks_them_read(client):
    worker = make_worker_user()
    other = make_worker_user()
    notice_send(user_ids=[worker.pk], module="members", text="入会申请已通过", link="/members/card/")
    notice_send(user_ids=[worker.pk], module="cases", text="诉求有新进展", link="/cases/")
    notice_send(user_ids=[other.pk], module="cases", text="别人的消息")
    client.force_login(worker)
    home = client.get("/").content.decode()
    assert 'class="tab-badge"' in home and ">2</span>" in home
    inbox = client.get("/messages/").content.decode()
    assert "入会申请已通过" in inbox and "诉求有新进展" in inbox and "别人的消息" not in inbox
    assert not Notice.objects.filter(user=worker, read_at__isnull=True).exists()
    assert Notice.objects.filter(user=other, read_at__isnull=True).count() == 1
    assert 'class="tab-badge"' not in client.get("/").content.decode()


def test_staff_notices_follow_the_case_into_another_branch():
    import datetime as dt

    from gonghui.cases.services import case_transfer, supervision_create
    from gonghui.notices.selectors import notice_list_for_user

    tree = Tree()
    handler = make_staff(union=tree.grassroots_a)
    case = app_case(tree)  # routed to grassroots A
    supervision_create(case=case, by=tree.staff_a, note="请尽快办理", due_on=dt.date.today() + dt.timedelta(days=5))
    assert notice_list_for_user(user=handler, audience="staff").filter(object_id=case.pk).count() == 1
    case_transfer(case=case, to_union=tree.grassroots_b, by=tree.staff_a, reason="单位在乙市")
    assert notice_list_for_user(user=handler, audience="staff").filter(object_id=case.pk).count() == 0
    assert Notice.objects.filter(user=handler, object_id=case.pk).count() == 1  # kept, out of sight


def test_home_lists_what_waits_for_the_worker(client):
    from gonghui.cases.services import case_accept, case_resolve

    tree = Tree()
    worker = make_worker_user()
    case = case_resolve(case=case_accept(case=app_case(tree, user=worker), by=tree.staff_a), by=tree.staff_a, outcome="已办好")
    client.force_login(worker)
    html = client.get("/").content.decode()
    assert "待我处理" in html and case.number in html and reverse("cases:detail", args=[case.pk]) in html


def test_large_text_mode_is_remembered(client):
    response = client.post(reverse("web:text_size"), {"size": "large", "next": "/me/"})
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert 'class="text-large"' in client.get("/").content.decode()
    client.post(reverse("web:text_size"), {"size": "normal", "next": "https://evil.example/"})
    assert 'class="text-large"' not in client.get("/").content.decode()


def test_favicon_is_served(client):
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == static("favicon.svg")
    assert finders.find("favicon.svg")


def test_notices_api_lists_only_the_callers_notices_and_marks_them_read(client):
    worker, other = make_worker_user(), make_worker_user()
    mine = notice_send(user_ids=[worker.pk], module="members", text="入会申请已通过")[0]
    notice_send(user_ids=[other.pk], module="members", text="别人的")
    client.force_login(worker)
    body = client.get("/api/v1/notices/").json()
    assert body["unread"] == 1 and [n["text"] for n in body["items"]] == ["入会申请已通过"]
    assert client.post(f"/api/v1/notices/read?ids={mine.pk}").json() == {"marked": 1, "unread": 0}
    assert Notice.objects.filter(user=other, read_at__isnull=True).count() == 1
    for bad in ("?limit=0", "?limit=100000", "?offset=-1", "?offset=99999999999999999999", "?audience=boss"):
        assert client.get(f"/api/v1/notices/{bad}").status_code == 422, bad
    client.logout()
    assert client.get("/api/v1/notices/").status_code == 401


def test_a_labels_colon_follows_the_page_language(client):
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{% load i18n %}{% translate "设施" %}{% colon %}x')
    with translation.override("zh-hans"):
        assert template.render(Context()) == "设施：x"
    with translation.override("en"):
        assert template.render(Context()) == "Facilities: x"


def test_a_member_is_not_offered_to_join_and_a_non_member_not_to_transfer(client):
    from tests.factories import make_member

    tree = Tree()
    member = make_member(union=tree.grassroots_a).person.user
    outsider = make_worker_user()
    client.force_login(member)
    for url in ("/", "/services/"):
        html = client.get(url).content.decode()
        assert 'href="/members/join/"' not in html and 'href="/members/transfer/"' in html, url
    client.force_login(outsider)
    for url in ("/", "/services/"):
        html = client.get(url).content.decode()
        assert 'href="/members/join/"' in html and 'href="/members/transfer/"' not in html, url


@pytest.mark.parametrize(("old", "new"), [
    ("/cases/console/?queue=overdue", "/console/cases/?queue=overdue"),
    ("/stations/console/12/", "/console/stations/12/"),
    ("/console/roster/", "/console/members/roster/"),
    ("/console/people/5/", "/console/members/people/5/"),
    ("/console/unions/3/", "/console/orgs/unions/3/"),
    ("/join/", "/members/join/"),
    ("/me/card/", "/members/card/"),
])
def test_old_addresses_redirect_to_where_the_page_lives_now(client, old, new):
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == new
    assert resolve(new.split("?")[0])
