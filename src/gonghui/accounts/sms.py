"""Pluggable SMS backends. Set SMS_BACKEND to a dotted path of a class with `send(phone, text)`.

The console backend sends nothing: it is for development and demos. With DEBUG=0 the
process refuses to start with it unless SMS_CONSOLE_ALLOWED=1 says so on purpose
(settings.py), because workers would never receive their codes.
"""

from __future__ import annotations

import logging

from django.conf import settings

from gonghui.core.pii import mask_phone

logger = logging.getLogger("gonghui.sms")

CONSOLE_BACKEND = "gonghui.accounts.sms.ConsoleSmsBackend"


class ConsoleSmsBackend:
    """Development backend: logs the message instead of sending it.

    The phone is always masked. The text (which holds a live login code) is logged only in
    demo mode, where the login page shows the code anyway."""

    def send(self, phone: str, text: str) -> None:
        if settings.DEMO_MODE:
            logger.info("SMS to %s: %s", mask_phone(phone), text)
        else:
            logger.info("SMS to %s not sent (console backend; text withheld outside demo mode)", mask_phone(phone))
