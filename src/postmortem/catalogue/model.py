"""What the catalogue knows about each post-mortem, and what it records in its hidden marker."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ItemState = Literal["done", "open", "proposed", "wont_do"]


class ItemRecord(BaseModel):
    """One action item, as far as the catalogue needs it."""

    model_config = ConfigDict(frozen=True)

    state: ItemState = "open"
    priority: str | None = None
    """``P0``/``P1``/``P2`` as written, or None."""
    deadline: dt.date | None = None
    closed: dt.date | None = None
    """The closing date, when the document records one (a Closed / Completed column)."""


class CatalogueEntry(BaseModel):
    """What one post-mortem contributes to the catalogue. Every field but ``path`` may be unknown."""

    model_config = ConfigDict(frozen=True)

    path: str
    blob_sha: str = ""
    title: str = ""
    date: dt.date | None = None
    severity: str | None = None
    """As written (``P1``, ``SEV2``, ``Critical``); metrics group ``P0``/``P1``/``P2`` and put the rest in other."""
    started: dt.datetime | None = None
    detected: dt.datetime | None = None
    resolved: dt.datetime | None = None
    duration_minutes: int | None = None
    status: str | None = None
    published: dt.date | None = None
    signed: int = 0
    roles: int | None = None
    """Number of sign-off roles the document lists (None when it has no Sign-Off checklist)."""
    items: list[ItemRecord] = Field(default_factory=list)
    follow_up: str = ""
    """``due YYYY-MM-DD``, ``done YYYY-MM-DD``, ``not planned`` or "" (none recorded)."""
    services: list[str] = Field(default_factory=list)
    root_cause_words: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    generated: bool = False
    """Whether the document carries the action's frontmatter (written by postmortem-action)."""
    notes: list[str] = Field(default_factory=list)
    """What could not be read, as sentences shown next to the row."""

    @property
    def sort_date(self) -> dt.date | None:
        """The incident's date, else its publication date."""
        return self.date or self.published


class CatalogueMarker(BaseModel):
    """The catalogue's hidden record: each document's blob sha and entry, so a refresh re-reads only changes."""

    model_config = ConfigDict(frozen=True)

    version: int = 1
    entries: list[CatalogueEntry] = Field(default_factory=list)


class RefreshPlan(BaseModel):
    """Which documents a refresh must read, and which recorded entries it keeps as they are."""

    model_config = ConfigDict(frozen=True)

    read: list[str] = Field(default_factory=list)
    """Paths whose blob sha is new or differs from the recorded one (in listing order)."""
    keep: list[CatalogueEntry] = Field(default_factory=list)
    """Recorded entries whose blob sha is unchanged."""
    removed: list[str] = Field(default_factory=list)
    """Recorded paths that are no longer in the listing."""

    @property
    def changed(self) -> bool:
        """Whether anything differs from the record (a rerun with nothing changed has nothing to read)."""
        return bool(self.read or self.removed)


class Related(BaseModel):
    """An earlier post-mortem related to a new incident."""

    model_config = ConfigDict(frozen=True)

    path: str
    title: str
    date: dt.date | None = None
    shared_services: list[str] = Field(default_factory=list)
    shared_words: list[str] = Field(default_factory=list)
    score: float = 0.0
