"""Run benchmarks: `python -m bench` (all, default sizes) or `python -m bench roster --rows N`."""

from __future__ import annotations

import sys

BENCHMARKS = ("roster", "cases", "stations", "stats")


def main(argv: list[str]) -> int:
    if argv and not argv[0].startswith("-"):
        name, rest = argv[0], argv[1:]
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; choose from: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        names = [name]
    else:
        names, rest = list(BENCHMARKS), argv
    for name in names:
        module = __import__(f"bench.{name}", fromlist=["main"])
        code = module.main(rest)
        if code:
            return int(code)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
