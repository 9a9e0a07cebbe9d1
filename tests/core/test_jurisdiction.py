import pytest

from gonghui.accounts.models import RoleGrant
from gonghui.core import jurisdiction
from gonghui.core.errors import NotFound
from gonghui.core.jurisdiction import ROLE_ACTIONS, get_or_404, has_action, scope, union_paths_for
from gonghui.orgs.models import Union
from tests.factories import Tree, make_staff, make_union

pytestmark = pytest.mark.django_db

ALL_ACTIONS = ("view", "change", "approve", "reveal_pii", "manage_grants", "import", "finance")


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
    assert union_paths_for(nobody) == []
    assert jurisdiction.is_staff_user(tree.staff_a)
    assert not jurisdiction.is_staff_user(nobody)


def test_viewer_role_cannot_approve():
    tree = Tree()
    viewer = make_staff(union=tree.city_a, role="viewer")
    assert jurisdiction.has_action(viewer, "view", tree.grassroots_a.path)
    assert not jurisdiction.has_action(viewer, "approve", tree.grassroots_a.path)


def _sibling_with_longer_id(union: Union) -> Union:
    """A union whose path extends `union`'s last id by a digit: /1/2/ → /1/23/."""
    other = make_union(parent=union.parent, kind=Union.Kind.CITY, region="440100")
    longer = union.path[:-1] + "3/"
    Union.objects.filter(pk=other.pk).update(path=longer)
    other.refresh_from_db()
    return other


def test_grant_on_1_2_does_not_reach_1_23():
    # "/1/2/" must not match "/1/23/": the trailing slash is what keeps them apart.
    tree = Tree()
    lookalike = _sibling_with_longer_id(tree.city_a)
    assert lookalike.path.startswith(tree.city_a.path.rstrip("/"))
    assert not has_action(tree.staff_a, "view", lookalike.path)
    assert has_action(tree.staff_a, "view", tree.city_a.path)
    visible = scope(Union.objects.all(), tree.staff_a, path_field="path")
    assert not visible.filter(pk=lookalike.pk).exists()
    assert visible.filter(pk=tree.city_a.pk).exists()


def test_grants_in_two_branches_reach_both_branches():
    tree = Tree()
    both = make_staff(union=tree.grassroots_a)
    RoleGrant.objects.create(user=both, union=tree.grassroots_b, role="staff")
    visible = set(Union.objects.visible_to(both).values_list("pk", flat=True))
    assert visible == {tree.grassroots_a.pk, tree.grassroots_b.pk}
    assert union_paths_for(both) == sorted([tree.grassroots_a.path, tree.grassroots_b.path])


def test_a_grant_under_another_grant_adds_no_path():
    tree = Tree()
    user = make_staff(union=tree.city_a)
    RoleGrant.objects.create(user=user, union=tree.grassroots_a, role="staff")
    assert union_paths_for(user) == [tree.city_a.path]


@pytest.mark.parametrize(("role", "allowed"), [
    ("admin", {"view", "change", "approve", "reveal_pii", "manage_grants", "import", "finance"}),
    ("staff", {"view", "change", "approve", "import", "finance"}),
    ("finance", {"view", "finance"}),
    ("operator", {"view", "change"}),
    ("legal", {"view", "change", "reveal_pii"}),
    ("station", {"view", "change"}),
    ("viewer", {"view"}),
])
def test_each_role_may_do_exactly_its_actions(role, allowed):
    tree = Tree()
    user = make_staff(union=tree.city_a, role=role)
    granted = {action for action in ALL_ACTIONS if has_action(user, action, tree.grassroots_a.path)}
    assert granted == allowed
    assert ROLE_ACTIONS[role] == allowed
    # Nothing outside the subtree, whatever the action.
    assert not any(has_action(user, action, tree.grassroots_b.path) for action in ALL_ACTIONS)


def test_operator_cannot_approve():
    tree = Tree()
    operator = make_staff(union=tree.city_a, role="operator")
    assert not has_action(operator, "approve", tree.grassroots_a.path)
    assert not scope(Union.objects.all(), operator, path_field="path", action="approve").exists()


