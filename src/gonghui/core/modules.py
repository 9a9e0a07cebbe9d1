"""The module registry. Navigation is data: each module declares its pages once (in its own
`navigation.py`), and both shells and the root URLconf render the registry.

A module's `navigation.py` holds one `MODULE = Module(...)`:

- `worker_urls` / `console_urls`: its URL modules, served at `/<name>/` (inside the app shell)
  and `/console/<name>/` (inside the console, URL namespace `console:<name>`);
- `services`: the worker's entries on the 服务 page (and its search);
- `console`: the staff sidebar entries, with the roles that see them and an optional badge
  count (open items);
- `waiting`: what waits for this worker on 首页 (a decision, a rating, a requested document);
- `home_cards`: templates of cards on 首页 (the nearest station, …).

The shells (`web/`, `console/`) and the root URLconf only read `modules()`: adding a module adds
its files and one line in `INSTALLED_APPS`; no shell is edited (NetBox's `navigation/menu.py`
is the model).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, IntegerField, QuerySet, Value
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from . import jurisdiction

Text = str | Promise


@dataclass(frozen=True)
class Link:
    """One menu entry. `url_name` is a URL name (`cases:report`, `console:cases:queue`)."""

    label: Text
    url_name: str
    icon: str = "dot"
    # Appended to the URL (a form opened on one choice: "category=legal_aid").
    query: str = ""
    description: Text = ""
    # More words the 服务 search matches (synonyms a worker might type: 欠薪, 工资, 讨薪 …).
    keywords: Text = ""
    # Console: roles (RoleGrant.Role values) that see the entry; empty = every staff member.
    roles: frozenset[str] = frozenset()
    # Console: an action (see core.jurisdiction.ROLE_ACTIONS) the user must hold somewhere.
    action: str = ""
    # A count shown on the entry (open items): called with the user, returns the QuerySet of
    # the items (scoped to the user); the sidebar counts every entry's items in one query.
    badge: Callable[[Any], QuerySet[Any]] | None = None
    # Worker: the entry needs a signed-in worker (the shell still shows it, marked).
    login_required: bool = False
    # Worker: whether this worker is offered the entry (入会 is not offered to a member);
    # called with the user, signed in or not.
    offered: Callable[[Any], bool] | None = None

    @property
    def url(self) -> str:
        url = reverse(self.url_name)
        return f"{url}?{self.query}" if self.query else url

    def visible_to(self, user: Any) -> bool:
        if self.action and jurisdiction.union_paths_for(user, self.action) == []:
            return False
        if self.roles and not user.is_superuser and not (jurisdiction.roles_of(user) & self.roles):
            return False
        return True


@dataclass(frozen=True)
class Waiting:
    """Something a worker should act on, shown on 首页 and linked to its page."""

    text: str
    url: str
    kind: Text = ""


@dataclass(frozen=True)
class Module:
    name: str
    label: Text
    order: int = 100
    worker_urls: str = ""
    console_urls: str = ""
    services: tuple[Link, ...] = ()
    console: tuple[Link, ...] = ()
    waiting: Callable[[Any], Iterable[Waiting]] | None = None
    home_cards: tuple[str, ...] = field(default=())


@cache
def modules() -> tuple[Module, ...]:
    """Every installed app's `navigation.MODULE`, in `order`, then name."""
    found: list[Module] = []
    for config in apps.get_app_configs():
        try:
            declared = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.navigation":
                raise
            continue
        module = getattr(declared, "MODULE", None)
        if not isinstance(module, Module):
            raise ImproperlyConfigured(f"{config.name}.navigation must define MODULE = Module(...)")
        found.append(module)
    names = [m.name for m in found]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured(f"two modules share a name: {sorted(names)}")
    return tuple(sorted(found, key=lambda m: (m.order, m.name)))


@dataclass
class MenuEntry:
    link: Link
    url: str
    badge: int = 0
    active: bool = False


@dataclass
class MenuGroup:
    module: Module
    entries: list[MenuEntry]


def _entry(link: Link, path: str) -> MenuEntry:
    try:
        url = link.url
    except NoReverseMatch:  # a module's declaration names a page it does not serve: fail loudly
        raise ImproperlyConfigured(f"navigation entry {link.url_name!r} does not resolve") from None
    return MenuEntry(link=link, url=url, active=bool(path) and path.startswith(url))


def badge_counts(querysets: list[QuerySet[Any]]) -> list[int]:
    """Count several querysets (of any models) in one round trip: each becomes
    `SELECT <its position>, COUNT(DISTINCT pk) … WHERE <its filters>`, joined by UNION ALL."""
    if not querysets:
        return []
    parts = [
        qs.order_by().values(slot=Value(i, output_field=IntegerField())).annotate(n=Count("pk", distinct=True))
        for i, qs in enumerate(querysets)
    ]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    counts = [0] * len(querysets)
    for row in rows:
        counts[row["slot"]] = row["n"]
    return counts


def console_menu(user: Any, path: str = "") -> list[MenuGroup]:
    """The staff sidebar: every module's console entries this user may see, with their badges
    counted in one query."""
    groups = []
    counted: list[tuple[MenuEntry, QuerySet[Any]]] = []
    for module in modules():
        entries = []
        for link in module.console:
            if not link.visible_to(user):
                continue
            entry = _entry(link, path)
            if link.badge is not None:
                counted.append((entry, link.badge(user)))
            entries.append(entry)
        if entries:
            groups.append(MenuGroup(module=module, entries=entries))
    for (entry, _qs), n in zip(counted, badge_counts([qs for _e, qs in counted]), strict=True):
        entry.badge = n
    # Only the longest matching entry is "current" (/console/cases/ vs /console/cases/hotline/).
    current = max((e for g in groups for e in g.entries if e.active), key=lambda e: len(e.url), default=None)
    for group in groups:
        for entry in group.entries:
            entry.active = entry is current
    return groups


def worker_services(q: str = "", user: Any = None) -> list[MenuGroup]:
    """The 服务 page: every module's worker services offered to `user`, grouped; `q` filters
    by words."""
    q = q.strip().lower()
    groups = []
    for module in modules():
        entries = []
        for link in module.services:
            if link.offered is not None and user is not None and not link.offered(user):
                continue
            haystack = " ".join(str(s) for s in (link.label, link.description, link.keywords, module.label)).lower()
            if q and q not in haystack:
                continue
            entries.append(MenuEntry(link=link, url=link.url))
        if entries:
            groups.append(MenuGroup(module=module, entries=entries))
    return groups


def waiting_for(user: Any) -> list[Waiting]:
    """首页's "things waiting for me", from every module."""
    items: list[Waiting] = []
    for module in modules():
        if module.waiting is not None:
            items.extend(module.waiting(user))
    return items
