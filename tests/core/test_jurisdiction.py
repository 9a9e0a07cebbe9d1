import pytest

from gonghui.core import jurisdiction
from gonghui.orgs.models import Union
from tests.factories import Tree, make_staff

pytestmark = pytest.mark.django_db


def test_grant_covers_subtree_but_not_sibling_branch():
    tree = Tree()
    visible = set(Union.objects.visible_to(tree.staff_a).values_list("pk", flat=True))
    assert tree.city_a.pk in visible
    assert tree.grassroots_a.pk in visible
    assert tree.city_b.pk not in visible
    assert tree.province.pk not in visible


def test_user_without_grants_sees_nothing():
    tree = Tree()
    nobody = make_staff(union=None)
    assert not Union.objects.visible_to(nobody).exists()
    assert jurisdiction.is_staff_user(tree.staff_a)
    assert not jurisdiction.is_staff_user(nobody)


def test_viewer_role_cannot_approve():
    tree = Tree()
    viewer = make_staff(union=tree.city_a, role="viewer")
    assert jurisdiction.has_action(viewer, "view", tree.grassroots_a.path)
    assert not jurisdiction.has_action(viewer, "approve", tree.grassroots_a.path)


def test_path_prefix_does_not_leak_to_union_with_longer_id():
    # "/1/2/" must not match "/1/23/": the trailing slash is what keeps them apart.
    tree = Tree()
    assert not tree.city_b.path.startswith(tree.city_a.path)
