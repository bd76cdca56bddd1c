"""The set-up check's decision: :class:`SetupFacts` in, a :class:`Checklist` (and the labels to create) out.

Pure: no GitHub, no clock. The form and the template are checked with the same code that reads them in a run
(:mod:`postmortem.incident.form`, :mod:`postmortem.incident.render`), so the check cannot pass a form or a
template that a run would refuse.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any

from postmortem.errors import FormError, TemplateError
from postmortem.events import DEFAULT_TASK, TASKS, WORKFLOW_TRIGGERS
from postmortem.incident.form import (
    DEFAULT_FORM_PATH,
    FormDefinition,
    default_form,
    parse_form_definition,
    parse_incident,
)
from postmortem.incident.model import Incident
from postmortem.incident.render import render_document
from postmortem.plan import CreateLabel
from postmortem.setup_check.model import CheckItem, Checklist, SetupFacts
from postmortem.setup_check.workflow import (
    WorkflowError,
    action_jobs,
    event_types,
    filter_matches,
    job_permissions,
    load_workflow,
    triggers,
)

EXAMPLE = "examples/workflows/postmortem.yml"
FORM_SOURCE = "templates/incident.yml"

LABEL_COLORS: dict[str, tuple[str, str]] = {
    "incident": ("d73a4a", "An incident: a draft post-mortem pull request is opened from it"),
    "postmortem": ("5319e7", "A post-mortem pull request"),
    "action-item": ("0e8a16", "Tracks an action item of a post-mortem"),
}
"""Colour and description per role of label (keyed by the default names; the config may rename them)."""
FORM_LABEL = ("ededed", "Applied by the incident issue form")

SCOPES: dict[str, str] = {
    "contents": "commit the post-mortem document (drafts, action-item numbers, publication)",
    "pull-requests": "open the draft pull request, label it and request reviews",
    "issues": "comment on incidents, open and update action-item issues, create labels",
    "statuses": "set the postmortem/sign-off commit status",
}
"""The ``permissions:`` the action needs (all ``write``), with what each one is for."""

PURPOSES: dict[str, str] = {
    "issues": "incident issues open and update the draft; closing an action-item issue updates its row",
    "issue_comment": "timed comments on an incident issue become timeline events",
    "pull_request": "ready for review creates the action-item issues; the merge publishes",
    "pull_request_review": "approvals become sign-off",
    "push": "edits of a published post-mortem sync its action items",
    "schedule": "the daily catch-up and reminders",
    "workflow_dispatch": "runs by hand: " + ", ".join(TASKS),
}
"""What each trigger is for, in the checklist. Which triggers (and activity types) are needed is
:data:`postmortem.events.WORKFLOW_TRIGGERS` alone, which a test keeps equal to the example workflow."""
DAILY_CRON = "17 6 * * *"


def decide(facts: SetupFacts) -> Checklist:
    """The checklist for ``facts``, and the labels to create."""
    labels, writes = _labels(facts)
    items = [labels, _form(facts), _config(facts), _template(facts)]
    workflow, problem = _workflow(facts)
    items.append(_permissions(facts, workflow, problem))
    items.append(_pull_request_setting(facts))
    items.extend(_triggers(facts, workflow, problem))
    return Checklist(items=tuple(items), writes=tuple(writes))


# ---------------------------------------------------------------------------------------------- labels


def _wanted_labels(facts: SetupFacts) -> dict[str, tuple[str, str]]:
    config = facts.config
    wanted: dict[str, tuple[str, str]] = {}
    for default, name in (
        ("incident", config.incident_label),
        ("postmortem", config.postmortem_label),
        ("action-item", config.action_items.label),
    ):
        wanted.setdefault(name, LABEL_COLORS[default])
    form = _parsed_form(facts)
    if isinstance(form, FormDefinition):
        for name in form.labels:
            if name.casefold() not in {w.casefold() for w in wanted}:
                wanted[name] = FORM_LABEL
    return wanted


def _labels(facts: SetupFacts) -> tuple[CheckItem, list[CreateLabel]]:
    existing = {label.name.casefold() for label in facts.labels}
    wanted = _wanted_labels(facts)
    missing = [name for name in wanted if name.casefold() not in existing]
    names = ", ".join(f"`{name}`" for name in wanted)
    if not missing:
        return CheckItem(key="labels", title="Labels", state="ok", detail=f"{names} exist."), []
    writes = [CreateLabel(name=name, color=wanted[name][0], description=wanted[name][1]) for name in missing]
    created = ", ".join(f"`{w.name}` (#{w.color})" for w in writes)
    return (
        CheckItem(
            key="labels",
            title="Labels",
            state="failed",
            detail=f"Missing: {', '.join(f'`{n}`' for n in missing)}. GitHub applies a form's labels only when "
            "they exist.",
            fix=f"This check creates them: {created}. Run it again to see ✅.",
            fixed_by_this_run=True,
        ),
        writes,
    )


# ---------------------------------------------------------------------------------------------- form


@cache
def _known_fields() -> tuple[tuple[str, bool], ...]:
    """The built-in form's field ids (the ones the action fills sections from), and whether each is required."""
    return tuple((f.id, f.required) for f in default_form().fields)


