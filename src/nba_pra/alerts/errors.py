"""The alert failure type lives with the others in :mod:`nba_pra.errors` (exit code 9, never fatal)."""

from __future__ import annotations

from nba_pra.errors import AlertError

__all__ = ["AlertError"]
