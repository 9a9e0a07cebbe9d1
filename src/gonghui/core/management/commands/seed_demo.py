from django.core.management.base import BaseCommand

from gonghui.core.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def handle(self, *args: object, **options: object) -> None:
        demo = demo_load()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / Demo data ready."))
        self.stdout.write("工作人员登录 /console/login/ （密码 / password: %s）:" % DEMO_PASSWORD)
        for username, name, scope in demo.logins:
            self.stdout.write(f"  {username:<14} {name:<18} 管辖: {scope}")
