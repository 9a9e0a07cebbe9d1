"""A process that starts while the database is away (a worker recycled during an outage)
still answers the nearby search: from the snapshot the last index build left on disk. It
rebuilds from the database once the database answers again."""

from __future__ import annotations

import contextlib
import gzip
import json
from collections.abc import Iterator

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from gonghui.stations import index as station_index
from tests.factories import Tree

from .helpers import make_station

pytestmark = pytest.mark.django_db

NEARBY = ("/api/v1/stations/nearby", {"lat": 22.54, "lon": 113.94})


@contextlib.contextmanager
def database_away() -> Iterator[None]:
    def refuse(self, sql, params=None):
        raise OperationalError('connection to server at "10.0.0.5", port 5432 failed: Connection refused')

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", refuse)
        yield


def nearby_ids(client) -> list[int]:
    response = client.get(*NEARBY)
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()]


def test_a_new_process_answers_from_the_snapshot_while_the_database_is_away(client):
    tree = Tree()
    near = make_station(union=tree.grassroots_a, name="近", lat=22.541, lon=113.94)
    far = make_station(union=tree.grassroots_a, name="远", lat=22.60, lon=113.94)
    assert nearby_ids(client) == [near.pk, far.pk]  # built, and the snapshot written

    station_index.index_reset()  # a new process: no index in memory
    with database_away():
        assert nearby_ids(client) == [near.pk, far.pk]
    assert station_index._holder.index.version.startswith(station_index.SNAPSHOT_PREFIX)

    # The database is back: the next check rebuilds from it (a station added meanwhile shows).
    nearer = make_station(union=tree.grassroots_a, name="更近", lat=22.5401, lon=113.94)
    station_index._holder.checked = 0.0
    assert nearby_ids(client) == [nearer.pk, near.pk, far.pk]


def test_without_a_snapshot_the_database_outage_is_a_503_as_before(client, settings):
    settings.STATIONS_INDEX_SNAPSHOT = ""
    make_station(union=Tree().grassroots_a)
    station_index.index_reset()
    client.raise_request_exception = False
    with database_away():
        response = client.get(*NEARBY)
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"


def test_a_snapshot_written_by_other_code_is_not_used(client, settings):
    make_station(union=Tree().grassroots_a)
    nearby_ids(client)
    path = settings.STATIONS_INDEX_SNAPSHOT
    with gzip.open(path, "rt", encoding="utf-8") as src:
        data = json.load(src)
    data["fields"] = data["fields"][:-1]  # an older release read one field fewer
    with gzip.open(path, "wt", encoding="utf-8") as out:
        json.dump(data, out)
    station_index.index_reset()
    client.raise_request_exception = False
    with database_away():
        assert client.get(*NEARBY).status_code == 503


def test_the_snapshot_holds_only_what_the_public_search_shows(client, settings):
    make_station(union=Tree().grassroots_a, name="近")
    nearby_ids(client)
    with gzip.open(settings.STATIONS_INDEX_SNAPSHOT, "rt", encoding="utf-8") as src:
        data = json.load(src)
    assert data["fields"] == list(station_index.ROW_FIELDS)
    assert [row[2] for row in data["rows"]] == ["近"]
