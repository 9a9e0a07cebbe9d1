"""Logs never carry a phone or ID number in clear.

`PersonalNumberFilter` sits on every handler the project configures (settings.LOGGING): it
renders each record's message (and traceback) once and masks the numbers in it, whichever
module logged it and however — `logger.info("%s", phone)`, an f-string, a URL in a
`django.request` error, an exception message. Code still should not log personal data;
this is the net under it.
"""

from __future__ import annotations

import logging

from .pii import mask_personal_numbers


class PersonalNumberFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must still be logged
            message = str(record.msg)
        record.msg = mask_personal_numbers(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_numbers(record.stack_info)
        return True
