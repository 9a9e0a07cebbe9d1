"""Building roster files for the import tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.testdata import id_number_make

HEADER = ["姓名", "身份证号", "手机号", "单位统一社会信用代码", "单位名称", "用工形式", "新就业形态类别", "是否农民工", "入会日期"]
_ids = itertools.count(1)


def new_id_number() -> str:
    n = next(_ids)
    return id_number_make(seq=n % 500, birth=dt.date(1980, 1, 1) + dt.timedelta(days=n // 500))


def row(*, name: str = "张三", id_number: str | None = None, phone: str = "13800138000", uscc: str = "",
        employer_name: str = "", form: str = "劳动合同用工", kind: str = "", migrant: str = "否", joined: str = "") -> list[Any]:
    return [name, id_number or new_id_number(), phone, uscc, employer_name, form, kind, migrant, joined]


def csv_bytes(rows: list[list[Any]], *, encoding: str = "utf-8", header: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]], *, header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
