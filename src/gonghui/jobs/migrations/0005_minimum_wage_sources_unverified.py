"""The four 2025 standards seeded by 0002 were entered from memory, not copied from the
official notices. Say so in their source (依据) until a province's staff check them: the
console and admin show 待核实 beside every row whose source starts with it. A row whose
source was already changed by staff is left alone."""

import datetime as dt

from django.db import migrations

SEEDED = (
    ("310000", dt.date(2025, 7, 1), "上海市2025年7月1日起调整最低工资标准"),
    ("110000", dt.date(2025, 9, 1), "北京市2025年9月1日起调整最低工资标准"),
    ("440100", dt.date(2025, 3, 1), "广东省2025年3月1日起调整最低工资标准（第一类）"),
    ("440300", dt.date(2025, 3, 1), "广东省2025年3月1日起调整最低工资标准（深圳）"),
)
UNVERIFIED = "待核实：系统初始数据，凭记忆录入，未与官方发布的文件核对。请省总工会核对后填写文件名称。"


def mark(apps, schema_editor):
    MinimumWage = apps.get_model("jobs", "MinimumWage")
    for code, since, seeded_source in SEEDED:
        MinimumWage.objects.filter(region_code=code, effective_from=since, source=seeded_source) \
            .update(source=UNVERIFIED)


class Migration(migrations.Migration):
    dependencies = [("jobs", "0004_training_orders")]
    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
