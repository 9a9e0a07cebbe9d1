"""技能云 catalogue search at scale: the public course catalogue API over many published courses
(and enrolments beside them), searched by pinyin initials in the middle of the title, by a
Chinese word, and by trade — each against a bare Django JSON view measured in the same run.

    python -m bench skills                                  # SQLite, 10,000 courses, 100,000 enrolments
    python -m bench skills --courses 2000 --enrolments 20000 --queries 100
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui python -m bench skills

The issue's target is 10,000 courses and 1,000,000 enrolments with the search under 50 ms;
the default here keeps the courses and reduces the enrolments tenfold (they do not enter the
search query, they only make the tables realistic).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.cases import _setup, _urlconf, rate

WORDS = ("电焊", "数控", "叉车", "电工", "钳工", "安全", "技能", "提升", "入门", "精讲", "实操", "维修", "检测", "工艺", "管理", "思政")
TRADES = ("焊工", "电工", "钳工", "数控车工", "叉车司机", "通用")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench skills")
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--enrolments", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    from django.conf import settings

    if settings.configured:
        import subprocess

        root = Path(__file__).resolve().parent.parent
        return subprocess.call([sys.executable, "-m", "bench.skills", *argv], cwd=root)  # noqa: S603 - our own module
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-skills-") as tmp:
        label, teardown = _setup(Path(tmp))
        try:
            return _run(args, label)
        finally:
            if teardown is not None:
                teardown()


def _run(args: argparse.Namespace, label: str) -> int:
    from django.db import transaction
    from django.test import Client, override_settings
    from django.utils import timezone

    from gonghui.accounts.models import User
    from gonghui.core.text import pinyin_full, pinyin_initials
    from gonghui.orgs.models import Union
    from gonghui.orgs.services import union_create
    from gonghui.skills.models import Author, Course, Enrolment

    print(f"skills: database {label}")
    national = union_create(name="中华全国总工会", kind=Union.Kind.NATIONAL, parent=None)
    union = union_create(name="基准市总工会", kind=Union.Kind.CITY, parent=national)
    author_user = User.objects.create_user(username="bench-author", password="bench-password-123")
    author = Author.objects.create(union=union, user=author_user, name="基准工匠", title="劳动模范")
    started = time.perf_counter()
    now = timezone.now()
    n = len(WORDS)
    courses = []
    for i in range(args.courses):
        title = f"{WORDS[i % n]}{WORDS[(i // n) % n]}{WORDS[(i // (n * n)) % n]}第{i}讲"
        courses.append(Course(union=union, author=author, title=title, title_initials=pinyin_initials(title)[:80],
                              title_pinyin=pinyin_full(title)[:400], trade=TRADES[i % len(TRADES)], level="junior",
                              provider="union", status=Course.Status.PUBLISHED, published_at=now))
    with transaction.atomic():
        Course.objects.bulk_create(courses, batch_size=2000)
    ids = list(Course.objects.values_list("pk", flat=True))
    users_needed = max(1, -(-args.enrolments // len(ids)))
    users = User.objects.bulk_create([User(username=f"bench-learner-{u}") for u in range(users_needed)])
    rows, made = [], 0
    with transaction.atomic():
        for user in users:
            for course_id in ids:
                if made >= args.enrolments:
                    break
                rows.append(Enrolment(course_id=course_id, user_id=user.pk, enrolled_at=now))
                made += 1
                if len(rows) == 5000:
                    Enrolment.objects.bulk_create(rows)
                    rows = []
        Enrolment.objects.bulk_create(rows)
    print(f"  {args.courses:,} published courses and {made:,} enrolments in {time.perf_counter() - started:.0f} s", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _urlconf()
    with override_settings(ROOT_URLCONF="bench_cases_urls"):
        client = Client()
        baseline = rate("bare Django JSON view (baseline)", args.queries, lambda i: client.get("/bench-bare/"))
        results = {}
        for name, query in (("pinyin initials in the middle (jn)", {"q": "jn"}), ("Chinese word (实操)", {"q": "实操"}),
                            ("trade filter (焊工)", {"trade": "焊工"}), ("no query, first page", {})):
            def get(i: int, query: dict[str, str] = query) -> None:
                response = client.get("/api/v1/skills/courses", query)
                assert response.status_code == 200, response.content
                assert response.json(), "the search found nothing"

            results[name] = rate(f"catalogue: {name}", args.queries, get)
    print("  ratio to baseline: " + ", ".join(f"{k} {v / baseline:.3f}×" for k, v in results.items()))
    print("  ms per search: " + ", ".join(f"{k} {1000 / v:.1f}" for k, v in results.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
