"""The card page's dynamic QR code: the rules the mutation run found unguarded.

A code is the card serial and the current 60-second step, signed; it verifies one step either
side (clock drift) and is `stale` beyond that (a screenshot); anything else signed with its key
that is not exactly [serial, step] is `invalid`, never an error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing

from gonghui.members import services
from gonghui.members.models import MemberCard
from tests.factories import Tree, make_member

pytestmark = pytest.mark.django_db
T = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)  # a whole minute: a step begins here


@pytest.fixture
def card():
    return MemberCard.objects.get(membership=make_member(union=Tree().grassroots_a), revoked_at__isnull=True)


def test_a_step_is_sixty_seconds_of_unix_time():
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assert services.card_qr_step(epoch + dt.timedelta(seconds=6000)) == 100
    assert services.card_qr_step(epoch + dt.timedelta(seconds=6059)) == 100
    assert services.card_qr_step(epoch + dt.timedelta(seconds=6060)) == 101


def test_the_code_changes_at_each_whole_minute_and_not_within_it(card):
    assert services.card_token_dynamic(card, at=T) == services.card_token_dynamic(card, at=T + dt.timedelta(seconds=59))
    assert services.card_token_dynamic(card, at=T) != services.card_token_dynamic(card, at=T + dt.timedelta(seconds=60))


@pytest.mark.parametrize(("scanned_after", "status"), [
    (0, "valid"), (119, "valid"), (-60, "valid"),  # within one step either side
    (120, "stale"), (-61, "stale"), (3600, "stale"),  # a screenshot
])
def test_a_code_verifies_one_step_either_side_and_is_stale_beyond(card, scanned_after, status):
    token = services.card_token_dynamic(card, at=T)
    verified = services.card_verify(token=token, at=T + dt.timedelta(seconds=scanned_after))
    assert (verified.status, verified.kind) == (status, "dynamic")


def test_codes_already_on_screens_keep_verifying_across_a_deploy(card):
    # The salt is part of every code shown on a phone right now: changing it voids them.
    token = signing.Signer(salt="gonghui.members.card.dynamic").sign_object([card.serial, services.card_qr_step(T)])
    assert services.card_verify(token=token, at=T).status == "valid"
    other = signing.Signer(salt="another.purpose").sign_object([card.serial, services.card_qr_step(T)])
    assert services.card_verify(token=other, at=T).status == "invalid"


@pytest.mark.parametrize("payload", [
    lambda serial, step: [serial, str(step)],
    lambda serial, step: [serial],
    lambda serial, step: [serial, step, 0],
    lambda serial, step: [12345, step],
    lambda serial, step: [serial, True],
    lambda serial, step: {"s": serial, "t": step},
])
def test_anything_else_signed_with_the_key_is_invalid_not_an_error(card, payload):
    token = signing.Signer(salt=services.CARD_DYNAMIC_SALT).sign_object(payload(card.serial, services.card_qr_step(T)))
    assert services.card_verify(token=token, at=T).status == "invalid"
