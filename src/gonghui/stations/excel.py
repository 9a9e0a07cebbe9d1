"""Stations to and from Excel (.xlsx): one sheet, a header row, one station per row."""

from __future__ import annotations

from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from gonghui.core.errors import ValidationFailed
from gonghui.core.xlsx import XlsxWriter

from .models import Facility, Kind, Station

# Column header → row key. The header row may use either the Chinese or the English names.
COLUMNS: list[tuple[str, str]] = [
    ("code", "站点编码"),
    ("name", "名称"),
    ("kind", "类型"),
    ("address", "地址"),
    ("lat", "纬度"),
    ("lon", "经度"),
    ("facilities", "设施"),
    ("hours_text", "开放时间"),
    ("phone", "联系电话"),
    ("region", "区划代码"),
]
MAX_ROWS = 20000
_KIND_BY_LABEL = {str(label): code for code, label in Kind.choices} | {code: code for code in Kind.values}
_FACILITY_BY_LABEL = {str(label): code for code, label in Facility.choices} | {c: c for c in Facility.values}


def stations_read_xlsx(handle: IO[bytes]) -> list[dict[str, Any]]:
    """Rows of the first sheet as dicts keyed like `COLUMNS`; raises ValidationFailed for a
    file that is not a workbook or lacks the required columns. Values are left for the
    service to validate, except that kind and facility labels become codes."""
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (InvalidFileException, OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed(_("无法读取文件，请上传 .xlsx 格式的 Excel 表格。"), code="xlsx_invalid", field="file") from exc
    except Exception as exc:  # noqa: BLE001 - zip and XML errors of a damaged file
        raise ValidationFailed(_("无法读取文件，请上传 .xlsx 格式的 Excel 表格。"), code="xlsx_invalid", field="file") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise ValidationFailed(_("表格为空。"), code="import_empty", field="file")
    keys: list[str | None] = []
    by_name = {zh: key for key, zh in COLUMNS} | {key: key for key, _zh in COLUMNS}
    for cell in header:
        keys.append(by_name.get(str(cell).strip()) if cell is not None else None)
    required = {"name", "kind", "address", "lat", "lon"}
    if not required <= set(keys):
        raise ValidationFailed(
            _("表头缺少必填列：名称、类型、地址、纬度、经度。请使用导出的模板。"), code="xlsx_header", field="file"
        )
    result: list[dict[str, Any]] = []
    for values in rows:
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(result) >= MAX_ROWS:
            raise ValidationFailed(_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS}, code="import_too_many", field="file")
        row: dict[str, Any] = {}
        for key, value in zip(keys, values, strict=False):
            if key is None:
                continue
            row[key] = value
        kind = str(row.get("kind") or "").strip()
        row["kind"] = _KIND_BY_LABEL.get(kind, kind)
        facilities = str(row.get("facilities") or "")
        for sep in "，、;；/":
            facilities = facilities.replace(sep, ",")
        row["facilities"] = [
            _FACILITY_BY_LABEL.get(part.strip(), part.strip()) for part in facilities.split(",") if part.strip()
        ]
        result.append(row)
    workbook.close()
    return result


def stations_write_xlsx(stations: QuerySet[Station]) -> bytes:
    """The stations as a workbook in the import layout (export doubles as the template).
    Written through the project's one safe writer: names and addresses stay text."""
    writer = XlsxWriter()
    sheet = writer.sheet(str(_("服务站点")), text_columns="AI")
    sheet.header([zh for _key, zh in COLUMNS] + [str(_("运营工会")), str(_("状态")), str(_("星级")), str(_("累计到访"))])
    facility_labels = dict(Facility.choices)
    kind_labels = dict(Kind.choices)
    status_labels = dict(Station.Status.choices)
    for station in stations.select_related("union").iterator(chunk_size=2000):
        sheet.append([
            station.code, station.name, str(kind_labels[station.kind]), station.address, station.lat, station.lon,
            "、".join(str(facility_labels[c]) for c in station.facility_codes), station.hours_text, station.phone,
            station.region_id or "", station.union.name, str(status_labels[station.status]), station.star_level,
            station.visit_count,
        ])
    return writer.to_bytes()
