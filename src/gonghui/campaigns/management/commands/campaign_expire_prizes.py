"""Return prizes not claimed by their deadline to stock (the beat task does this hourly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gonghui.campaigns.services import winners_expire


class Command(BaseCommand):
    help = "逾期未领取的奖品退回库存。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = winners_expire()
        self.stdout.write(f"returned {count} prize(s) to stock")