def _parsed_form(facts: SetupFacts) -> FormDefinition | str | None:
    """The repository's form, the reason it cannot be used, or None when there is no file."""
    form = facts.form
    if form.error is not None:
        return form.error
    if form.text is None:
        return None
    try:
        return parse_form_definition(form.text, form.path)
    except FormError as error:
        return str(error)


def _form(facts: SetupFacts) -> CheckItem:
    path, config = facts.form.path, facts.config
    parsed = _parsed_form(facts)
    title = "Incident issue form"
    if parsed is None:
        fix = f"Copy `{FORM_SOURCE}` of postmortem-action to `{path}` on {facts.default_branch}"
        fix += "." if path == DEFAULT_FORM_PATH else ", or fix `form:` in the config."
        return CheckItem(
            key="form",
            title=title,
            state="failed",
            detail=f"There is no `{path}` on {facts.default_branch}: people have no form to file an incident "
            "with (runs read issues with the built-in form).",
            fix=fix,
        )
    if isinstance(parsed, str):
        return CheckItem(
            key="form",
            title=title,
            state="failed",
            detail=parsed,
            fix="Fix the form; until then GitHub does not offer it and runs read issues with the built-in form.",
        )
    problems: list[str] = []
    fixes: list[str] = []
    if config.incident_label.casefold() not in {label.casefold() for label in parsed.labels}:
        problems.append(f"it does not apply the `{config.incident_label}` label, so its issues start nothing")
        fixes.append(f"add `labels: [{config.incident_label}]` to the form")
    ids = {field.id for field in parsed.fields}
    missing_required = [i for i, required in _known_fields() if required and i not in ids]
    missing_optional = [i for i, required in _known_fields() if not required and i not in ids]
    if missing_required:
        problems.append(
            "it has no field with the id "
            + ", ".join(f"`{i}`" for i in missing_required)
            + ", so those sections of the post-mortem stay empty"
        )
        fixes.append(f"add the fields with these ids (see `{FORM_SOURCE}`), or put `id:` on your own fields")
    if problems:
        return CheckItem(
            key="form",
            title=title,
            state="failed",
            detail=f"`{path}`: " + "; ".join(problems) + ".",
            fix=_sentence("; ".join(fixes)) + ".",
        )
    detail = f"`{path}` is valid, applies `{config.incident_label}` and has every field id the action fills."
    if missing_optional:
        detail += " Optional ids not used: " + ", ".join(f"`{i}`" for i in missing_optional) + "."
    return CheckItem(key="form", title=title, state="ok", detail=detail)


# ---------------------------------------------------------------------------------------------- config, template


