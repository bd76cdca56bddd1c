"""Reading the running workflow file: which jobs use the action, their effective ``permissions:``, the triggers.

Pure functions over the workflow's YAML text. GitHub's rules, as documented ("Workflow syntax" →
``permissions``, ``on.<event>.types``, filter pattern cheat sheet):

* A job's ``permissions:`` replaces the workflow's; ``read-all`` / ``write-all`` set every scope, ``{}`` none,
  a mapping sets the scopes it names (every other scope is ``none``). With ``permissions:`` at neither level the
  token gets the repository's default (Settings → Actions → General → Workflow permissions).
* ``pull_request`` without ``types:`` runs only for ``opened``, ``synchronize`` and ``reopened``; the other events
  without ``types:`` run for every activity type.
* Branch and path filters: ``*`` matches anything but ``/``, ``**`` anything, ``?`` and ``+`` repeat the previous
  character, ``[...]`` is a character class, and a pattern starting with ``!`` excludes what earlier ones matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

Scopes = dict[str, str]
"""``permissions:`` as scope → ``read`` / ``write`` / ``none``."""

ALL_SCOPES = (
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
)
DEFAULT_TYPES: dict[str, tuple[str, ...]] = {"pull_request": ("opened", "synchronize", "reopened")}
"""Activity types an event runs for when ``types:`` is not given (absent here: every type)."""

_ACTION_NAME = "postmortem-action"
_LOCAL = ("$/", "./")
_REF = re.compile(
    r"^(?P<owner>[^/@\s]+)/(?P<repo>[^/@\s]+)/(?P<path>\.github/workflows/[^@\s]+\.ya?ml)@(?P<ref>\S+)$"
)


class WorkflowError(ValueError):
    """The workflow text is not a workflow (not YAML, or not a mapping)."""


def parse_workflow_ref(value: str) -> tuple[str, str, str] | None:
    """``owner/repo/.github/workflows/x.yml@refs/heads/main`` → (``owner/repo``, path, ref); None if malformed."""
    match = _REF.match(value.strip())
    if match is None:
        return None
    return f"{match['owner']}/{match['repo']}", match["path"], match["ref"]


def short_ref(ref: str) -> str:
    """``refs/heads/main`` → ``main`` (the contents API takes branch and tag names); other refs unchanged."""
    for prefix in ("refs/heads/", "refs/tags/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def load_workflow(text: str) -> dict[str, Any]:
    """The workflow as a mapping, with YAML 1.1's ``on:`` → ``True`` key put back as ``"on"``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise WorkflowError(f"it is not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise WorkflowError("it is not a mapping of keys (name:, on:, jobs:)")
    if True in data and "on" not in data:
        data["on"] = data.pop(True)
    return data


def uses_action(uses: str) -> bool:
    """Whether a step's ``uses:`` names this action (by repository name, in any owner, at any ref)."""
    target = uses.split("@", 1)[0].rstrip("/").lower()
    parts = target.split("/")
    return len(parts) >= 2 and parts[1] == _ACTION_NAME


def action_jobs(workflow: dict[str, Any]) -> list[str]:
    """The ids of the jobs with a step that uses the action; failing that, a local ``$/`` or ``./`` action."""
    jobs = workflow.get("jobs")
    if not isinstance(jobs, dict):
        return []
    named, local = [], []
    for job_id, job in jobs.items():
        steps = job.get("steps") if isinstance(job, dict) else None
        uses = (
            [str(s.get("uses") or "") for s in steps if isinstance(s, dict)]
            if isinstance(steps, list)
            else []
        )
        if any(uses_action(u) for u in uses):
            named.append(str(job_id))
        elif any(u.strip() in _LOCAL for u in uses):
            local.append(str(job_id))
    return named or local


def _scopes(value: Any) -> Scopes | None:
    """One ``permissions:`` value as scopes; None when it is not a form GitHub accepts."""
    if isinstance(value, str):
        level = {"read-all": "read", "write-all": "write"}.get(value.strip())
        return dict.fromkeys(ALL_SCOPES, level) if level else None
    if isinstance(value, dict):
        scopes = dict.fromkeys(ALL_SCOPES, "none")
        for scope, level in value.items():
            scopes[str(scope)] = str(level)
        return scopes
    return None


