"""Gonghui: the 职工之家 trade-union service platform."""

from .celery import app as celery_app

__all__ = ("celery_app",)
