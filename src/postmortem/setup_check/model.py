"""What the set-up check reads (:class:`SetupFacts`) and what it reports (:class:`Checklist`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from postmortem.config import Config
from postmortem.github.models import Label, WorkflowSettings
from postmortem.plan import CreateLabel

ItemState = Literal["ok", "failed", "unknown"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class FileFacts(_Frozen):
    """A file of the repository the check looked at: its path and text (None: it does not exist)."""

    path: str
    text: str | None = None
    error: str | None = None
    """Why it could not be read (not UTF-8, too large); None when it was read or is absent."""


class ConfigFacts(_Frozen):
    """The config file as the run loaded it: its path, whether it exists, and why it is invalid (None: valid)."""

    path: str
    exists: bool
    error: str | None = None


class WorkflowFacts(_Frozen):
    """The running workflow file (from ``GITHUB_WORKFLOW_REF`` or the dispatch payload), read at its ref."""

    path: str = ""
    ref: str = ""
    text: str | None = None
    problem: str | None = None
    """Why the file could not be read (no ref given, another repository, not found)."""


class SetupFacts(_Frozen):
    """Everything the check decides from, read once."""

    repository: str
    default_branch: str
    config: Config
    """The config the run loaded (the defaults when the file is invalid: see ``config_file``)."""
    config_file: ConfigFacts
    labels: tuple[Label, ...]
    form: FileFacts
    template: FileFacts | None = None
    """The custom template (config ``template:``); None: the built-in one."""
    workflow: WorkflowFacts
    actions: WorkflowSettings | None = None
    """The repository's Actions settings; None when the token cannot read them (``GITHUB_TOKEN`` never can)."""


class CheckItem(_Frozen):
    """One line of the checklist: what was checked, how it went, and the fix when it is not ok."""

    key: str
    """Stable identifier for tests and tools (``labels``, ``permissions``, ``trigger:pull_request`` …)."""
    title: str
    state: ItemState
    detail: str = ""
    fix: str = ""
    fixed_by_this_run: bool = False
    """The check's own writes fix it (missing labels): not counted as a problem of the set-up."""


class Checklist(_Frozen):
    """The items in order, and the writes that fix what the check can fix itself."""

    items: tuple[CheckItem, ...]
    writes: tuple[CreateLabel, ...] = ()

    @property
    def problems(self) -> tuple[CheckItem, ...]:
        """Failed items that this run does not fix."""
        return tuple(i for i in self.items if i.state == "failed" and not i.fixed_by_this_run)

    def item(self, key: str) -> CheckItem:
        """The item with this key (KeyError when there is none)."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)