def job_permissions(workflow: dict[str, Any], job_id: str) -> tuple[Scopes | None, str]:
    """The job's effective scopes and where they come from (``job``, ``workflow``); (None, ``default``) when
    neither sets ``permissions:`` and the repository's default applies."""
    jobs = workflow.get("jobs")
    job = jobs.get(job_id) if isinstance(jobs, dict) else None
    if isinstance(job, dict) and "permissions" in job:
        return _scopes(job["permissions"]), "job"
    if "permissions" in workflow:
        return _scopes(workflow["permissions"]), "workflow"
    return None, "default"


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The ``on:`` events with their settings as written (a mapping, a list for ``schedule``, or None)."""
    on = workflow.get("on")
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {str(event): None for event in on}
    if isinstance(on, dict):
        return {str(event): value for event, value in on.items()}
    return {}


def event_types(event: str, settings: Any) -> tuple[str, ...] | None:
    """The activity types ``event`` runs for (``settings`` as :func:`triggers` gives them); None: every type."""
    types = settings.get("types") if isinstance(settings, dict) else None
    if isinstance(types, str):
        return (types,)
    if isinstance(types, list):
        return tuple(str(t) for t in types)
    return DEFAULT_TYPES.get(event)


_ONE, _OPTIONAL, _ANY_NUMBER = 1, 2, 3
_Unit = tuple[int, Callable[[str], bool]]


def _class(spec: str) -> Callable[[str], bool]:
    """``[...]``'s content: characters and ``a-z`` style ranges."""
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            ranges.append((spec[i], spec[i + 2]))
            i += 3
        else:
            chars.add(spec[i])
            i += 1
    return lambda c: c in chars or any(low <= c <= high for low, high in ranges)


def _literal(expected: str) -> Callable[[str], bool]:
    return lambda c: c == expected


def _units(pattern: str) -> list[_Unit]:
    """A filter pattern as a sequence of units, each one character matched once, optionally, or any number of
    times (so that matching is a linear-time walk, whatever the pattern)."""
    units: list[_Unit] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            units.append((_ANY_NUMBER, lambda c: True))
            i += 2
            continue
        if char == "*":
            units.append((_ANY_NUMBER, lambda c: c != "/"))
        elif char in "?+" and not units:
            pass  # nothing to repeat
        elif char == "?":
            kind, test = units[-1]
            units[-1] = (_OPTIONAL if kind == _ONE else kind, test)
        elif char == "+":
            kind, test = units[-1]
            if kind == _ONE:
                units.append((_ANY_NUMBER, test))
            elif kind == _OPTIONAL:
                units[-1] = (_ANY_NUMBER, test)
        elif char == "[" and pattern.find("]", i + 2) != -1:
            end = pattern.find("]", i + 2)
            units.append((_ONE, _class(pattern[i + 1 : end])))
            i = end
        else:
            units.append((_ONE, _literal(char)))
        i += 1
    return units


def _matches(pattern: str, subject: str) -> bool:
    units = _units(pattern)
    end = len(units)

    def closure(states: set[int]) -> set[int]:
        todo = list(states)
        while todo:
            i = todo.pop()
            if i < end and units[i][0] != _ONE and i + 1 not in states:
                states.add(i + 1)
                todo.append(i + 1)
        return states

    states = closure({0})
    for char in subject:
        following: set[int] = set()
        for i in states:
            if i < end and units[i][1](char):
                following.add(i if units[i][0] == _ANY_NUMBER else i + 1)
        states = closure(following)
        if not states:
            return False
    return end in states


def filter_matches(patterns: Any, subject: str) -> bool:
    """Whether GitHub's include filter ``patterns`` (a list, or one string) lets ``subject`` through."""
    if isinstance(patterns, str):
        items: list[Any] = [patterns]
    elif isinstance(patterns, list):
        items = patterns
    else:
        items = []
    matched = False
    for raw in items:
        text = str(raw)
        negated = text.startswith("!")
        if _matches(text[1:] if negated else text, subject):
            matched = not negated
    return matched
