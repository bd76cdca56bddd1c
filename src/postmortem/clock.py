"""The one source of "now" and "today" (UTC). Only the shell calls these; pure code takes ``today`` as a parameter.

Also the one table of month names that dates written by people use (``Nov 20, 2025``, ``20 November 2025``).

Tests move time with the ``POSTMORTEM_TODAY`` environment variable (``YYYY-MM-DD``) or by passing dates directly.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from postmortem.errors import ConfigError


def now() -> datetime:
    """The current moment in UTC (``POSTMORTEM_TODAY`` pins it to that day's midnight)."""
    pinned = os.environ.get("POSTMORTEM_TODAY", "").strip()
    if pinned:
        return datetime.combine(today(), datetime.min.time(), tzinfo=UTC)
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC, or ``POSTMORTEM_TODAY`` when set."""
    pinned = os.environ.get("POSTMORTEM_TODAY", "").strip()
    if not pinned:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(pinned)
    except ValueError as error:
        raise ConfigError(f"POSTMORTEM_TODAY={pinned!r} is not a date; write it as YYYY-MM-DD.") from error


MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
"""Month number by lower-case English name and abbreviation (``sept`` too), for reading written dates."""
