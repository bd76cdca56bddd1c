"""The workflow event the action runs for, read from the payload GitHub writes to ``GITHUB_EVENT_PATH``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from postmortem.errors import EventError


class Event(BaseModel):
    """One workflow event: its name (``issues``), action (``opened``), sender and raw payload."""

    model_config = ConfigDict(frozen=True)

    name: str
    action: str | None = None
    repository: str
    sender: str = ""
    payload: dict[str, Any]

    @classmethod
    def from_payload(cls, name: str, payload: dict[str, Any], repository: str | None = None) -> Event:
        """Build the event from ``GITHUB_EVENT_NAME`` and the parsed payload."""
        if not isinstance(payload, dict):
            raise EventError("The event payload is not a JSON object; run the action from a GitHub workflow.")
        repo = repository or (payload.get("repository") or {}).get("full_name")
        if not repo:
            raise EventError("GITHUB_REPOSITORY is not set and the payload names no repository.")
        sender = payload.get("sender") or {}
        login = str(sender.get("login") or "")
        return cls(
            name=name,
            action=payload.get("action"),
            repository=repo,
            sender=login,
            payload=payload,
        )

    @property
    def issue(self) -> dict[str, Any] | None:
        """The payload's issue, or None."""
        issue = self.payload.get("issue")
        return issue if isinstance(issue, dict) else None

    @property
    def pull_request(self) -> dict[str, Any] | None:
        """The payload's pull request, or None."""
        pull = self.payload.get("pull_request")
        return pull if isinstance(pull, dict) else None

    def describe(self) -> str:
        """``issues.opened`` style name for logs."""
        return f"{self.name}.{self.action}" if self.action else self.name
