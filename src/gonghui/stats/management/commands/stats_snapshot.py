"""Compute the statistics snapshot for a day or a range of days.

    manage.py stats_snapshot                      # yesterday, missing days of the last week, dirty days
    manage.py stats_snapshot --day 2026-11-30
    manage.py stats_snapshot --from 2026-01-01 --to 2026-11-30 [--force]

Idempotent (a day's rows are replaced as a whole) and resumable (a range skips the days
already computed unless --force; an interrupted run is simply run again)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.stats import services


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"不是有效日期（YYYY-MM-DD）：{value}") from exc


class Command(BaseCommand):
    help = "计算统计快照（按日、按工会汇总）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="计算这一天 (YYYY-MM-DD)")
        parser.add_argument("--from", dest="start", help="区间起始日 (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", help="区间结束日 (YYYY-MM-DD)，默认昨天")
        parser.add_argument("--force", action="store_true", help="已计算的日期也重新计算")

    def handle(self, *args: Any, **options: Any) -> None:
        def report(result: services.DayResult) -> None:
            self.stdout.write(f"{result.day}  {result.facts} 条本级数据  {result.rollups} 条汇总  {result.seconds:.2f}s")

        if options["day"]:
            if options["start"] or options["end"]:
                raise CommandError("--day 不能与 --from/--to 同时使用")
            report(services.snapshot_day(_date(options["day"])))
            return
        if options["start"]:
            start = _date(options["start"])
            end = _date(options["end"]) if options["end"] else services.yesterday()
            if end < start:
                raise CommandError("结束日期不能早于起始日期")
            results = services.snapshot_range(start, end, force=options["force"], progress=report)
            self.stdout.write(f"完成：计算 {len(results)} 天（已计算的日期{'也重算' if options['force'] else '已跳过'}）")
            return
        if options["end"] or options["force"]:
            raise CommandError("--to / --force 需与 --from 一起使用")
        results = services.snapshot_nightly()
        for result in results:
            report(result)
        self.stdout.write(f"完成：计算 {len(results)} 天")
