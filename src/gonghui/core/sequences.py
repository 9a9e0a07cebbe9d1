"""Gap-tolerant, concurrency-safe counters for human-readable numbers."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F


def sequence_reserve(name: str, count: int = 1) -> range:
    """Reserve `count` consecutive values of sequence `name`; returns them as a range.

    Runs in its own atomic block and row-locks the counter, so two workers never get the
    same number. A rolled-back caller leaves a gap, which is acceptable for numbering.
    """
    from .models import Sequence

    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        Sequence.objects.filter(name=name).update(value=F("value") + count)
        end = Sequence.objects.select_for_update().values_list("value", flat=True).get(name=name)
    return range(end - count + 1, end + 1)
