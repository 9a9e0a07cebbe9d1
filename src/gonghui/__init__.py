"""Gonghui: the 职工之家 trade-union service platform."""

import os

# A web or task worker answers one request per thread: compiled libraries must not start a
# pool of OpenMP threads for each call (the station search's k-d tree, pykdtree, would
# otherwise wake one per CPU on every query and run several times slower). Set before any
# such library is loaded; an explicit OMP_NUM_THREADS in the environment wins.
os.environ.setdefault("OMP_NUM_THREADS", "1")

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
