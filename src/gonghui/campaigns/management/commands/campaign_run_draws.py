"""Run every nightly draw whose time has come (the beat task does this every five minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gonghui.campaigns.services import draws_run_due


class Command(BaseCommand):
    help = "运行已到开奖时间的每晚开奖。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"ran {draws_run_due()} draw(s)")
