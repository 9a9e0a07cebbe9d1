#!/usr/bin/env python3
"""Re-run a 健身集五福 nightly draw from its public record and check it. Needs only Python 3.

    curl -s https://<site>/api/v1/campaigns/draws/<id> > draw.json
    curl -s https://<site>/campaigns/draws/<id>/entrants.txt > entrants.txt
    python3 verify_draw.py draw.json entrants.txt

It checks, independently of the server's code:
1. the published seed hashes (SHA-256) to the commitment published before the day began;
2. the entrant file hashes to the published list hash, its size matches, and it is well
   formed: one line per entrant, sorted by code, no code twice;
3. drawing from the seed and the file gives exactly the published winners.

The rule: the file has one line "<code> <tickets>" per entrant, sorted by code (since
December 2026 each line is 24 bytes: a 16-hex-digit code, a space, the tickets in 6 digits
and a newline); its hash is SHA-256 of the file's bytes. Slot i (0-based) takes the integer
of HMAC-SHA256(key=seed bytes, message="<list hash>:<i>:<attempt>") modulo the total
tickets and finds the entrant holding that ticket (cumulative counts in file order); an
entrant who already won that night is skipped with attempt + 1. Exit status 0 when all
checks pass. Ten million entrants take a few seconds.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import itertools
import json
import re
import sys

FIXED = 24  # bytes per line in the fixed-width format
OLD_LINE = re.compile(rb"[0-9a-f]{16} [0-9]+")


def parse(data: bytes) -> tuple[list[bytes], list[int]] | None:
    """(codes, tickets) in file order, or None when the file is not well formed."""
    if data and len(data) % FIXED == 0 and data[16::FIXED].count(b" ") == len(data) // FIXED \
            and data[FIXED - 1::FIXED].count(b"\n") == len(data) // FIXED:
        if any(data[c::FIXED].translate(None, b"0123456789abcdef") for c in range(16)) \
                or any(data[17 + p::FIXED].translate(None, b"0123456789") for p in range(6)):
            return None
        codes = [data[i:i + 16] for i in range(0, len(data), FIXED)]
        tickets = [int(data[i + 17:i + 23]) for i in range(0, len(data), FIXED)]
    else:  # the older format: "<code> <tickets>" lines joined by newlines, no final newline
        lines = data.split(b"\n") if data else []
        if not all(OLD_LINE.fullmatch(line) for line in lines):
            return None
        codes = [line[:16] for line in lines]
        tickets = [int(line[17:]) for line in lines]
    if not all(a < b for a, b in zip(codes, itertools.islice(codes, 1, None), strict=False)) or 0 in tickets:
        return None
    return codes, tickets


def rerun(seed: str, data: bytes, slots: int) -> list[str]:
    parsed = parse(data)
    if parsed is None:
        raise ValueError("the entrant file is not well formed")
    codes, tickets = parsed
    slots = min(slots, len(codes))
    if slots <= 0:
        return []
    list_hash = hashlib.sha256(data).hexdigest()
    bounds = list(itertools.accumulate(tickets))
    total = bounds[-1]
    winners: list[str] = []
    taken: set[int] = set()
    for slot in range(slots):
        attempt = 0
        while True:
            mac = hmac.new(bytes.fromhex(seed), f"{list_hash}:{slot}:{attempt}".encode(), hashlib.sha256).digest()
            index = bisect.bisect_right(bounds, int.from_bytes(mac, "big") % total)
            if index not in taken:
                taken.add(index)
                winners.append(codes[index].decode("ascii"))
                break
            attempt += 1
    return winners


def verify(record: dict, data: bytes) -> dict[str, bool]:
    if not record.get("seed"):
        raise SystemExit("this draw has not been run yet: only its commitment is published")
    parsed = parse(data)
    well_formed = parsed is not None
    return {
        "seed matches the commitment": hashlib.sha256(bytes.fromhex(record["seed"])).hexdigest() == record["commitment"],
        "entrant file matches its hash": hashlib.sha256(data).hexdigest() == record["entrants_hash"],
        "entrant file is well formed (sorted, no code twice)": well_formed,
        "entrant count matches": well_formed and len(parsed[0]) == record["entrants_count"],
        "winners reproduced": well_formed and rerun(record["seed"], data, len(record["slots"])) == record["winners"],
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        record = json.load(handle)
    with open(argv[2], "rb") as handle:
        data = handle.read()
    checks = verify(record, data)
    for name, ok in checks.items():
        print(f"{'OK  ' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
