"""Roster files (花名册): reading csv / xlsx as a stream and checking each row.

Nothing here writes to the database: `gonghui.members.services.roster_import_*` call these
helpers and do the writes. The reader never holds the whole file: rows come one at a time
and are checked in chunks, so a 1,000,000-row file needs memory for one chunk plus one
small integer per ID number (for the duplicate-in-file check).

Row numbers are the numbers Excel shows (the header is row 1), so staff can find the row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin
from stdnum.cn import ric

from gonghui.core.errors import ValidationFailed
from gonghui.core.pii import blind_index, encrypt, normalize_id_number
from gonghui.core.validators import parse_id_number, parse_name, parse_phone, parse_uscc
from gonghui.core.xlsx import XlsxWriter
from gonghui.orgs.models import Employer, Union

from .models import EmploymentForm, Membership, NewFormKind, Person

CHUNK_ROWS = 2000  # rows checked (and looked up in the database) together
MIN_AGE_YEARS = 16

# --- columns --------------------------------------------------------------------------------

# The template's headers, in order. 单位: the credit code, or the name when no code is known.
TEMPLATE_HEADERS = [
    "姓名", "身份证号", "手机号", "单位统一社会信用代码", "单位名称",
    "用工形式", "新就业形态类别", "是否农民工", "入会日期",
]
HEADER_KEYS = {
    "姓名": "name",
    "身份证号": "id_number", "身份证号码": "id_number", "公民身份号码": "id_number",
    "手机号": "phone", "手机号码": "phone", "手机": "phone", "联系电话": "phone",
    "单位统一社会信用代码": "employer_uscc", "统一社会信用代码": "employer_uscc",
    "单位名称": "employer_name", "工作单位": "employer_name", "所在单位": "employer_name",
    "用工形式": "employment_form",
    "新就业形态类别": "new_form_kind", "新就业形态": "new_form_kind",
    "是否农民工": "is_migrant_worker", "农民工": "is_migrant_worker",
    "入会日期": "joined_on", "入会时间": "joined_on",
}
COLUMN_LABELS = {
    "name": "姓名", "id_number": "身份证号", "phone": "手机号", "employer_uscc": "单位统一社会信用代码",
    "employer_name": "单位名称", "employment_form": "用工形式", "new_form_kind": "新就业形态类别",
    "is_migrant_worker": "是否农民工", "joined_on": "入会日期", "employer": "单位", "": "",
}
REQUIRED_KEYS = ("name", "id_number", "phone", "employment_form")
KEYS = ("name", "id_number", "phone", "employer_uscc", "employer_name", "employment_form",
        "new_form_kind", "is_migrant_worker", "joined_on")
_HEADER_NOISE = re.compile(r"[\s*＊]|[（(].*?[)）]")


class RosterFileError(ValidationFailed):
    """The file as a whole cannot be read (type, encoding, headers): nothing to check row by row."""

    default_code = "roster_file_invalid"


# --- reading --------------------------------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"


def detect_format(*, filename: str, head: bytes) -> str:
    """'csv' or 'xlsx' from the name and the first bytes; anything else is a clear error."""
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xls":
        raise RosterFileError(_("不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 或 .csv 后上传。"), code="roster_file_type", field="file")
    if suffix == ".xlsx":
        if not head.startswith(XLSX_MAGIC):
            raise RosterFileError(_("该文件不是有效的 Excel（.xlsx）文件。"), code="roster_file_type", field="file")
        return "xlsx"
    if suffix in {".csv", ".txt"}:
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise RosterFileError(_("该文件不是文本格式的 CSV 文件。"), code="roster_file_type", field="file")
        return "csv"
    raise RosterFileError(_("请上传 .xlsx 或 .csv 格式的花名册。"), code="roster_file_type", field="file")


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK, what Chinese Excel exports)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError as exc:
        raise RosterFileError(_("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。"), code="roster_encoding", field="file") from exc


def _csv_rows(path: Path, encoding: str) -> Iterator[list[Any]]:
    with open(path, encoding=encoding, newline="") as handle:
        first = handle.readline()
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        handle.seek(0)
        yield from csv.reader(handle, delimiter=delimiter)


def _xlsx_rows(path: Path) -> Iterator[Iterable[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl has many ways to say "not a workbook"
        raise RosterFileError(_("无法读取该 Excel 文件，请确认文件未损坏后重新上传。"), code="roster_file_type", field="file") from exc
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def iter_raw_rows(path: Path, *, file_format: str, encoding: str = "") -> Generator[tuple[int, list[Any]], None, None]:
    """(row number, cells) for every row, header included; file errors become RosterFileError."""
    source: Iterator[Any] = _xlsx_rows(path) if file_format == "xlsx" else _csv_rows(path, encoding)
    number = 0
    try:
        for cells in source:
            number += 1
            yield number, list(cells)
    except UnicodeDecodeError as exc:
        # The decoder reads ahead, so the row number would be a guess: say what to do instead.
        raise RosterFileError(
            _("文件中混用了不同的文字编码，无法读取。请将整个文件另存为 UTF-8 或 GBK 编码的 CSV 后重新上传。"),
            code="roster_encoding", field="file",
        ) from exc
    except csv.Error as exc:
        raise RosterFileError(_("第%(row)s行附近的 CSV 格式有误（引号不配对？）。") % {"row": number + 1}, code="roster_csv", field="file") from exc
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise RosterFileError(_("无法读取该 Excel 文件，请确认文件未损坏后重新上传。"), code="roster_file_type", field="file") from exc


def header_map(cells: list[Any]) -> dict[str, int]:
    """Column key -> index from the header row; missing required columns are one clear error."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        label = _HEADER_NOISE.sub("", str(cell or ""))
        key = HEADER_KEYS.get(label)
        if key and key not in found:
            found[key] = index
    missing = [COLUMN_LABELS[k] for k in REQUIRED_KEYS if k not in found]
    if "employer_uscc" not in found and "employer_name" not in found:
        missing.append("单位统一社会信用代码（或单位名称）")
    if missing:
        raise RosterFileError(
            _("表头缺少必填列：%(columns)s。请下载模板，按模板的表头填写。") % {"columns": "、".join(missing)},
            code="roster_headers", field="file",
        )
    return found


