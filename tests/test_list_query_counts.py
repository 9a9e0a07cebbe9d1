"""List endpoints answer in a fixed number of queries, however many rows they return (STYLE
rule 12: no N+1). Each list is read with one row and with several; the counts must be equal
and within the bound named here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.cases import legal_services
from gonghui.orgs.models import Region, Union
from gonghui.stations.index import index_reset
from tests.cases.helpers import app_case
from tests.factories import Tree, make_union, make_worker_user
from tests.stations.helpers import make_station

pytestmark = pytest.mark.django_db


def _mine(tree: Tree, n: int) -> tuple[Any, str, dict[str, str]]:
    worker = make_worker_user()
    for _ in range(n):
        app_case(tree, user=worker)
    return worker, "/api/v1/cases/mine", {}


def _duplicates(tree: Tree, n: int) -> tuple[Any, str, dict[str, str]]:
    worker = make_worker_user()
    for _ in range(n):
        app_case(tree, user=worker)
    query = {"category": "wage_arrears", "phone": worker.phone, "employer_id": str(tree.grassroots_a.employer_id)}
    return tree.staff_a, "/api/v1/cases/duplicates", query


def _lawyers(tree: Tree, n: int) -> tuple[Any, str, dict[str, str]]:
    for i in range(n):
        legal_services.lawyer_create(union=tree.city_a if i % 2 else tree.county_a, name=f"律师{i}号", by=tree.staff_a)
    return tree.staff_a, "/api/v1/cases/lawyers", {}


def _regions(tree: Tree, n: int) -> tuple[Any, str, dict[str, str]]:
    # The rows are reference data: a province with few cities, then one with many.
    return None, "/api/v1/orgs/regions", {"parent": "110000" if n == 1 else "440000"}


def _federations(tree: Tree, n: int) -> tuple[Any, str, dict[str, str]]:
    for i in range(n):
        make_union(name=f"新业态工会联合会{i}", kind=Union.Kind.FEDERATION_NEW_FORM, parent=tree.county_a, region="440305")
    return None, "/api/v1/orgs/new-form-federations", {"region": "440305"}


def _unions(tree: Tree, n: int) -> tuple[Any, str, dict[str, str]]:
    for i in range(n):
        make_union(name=f"街道工会{i}", kind=Union.Kind.TOWNSHIP, parent=tree.county_a, region="440305")
    return tree.staff_a, "/api/v1/orgs/unions", {"q": "街道"}


def _station_regions(tree: Tree, n: int) -> tuple[Any, str, dict[str, str]]:
    index_reset()
    for code in ["440305", "440103", "440106", "440604", "510104"][:n]:
        make_station(union=tree.grassroots_a, region=Region.objects.get(code=code))
    return None, "/api/v1/stations/regions", {}


def _manage(tree: Tree, n: int) -> tuple[Any, str, dict[str, str]]:
    for i in range(n):
        make_station(union=tree.grassroots_a, name=f"驿站{i}")
    return tree.staff_a, "/api/v1/stations/manage", {}


LISTS: dict[str, tuple[Callable[[Tree, int], tuple[Any, str, dict[str, str]]], int]] = {
    "cases/mine": (_mine, 4),
    "cases/duplicates": (_duplicates, 5),
    "cases/lawyers": (_lawyers, 4),
    "orgs/regions": (_regions, 1),
    "orgs/new-form-federations": (_federations, 1),
    "orgs/unions": (_unions, 4),
    "stations/regions": (_station_regions, 4),  # the first read also loads the nearby index
    "stations/manage": (_manage, 5),
}


def _queries(client: Any, setup: Callable[..., Any], n: int) -> tuple[int, int]:
    user, url, query = setup(Tree(), n)
    if user is not None:
        client.force_login(user)
        client.get(url, query)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json())


@pytest.mark.parametrize("name", list(LISTS))
def test_list_endpoint_query_count_does_not_grow_with_rows(client, name):
    setup, bound = LISTS[name]
    one, rows_one = _queries(client, setup, 1)
    many, rows_many = _queries(client, setup, 5)
    assert rows_many > rows_one, f"{name}: the second run should return more rows"
    assert many == one, f"{name}: {one} queries for {rows_one} rows, {many} for {rows_many}"
    assert many <= bound, f"{name}: {many} queries, expected at most {bound}"
