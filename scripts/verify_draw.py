#!/usr/bin/env python3
"""Re-run a 健身集五福 nightly draw from its public record and check it. Needs only Python 3.

    curl -s https://<site>/api/v1/campaigns/draws/<id> > draw.json
    python3 verify_draw.py draw.json

It checks, independently of the server's code:
1. the published seed hashes (SHA-256) to the commitment published before the day began;
2. the published entrant list hashes to the published list hash, and its size matches;
3. drawing from the seed and the list gives exactly the published winners.

The rule: the list is one line "<code> <tickets>" per entrant, sorted, joined by newlines;
its hash is SHA-256 of that text. Slot i (0-based) takes the integer of
HMAC-SHA256(key=seed bytes, message="<list hash>:<i>:<attempt>") modulo the total tickets
and finds the entrant holding that ticket (cumulative counts in list order); an entrant who
already won that night is skipped with attempt + 1. Exit status 0 when all checks pass.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys


def list_text(entrants: list[tuple[str, int]]) -> str:
    return "\n".join(f"{code} {tickets}" for code, tickets in sorted(entrants))


def rerun(seed: str, entrants: list[tuple[str, int]], slots: int) -> list[str]:
    ordered = sorted((c, n) for c, n in entrants if n > 0)
    slots = min(slots, len(ordered))
    if slots <= 0:
        return []
    list_hash = hashlib.sha256(list_text(ordered).encode()).hexdigest()
    bounds, running = [], 0
    for _code, tickets in ordered:
        running += tickets
        bounds.append(running)
    winners: list[str] = []
    taken: set[int] = set()
    for slot in range(slots):
        attempt = 0
        while True:
            mac = hmac.new(bytes.fromhex(seed), f"{list_hash}:{slot}:{attempt}".encode(), hashlib.sha256).digest()
            ticket = int.from_bytes(mac, "big") % running
            index = next(i for i, bound in enumerate(bounds) if ticket < bound)
            if index not in taken:
                taken.add(index)
                winners.append(ordered[index][0])
                break
            attempt += 1
    return winners


def verify(record: dict) -> dict[str, bool]:
    if not record.get("seed"):
        raise SystemExit("this draw has not been run yet: only its commitment is published")
    entrants = [(str(code), int(tickets)) for code, tickets in record["entrants"]]
    return {
        "seed matches the commitment": hashlib.sha256(bytes.fromhex(record["seed"])).hexdigest() == record["commitment"],
        "entrant list matches its hash": hashlib.sha256(list_text(entrants).encode()).hexdigest() == record["entrants_hash"],
        "entrant count matches": len(entrants) == record["entrants_count"],
        "winners reproduced": rerun(record["seed"], entrants, len(record["slots"])) == record["winners"],
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        checks = verify(json.load(handle))
    for name, ok in checks.items():
        print(f"{'OK  ' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
