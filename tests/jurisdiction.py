"""Reusable jurisdiction tests: one generic "cross-branch access is a 404" case per object type.

The idea is NetBox's `utilities/testing` ViewTestCases: the checks are written once here and
every object type gets them by subclassing. A subclass says how to make one object in
branch A of `tests.factories.Tree` and where its console page and API endpoint are:

    class TestUnionAccess(CrossBranchAccess):
        page_url_name = "console:orgs:union_detail"       # reversed with the object's pk
        api_path = "/api/v1/orgs/unions/{pk}"

        def make_object(self, tree):
            return tree.grassroots_a

The class then checks, for the page and for the API:

- staff of branch A (`own_staff`) get 200;
- staff of branch B (`other_staff`) get 404 — the API answers with a problem document whose
  `code` is `not_found`, so another branch's object looks exactly like a missing one;
- a user without any role grant gets 404 from the API and no page;
- an id that does not exist is a 404 too (never a 500).

Leave `page_url_name` or `api_path` as None when the object has only one of them. For a
write endpoint set `api_method` ("put", "post", …) and return the body from `api_payload`:
the refused calls must then also leave the object exactly as it was. Override
`own_staff` / `other_staff` when the default users (`tree.staff_a`, admin of city A, and
`tree.staff_b`, admin of city B) are not the right ones, and `page_url` / `api_url` when the
URL needs more than the object's pk. Class names must start with ``Test`` to be collected;
this base class does not, so it never runs on its own.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.urls import reverse

from tests.factories import Tree, make_staff

MISSING_PK = 2_000_000_000


class CrossBranchAccess:
    page_url_name: str | None = None
    api_path: str | None = None
    # The key of the answer that carries the object's id.
    api_id_key: str = "id"
    api_method: str = "get"

    # --- what a subclass provides -----------------------------------------------------------

    def make_object(self, tree: Tree) -> models.Model:
        raise NotImplementedError

    def own_staff(self, tree: Tree) -> Any:
        return tree.staff_a

    def other_staff(self, tree: Tree) -> Any:
        return tree.staff_b

    def api_payload(self, tree: Tree, obj: models.Model) -> dict[str, Any] | None:
        return None

    def page_url(self, pk: Any) -> str:
        assert self.page_url_name is not None
        return reverse(self.page_url_name, args=[pk])

    def api_url(self, pk: Any) -> str:
        assert self.api_path is not None
        return self.api_path.format(pk=pk)

    # --- fixtures -----------------------------------------------------------------------------

    @pytest.fixture
    def tree(self, db: Any) -> Tree:
        return Tree()

    @pytest.fixture
    def obj(self, tree: Tree) -> models.Model:
        return self.make_object(tree)

    def _need(self, attr: str) -> None:
        if getattr(self, attr) is None:
            pytest.skip(f"{type(self).__name__} has no {attr}")

    def _call_api(self, client: Any, pk: Any, tree: Tree, obj: models.Model) -> Any:
        payload = self.api_payload(tree, obj)
        call = getattr(client, self.api_method)
        if payload is None:
            return call(self.api_url(pk))
        return call(self.api_url(pk), payload, content_type="application/json")

    @staticmethod
    def _state(obj: models.Model) -> dict[str, Any]:
        fresh = type(obj)._default_manager.get(pk=obj.pk)
        return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}

    # --- console page -------------------------------------------------------------------------

    def test_own_branch_page_returns_200(self, client: Any, tree: Tree, obj: models.Model) -> None:
        self._need("page_url_name")
        client.force_login(self.own_staff(tree))
        assert client.get(self.page_url(obj.pk)).status_code == 200

    def test_other_branch_page_returns_404(self, client: Any, tree: Tree, obj: models.Model) -> None:
        self._need("page_url_name")
        client.force_login(self.other_staff(tree))
        assert client.get(self.page_url(obj.pk)).status_code == 404

    def test_missing_object_page_returns_404(self, client: Any, tree: Tree, obj: models.Model) -> None:
        self._need("page_url_name")
        client.force_login(self.own_staff(tree))
        assert client.get(self.page_url(MISSING_PK)).status_code == 404

    def test_user_without_role_gets_no_page(self, client: Any, tree: Tree, obj: models.Model) -> None:
        self._need("page_url_name")
        client.force_login(make_staff(union=None))
        assert client.get(self.page_url(obj.pk)).status_code in {403, 404}

    # --- API ------------------------------------------------------------------------------------

    def test_own_branch_api_returns_200(self, client: Any, tree: Tree, obj: models.Model) -> None:
        self._need("api_path")
        client.force_login(self.own_staff(tree))
        response = self._call_api(client, obj.pk, tree, obj)
        assert response.status_code == 200, response.content
        assert response.json()[self.api_id_key] == obj.pk

    def test_other_branch_api_returns_404_problem(self, client: Any, tree: Tree, obj: models.Model) -> None:
        self._need("api_path")
        client.force_login(self.other_staff(tree))
        before = self._state(obj)
        response = self._call_api(client, obj.pk, tree, obj)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["code"] == "not_found"
        assert self._state(obj) == before, "a refused call changed the object"

    def test_other_branch_api_answer_equals_missing_object(self, client: Any, tree: Tree, obj: models.Model) -> None:
        self._need("api_path")
        client.force_login(self.other_staff(tree))
        hidden = self._call_api(client, obj.pk, tree, obj).json()
        missing = self._call_api(client, MISSING_PK, tree, obj).json()
        assert hidden == missing

    def test_user_without_role_api_returns_404(self, client: Any, tree: Tree, obj: models.Model) -> None:
        self._need("api_path")
        client.force_login(make_staff(union=None))
        before = self._state(obj)
        assert self._call_api(client, obj.pk, tree, obj).status_code == 404
        assert self._state(obj) == before

    def test_anonymous_api_returns_401(self, client: Any, tree: Tree, obj: models.Model) -> None:
        self._need("api_path")
        before = self._state(obj)
        assert self._call_api(client, obj.pk, tree, obj).status_code == 401
        assert self._state(obj) == before
