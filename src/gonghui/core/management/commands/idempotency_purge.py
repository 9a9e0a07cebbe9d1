from typing import Any

from django.core.management.base import BaseCommand

from gonghui.core.idempotency import idempotency_keys_purge


class Command(BaseCommand):
    help = "删除超过保存期限（IDEMPOTENCY_KEY_TTL_HOURS）的幂等键应答（每日运行一次）。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"purged={idempotency_keys_purge()}")
