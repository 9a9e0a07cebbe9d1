"""The provably fair draw, in plain Python (no Django, no numpy): what the server runs and
what `scripts/verify_draw.py` re-implements on its own.

- The seed is 32 random bytes (64 hex digits); the commitment is ``sha256(seed)`` in hex,
  published before the day starts.
- The frozen entrant list is a file of fixed-width lines ``<16 hex token> <tickets, 6 digits>\\n``
  (24 bytes each), sorted by token; its hash is ``sha256(file bytes)`` in hex. Draws made
  before this format kept ``<token> <tickets>`` lines joined by ``\\n`` (no padding, no final
  newline); the same rule below applies to them, read line by line.
- Slot ``i`` (0-based, prizes in the published order) picks a ticket: the integer of
  ``HMAC-SHA256(key=seed, msg="<list hash>:<i>:<attempt>")`` modulo the total tickets, found
  among the entrants by their cumulative ticket counts in file order. An entrant who already
  won this night is skipped by trying the next ``attempt`` — the same as drawing among the
  remaining tickets, so every entrant's chance is proportional to their tickets.

Speed: with fixed-width lines the ticket counts are sums of digit columns, which
``bytes.count`` adds up in C; only the block of 65,536 lines that holds a winning ticket is
read in Python. A 10-million-line file is hashed and drawn in about a second.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import itertools
from collections.abc import Iterable, Sequence

LINE = 24  # bytes of one line: 16 token + space + 6 digits + newline
TOKEN = 16
DIGITS = 6
MAX_TICKETS = 10**DIGITS - 1
BLOCK = 65_536  # lines per block when locating a ticket
_HEX = b"0123456789abcdef"
_DEC = b"0123456789"


def commitment_of(seed: str) -> str:
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def entrants_file(entrants: Iterable[tuple[str, int]], *, presorted: bool = False) -> bytes:
    """The frozen list's bytes: one fixed-width line per entrant with tickets, sorted by token."""
    rows = entrants if presorted else sorted(entrants)
    out = []
    for token, tickets in rows:
        if tickets <= 0:
            continue
        if len(token) != TOKEN or not 0 < tickets <= MAX_TICKETS:
            raise ValueError(f"bad entrant {token!r} {tickets!r}")
        out.append(f"{token} {tickets:06d}\n")
    return "".join(out).encode("ascii")


def entrants_hash(entrants: Sequence[tuple[str, int]]) -> str:
    return hashlib.sha256(entrants_file(entrants)).hexdigest()


def is_fixed_width(data: bytes) -> bool:
    """Every line has the space, the 6 digits and the newline where the fixed-width format
    puts them (checked column by column, in C): what the ticket arithmetic relies on."""
    if len(data) % LINE:
        return False
    n = len(data) // LINE
    if data[TOKEN::LINE].count(b" ") != n or data[LINE - 1::LINE].count(b"\n") != n:
        return False
    return all(not data[TOKEN + 1 + p::LINE].translate(None, _DEC) for p in range(DIGITS))


def tokens_valid(data: bytes) -> bool:
    """A fixed-width list's tokens are lowercase hex, strictly increasing (sorted, no entrant
    twice). What the published script checks; the server writes the list this way."""
    if not is_fixed_width(data):
        return False
    if any(data[col::LINE].translate(None, _HEX) for col in range(TOKEN)):
        return False
    tokens = [data[i:i + TOKEN] for i in range(0, len(data), LINE)]
    return all(a < b for a, b in zip(tokens, itertools.islice(tokens, 1, None), strict=False))


def _digit_sum(chunk: bytes) -> int:
    """The total tickets of whole fixed-width lines."""
    total = 0
    for p in range(DIGITS):
        column = chunk[TOKEN + 1 + p::LINE]
        if column.count(b"0") == len(column):
            continue
        total += 10 ** (DIGITS - 1 - p) * sum(d * column.count(48 + d) for d in range(1, 10))
    return total


class _Fixed:
    """Ticket look-up over a fixed-width file: block totals in C, one block in Python."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.count = len(data) // LINE
        step = BLOCK * LINE
        self.bounds = list(itertools.accumulate(_digit_sum(data[i:i + step]) for i in range(0, len(data), step)))
        self.total = self.bounds[-1] if self.bounds else 0

    def index_of(self, ticket: int) -> int:
        block = bisect.bisect_right(self.bounds, ticket)
        running = self.bounds[block - 1] if block else 0
        data, first = self.data, block * BLOCK
        for i in range(first, min(first + BLOCK, self.count)):
            running += int(data[i * LINE + TOKEN + 1:i * LINE + LINE - 1])
            if ticket < running:
                return i
        raise AssertionError("ticket beyond the list")  # pragma: no cover

    def token(self, index: int) -> str:
        return self.data[index * LINE:index * LINE + TOKEN].decode("ascii")


class _Lines:
    """The same look-up over a list in the older variable-width format (small, old draws)."""

    def __init__(self, data: bytes) -> None:
        self.rows = [line.split(b" ") for line in data.split(b"\n") if line]
        self.count = len(self.rows)
        self.bounds = list(itertools.accumulate(int(n) for _t, n in self.rows))
        self.total = self.bounds[-1] if self.bounds else 0

    def index_of(self, ticket: int) -> int:
        return bisect.bisect_right(self.bounds, ticket)

    def token(self, index: int) -> str:
        return self.rows[index][0].decode("ascii")


def draw_file(seed: str, data: bytes, slots: int) -> list[str]:
    """The tokens of the winners of `slots` prizes, in slot order (at most one prize each),
    drawn over the frozen list exactly as published."""
    table: _Fixed | _Lines = _Fixed(data) if is_fixed_width(data) else _Lines(data)
    slots = min(slots, table.count)
    if slots <= 0 or table.total <= 0:
        return []
    list_hash = hashlib.sha256(data).hexdigest()
    key = bytes.fromhex(seed)
    won: set[int] = set()
    winners: list[str] = []
    for slot in range(slots):
        for attempt in itertools.count():
            digest = hmac.new(key, f"{list_hash}:{slot}:{attempt}".encode(), hashlib.sha256).digest()
            index = table.index_of(int.from_bytes(digest, "big") % table.total)
            if index not in won:
                won.add(index)
                winners.append(table.token(index))
                break
    return winners


def draw(seed: str, entrants: Sequence[tuple[str, int]], slots: int) -> list[str]:
    """`draw_file` over the list made from (token, tickets) pairs in any order."""
    return draw_file(seed, entrants_file(entrants), slots)
