from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class NoticeOut(Schema):
    id: int
    module: str = Field(description="来自哪个模块：members、cases、stations……")
    text: str
    link: str = Field("", description="点开后打开的页面")
    ref: str = Field("", description="所涉事项的编号（如诉求编号）")
    created_at: dt.datetime
    read_at: dt.datetime | None
    unread: bool


class NoticeListOut(Schema):
    unread: int
    items: list[NoticeOut]


class NoticesReadOut(Schema):
    marked: int
    unread: int
