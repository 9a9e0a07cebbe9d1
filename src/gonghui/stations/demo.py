"""Demo stations in 深圳南山 and 成都锦江 (called from `gonghui.core.demo`). Idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import RoleGrant, User
from gonghui.orgs.models import Region, Union

from . import services
from .models import Kind, StarApplication, Station, StationHonour

DEMO_PASSWORD = "gonghui-demo-2025"  # noqa: S105 - the same demo password as core.demo

# (name, kind, address, lat, lon, facilities, hours) — GCJ-02 coordinates.
NANSHAN = [
    ("粤海街道科技园工会驿站", Kind.YIZHAN, "深圳市南山区科苑路15号科兴科学园B座一层", 22.5486, 113.9437,
     ["water", "meal", "charging", "toilet", "rest", "climate", "first_aid", "wifi"], "24小时"),
    ("南山区总工会户外劳动者服务站（深圳湾）", Kind.OUTDOOR, "深圳市南山区滨海大道深圳湾公园入口", 22.5176, 113.9462,
     ["water", "charging", "toilet", "rest", "climate"], "每天 07:00-22:00"),
    ("后海骑手之家", Kind.YIZHAN, "深圳市南山区后海大道2388号", 22.5239, 113.9376,
     ["water", "meal", "charging", "rest", "wifi", "repair"], "每天 10:00-02:00"),
    ("南头街道环卫工人爱心驿站", Kind.OUTDOOR, "深圳市南山区南头街道南新路1号", 22.5425, 113.9213,
     ["water", "meal", "toilet", "rest", "first_aid"], "周一至周六 06:00-20:00；节假日 08:00-18:00"),
    ("鹏城科技女职工休息哺乳室", Kind.NURSING, "深圳市南山区高新南一道8号6楼", 22.5402, 113.9508,
     ["rest", "climate", "mother_baby", "water"], "周一至周五 09:00-18:00；节假日 休息"),
    ("前海司机之家", Kind.DRIVERS, "深圳市南山区前海大道与梦海大道交汇处", 22.5319, 113.8954,
     ["water", "meal", "charging", "toilet", "rest", "parking", "wifi"], "24小时"),
    ("蛇口港货车司机之家", Kind.DRIVERS, "深圳市南山区港湾大道蛇口集装箱码头", 22.4847, 113.9046,
     ["water", "meal", "toilet", "rest", "parking"], "24小时"),
    ("南山区工人文化宫", Kind.PALACE, "深圳市南山区南山大道2093号", 22.5256, 113.9226,
     ["water", "toilet", "rest", "climate", "reading", "wifi"], "周二至周日 09:00-21:00"),
    ("西丽职工书屋", Kind.BOOKHOUSE, "深圳市南山区西丽街道留仙大道1183号", 22.5786, 113.9519,
     ["water", "rest", "reading", "wifi", "climate"], "周一至周五 09:00-18:00；周六,周日 10:00-17:00"),
    ("桃源街道快递小哥驿站", Kind.YIZHAN, "深圳市南山区龙珠大道龙联花园旁", 22.5667, 113.9763,
     ["water", "charging", "rest", "toilet"], "每天 08:00-21:00"),
]

JINJIANG = [
    ("春熙路工会驿站", Kind.YIZHAN, "成都市锦江区春熙路南段8号", 30.6548, 104.0822,
     ["water", "meal", "charging", "toilet", "rest", "climate", "first_aid", "wifi"], "24小时"),
    ("太古里户外劳动者服务站", Kind.OUTDOOR, "成都市锦江区中纱帽街8号", 30.6531, 104.0866,
     ["water", "charging", "rest", "toilet", "climate"], "每天 08:00-22:00"),
    ("锦江区总工会职工书屋", Kind.BOOKHOUSE, "成都市锦江区东大街下东大街段", 30.6509, 104.0904,
     ["water", "reading", "rest", "wifi"], "周一至周五 09:00-17:30；节假日 休息"),
    ("合江亭环卫工人驿站", Kind.OUTDOOR, "成都市锦江区滨江东路合江亭旁", 30.6440, 104.0860,
     ["water", "meal", "toilet", "rest", "first_aid"], "每天 05:30-20:00"),
    ("东湖街道骑手之家", Kind.YIZHAN, "成都市锦江区东湖街道东湖公园南门", 30.6186, 104.0898,
     ["water", "meal", "charging", "rest", "repair", "wifi"], "每天 09:00-01:00"),
    ("锦江区女职工休息哺乳室（区政务中心）", Kind.NURSING, "成都市锦江区工农院街1号", 30.6320, 104.1067,
     ["rest", "mother_baby", "water", "climate"], "周一至周五 09:00-17:00"),
    ("成都东客运站司机之家", Kind.DRIVERS, "成都市锦江区迎晖路东客站西广场", 30.6312, 104.1410,
     ["water", "meal", "charging", "toilet", "rest", "parking"], "24小时"),
    ("成都市工人文化宫", Kind.PALACE, "成都市锦江区人民东路59号", 30.6607, 104.0782,
     ["water", "toilet", "rest", "climate", "reading"], "周二至周日 09:00-21:00"),
]

STAR_DEMO = {"粤海街道科技园工会驿站": 5, "春熙路工会驿站": 4, "前海司机之家": 3}


def _admin() -> User:
    user = User.objects.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        user = User.objects.create_superuser(username="admin", password=DEMO_PASSWORD, full_name="系统管理员")
    return user


@transaction.atomic
def stations_demo_load() -> list[tuple[str, str, str]]:
    """Create the demo stations, a few star ratings and honours, and a station-operator
    login per district. Returns the logins as (username, description, union)."""
    admin = _admin()
    logins: list[tuple[str, str, str]] = []
    for union_name, region_code, rows, operator in (
        ("南山区总工会", "440305", NANSHAN, ("yizhan_ns", "南山驿站运营 何静")),
        ("锦江区总工会", "510104", JINJIANG, ("yizhan_jj", "锦江驿站运营 罗成")),
    ):
        union = Union.objects.filter(name=union_name).first()
        if union is None:
            continue
        region = Region.objects.filter(code=region_code).first()
        for name, kind, address, lat, lon, facilities, hours in rows:
            if Station.objects.filter(union=union, name=name).exists():
                continue
            data = services.station_data_validate(
                name=name, kind=kind, address=address, lat=lat, lon=lon, facilities=facilities,
                hours_text=hours, phone="0755-12351" if region_code.startswith("44") else "028-12351",
                region=region,
            )
            services.station_create(actor=admin, union=union, data=data)
        username, description = operator
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=DEMO_PASSWORD, full_name=description)
        RoleGrant.objects.get_or_create(user=user, union=union, role=RoleGrant.Role.STATION)
        logins.append((username, description, union.name))

    sheet = services.assessment_sheet_default()
    for name, level in STAR_DEMO.items():
        station = Station.objects.filter(name=name).select_related("union__parent").first()
        if station is None or station.star_level or StarApplication.objects.filter(station=station).exists():
            continue
        application = services.star_application_submit(actor=admin, station=station, requested_level=level,
                                                       statement="基础设施齐全，服务规范。")
        # Full marks minus a little per star short of five.
        scores = {item.pk: max(0, item.weight - (5 - level) * 2) for item in sheet.items.all()}
        services.star_application_assess(actor=admin, application=application, scores=scores, conclusion="现场考评合格。")
    year = timezone.localdate().year - 1
    honoured = Station.objects.filter(name="粤海街道科技园工会驿站").select_related("union").first()
    if honoured and not StationHonour.objects.filter(station=honoured).exists():
        services.station_honour_record(actor=admin, station=honoured, title="最美工会驿站", level=StationHonour.Level.PROVINCIAL,
                                       year=year, awarded_by="广东省总工会")
    return logins
