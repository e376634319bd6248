"""``--log-format json``: one JSON object per log line, for a log collector.

The serving process and its answering worker processes (:mod:`bot.workers`) use the same format.

Each line has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``, and ``exception``
when there is a traceback. Messages are the same sentences as the text format; none carries a
secret (tokens are ``SecretStr``, a database URL's password is redacted before it is logged).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

__all__ = ["JsonFormatter"]


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a JSON object on one line."""
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
