"""Logging filters named in ``settings.LOGGING``."""

from __future__ import annotations

import logging


class ClientErrorsInOneLine(logging.Filter):
    """A request refused with a 4xx (403 permission denied, 404) is logged without its
    traceback: it is the answer the policy meant, not a fault. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
