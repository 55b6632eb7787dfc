"""JSON log lines (no Django imports: logging is configured before the apps are loaded)."""

import json
import logging


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "event": record.getMessage()}
        entry.update(getattr(record, "security", {}))
        return json.dumps(entry, ensure_ascii=False, default=str)
