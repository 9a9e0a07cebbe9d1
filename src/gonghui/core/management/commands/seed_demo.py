from django.core.management.base import BaseCommand

from gonghui.core.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def handle(self, *args: object, **options: object) -> None:
        demo = demo_load()
        staff = [row for row in demo.logins if not row[0].isdigit()]
        workers = [row for row in demo.logins if row[0].isdigit()]
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / Demo data ready."))
        self.stdout.write(f"工作人员登录 staff login /accounts/staff-login/ （密码 / password: {DEMO_PASSWORD}）:")
        for username, name, scope in staff:
            self.stdout.write(f"  {username:<14} {name:<18} 管辖: {scope}")
        self.stdout.write("职工登录 worker login /accounts/login/ （演示模式页面直接显示验证码 / demo mode shows the SMS code）:")
        for phone, name, _scope in workers:
            self.stdout.write(f"  {phone:<14} {name}")
