"""A screenshot of the e-member card stops working: the card page's QR is signed with a
60-second time step and verified with ±1 step of clock tolerance; a printed card's fixed
code verifies only where the union allows printed cards; the verify API says which kind
it checked. Time is passed in (`at=`), never waited for."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from gonghui.members import services
from gonghui.members.models import MemberCard
from gonghui.orgs.services import union_printed_cards_set
from tests.factories import Tree, make_member

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 8, 0, 30, tzinfo=dt.UTC)


def _card(tree: Tree) -> MemberCard:
    membership = make_member(union=tree.grassroots_a)
    return MemberCard.objects.get(membership=membership, revoked_at__isnull=True)


def _at(seconds: int) -> dt.datetime:
    return NOW + dt.timedelta(seconds=seconds)


def test_dynamic_code_changes_every_minute_and_a_stale_one_is_refused():
    card = _card(Tree())
    token = services.card_token_dynamic(card, at=NOW)
    assert services.card_token_dynamic(card, at=_at(29)) == token  # same step
    assert services.card_token_dynamic(card, at=_at(60)) != token  # next step
    for offset in (0, 60, -60):  # within one step either side: clocks differ a little
        result = services.card_verify(token=token, at=_at(offset))
        assert (result.status, result.kind) == ("valid", "dynamic"), offset
    for offset in (150, 600, -150, 86400):  # a screenshot, minutes or days later
        assert services.card_verify(token=token, at=_at(offset)).status == "stale", offset


def test_a_dynamic_code_cannot_be_re_dated_or_forged():
    card = _card(Tree())
    token = services.card_token_dynamic(card, at=NOW)
    _payload, _sep, signature = token.rpartition(":")
    step = services.card_qr_step(NOW)
    redated = json.dumps([card.serial, step + 5], separators=(",", ":")).encode()
    forged = signing.b64_encode(redated).decode() + ":" + signature
    assert services.card_verify(token=forged, at=_at(300)).status == "invalid"
    assert services.card_verify(token=token + "x", at=NOW).status == "invalid"


def test_printed_card_code_verifies_only_where_the_union_allows_printed_cards():
    tree = Tree()
    card = _card(tree)
    printed = services.card_token(card)
    refused = services.card_verify(token=printed)
    assert (refused.status, refused.kind) == ("printed_not_allowed", "printed")
    assert refused.union_name == ""  # nothing learned from a refused code
    # The city union allows printed cards for its whole subtree.
    union_printed_cards_set(union=tree.city_a, allowed=True, actor=tree.staff_a)
    accepted = services.card_verify(token=printed)
    assert (accepted.status, accepted.kind) == ("valid", "printed")
    # Staff of another branch cannot switch it for this one.
    from gonghui.core.errors import NotFound

    with pytest.raises(NotFound):
        union_printed_cards_set(union=tree.city_a, allowed=False, actor=tree.staff_b)


def test_verify_api_reports_the_kind_and_the_card_api_gives_a_dynamic_code(client):
    tree = Tree()
    card = _card(tree)
    client.force_login(card.membership.person.user)
    me = client.get("/api/v1/cards/me").json()
    assert me["token_kind"] == "dynamic" and 1 <= me["refresh_in"] <= 60
    anonymous = Client()
    result = anonymous.get(reverse("api:card_verify"), {"token": me["token"]}).json()
    assert (result["status"], result["kind"]) == ("valid", "dynamic")
    printed = anonymous.get(reverse("api:card_verify"), {"token": services.card_token(card)}).json()
    assert (printed["status"], printed["kind"]) == ("printed_not_allowed", "printed")


def test_card_page_draws_a_standalone_svg_qr_that_htmx_refreshes(client):
    tree = Tree()
    card = _card(tree)
    client.force_login(card.membership.person.user)
    response = client.get(reverse("members:card"))
    page = response.content.decode()
    svg = re.search(r"<svg[^>]*>", page)
    assert svg and 'xmlns="http://www.w3.org/2000/svg"' in svg.group(0)
    assert f'hx-get="{reverse("members:card")}?part=qr"' in page
    assert "hx-trigger=\"load delay:" in page
    assert services.card_verify(token=response.context["qr"].token).kind == "dynamic"
    fragment = client.get(reverse("members:card"), {"part": "qr"}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<div") and "<html" not in fragment and "<svg" in fragment


def test_card_qr_is_a_standalone_svg_of_a_verifying_dynamic_code():
    """The SVG is a complete document (xmlns, white background) holding the verify URL of
    the current step; the browser test draws it (tests/browser/test_card_qr_draws.py)."""
    from gonghui.members.card_qr import card_qr

    card = _card(Tree())
    request = Client().get("/").wsgi_request
    qr = card_qr(request, card, at=NOW)
    assert qr.svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in qr.svg
    assert 'fill="#fff"' in qr.svg  # light modules are drawn, not transparent
    assert qr.verify_url.endswith(urlencode({"token": qr.token}))
    assert services.card_verify(token=qr.token, at=NOW).status == "valid"
    assert qr.refresh_in == 30  # NOW is 30 s into its minute: refresh at the step boundary


def test_every_qr_is_drawn_by_core_qr_as_a_standalone_svg():
    """segno's svg_inline() has no xmlns: served as an image it is a broken picture (the
    station check-in QR was). Only core/qr.py may call segno."""
    from pathlib import Path

    from gonghui.core.qr import qr_svg

    src = Path(__file__).resolve().parents[2] / "src" / "gonghui"
    users = [str(p.relative_to(src)) for p in src.rglob("*.py")
             if "segno" in p.read_text(encoding="utf-8") and p != src / "core" / "qr.py"]
    assert users == []
    root = ElementTree.fromstring(qr_svg("https://example.cn/x"))  # noqa: S314 - our own SVG
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") and int(root.get("width")) > 0
    assert root.findall(".//{http://www.w3.org/2000/svg}path[@fill='#fff']")  # a white background
