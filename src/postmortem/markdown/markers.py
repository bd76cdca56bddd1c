"""Hidden HTML-comment markers that let the action find its own comments, pull requests and issues again.

A marker is ``<!-- postmortem:<kind> {json} -->``. GitHub renders nothing for it, and reading it back needs
no search index (which lags behind writes), so reruns find what an earlier run created.
"""

from __future__ import annotations

import json
import re
from typing import Any

_MARKER = re.compile(r"<!--\s*postmortem:(?P<kind>[a-z0-9-]+)(?:\s+(?P<data>\{.*?\}))?\s*-->", re.DOTALL)


def marker(kind: str, **data: Any) -> str:
    """The marker line for ``kind`` carrying ``data`` (JSON; ``--`` cannot occur, so the comment stays closed)."""
    if not data:
        return f"<!-- postmortem:{kind} -->"
    payload = json.dumps(data, sort_keys=True, separators=(",", ":")).replace("--", "-\\u002d")
    return f"<!-- postmortem:{kind} {payload} -->"


def has_marker(body: str | None, kind: str) -> bool:
    """Whether ``body`` carries a marker of ``kind``."""
    return read_marker(body, kind) is not None


def read_marker(body: str | None, kind: str) -> dict[str, Any] | None:
    """The data of the first marker of ``kind`` in ``body`` ({} for a bare marker), or None."""
    for match in _MARKER.finditer(body or ""):
        if match.group("kind") != kind:
            continue
        raw = match.group("data")
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}
    return None
