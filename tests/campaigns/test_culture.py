"""The culture showcase: a member submits a work (or staff add one for an art troupe); nothing
is public before review; a rejection needs a reason; views count once per visit and a like
once per worker; the daily showcase puts published works on the home page on their day;
events show the live link, then the replay; another branch's staff get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.campaigns import culture, selectors
from gonghui.campaigns.figures import campaigns_culture_views, campaigns_culture_works
from gonghui.campaigns.models import (
    CultureEvent,
    CultureViewDay,
    CultureWork,
    ShowcaseEntry,
    WorkLike,
)
from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from tests.campaigns.helpers import at
from tests.factories import Tree, make_member, make_worker_user

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 10)
LINK = "https://video.example.cn/v/123"


def _work(tree: Tree, *, published: bool = True, title: str = "劳动者之歌", **kw) -> CultureWork:
    work = culture.work_submit(user=tree.staff_a, union=tree.city_a, title=title, kind=kw.pop("kind", "song"),
                               author="市职工艺术团", link=LINK, **kw)
    if published:
        work = culture.work_review(actor=tree.staff_a, work=work, approve=True)
    return work


def test_a_member_submits_for_their_union_and_nothing_is_public_before_review():
    tree = Tree()
    member = make_member(union=tree.grassroots_a, name="张师傅")
    work = culture.work_submit(user=member.person.user, title="我的车间", kind="photo", author="张师傅", link=LINK)
    assert work.union == tree.grassroots_a and work.status == CultureWork.Status.PENDING
    assert list(selectors.works_published()) == []
    with pytest.raises(NotFound):
        selectors.work_get_published(work_id=work.pk)
    with pytest.raises(PermissionDenied, match="仅限工会会员"):
        culture.work_submit(user=make_worker_user(), title="x", kind="song", author="y", link=LINK)


@pytest.mark.parametrize(("kw", "field"), [
    ({"title": "  "}, "title"), ({"author": ""}, "author"), ({"kind": "dance"}, "kind"),
    ({"link": "javascript:alert(1)"}, "link"), ({"link": "ftp://x.cn/a"}, "link"), ({"link": "不是网址"}, "link"),
])
def test_bad_works_are_refused_and_nothing_is_written(kw, field):
    tree = Tree()
    args = {"title": "劳动者之歌", "kind": "song", "author": "艺术团", "link": LINK} | kw
    with pytest.raises(ValidationFailed) as err:
        culture.work_submit(user=tree.staff_a, union=tree.city_a, **args)
    assert err.value.field == field
    assert not CultureWork.objects.exists()


def test_review_publishes_or_returns_with_a_reason_and_only_in_the_branch(frozen_clock):
    tree = Tree()
    frozen_clock(at(DAY, 9))
    work = _work(tree, published=False)
    with pytest.raises(NotFound):
        culture.work_review(actor=tree.staff_b, work=work, approve=True)
    with pytest.raises(ValidationFailed, match="原因"):
        culture.work_review(actor=tree.staff_a, work=work, approve=False)
    culture.work_review(actor=tree.staff_a, work=work, approve=True)
    assert [w.pk for w in selectors.works_published()] == [work.pk]
    assert list(campaigns_culture_works(DAY)) == [(tree.city_a.pk, "song", 1)]
    culture.work_review(actor=tree.staff_a, work=work, approve=False, note="版权不明，暂时下架")
    assert list(selectors.works_published()) == []


def test_likes_once_per_worker_and_views_once_per_visit(client, frozen_clock):
    tree = Tree()
    frozen_clock(at(DAY, 9))
    work = _work(tree)
    worker = make_worker_user()
    assert culture.work_like(work=work, user=worker) is True
    assert culture.work_like(work=work, user=worker) is False
    url = reverse("campaigns:work", args=[work.pk])
    client.get(url)
    client.get(url)  # the same visit: counted once
    Client().get(url)  # another visitor
    work.refresh_from_db()
    assert work.likes == 1 and WorkLike.objects.count() == 1 and work.views == 2
    assert list(campaigns_culture_views(DAY)) == [(tree.city_a.pk, "", 2)]
    assert CultureViewDay.objects.get().views == 2


def test_the_showcase_shows_published_works_on_their_day_on_the_home_page(client, frozen_clock):
    tree = Tree()
    frozen_clock(at(DAY, 9))
    song, photo = _work(tree, title="劳动者之歌"), _work(tree, title="车间里的春天", kind="photo")
    pending = _work(tree, published=False, title="待审作品")
    with pytest.raises(ValidationFailed, match="已发布"):
        culture.showcase_set(actor=tree.staff_a, union=tree.city_a, day=DAY, works=[pending])
    with pytest.raises(ValidationFailed, match="过去"):
        culture.showcase_set(actor=tree.staff_a, union=tree.city_a, day=DAY - dt.timedelta(days=1), works=[song])
    with pytest.raises(NotFound):
        culture.showcase_set(actor=tree.staff_b, union=tree.city_a, day=DAY, works=[song])
    culture.showcase_set(actor=tree.staff_a, union=tree.city_a, day=DAY, works=[photo, song])
    culture.showcase_set(actor=tree.staff_a, union=tree.city_a, day=DAY + dt.timedelta(days=1), works=[song])
    home = client.get(reverse("web:home")).content.decode()
    assert "今日展播" in home and home.index("车间里的春天") < home.index("劳动者之歌")
    # Taking a work down takes it off the coming days.
    culture.work_review(actor=tree.staff_a, work=song, approve=False, note="下架")
    assert "劳动者之歌" not in client.get(reverse("web:home")).content.decode()
    assert ShowcaseEntry.objects.filter(work=song).count() == 0


def test_events_show_the_live_link_then_the_replay(client, frozen_clock):
    tree = Tree()
    frozen_clock(at(DAY, 9))
    with pytest.raises(ValidationFailed, match="至少填一个"):
        culture.event_create(actor=tree.staff_a, union=tree.city_a, title="新春联谊会", starts_at=at(DAY, 19))
    event = culture.event_create(actor=tree.staff_a, union=tree.city_a, title="新春联谊会", starts_at=at(DAY, 19),
                                 live_url="https://live.example.cn/gala")
    page = client.get(reverse("campaigns:culture_event", args=[event.pk])).content.decode()
    assert "进入直播" in page and "https://live.example.cn/gala" in page
    with pytest.raises(NotFound):
        culture.event_replay_set(actor=tree.staff_b, event=event, replay_url="https://v.example.cn/r")
    culture.event_replay_set(actor=tree.staff_a, event=event, replay_url="https://v.example.cn/r")
    page = Client().get(reverse("campaigns:culture_event", args=[event.pk])).content.decode()
    assert "观看回放" in page and "https://v.example.cn/r" in page
    assert CultureEvent.objects.get().views == 2


# --- pages ---------------------------------------------------------------------------------------


def test_worker_pages_submit_like_and_list(client, frozen_clock):
    tree = Tree()
    frozen_clock(at(DAY, 9))
    published = _work(tree, title="劳动者之歌")
    member = make_member(union=tree.grassroots_a, name="张师傅")
    client.force_login(member.person.user)
    page = client.get(reverse("campaigns:culture")).content.decode()
    assert "劳动者之歌" in page and "作品库" in page
    bad = client.post(reverse("campaigns:work_submit"), {"title": "我的车间", "kind": "photo", "author": "张师傅",
                                                         "link": "javascript:alert(1)"})
    assert bad.status_code == 200 and "http://" in bad.content.decode()
    assert CultureWork.objects.count() == 1
    ok = client.post(reverse("campaigns:work_submit"), {"title": "我的车间", "kind": "photo", "author": "张师傅", "link": LINK},
                     follow=True)
    assert "投稿成功" in ok.content.decode() and "我的投稿" in ok.content.decode()
    client.post(reverse("campaigns:work_like", args=[published.pk]))
    detail = client.get(reverse("campaigns:work", args=[published.pk])).content.decode()
    assert "你已点赞" in detail and 'rel="noopener noreferrer nofollow"' in detail
    pending = CultureWork.objects.get(title="我的车间")
    assert client.get(reverse("campaigns:work", args=[pending.pk])).status_code == 404
    assert client.post(reverse("campaigns:work_like", args=[pending.pk])).status_code == 404


def test_console_review_showcase_and_events(client, frozen_clock):
    tree = Tree()
    frozen_clock(at(DAY, 9))
    client.force_login(tree.staff_a)
    assert client.post(reverse("console:campaigns:work_create"), {"union": tree.city_a.pk, "title": "劳动者之歌",
                       "kind": "song", "author": "市职工艺术团", "link": LINK}).status_code == 302
    work = CultureWork.objects.get()
    page = client.get(reverse("console:campaigns:culture")).content.decode()
    assert "劳动者之歌" in page
    response = client.post(reverse("console:campaigns:work_review", args=[work.pk]), {"decision": "reject", "note": ""},
                           follow=True)
    assert "原因" in response.content.decode() and CultureWork.objects.get().status == "pending"
    client.post(reverse("console:campaigns:work_review", args=[work.pk]), {"decision": "approve"})
    assert CultureWork.objects.get().status == "published"
    assert client.post(reverse("console:campaigns:showcase"), {"union": tree.city_a.pk, "day": "2026-12-10",
                       "works": [work.pk]}).status_code == 302
    assert ShowcaseEntry.objects.filter(day=DAY, work=work).exists()
    assert client.post(reverse("console:campaigns:event_create"), {"union": tree.city_a.pk, "title": "新春联谊会",
                       "starts_at": "2026-12-10T19:30", "live_url": "https://live.example.cn/g"}).status_code == 302
    event = CultureEvent.objects.get()
    assert event.starts_at == at(DAY, 19, 30)
    assert client.post(reverse("console:campaigns:event_replay", args=[event.pk]),
                       {"replay_url": "https://v.example.cn/r"}).status_code == 302
    client.force_login(tree.staff_b)
    assert "劳动者之歌" not in client.get(reverse("console:campaigns:culture") + "?status=published").content.decode()
    assert client.post(reverse("console:campaigns:work_review", args=[work.pk]), {"decision": "reject",
                       "note": "x"}).status_code == 404
    assert client.get(reverse("console:campaigns:event_replay", args=[event.pk])).status_code == 404
