"""Raw-response cache of the odds API: ``<root>/<game date>/<name>.json``.

Files hold the response body only (never the request URL, headers or key), so re-runs spend no quota and the
bet stage can be reproduced from recorded odds. Writes are atomic (temp file + rename).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from nba_pra.odds.errors import OddsPayloadError

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


class ResponseCache:
    """JSON bodies keyed by (game date, name); ``name`` is an event id or ``events``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, date: str, name: str) -> Path:
        return self.root / _SAFE.sub("_", date) / f"{_SAFE.sub('_', name)}.json"

    def get(self, date: str, name: str) -> Any | None:
        """The cached body, or None when absent; a corrupt file is an error naming it (rerun with refresh)."""
        path = self.path(date, name)
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OddsPayloadError(
                f"the cached odds response {path} is unreadable ({type(exc).__name__}); rerun with refresh"
            ) from None

    def put(self, date: str, name: str, body: Any) -> Path:
        path = self.path(date, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(body, handle, indent=1, sort_keys=True)
        Path(tmp).replace(path)
        return path
