"""The incident as the form describes it: the pydantic model every later step reads."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, computed_field

Severity = Literal["P0", "P1", "P2"]


class TimelineEvent(BaseModel):
    """One line of the form's timeline: ``HH:MM text`` or ``YYYY-MM-DD HH:MM text``."""

    model_config = ConfigDict(frozen=True)

    at: AwareDatetime | None = None
    """The event's time in UTC when it could be placed on a date (a bare ``HH:MM`` takes the start date)."""
    time_text: str
    """The time as the user wrote it (``10:15`` or ``2026-03-14 10:15``); empty when the line had none."""
    text: str
    action: str = ""
    """Action Taken: the text after `` -> `` (or `` → ``) on the line, "" when none."""
    by: str = ""
    """By Whom: ``@login`` of the comment the event came from (the form's own lines have none)."""


class FormProblem(BaseModel):
    """An answer that could not be used, with what to do about it."""

    model_config = ConfigDict(frozen=True)

    field_id: str
    label: str
    value: str
    message: str
    """What is wrong and how to fix it, as one sentence for the comment on the issue."""


class Incident(BaseModel):
    """What the incident issue says, parsed. Unknown or invalid answers are ``None`` plus a problem."""

    number: int
    title: str
    url: str = ""
    author: str = ""
    created_at: AwareDatetime

    severity: Severity | None = None
    severity_text: str = ""
    """The dropdown option as chosen (``P1 - Major: ...``), for display."""
    started_at: AwareDatetime | None = None
    detected_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None

    summary: str = ""
    users_affected: str = ""
    services_impacted: str = ""
    user_experience: str = ""
    data_loss: str = ""
    timeline: list[TimelineEvent] = Field(default_factory=list)
    root_cause: str = ""
    resolution: str = ""

    answers: dict[str, str] = Field(default_factory=dict)
    """Every form field by id (known and custom), as text: empty for ``_No response_`` / ``None``."""
    problems: list[FormProblem] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def duration_minutes(self) -> int | None:
        """Minutes from start to resolution, or None when either is unknown or they are out of order."""
        if self.started_at is None or self.resolved_at is None or self.resolved_at < self.started_at:
            return None
        return int((self.resolved_at - self.started_at).total_seconds() // 60)

    @property
    def date(self) -> datetime:
        """The incident's date: its start in UTC, else the issue's creation."""
        return self.started_at or self.created_at