def roster_file_inspect(path: Path, *, filename: str) -> tuple[str, str]:
    """Check type, encoding, headers and that at least one data row exists; (format, encoding)."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    if not head.strip():
        raise RosterFileError(_("文件是空的。"), code="roster_empty", field="file")
    file_format = detect_format(filename=filename, head=head)
    encoding = detect_encoding(head) if file_format == "csv" else ""
    rows = iter_raw_rows(path, file_format=file_format, encoding=encoding)
    try:
        finder = _HeaderFinder()
        for _number, cells in rows:
            if not any(_text(c) for c in cells):
                continue
            if finder.columns is None:
                finder.offer(cells)
                continue
            return file_format, encoding
    finally:
        rows.close()
    finder.give_up()
    raise RosterFileError(_("文件只有表头，没有数据行。"), code="roster_empty", field="file")


class _HeaderFinder:
    """The header is the first non-blank row naming the columns; Chinese rosters often put a
    title row (“某某公司职工花名册”) or two above it, so a few rows before it are skipped."""

    LOOK_AHEAD = 5

    def __init__(self) -> None:
        self.columns: dict[str, int] | None = None
        self.tried = 0
        self.first_error: RosterFileError | None = None

    def offer(self, cells: list[Any]) -> None:
        self.tried += 1
        try:
            self.columns = header_map(cells)
        except RosterFileError as exc:
            self.first_error = self.first_error or exc
            if self.tried >= self.LOOK_AHEAD:
                raise self.first_error from None

    def give_up(self) -> None:
        """At the end of the file: no header found is an error (empty file, or wrong headers)."""
        if self.columns is None:
            raise self.first_error or RosterFileError(_("文件是空的。"), code="roster_empty", field="file")


def estimate_rows(path: Path, *, file_format: str) -> int:
    """A quick row count for the progress bar (lines for csv, the sheet dimension for xlsx)."""
    if file_format == "csv":
        count = 0
        with open(path, "rb") as handle:
            while block := handle.read(1 << 22):
                count += block.count(b"\n")
        return max(count, 1)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            return max(int(workbook.worksheets[0].max_row or 1) - 1, 1)
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - only a progress estimate
        return 1


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --- checking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row_number: int
    column: str  # a key of COLUMN_LABELS
    code: str
    message: str

    @property
    def column_label(self) -> str:
        return COLUMN_LABELS.get(self.column, self.column)


@dataclass
class RowOk:
    """A row that passed every check, ready to be staged for the commit."""

    row_number: int
    name: str
    id_number: str
    id_index: str
    phone: str
    gender: str
    birth_date: dt.date
    employer_id: int
    union_id: int
    employment_form: str
    new_form_kind: str
    is_migrant_worker: bool
    joined_on: dt.date
    person_id: int | None = None


@dataclass
class _Pending:
    ok: RowOk
    employer_key: tuple[str, str]


@lru_cache(maxsize=1)
def _choice_maps() -> tuple[dict[str, str], dict[str, str]]:
    with translation.override("zh-hans"):
        forms = {str(label): value for value, label in EmploymentForm.choices}
        kinds = {str(label): value for value, label in NewFormKind.choices if value}
    forms.update({v: v for v in EmploymentForm.values})
    forms.update({"劳动合同": "standard", "全日制": "standard", "派遣": "dispatched", "灵活用工": "flexible",
                  "新业态": "new_form", "新就业形态劳动者": "new_form"})
    kinds.update({v: v for v in NewFormKind.values if v})
    kinds.update({"骑手": "rider", "外卖员": "rider", "快递小哥": "courier", "网约车驾驶员": "ride_hail",
                  "货车司机（网络货运）": "trucker", "家政服务员": "housekeeping", "主播": "streamer"})
    return forms, kinds


_YES = {"是", "y", "yes", "1", "true", "√", "✓"}
_NO = {"否", "n", "no", "0", "false", ""}
_DATE_RE = re.compile(r"^(\d{4})\D?(\d{1,2})\D?(\d{1,2})\D?$")


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE_RE.match(_text(value).replace("年", "-").replace("月", "-").replace("日", ""))
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


_REGION_YEAR_OK: dict[tuple[str, int], bool] = {}


def _region_year_ok(region: str, year: int, sample: str) -> bool:
    # stdnum checks the region code against the birth year; that lookup is the slow part of
    # parse_id_number, and a roster repeats few (region, year) pairs, so remember the answer.
    key = (region, year)
    known = _REGION_YEAR_OK.get(key)
    if known is None:
        try:
            parse_id_number(sample)
            known = True
        except ValidationFailed:
            known = False
        if len(_REGION_YEAR_OK) < 200_000:
            _REGION_YEAR_OK[key] = known
    return known


def id_number_check(value: Any) -> tuple[str, dt.date, str]:
    """Fast path of `parse_id_number` for bulk use; (number, birth date, gender) or raises it."""
    if isinstance(value, float):
        raise ValidationFailed(
            _("身份证号被 Excel 存成了数字，后几位已丢失；请把该列设为“文本”格式后重新填写。"),
            code="id_number_numeric", field="id_number",
        )
    number = normalize_id_number(_text(value))
    if len(number) == 18 and number[:17].isdigit():
        try:
            birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            birth = None
        if (
            birth is not None
            and ric.calc_check_digit(number) == number[17]
            and _region_year_ok(number[:6], birth.year, number)
            and birth <= dt.date.today()  # noqa: DTZ011 - a birth date is a calendar date
        ):
            return number, birth, "M" if int(number[16]) % 2 == 1 else "F"
    info = parse_id_number(number)  # raises the precise reason
    return info.number, info.birth_date, info.gender


class RosterChecker:
    """Checks rows for one import into `union`; keep one instance for the whole file."""

    def __init__(self, *, union: Union, today: dt.date | None = None) -> None:
        self.union = union
        self.today = today or timezone.localdate()
        self.seen: dict[int, int] = {}  # first 17 digits of an ID number -> row number
        self._employers: dict[tuple[str, str], tuple[int, int] | RowProblem] = {}

    # One row, no database -------------------------------------------------------------------

    def _row(self, row_number: int, cells: list[Any], columns: dict[str, int],
             problems: list[RowProblem]) -> _Pending | None:
        def cell(key: str) -> Any:
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        before = len(problems)

        def bad(column: str, exc: ValidationFailed) -> None:
            problems.append(RowProblem(row_number, column, exc.code, str(exc.message)))

        name = id_number = phone = ""
        birth = self.today
        gender = ""
        try:
            name = parse_name(_text(cell("name")))
            if any(ord(ch) < 32 for ch in name):
                raise ValidationFailed(_("姓名含有不允许的字符。"), code="name_invalid")
        except ValidationFailed as exc:
            bad("name", exc)
        try:
            id_number, birth, gender = id_number_check(cell("id_number"))
            age = self.today.year - birth.year - ((self.today.month, self.today.day) < (birth.month, birth.day))
            if age < MIN_AGE_YEARS:
                raise ValidationFailed(_("未满16周岁，不能入会。"), code="id_number_underage")
            key = int(id_number[:17])
            first = self.seen.get(key)
            if first is not None:
                raise ValidationFailed(_("身份证号与第%(row)s行重复。") % {"row": first}, code="duplicate_in_file")
            self.seen[key] = row_number
        except ValidationFailed as exc:
            bad("id_number", exc)
        raw_phone = _text(cell("phone"))
        if raw_phone:
            try:
                phone = parse_phone(raw_phone)
            except ValidationFailed as exc:
                bad("phone", exc)
        forms, kinds = _choice_maps()
        raw_form = _text(cell("employment_form"))
        employment_form = forms.get(raw_form, "")
        if not employment_form:
            problems.append(RowProblem(
                row_number, "employment_form", "employment_form_invalid",
                _g("用工形式“%(value)s”无效，可填：%(allowed)s。") % {
                    "value": raw_form, "allowed": "、".join(str(label) for _v, label in EmploymentForm.choices)},
            ))
        raw_kind = _text(cell("new_form_kind"))
        new_form_kind = kinds.get(raw_kind, "") if raw_kind not in {"", "无", "不适用", "/"} else ""
        if raw_kind and not new_form_kind and raw_kind not in {"无", "不适用", "/"}:
            problems.append(RowProblem(row_number, "new_form_kind", "new_form_kind_invalid",
                                       _g("新就业形态类别“%(value)s”无效。") % {"value": raw_kind}))
        elif employment_form == EmploymentForm.NEW_FORM and not new_form_kind:
            problems.append(RowProblem(row_number, "new_form_kind", "new_form_kind_required",
                                       _g("用工形式为新就业形态时，须填写新就业形态类别（如外卖骑手、快递员）。")))
        if employment_form != EmploymentForm.NEW_FORM:
            new_form_kind = ""
        raw_migrant = _text(cell("is_migrant_worker")).lower()
        migrant = raw_migrant in _YES
        if raw_migrant not in _YES and raw_migrant not in _NO:
            problems.append(RowProblem(row_number, "is_migrant_worker", "migrant_invalid", _g("是否农民工请填“是”或“否”。")))
        joined_on = self.today
        raw_joined = cell("joined_on")
        if _text(raw_joined):
            parsed = _parse_date(raw_joined)
            if parsed is None or parsed.year < 1950:
                problems.append(RowProblem(row_number, "joined_on", "joined_on_invalid",
                                           _g("入会日期格式不正确，请按 2024-01-31 填写。")))
            elif parsed > self.today:
                problems.append(RowProblem(row_number, "joined_on", "joined_on_future", _g("入会日期不能晚于今天。")))
            else:
                joined_on = parsed
        employer_key = ("", "")
        raw_uscc = _text(cell("employer_uscc"))
        raw_employer = _text(cell("employer_name"))
        if raw_uscc:
            try:
                employer_key = ("uscc", parse_uscc(raw_uscc))
            except ValidationFailed as exc:
                bad("employer_uscc", exc)
        elif raw_employer:
            employer_key = ("name", raw_employer)
        else:
            problems.append(RowProblem(row_number, "employer", "employer_required", _g("请填写单位统一社会信用代码或单位名称。")))
        if len(problems) > before:
            return None
        ok = RowOk(
            row_number=row_number, name=name, id_number=id_number, id_index=blind_index("id", id_number),
            phone=phone, gender=gender, birth_date=birth, employer_id=0, union_id=0,
            employment_form=employment_form, new_form_kind=new_form_kind, is_migrant_worker=migrant,
            joined_on=joined_on,
        )
        return _Pending(ok=ok, employer_key=employer_key)

    # Employers, in bulk -----------------------------------------------------------------------

    def _employer_outcome(self, employer: Employer) -> tuple[int, int] | RowProblem:
        target = self.union
        own = getattr(employer, "union", None)
        if own is not None and own.status != Union.Status.ACTIVE:
            own = None
        if own is not None and own.path.startswith(target.path) and own.takes_members:
            return employer.pk, own.pk
        federation = target.kind in {Union.Kind.FEDERATION_NEW_FORM, Union.Kind.FEDERATION_REGIONAL, Union.Kind.FEDERATION_INDUSTRY}
        if federation and target.status == Union.Status.ACTIVE and (own is None or employer.is_platform):
            return employer.pk, target.pk
        if own is None:
            return RowProblem(0, "employer", "employer_no_union",
                              _g("该单位尚未建立工会，请导入到其所在地的工会联合会，或先为单位建会。"))
        return RowProblem(0, "employer", "employer_out_of_scope",
                          _g("该单位的工会（%(union)s）不在“%(target)s”的管辖范围内。") % {"union": own.name, "target": target.name})

    def _resolve_employers(self, keys: set[tuple[str, str]]) -> None:
        todo = keys - self._employers.keys()
        if not todo:
            return
        usccs = [v for k, v in todo if k == "uscc"]
        names = [v for k, v in todo if k == "name"]
        by_uscc: dict[str, Employer] = {}
        by_name: dict[str, list[Employer]] = {}
        base = Employer.objects.select_related("union")
        for start in range(0, len(usccs), 500):
            for emp in base.filter(uscc__in=usccs[start:start + 500]):
                by_uscc[emp.uscc] = emp
        for start in range(0, len(names), 500):
            for emp in base.filter(name__in=names[start:start + 500]):
                by_name.setdefault(emp.name, []).append(emp)
        for kind, value in todo:
            if kind == "uscc":
                found = by_uscc.get(value)
                outcome: tuple[int, int] | RowProblem = (
                    self._employer_outcome(found) if found is not None else
                    RowProblem(0, "employer_uscc", "employer_unknown", _g("系统中没有统一社会信用代码为 %(code)s 的单位。") % {"code": value})
                )
            else:
                matches = by_name.get(value, [])
                if not matches:
                    outcome = RowProblem(0, "employer_name", "employer_unknown", _g("系统中没有名为“%(name)s”的单位。") % {"name": value})
                elif len(matches) > 1:
                    outcome = RowProblem(0, "employer_name", "employer_ambiguous", _g("有多个单位名为“%(name)s”，请填写统一社会信用代码。") % {"name": value})
                else:
                    outcome = self._employer_outcome(matches[0])
            self._employers[(kind, value)] = outcome

    # A chunk ----------------------------------------------------------------------------------

    def check_chunk(self, rows: list[tuple[int, list[Any]]], columns: dict[str, int]) -> tuple[list[RowOk], list[RowProblem]]:
        """Check rows (without blank ones); returns the good rows and every problem found."""
        problems: list[RowProblem] = []
        pending = [p for number, cells in rows if (p := self._row(number, cells, columns, problems)) is not None]
        self._resolve_employers({p.employer_key for p in pending})
        placed: list[RowOk] = []
        for item in pending:
            outcome = self._employers[item.employer_key]
            if isinstance(outcome, RowProblem):
                problems.append(RowProblem(item.ok.row_number, outcome.column, outcome.code, outcome.message))
                continue
            item.ok.employer_id, item.ok.union_id = outcome
            placed.append(item.ok)
        good = self._check_people(placed, problems)
        problems.sort(key=lambda p: p.row_number)
        return good, problems

    def _check_people(self, rows: list[RowOk], problems: list[RowProblem]) -> list[RowOk]:
        """Against the database: someone already a live member, or registered with another name."""
        if not rows:
            return rows
        people = {
            index: (pk, name) for pk, index, name in
            Person.objects.filter(id_number_index__in=[r.id_index for r in rows]).values_list("pk", "id_number_index", "name")
        }
        live: dict[int, tuple[int, str]] = {}
        if people:
            live = {
                person_id: (union_id, union_name) for person_id, union_id, union_name in
                Membership.objects.filter(
                    person_id__in=[pk for pk, _n in people.values()],
                    status__in=[Membership.Status.ACTIVE, Membership.Status.TRANSFERRING],
                ).values_list("person_id", "union_id", "union__name")
            }
        good: list[RowOk] = []
        for row in rows:
            person = people.get(row.id_index)
            if person is None:
                good.append(row)
                continue
            person_id, registered_name = person
            membership = live.get(person_id)
            if membership is not None:
                union_id, union_name = membership
                if union_id == row.union_id:
                    problems.append(RowProblem(row.row_number, "id_number", "already_member_here", _g("此人已是本工会会员。")))
                else:
                    problems.append(RowProblem(
                        row.row_number, "id_number", "already_member_elsewhere",
                        _g("此人已是“%(union)s”的会员，请办理会员关系接转，不要重复导入。") % {"union": union_name},
                    ))
            elif registered_name != row.name:
                problems.append(RowProblem(row.row_number, "name", "name_mismatch", _g("姓名与系统中该身份证号登记的姓名不一致。")))
            else:
                row.person_id = person_id
                good.append(row)
        return good


def iter_chunks(path: Path, *, file_format: str, encoding: str) -> Iterator[tuple[dict[str, int], list[tuple[int, list[Any]]], int]]:
    """(columns, non-blank data rows, last row number read) per chunk of CHUNK_ROWS rows."""
    finder = _HeaderFinder()
    chunk: list[tuple[int, list[Any]]] = []
    last = 0
    for number, cells in iter_raw_rows(path, file_format=file_format, encoding=encoding):
        last = number
        if not any(_text(c) for c in cells):
            continue
        if finder.columns is None:
            finder.offer(cells)
            continue
        chunk.append((number, cells))
        if len(chunk) >= CHUNK_ROWS:
            yield finder.columns, chunk, last
            chunk = []
    finder.give_up()
    if chunk and finder.columns is not None:
        yield finder.columns, chunk, last


# --- staging: the checked rows with their encryption already done -----------------------------

STAGE_FIELDS = ("row", "person_id", "name", "name_pinyin", "name_initials", "id_cipher", "id_index",
                "phone_cipher", "phone_index", "gender", "birth_date", "employer_id", "union_id",
                "employment_form", "new_form_kind", "migrant", "joined_on")


@lru_cache(maxsize=200_000)
def _pinyin(name: str) -> tuple[str, str]:
    # One pypinyin pass gives both: the same result as core.text's pinyin_full and
    # pinyin_initials (checked in tests), at half the cost; names repeat, hence the cache.
    syllables = lazy_pinyin(name, errors="ignore")
    return "".join(syllables).lower()[:200], "".join(s[0] for s in syllables if s).lower()[:50]


def stage_rows(writer: Any, rows: list[RowOk]) -> None:
    """Write checked rows with ciphertexts, blind indexes and pinyin: the commit only inserts.

    Encryption (Fernet, per field per row) is the most expensive step of an import; doing it
    here keeps it out of the commit transaction, which then holds its locks for less time.
    """
    for r in rows:
        full, initials = _pinyin(r.name)
        writer.writerow((
            r.row_number, r.person_id or "", r.name, full, initials,
            encrypt(r.id_number), r.id_index,
            encrypt(r.phone) if r.phone else "", blind_index("phone", r.phone) if r.phone else "",
            r.gender, r.birth_date.isoformat(), r.employer_id, r.union_id, r.employment_form,
            r.new_form_kind, "1" if r.is_migrant_worker else "0", r.joined_on.isoformat(),
        ))


@dataclass
class StagedRow:
    row: int
    person_id: int | None
    name: str
    name_pinyin: str
    name_initials: str
    id_cipher: str
    id_index: str
    phone_cipher: str
    phone_index: str
    gender: str
    birth_date: dt.date
    employer_id: int
    union_id: int
    employment_form: str
    new_form_kind: str
    migrant: bool
    joined_on: dt.date


def iter_staged(handle: IO[str], *, size: int) -> Iterator[list[StagedRow]]:
    chunk: list[StagedRow] = []
    fromiso = dt.date.fromisoformat
    for v in csv.reader(handle):
        chunk.append(StagedRow(
            int(v[0]), int(v[1]) if v[1] else None, v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
            fromiso(v[10]), int(v[11]), int(v[12]), v[13], v[14], v[15] == "1", fromiso(v[16]),
        ))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- files for staff ------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The xlsx template: headers, text-formatted ID/phone columns, drop-downs and notes."""
    with translation.override("zh-hans"):
        forms = [str(label) for _v, label in EmploymentForm.choices]
        kinds = [str(label) for v, label in NewFormKind.choices if v]
    writer = XlsxWriter()
    # Long numbers must stay text, or Excel drops digits: ID, phone, credit code columns.
    sheet = writer.sheet("花名册", widths=[10, 22, 14, 24, 24, 16, 16, 12, 14], text_columns="BCD")
    sheet.header(TEMPLATE_HEADERS)
    for letter, values in (("F", forms), ("G", kinds), ("H", ["是", "否"])):
        sheet.list_validation(f"{letter}2:{letter}100000", values)
    notes = writer.sheet("填写说明", widths=[22, 80])
    notes.header(["列", "说明"])
    for line in (
        ["姓名", "必填，2到50个字。"],
        ["身份证号", "必填，18位居民身份证号；请保持“文本”格式。"],
        ["手机号", "选填，11位手机号。"],
        ["单位统一社会信用代码", "与“单位名称”二选一，优先按代码匹配；单位须已在系统中登记。"],
        ["用工形式", "必填：" + "、".join(forms)],
        ["新就业形态类别", "用工形式为“新就业形态”时必填：" + "、".join(kinds)],
        ["是否农民工", "是 / 否，留空按“否”。"],
        ["入会日期", "选填，如 2024-01-31；留空按导入当天。"],
    ):
        notes.append(line)
    return writer.to_bytes()