def _config(facts: SetupFacts) -> CheckItem:
    config = facts.config_file
    if config.error is not None:
        return CheckItem(
            key="config",
            title="Configuration",
            state="failed",
            detail=config.error,
            fix=f"Fix `{config.path}`: every run fails until it is valid (this check used the defaults).",
        )
    if not config.exists:
        detail = f"No `{config.path}`: the defaults apply (the file is optional)."
    else:
        detail = f"`{config.path}` is valid."
    return CheckItem(key="config", title="Configuration", state="ok", detail=detail)


@cache
def _sample_incident() -> Incident:
    defaults = files("postmortem").joinpath("defaults")
    meta: dict[str, Any] = json.loads(defaults.joinpath("sample-issue.json").read_text(encoding="utf-8"))
    body = defaults.joinpath("sample-issue.md").read_text(encoding="utf-8")
    return parse_incident(
        number=int(meta["number"]),
        title=str(meta["title"]),
        body=body,
        created_at=datetime.fromisoformat(str(meta["created_at"]).replace("Z", "+00:00")),
        form=default_form(),
        url=str(meta.get("html_url") or ""),
        author=str(meta.get("user") or ""),
    )


def _template(facts: SetupFacts) -> CheckItem:
    template = facts.template
    title = "Post-mortem template"
    if template is None:
        return CheckItem(key="template", title=title, state="ok", detail="The built-in template is used.")
    if template.error is not None or template.text is None:
        return CheckItem(
            key="template",
            title=title,
            state="failed",
            detail=template.error
            or f"The config names the template `{template.path}`, but there is no such file on "
            f"{facts.default_branch}.",
            fix="Commit the template there, or remove `template:` from the config to use the built-in one.",
        )
    try:
        render_document(_sample_incident(), facts.config, template.text, template_name=template.path)
    except TemplateError as error:
        return CheckItem(
            key="template",
            title=title,
            state="failed",
            detail=str(error),
            fix="Fix the template: every incident run fails until it renders.",
        )
    return CheckItem(
        key="template", title=title, state="ok", detail=f"`{template.path}` renders the sample incident."
    )


# ---------------------------------------------------------------------------------------------- workflow


def _workflow(facts: SetupFacts) -> tuple[dict[str, Any] | None, str | None]:
    workflow = facts.workflow
    if workflow.text is None:
        return None, workflow.problem or "the running workflow file could not be read"
    try:
        return load_workflow(workflow.text), None
    except WorkflowError as error:
        return None, f"`{workflow.path}` could not be read: {error}"


def _permission_lines(scopes: Sequence[str]) -> str:
    return "\n".join(f"{scope}: write" for scope in scopes)


