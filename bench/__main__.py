"""Run benchmarks: `python -m bench` (all, default sizes) or `python -m bench roster --rows N`.

`python -m bench faults` (the fault bench), `python -m bench stats` (statistics at national
scale), `python -m bench assistance` (the fund ledger and a payment batch) and `python -m bench jobs` (job search and
recommendations) need PostgreSQL: they run in the full run only when BENCH_DATABASE_URL names a
PostgreSQL server (run alone, `stats` uses postgres://postgres@127.0.0.1:5432/gonghui).
"""

from __future__ import annotations

import os
import sys

BENCHMARKS = ("roster", "cases", "stations", "bargaining", "skills", "mutualaid", "stats", "assistance", "jobs", "campaigns", "faults")


def main(argv: list[str]) -> int:
    if argv and not argv[0].startswith("-"):
        name, rest = argv[0], argv[1:]
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; choose from: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        names = [name]
    else:
        names, rest = list(BENCHMARKS), argv
        if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
            names.remove("faults")
            names.remove("stats")
            names.remove("assistance")
            names.remove("jobs")
    for name in names:
        module = __import__(f"bench.{name}", fromlist=["main"])
        code = module.main(rest)
        if code:
            return int(code)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
