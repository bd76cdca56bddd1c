"""The workflow event the action runs for, read from the payload GitHub writes to ``GITHUB_EVENT_PATH``.

The parts of the payload the action reads are validated with the models below before any handler sees
them, so a malformed payload (an issue without ``number``, ``"number": "abc"``, ``sender`` given as a
string) ends in an :class:`EventError` naming the field, never in a crash deep inside a handler. Fields
the action does not read are not checked: GitHub adds fields over time.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError

from postmortem.errors import EventError

Task = Literal["reconcile", "remind", "check"]
TASKS: tuple[Task, ...] = ("reconcile", "remind", "check")
DEFAULT_TASK: Task = "reconcile"

WORKFLOW_TRIGGERS: dict[str, tuple[str, ...] | None] = {
    "issues": ("opened", "edited", "labeled", "closed", "reopened"),
    "issue_comment": ("created", "edited", "deleted"),
    "pull_request": ("opened", "ready_for_review", "synchronize", "closed", "reopened", "converted_to_draft"),
    "pull_request_review": ("submitted", "dismissed"),
    "push": None,
    "schedule": None,
    "workflow_dispatch": None,
}
"""The events (and activity types; None: no types) a workflow must trigger on for every feature to work,
as in examples/workflows/postmortem.yml (a test keeps the two equal; the set-up check compares the running
workflow with this)."""

_Number = Annotated[int, Field(strict=True, ge=1)]


def _iso_time(value: str) -> str:
    # Parsed as the handlers parse it (the incident's date comes from the issue's created_at).
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


_Time = Annotated[StrictStr, AfterValidator(_iso_time)]


class _Part(BaseModel):
    # Unknown fields are ignored (GitHub adds fields); the handlers keep reading the raw payload.
    model_config = ConfigDict(extra="ignore", frozen=True)


class _User(_Part):
    login: StrictStr


class _Label(_Part):
    name: StrictStr


class _Repository(_Part):
    full_name: StrictStr | None = None
    default_branch: StrictStr | None = None


class _Issue(_Part):
    number: _Number
    title: StrictStr | None = None
    body: StrictStr | None = None
    state: StrictStr | None = None
    html_url: StrictStr | None = None
    created_at: _Time | None = None
    user: _User | None = None
    labels: list[_Label] | None = None
    pull_request: dict[str, Any] | None = None


class _Branch(_Part):
    ref: StrictStr
    sha: StrictStr | None = None
    repo: _Repository | None = None


class _PullRequest(_Part):
    number: _Number
    head: _Branch
    base: _Branch | None = None
    merged: StrictBool | None = None
    draft: StrictBool | None = None
    state: StrictStr | None = None


class _Review(_Part):
    id: Annotated[int, Field(strict=True)] | None = None
    state: StrictStr
    user: _User | None = None


class _From(_Part):
    # `from` is a Python keyword; the edited event's changes read `changes.title.from` / `changes.body.from`.
    from_: StrictStr | None = Field(None, alias="from")


class _Changes(_Part):
    title: _From | None = None
    body: _From | None = None


class _Commit(_Part):
    added: list[StrictStr] | None = None
    modified: list[StrictStr] | None = None
    removed: list[StrictStr] | None = None


class _Inputs(_Part):
    task: Task | None = None


class _Payload(_Part):
    action: StrictStr | None = None
    sender: _User | None = None
    repository: _Repository | None = None
    issue: _Issue | None = None
    pull_request: _PullRequest | None = None
    review: _Review | None = None
    label: _Label | None = None
    changes: _Changes | None = None
    ref: StrictStr | None = None
    deleted: StrictBool | None = None
    commits: list[_Commit] | None = None
    head_commit: _Commit | None = None
    inputs: _Inputs | None = None


_EXPECTED = {
    "int_type": "a whole number",
    "greater_than_equal": "a number of 1 or more",
    "string_type": "a string",
    "bool_type": "true or false",
    "model_type": "an object",
    "dict_type": "an object",
    "list_type": "a list",
    "missing": "present",
    "literal_error": "one of " + ", ".join(TASKS),
    "value_error": "an ISO 8601 time",
}


def _field(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text or "(the payload)"


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, default=str)
    except (TypeError, ValueError):  # pragma: no cover - json.dumps with default=str takes anything
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _payload_error(name: str, error: ValidationError) -> EventError:
    problems = []
    for problem in error.errors()[:3]:
        field = _field(problem["loc"])
        wanted = _EXPECTED.get(problem["type"], problem["msg"])
        if problem["type"] == "missing":
            problems.append(f"`{field}` is missing")
        else:
            problems.append(f"`{field}` is {_shown(problem.get('input'))}, not {wanted}")
    more = f" (and {error.error_count() - 3} more)" if error.error_count() > 3 else ""
    return EventError(
        f"The {name} event payload is malformed: {'; '.join(problems)}{more}. The action reads these fields "
        "as GitHub sends them: run it from a workflow event, or fix the payload file you passed."
    )


class Event(BaseModel):
    """One workflow event: its name (``issues``), action (``opened``), sender and raw payload."""

    model_config = ConfigDict(frozen=True)

    name: str
    action: str | None = None
    repository: str
    sender: str = ""
    payload: dict[str, Any]
    task: Task = DEFAULT_TASK
    """``workflow_dispatch`` input ``task`` (``reconcile`` when not given, and for every other event)."""

    @classmethod
    def from_payload(cls, name: str, payload: dict[str, Any], repository: str | None = None) -> Event:
        """Build the event from ``GITHUB_EVENT_NAME`` and the parsed payload.

        Raises :class:`EventError` naming the field when a part the action reads is malformed.
        """
        if not isinstance(payload, dict):
            raise EventError("The event payload is not a JSON object; run the action from a GitHub workflow.")
        try:
            parsed = _Payload.model_validate(payload)
        except ValidationError as error:
            raise _payload_error(name, error) from error
        repo = repository or (parsed.repository.full_name if parsed.repository else None)
        if not repo:
            raise EventError("GITHUB_REPOSITORY is not set and the payload names no repository.")
        task = parsed.inputs.task if parsed.inputs and parsed.inputs.task else DEFAULT_TASK
        return cls(
            name=name,
            action=parsed.action,
            repository=repo,
            sender=parsed.sender.login if parsed.sender else "",
            payload=payload,
            task=task if name == "workflow_dispatch" else DEFAULT_TASK,
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