def _permissions(facts: SetupFacts, workflow: dict[str, Any] | None, problem: str | None) -> CheckItem:
    title = "Job permissions"
    needed = _permission_lines(list(SCOPES))
    if workflow is None:
        return CheckItem(
            key="permissions",
            title=title,
            state="unknown",
            detail=f"{problem}.",
            fix=f"Check by hand that the job running the action has `permissions:` {needed.replace(chr(10), ', ')}.",
        )
    path = facts.workflow.path
    jobs = action_jobs(workflow)
    if not jobs:
        return CheckItem(
            key="permissions",
            title=title,
            state="unknown",
            detail=f"No step of `{path}` uses postmortem-action (a reusable workflow, or a copy under another "
            "name?).",
            fix=f"Check by hand that the job running the action has {needed.replace(chr(10), ', ')}.",
        )
    failures: list[str] = []
    fixes: list[str] = []
    unknown: list[str] = []
    for job in jobs:
        scopes, source = job_permissions(workflow, job)
        if scopes is None and source == "default":
            default = facts.actions.default_workflow_permissions if facts.actions else None
            if default == "write":
                continue
            reason = (
                "the repository's default workflow permissions are read-only"
                if default == "read"
                else "the repository's default workflow permissions apply, which this token cannot read "
                "(needs Administration: read)"
            )
            (failures if default == "read" else unknown).append(
                f"neither job `{job}` nor the workflow sets `permissions:`, and {reason}"
            )
            fixes.append(f"add to job `{job}`:\n\n```yaml\npermissions:\n{_indent(needed)}\n```")
            continue
        if scopes is None:
            failures.append(
                f"the {source} `permissions:` of job `{job}` is not a mapping, read-all or write-all"
            )
            fixes.append(f"give job `{job}`:\n\n```yaml\npermissions:\n{_indent(needed)}\n```")
            continue
        missing = [scope for scope in SCOPES if scopes.get(scope) != "write"]
        if missing:
            where = f"job `{job}`" if source == "job" else f"the workflow (used by job `{job}`)"
            failures.append(
                f"{where} lacks " + "; ".join(f"`{scope}: write` ({SCOPES[scope]})" for scope in missing)
            )
            fixes.append(
                f"add under `permissions:` of job `{job}` in `{path}`:\n\n```yaml\n{_permission_lines(missing)}\n```"
            )
    if failures:
        return CheckItem(
            key="permissions",
            title=title,
            state="failed",
            detail="; ".join(failures + unknown) + ".",
            fix=_sentence(" ".join(fixes)),
        )
    if unknown:
        return CheckItem(
            key="permissions",
            title=title,
            state="unknown",
            detail="; ".join(unknown) + ".",
            fix=_sentence(" ".join(fixes)),
        )
    names = ", ".join(f"`{job}`" for job in jobs)
    return CheckItem(
        key="permissions",
        title=title,
        state="ok",
        detail=f"Job {names} of `{path}` has contents, pull-requests, issues and statuses: write.",
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


_SETTING = "Settings → Actions → General → “Allow GitHub Actions to create and approve pull requests”"


def _pull_request_setting(facts: SetupFacts) -> CheckItem:
    title = "GitHub Actions may create pull requests"
    actions = facts.actions
    if actions is None:
        return CheckItem(
            key="pull-request-setting",
            title=title,
            state="unknown",
            detail="Unknown (needs Administration: read, which the workflow's GITHUB_TOKEN never has).",
            fix=f"Look at {_SETTING} (for an organization, also in its settings). If a run is refused, the "
            "action says so and names the setting.",
        )
    if actions.can_approve_pull_request_reviews:
        return CheckItem(key="pull-request-setting", title=title, state="ok", detail=f"{_SETTING} is on.")
    return CheckItem(
        key="pull-request-setting",
        title=title,
        state="ok",
        detail=f"{_SETTING} is off, but it restricts only the workflow's GITHUB_TOKEN, and the token of this run "
        "is another one (it could read the setting, which GITHUB_TOKEN cannot).",
    )


def _triggers(facts: SetupFacts, workflow: dict[str, Any] | None, problem: str | None) -> list[CheckItem]:
    if workflow is None:
        return [
            CheckItem(
                key="triggers",
                title="Workflow triggers",
                state="unknown",
                detail=f"{problem}.",
                fix=f"Compare the workflow's `on:` with `{EXAMPLE}` of postmortem-action.",
            )
        ]
    on = triggers(workflow)
    return [_trigger(facts, event, event in on, on.get(event)) for event in WORKFLOW_TRIGGERS]


def _snippet(facts: SetupFacts, event: str) -> str:
    """The YAML that adds ``event`` under ``on:``, as the example has it (for ``push``, with the config's
    ``directory:``)."""
    types = WORKFLOW_TRIGGERS[event]
    if types:
        return f"{event}:\n    types: [{', '.join(types)}]"
    if event == "push":
        return f'push:\n    paths: ["{facts.config.directory}/**"]'
    if event == "schedule":
        return f'schedule:\n    - cron: "{DAILY_CRON}"'
    if event == "workflow_dispatch":
        return (
            "workflow_dispatch:\n    inputs:\n      task:\n        type: choice\n"
            f"        options: [{', '.join(TASKS)}]\n        default: {DEFAULT_TASK}"
        )
    return f"{event}:"


def _trigger(facts: SetupFacts, event: str, present: bool, value: Any) -> CheckItem:
    types, purpose = WORKFLOW_TRIGGERS[event], PURPOSES.get(event, "the example workflow runs on it")
    key, title, path = f"trigger:{event}", f"Trigger `{event}`", facts.workflow.path
    settings: dict[str, Any] = value if isinstance(value, dict) else {}
    if not present:
        return CheckItem(
            key=key,
            title=title,
            state="failed",
            detail=f"`{path}` does not run on `{event}`, which the action needs: {purpose}.",
            fix=f"Add under `on:` (as in `{EXAMPLE}`):\n\n```yaml\n  {_snippet(facts, event)}\n```",
        )
    problems: list[str] = []
    fixes: list[str] = []
    runs_for = event_types(event, value)
    if types and runs_for is not None:
        absent = [t for t in types if t not in runs_for]
        if absent:
            problems.append(
                f"it runs only for {', '.join(runs_for) or 'no type'}, not for {', '.join(absent)}"
            )
            fixes.append(f"list `types: [{', '.join(types)}]`")
    if event == "push":
        sample = f"{facts.config.directory}/2026-01-01-example.md"
        branch = facts.default_branch
        # GitHub: a `push` that filters only tags runs for no branch at all (the undefined ref is left out).
        if ("tags" in settings or "tags-ignore" in settings) and not (
            "branches" in settings or "branches-ignore" in settings
        ):
            problems.append(
                f"it filters only tags, so GitHub runs it for no branch push, not even to {branch}"
            )
            fixes.append(f"add `branches: [{branch}]` next to the tag filter (or remove the tag filter)")
        if "branches" in settings and not filter_matches(settings["branches"], branch):
            problems.append(f"its `branches:` filter leaves out the default branch {branch}")
            fixes.append(f"add {branch} to `branches:` (or remove the filter)")
        if "branches-ignore" in settings and filter_matches(settings["branches-ignore"], branch):
            problems.append(f"its `branches-ignore:` filter leaves out the default branch {branch}")
            fixes.append(f"remove {branch} from `branches-ignore:`")
        if "paths" in settings and not filter_matches(settings["paths"], sample):
            problems.append(f"its `paths:` filter leaves out `{facts.config.directory}/`")
            fixes.append(f'use `paths: ["{facts.config.directory}/**"]` (the config\'s `directory:`)')
        if "paths-ignore" in settings and filter_matches(settings["paths-ignore"], sample):
            problems.append(f"its `paths-ignore:` filter leaves out `{facts.config.directory}/`")
            fixes.append("remove that pattern from `paths-ignore:`")
    if event == "schedule" and not _crons(value):
        # GitHub's workflow parser (actions/languageservices, convertOn) accepts `on: schedule`, `schedule:` with
        # no value and `schedule: []`, and schedules nothing for them: only `- cron:` entries ever run.
        problems.append("it has no `cron:`, so GitHub never schedules a run")
        fixes.append(f'add `- cron: "{DAILY_CRON}"`')
    if event == "workflow_dispatch":
        options = _task_options(settings)
        absent_tasks = [t for t in TASKS if t not in options]
        if absent_tasks:
            problems.append(f"its `task` input lacks {', '.join(absent_tasks)}")
            fixes.append(f"give it a `task` choice input with the options {', '.join(TASKS)}")
    if problems:
        return CheckItem(
            key=key,
            title=title,
            state="failed",
            detail=f"`{event}` is there, but " + "; ".join(problems) + f" ({purpose}).",
            fix=_sentence("; ".join(fixes) + f", as in `{EXAMPLE}`."),
        )
    return CheckItem(key=key, title=title, state="ok", detail=f"Present: {purpose}.")


def _crons(value: Any) -> list[str]:
    """``schedule:`` is a list of ``{cron: ...}``."""
    entries = value if isinstance(value, list) else []
    return [str(entry["cron"]) for entry in entries if isinstance(entry, dict) and entry.get("cron")]


def _task_options(settings: dict[str, Any]) -> list[str]:
    inputs = settings.get("inputs")
    task = inputs.get("task") if isinstance(inputs, dict) else None
    options = task.get("options") if isinstance(task, dict) else None
    return [str(o) for o in options] if isinstance(options, list) else []
