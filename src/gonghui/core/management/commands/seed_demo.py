import datetime as dt
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gonghui.core.demo import DEMO_PASSWORD, demo_load
from gonghui.stats.services import snapshot_range


class Command(BaseCommand):
    help = (
        "Load demo data (idempotent) and print the demo logins. It creates the superuser "
        "`admin` with a published password, so with DEBUG=0 it refuses unless "
        "--i-know-this-is-a-demo or DEMO_INSTALL=1 says this installation is a demo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--i-know-this-is-a-demo", action="store_true", dest="demo_install",
            help="load the demo even with DEBUG=0 (a public demo installation, never real members)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        demo_install = options["demo_install"] or os.environ.get("DEMO_INSTALL", "").strip().lower() in {"1", "true", "yes"}
        if not settings.DEBUG and not demo_install:
            raise CommandError(
                "seed_demo 会创建公开密码的超级管理员 admin，生产环境（DEBUG=0）拒绝运行。"
                "如果这确实是演示站点，请加 --i-know-this-is-a-demo 或设置 DEMO_INSTALL=1。\n"
                "seed_demo creates the superuser `admin` with a published password and refuses to "
                "run with DEBUG=0. For a demo installation pass --i-know-this-is-a-demo or set DEMO_INSTALL=1."
            )
        demo = demo_load()
        # The statistics of the last month, today's so far included (recomputed tonight).
        today = timezone.localdate()
        snapshot_range(today - dt.timedelta(days=30), today, force=True)
        staff = [row for row in demo.logins if not row[0].isdigit()]
        workers = [row for row in demo.logins if row[0].isdigit()]
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / Demo data ready."))
        self.stdout.write(f"工作人员登录 staff login /accounts/staff-login/ （密码 / password: {DEMO_PASSWORD}）:")
        for username, name, scope in staff:
            self.stdout.write(f"  {username:<14} {name:<18} 管辖: {scope}")
        self.stdout.write("职工登录 worker login /accounts/login/ （演示模式页面直接显示验证码 / demo mode shows the SMS code）:")
        for phone, name, _scope in workers:
            self.stdout.write(f"  {phone:<14} {name}")
