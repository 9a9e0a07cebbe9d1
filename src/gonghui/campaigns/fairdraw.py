"""The provably fair draw, in plain Python (no Django): what the server runs and what
`scripts/verify_draw.py` re-implements on its own.

- The seed is 32 random bytes (64 hex digits); the commitment is ``sha256(seed)`` in hex,
  published before the day starts.
- The entrant list is frozen as text: one line ``<token> <tickets>`` per entrant, sorted by
  token, joined by ``\\n``; its hash is ``sha256(text)`` in hex.
- Slot ``i`` (0-based, prizes in the published order) picks a ticket: the integer of
  ``HMAC-SHA256(key=seed, msg="<list hash>:<i>:<attempt>")`` modulo the total tickets, found
  among the entrants by their cumulative ticket counts. An entrant who already won this night
  is skipped by trying the next ``attempt`` — the same as drawing among the remaining
  tickets, so every entrant's chance is proportional to their tickets.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import itertools
from collections.abc import Sequence


def commitment_of(seed: str) -> str:
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def entrants_text(entrants: Sequence[tuple[str, int]]) -> str:
    return "\n".join(f"{token} {tickets}" for token, tickets in sorted(entrants))


def entrants_hash(entrants: Sequence[tuple[str, int]]) -> str:
    return hashlib.sha256(entrants_text(entrants).encode()).hexdigest()


def draw(seed: str, entrants: Sequence[tuple[str, int]], slots: int) -> list[str]:
    """The tokens of the winners of `slots` prizes, in slot order (at most one prize each)."""
    ordered = sorted((t, n) for t, n in entrants if n > 0)
    slots = min(slots, len(ordered))
    if slots <= 0:
        return []
    list_hash = entrants_hash(ordered)
    cumulative = list(itertools.accumulate(n for _t, n in ordered))
    total = cumulative[-1]
    key = bytes.fromhex(seed)
    won: set[int] = set()
    winners: list[str] = []
    for slot in range(slots):
        for attempt in itertools.count():
            digest = hmac.new(key, f"{list_hash}:{slot}:{attempt}".encode(), hashlib.sha256).digest()
            ticket = int.from_bytes(digest, "big") % total
            index = bisect.bisect_right(cumulative, ticket)
            if index not in won:
                won.add(index)
                winners.append(ordered[index][0])
                break
    return winners