def test_legal_may_reveal_personal_data_but_not_approve():
    tree = Tree()
    legal = make_staff(union=tree.city_a, role="legal")
    assert has_action(legal, "reveal_pii", tree.grassroots_a.path)
    assert not has_action(legal, "approve", tree.grassroots_a.path)


def test_scope_by_action_leaves_out_branches_without_that_action():
    tree = Tree()
    user = make_staff(union=tree.city_a, role="viewer")
    RoleGrant.objects.create(user=user, union=tree.city_b, role="staff")
    approvable = set(scope(Union.objects.all(), user, path_field="path", action="approve").values_list("pk", flat=True))
    assert tree.city_b.pk in approvable and tree.city_a.pk not in approvable
    viewable = set(scope(Union.objects.all(), user, path_field="path").values_list("pk", flat=True))
    assert {tree.city_a.pk, tree.city_b.pk} <= viewable


def test_unknown_role_grants_nothing():
    tree = Tree()
    user = make_staff(union=tree.city_a, role="janitor")
    assert union_paths_for(user) == []
    assert not jurisdiction.is_staff_user(user)


def test_grant_on_a_dissolved_union_grants_nothing():
    tree = Tree()
    user = make_staff(union=tree.grassroots_a)
    Union.objects.filter(pk=tree.grassroots_a.pk).update(status=Union.Status.DISSOLVED)
    assert union_paths_for(user) == []
    assert not has_action(user, "view", tree.grassroots_a.path)


def test_inactive_user_has_no_jurisdiction():
    tree = Tree()
    tree.staff_a.is_active = False
    assert union_paths_for(tree.staff_a) == []
    assert not scope(Union.objects.all(), tree.staff_a, path_field="path").exists()
    assert not jurisdiction.is_staff_user(tree.staff_a)


def test_anonymous_user_has_no_jurisdiction():
    from django.contrib.auth.models import AnonymousUser

    assert union_paths_for(AnonymousUser()) == []
    assert union_paths_for(None) == []  # an API request without credentials
    assert not has_action(AnonymousUser(), "view", "/1/")


def test_superuser_sees_every_branch():
    tree = Tree()
    root = make_staff(union=None)
    root.is_superuser = True
    assert union_paths_for(root) is None
    assert has_action(root, "manage_grants", tree.grassroots_b.path)
    assert jurisdiction.is_staff_user(root)
    assert scope(Union.objects.all(), root, path_field="path").count() == Union.objects.count()


def test_grants_are_read_once_per_user_object(django_assert_num_queries):
    tree = Tree()
    with django_assert_num_queries(1):
        union_paths_for(tree.staff_a, "view")
        union_paths_for(tree.staff_a, "approve")


@pytest.mark.parametrize("bad_id", ["abc", None, "1.5"])
def test_get_or_404_turns_a_malformed_id_into_not_found(bad_id):
    with pytest.raises(NotFound):
        get_or_404(Union.objects.all(), pk=bad_id if bad_id is not None else [1])


def test_get_or_404_of_another_branch_is_not_found():
    tree = Tree()
    with pytest.raises(NotFound):
        get_or_404(Union.objects.visible_to(tree.staff_b), pk=tree.grassroots_a.pk)
    assert get_or_404(Union.objects.visible_to(tree.staff_a), pk=tree.grassroots_a.pk) == tree.grassroots_a


def test_roles_of_lists_the_roles_held_and_none_for_inactive_or_anonymous_users():
    from django.contrib.auth.models import AnonymousUser

    from gonghui.core.jurisdiction import roles_of

    tree = Tree()
    user = make_staff(union=tree.city_a, role="viewer")
    RoleGrant.objects.create(user=user, union=tree.grassroots_b, role="legal")
    assert roles_of(user) == {"viewer", "legal"}
    assert roles_of(AnonymousUser()) == frozenset() and roles_of(None) == frozenset()
    user.is_active = False
    assert roles_of(user) == frozenset()