def bad_rows_workbook(path: Path, *, file_format: str, encoding: str, reasons: dict[int, list[str]], target: IO[bytes]) -> None:
    """The file's bad rows (original cells) with a leading 问题 column, streamed into `target`.
    The cells are the uploader's text: the safe writer keeps them text, never formulas."""
    writer = XlsxWriter()
    sheet = writer.sheet("问题行")
    finder = _HeaderFinder()
    for number, cells in iter_raw_rows(path, file_format=file_format, encoding=encoding):
        values = [_text(c) for c in cells]
        if finder.columns is None:
            if any(values):
                finder.offer(cells)
                if finder.columns is not None:
                    sheet.header(["原行号", "问题", *values])
            continue
        if number in reasons:
            sheet.append([number, "；".join(reasons[number]), *values])
    writer.save(target)


# --- progress (the cache: Redis in production, so every web process sees the worker's) -----

PROGRESS_TTL = 24 * 3600


def _progress_key(job_id: int) -> str:
    return f"roster-import:{job_id}:progress"


def progress_set(job_id: int, *, phase: str, done: int, total: int, state: str = "running") -> None:
    """A progress hint for the page; the cache being away never stops the job itself."""
    from gonghui.core.cache import cache_set_quietly

    cache_set_quietly(_progress_key(job_id), {"phase": phase, "done": done, "total": total, "state": state}, PROGRESS_TTL)


def progress_get(job_id: int) -> dict[str, Any]:
    from gonghui.core.cache import cache_get_quietly

    value = cache_get_quietly(_progress_key(job_id)) or {}
    done, total = int(value.get("done", 0)), int(value.get("total", 0))
    percent = min(100, done * 100 // total) if total else 0
    return {"phase": value.get("phase", ""), "done": done, "total": total, "percent": percent, "state": value.get("state", "")}
