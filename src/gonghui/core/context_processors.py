from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import modules as navigation

# Which tab of the app shell a worker page belongs to, by path prefix (longest first).
_TAB_PREFIXES = (("/messages/", "inbox"), ("/services/", "services"), ("/me/", "me"), ("/members/card/", "me"))


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        # 适老化: large text, chosen in 我的 and remembered in a cookie.
        "TEXT_LARGE": request.COOKIES.get("text_size") == "large",
    }


def shells(request: HttpRequest) -> dict[str, Any]:
    """What the two shells render around every page; lazy, so a page that does not show a
    menu or a badge runs no query for it."""
    path = request.path
    user = getattr(request, "user", None)
    tab = "home" if path == "/" else next((t for p, t in _TAB_PREFIXES if path.startswith(p)), "services")

    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        from gonghui.notices.selectors import notice_unread_count

        return notice_unread_count(user=user, audience="worker")

    def menu() -> Any:
        return navigation.console_menu(user, path) if user is not None and user.is_authenticated else []

    def staff_unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        from gonghui.notices.selectors import notice_unread_count

        return notice_unread_count(user=user, audience="staff")

    return {
        "shell_tab": tab,
        "shell_unread": SimpleLazyObject(unread),
        "console_menu": SimpleLazyObject(menu),
        "console_unread": SimpleLazyObject(staff_unread),
    }
