"""Import one year's holiday arrangement from a small JSON or CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.errors import DomainError
from gonghui.core.holidays import holiday_file_parse, holiday_year_replace, holiday_year_summary


class Command(BaseCommand):
    help = (
        "导入一年的节假日安排（放假和调休上班日期）。JSON：{\"year\", \"source\", \"days\": "
        "[{\"date\", \"kind\": \"off\"|\"work\", \"name\"}]}；CSV：表头 date,kind,name，"
        "年份和依据用 --year、--source 给出。同一年份再次导入会整体替换。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="JSON 或 CSV 文件")
        parser.add_argument("--year", type=int, help="年份（CSV 必填；JSON 中已有时可省略）")
        parser.add_argument("--source", default="", help="依据，例如国务院办公厅通知的标题和文号")
        parser.add_argument("--source-url", default="", help="通知的网址")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {path}：{exc}") from exc
        try:
            data = holiday_file_parse(content, filename=path.name)
            year = options["year"] or data.get("year")
            if year is None:
                raise CommandError("请用 --year 给出年份。")
            calendar = holiday_year_replace(
                year=int(year), source=options["source"] or str(data.get("source", "")),
                source_url=options["source_url"] or str(data.get("source_url", "")), days=data["days"],
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        except (TypeError, ValueError) as exc:
            raise CommandError(f"文件格式有误：{exc}") from exc
        self.stdout.write(holiday_year_summary(calendar))
        self.stdout.write("已在办诉求的暂定期限将由每日任务 cases_escalate 重新计算。")
