"""Station test helpers: a station in a union, with sensible defaults."""

from __future__ import annotations

from typing import Any

from gonghui.accounts.models import User
from gonghui.orgs.models import Union
from gonghui.stations import services
from gonghui.stations.models import Station

_root: dict[str, User] = {}


def superuser() -> User:
    user = User.objects.filter(is_superuser=True).first()
    return user or User.objects.create_superuser(username="stations-root", password="pw-for-tests-123")


def make_station(
    *, union: Union, name: str = "测试驿站", kind: str = "yizhan", lat: float = 22.54, lon: float = 113.94,
    facilities: list[str] | None = None, hours_text: str = "24小时", actor: Any = None, **kw: Any,
) -> Station:
    data = services.station_data_validate(
        name=name, kind=kind, address=kw.pop("address", "深圳市南山区测试路1号"), lat=lat, lon=lon,
        facilities=facilities if facilities is not None else ["water", "charging"], hours_text=hours_text, **kw,
    )
    return services.station_create(actor=actor or superuser(), union=union, data=data)
