"""Pluggable SMS backends. Set SMS_BACKEND to a dotted path of a class with `send(phone, text)`."""

from __future__ import annotations

import logging

logger = logging.getLogger("gonghui.sms")


class ConsoleSmsBackend:
    """Development backend: prints the message to the console."""

    def send(self, phone: str, text: str) -> None:
        print(f"[SMS to {phone}] {text}", flush=True)  # noqa: T201
        logger.info("SMS to %s: %s", phone, text)
