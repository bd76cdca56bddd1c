"""What every handler of one run shares: the event, the gateway, the config, the default branch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from postmortem.config import DEFAULT_CONFIG_PATH, Config, parse_config
from postmortem.errors import ConfigError, NotText
from postmortem.events import Event
from postmortem.github.client import Gateway
from postmortem.github.models import FileContent
from postmortem.github.snapshot import Snapshot
from postmortem.markdown.frontmatter import DocumentError, split_frontmatter
from postmortem.trust import PostmortemRef


class PullNote(BaseModel):
    """What a feature above sign-off adds to a post-mortem pull request: a commit status of its own context and
    one line of the sign-off sticky comment (the completeness check: ``postmortem/completeness``, "k problems").

    Its handler runs before the sign-off handler and leaves the note in :attr:`Context.pull_notes`; the sign-off
    handler, which owns the pull request's statuses and sticky comment, sets the status on the head the run
    leaves (only when it changes) and records the note in its sticky comment, so that events on which the
    feature does not run (a review) keep it without reading anything.
    """

    model_config = ConfigDict(frozen=True)

    context: str
    state: Literal["pending", "success", "failure", "error"]
    description: str
    line: str


class DraftExtras(Protocol):
    """What a feature above the incident adds to a draft as it is rendered (the catalogue's related incidents)."""

    def fill(self, document: str, path: str) -> str:
        """A new draft, completed (may read, once per run)."""
        ...

    def keep(self, document: str, previous: str) -> str:
        """A draft rendered again, with what ``previous`` (the draft as last written) had added (no read)."""
        ...


@dataclass
class Context:
    """What every handler gets: the event, the gateway, the repository's config and default branch."""

    event: Event
    gateway: Gateway
    config: Config
    default_branch: str
    snapshot: Snapshot = field(init=False)
    """Every read of the run, once, kept up to date by the run's writes (shared by all handlers)."""
    issues_created: int = 0
    """Tracking issues planned for creation so far this run (the per-run cap counts all documents and rounds)."""
    warned: set[str] = field(default_factory=set)
    """Warnings already said this run (a reconcile reads several pull requests with the same teams)."""
    workflow_ref: str | None = None
    """``GITHUB_WORKFLOW_REF`` of the running workflow, when the CLI knows it (the set-up check names it)."""
    config_facts: object | None = None
    """What the set-up check learnt reading the config file (its ``ConfigFacts``), when the CLI read it so."""
    pull_notes: dict[int, list[PullNote]] = field(default_factory=dict)
    """Notes for the sign-off handler, by pull-request number (see :class:`PullNote`)."""
    draft_extras: DraftExtras | None = None
    """Set by the runner: the related incidents a new draft's Appendix lists (None: the draft as rendered)."""

    def __post_init__(self) -> None:
        self.snapshot = Snapshot(self.gateway)

    def add_pull_note(self, number: int, note: PullNote) -> None:
        """Leave ``note`` for the sign-off handler (replacing an earlier one of the same context: a handler that
        decides again after a conflict)."""
        notes = [n for n in self.pull_notes.get(number, []) if n.context != note.context]
        self.pull_notes[number] = [*notes, note]


def load_config(gateway: Gateway, default_branch: str, path: str = DEFAULT_CONFIG_PATH) -> Config:
    """Read and validate the config file from the default branch; no file means the defaults."""
    return config_from_file(gateway.get_file(path, default_branch), default_branch, path)


def config_from_file(
    file: FileContent | None, default_branch: str, path: str = DEFAULT_CONFIG_PATH
) -> Config:
    """Validate the config file ``file`` as read from the default branch (None: no file, the defaults)."""
    if file is None and path != DEFAULT_CONFIG_PATH:
        # Only the default path may be absent: a mistyped `config:` input must not silently drop the roles.
        raise ConfigError(
            f"The action's `config` input names {path}, but there is no such file on {default_branch}: fix the "
            f"path, or remove the input to use {DEFAULT_CONFIG_PATH} (optional)."
        )
    return parse_config(file.text if file else None, path)


MAX_DOCUMENT_SCAN = 20
"""Files of the post-mortem folder read at most when looking for a document by its incident number."""


def find_document(ctx: Context, ref: PostmortemRef, at: str) -> tuple[str | None, FileContent | None]:
    """A post-mortem's path and content at ``at`` (a branch or sha): at the marker's path, else (no marker, or
    the file was renamed or moved) the file of the post-mortem folder, newest names first, whose frontmatter
    names the incident. ``(marker path or None, None)`` when there is none."""
    if ref.path is not None:
        file = ctx.snapshot.file(ref.path, at)
        if file is not None:
            return ref.path, file
    entries = ctx.snapshot.directory(ctx.config.directory, at)
    names = sorted(
        (e for e in entries if e.type == "file" and e.name.endswith(".md") and e.path != ref.path),
        key=lambda e: e.name,
        reverse=True,
    )
    for entry in names[:MAX_DOCUMENT_SCAN]:
        try:
            file = ctx.snapshot.file(entry.path, at)
        except NotText:
            continue  # not a post-mortem the action could have written
        if file is None:
            continue
        try:
            meta, _ = split_frontmatter(file.text)
        except DocumentError:
            continue
        if meta.get("incident") == ref.incident:
            return file.path, file
    return ref.path, None
