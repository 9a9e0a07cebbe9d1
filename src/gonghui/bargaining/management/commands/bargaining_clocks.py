from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gonghui.bargaining.tasks import bargaining_clocks_task


class Command(BaseCommand):
    help = "Run the bargaining and safety clocks once (answers due, filing, review, renewal, hazards overdue)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(bargaining_clocks_task()))
