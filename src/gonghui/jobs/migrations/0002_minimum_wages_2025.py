"""Seed the 2025 first-tier (第一档) minimum wages (entered from memory, NOT checked against the
official notices: 0005 marks their source 待核实); every other province
keeps its own table from the console (最低工资标准), which the province's staff maintain.

- 上海市: 2740 元/月, 25 元/小时, from 2025-07-01;
- 北京市: 2540 元/月, from 2025-09-01 (hourly standard not seeded);
- 广东省 广州市: 2500 元/月, 深圳市: 2520 元/月, from 2025-03-01 (hourly not seeded).
Where no hourly standard is stored, an hourly wage is checked against monthly ÷ 174 hours.
"""

import datetime as dt

from django.db import migrations

SEED = (
    ("310000", "上海市", dt.date(2025, 7, 1), 2740_00, 25_00, "上海市2025年7月1日起调整最低工资标准"),
    ("110000", "北京市", dt.date(2025, 9, 1), 2540_00, None, "北京市2025年9月1日起调整最低工资标准"),
    ("440100", "广州市", dt.date(2025, 3, 1), 2500_00, None, "广东省2025年3月1日起调整最低工资标准（第一类）"),
    ("440300", "深圳市", dt.date(2025, 3, 1), 2520_00, None, "广东省2025年3月1日起调整最低工资标准（深圳）"),
)


def seed(apps, schema_editor):
    MinimumWage = apps.get_model("jobs", "MinimumWage")
    for code, name, since, monthly, hourly, source in SEED:
        MinimumWage.objects.update_or_create(
            region_code=code, effective_from=since,
            defaults={"region_name": name, "year": since.year, "monthly": monthly, "hourly": hourly, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
