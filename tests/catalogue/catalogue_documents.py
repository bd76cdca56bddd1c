"""Post-mortems as the action writes them: rendered from an Incident, then published (for catalogue tests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from postmortem.config import Config
from postmortem.incident.model import Incident
from postmortem.incident.render import render_document
from postmortem.markdown.frontmatter import update_frontmatter

PLACEHOLDER_ROW = "| 1 | | | | | 🔴 Not Started | |"


def document(
    number: int,
    title: str,
    *,
    started: datetime,
    detect_minutes: int = 10,
    resolve_minutes: int = 60,
    severity: str | None = "P1",
    services: str = "",
    root_cause: str = "",
    items: Sequence[tuple[str, str, str]] = (),
    published: date | None = None,
    signed: int = 0,
) -> str:
    """The rendered document; ``items`` are (text, priority, status cell) rows; ``published`` publishes it."""
    incident = Incident(
        number=number,
        title=title,
        url=f"https://github.com/acme/shop/issues/{number}",
        created_at=started,
        severity=severity,  # type: ignore[arg-type]
        severity_text=severity or "",
        started_at=started,
        detected_at=started + timedelta(minutes=detect_minutes),
        resolved_at=started + timedelta(minutes=resolve_minutes),
        services_impacted=services,
        root_cause=root_cause,
    )
    text = render_document(incident, Config())
    if items:
        rows = [
            f"| {index} | {what} | @alice | 2026-01-31 | {priority} | {status} | |"
            for index, (what, priority, status) in enumerate(items, start=1)
        ]
        text = text.replace(PLACEHOLDER_ROW, "\n".join(rows))
    if published is not None:
        roles = ["incident-commander", "cto", "lead-engineer", "devops-lead"][:signed]
        text = update_frontmatter(
            text,
            {
                "status": "Published",
                "published": published.isoformat(),
                "signoff": {role: {"login": "alice", "date": published.isoformat()} for role in roles},
                "follow_up": (published + timedelta(days=30)).isoformat(),
            },
        )
    return text


def at(day: str, hour: int = 10) -> datetime:
    """A UTC moment on ``YYYY-MM-DD``."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)
