"""``workflow_dispatch`` with ``task: check``: read the set-up once, decide the checklist, create missing labels.

The checklist goes to the step summary through the plan's ``outputs`` (:data:`CHECKLIST_OUTPUT`, which the CLI
moves from the step outputs to the summary) and, one line per item, to the log; every ❌ that this run does not
fix is an error, so the run fails until the set-up is right. A rerun on a complete set-up writes nothing.
"""

from __future__ import annotations

from typing import Any, Literal

from postmortem.config import DEFAULT_CONFIG_PATH, Config, parse_config
from postmortem.context import Context
from postmortem.errors import ConfigError, NotText
from postmortem.events import Event, Task
from postmortem.github.models import FileContent
from postmortem.github.snapshot import Snapshot
from postmortem.plan import Plan
from postmortem.setup_check.check import decide
from postmortem.setup_check.model import CheckItem, ConfigFacts, FileFacts, SetupFacts, WorkflowFacts
from postmortem.setup_check.render import item_line, render_checklist
from postmortem.setup_check.workflow import parse_workflow_ref, short_ref

CHECKLIST_OUTPUT = "setup-checklist"
"""Key of the plan output holding the checklist's Markdown (for the step summary, not a step output)."""
TASK_CHECK: Task = "check"


def is_check_task(event: Event) -> bool:
    """Whether the event asks for the set-up check: ``workflow_dispatch`` with the input ``task: check``
    (:attr:`Event.task`, validated when the payload is read)."""
    return event.name == "workflow_dispatch" and event.task == TASK_CHECK


def config_for_check(file: FileContent | None, default_branch: str, path: str) -> tuple[Config, ConfigFacts]:
    """The config for a check run, from the config file as read (None: there is none): an invalid file is a
    checklist item (the defaults stand in), not a failure; its :class:`ConfigFacts` go to ``Context.config_facts``."""
    if file is None:
        if path != DEFAULT_CONFIG_PATH:
            error = (
                f"The action's `config` input names {path}, but there is no such file on {default_branch}: fix "
                f"the path, or remove the input to use {DEFAULT_CONFIG_PATH} (optional)."
            )
            return Config(), ConfigFacts(path=path, exists=False, error=error)
        return Config(), ConfigFacts(path=path, exists=False)
    try:
        return parse_config(file.text, path), ConfigFacts(path=path, exists=True)
    except ConfigError as error:
        return Config(), ConfigFacts(path=path, exists=True, error=str(error))


def _file(snapshot: Snapshot, path: str, ref: str) -> FileFacts:
    try:
        file = snapshot.file(path, ref)
    except NotText as error:
        return FileFacts(path=path, error=str(error))
    return FileFacts(path=path, text=file.text if file else None)


def _config_facts(ctx: Context) -> ConfigFacts:
    cached = ctx.config_facts
    if isinstance(cached, ConfigFacts):
        return cached
    # Run without the CLI's note (tests, other callers): the config at the default path, read and parsed here.
    file = ctx.snapshot.file(DEFAULT_CONFIG_PATH, ctx.default_branch)
    try:
        parse_config(file.text if file else None)
    except ConfigError as error:
        return ConfigFacts(path=DEFAULT_CONFIG_PATH, exists=True, error=str(error))
    return ConfigFacts(path=DEFAULT_CONFIG_PATH, exists=file is not None)


def _workflow_facts(ctx: Context, workflow_ref: str | None) -> WorkflowFacts:
    payload: dict[str, Any] = ctx.event.payload
    if workflow_ref:
        parsed = parse_workflow_ref(workflow_ref)
        if parsed is None:
            return WorkflowFacts(problem=f"GITHUB_WORKFLOW_REF {workflow_ref!r} is not owner/repo/path@ref")
        repository, path, ref = parsed
        if repository.casefold() != ctx.event.repository.casefold():
            return WorkflowFacts(
                path=path,
                ref=ref,
                problem=f"the workflow runs from {repository}, not {ctx.event.repository} (a reusable workflow?)",
            )
    else:
        path, ref = str(payload.get("workflow") or ""), str(payload.get("ref") or "")
        if not path or not ref:
            return WorkflowFacts(problem="the event names no workflow file (GITHUB_WORKFLOW_REF is not set)")
    file = _file(ctx.snapshot, path, short_ref(ref))
    if file.error is not None or file.text is None:
        return WorkflowFacts(path=path, ref=ref, problem=file.error or f"`{path}` was not found at {ref}")
    return WorkflowFacts(path=path, ref=ref, text=file.text)


def gather_facts(ctx: Context, workflow_ref: str | None = None) -> SetupFacts:
    """Everything the check needs, each resource read once: labels, form, template, workflow file, settings.

    ``workflow_ref`` is ``GITHUB_WORKFLOW_REF`` (``owner/repo/.github/workflows/x.yml@refs/heads/main``); without
    it, the dispatch payload's ``workflow`` and ``ref`` name the same file.
    """
    config, snapshot, branch = ctx.config, ctx.snapshot, ctx.default_branch
    return SetupFacts(
        repository=ctx.event.repository,
        default_branch=branch,
        config=config,
        config_file=_config_facts(ctx),
        labels=tuple(snapshot.labels()),
        form=_file(snapshot, config.form, branch),
        template=_file(snapshot, config.template, branch) if config.template else None,
        workflow=_workflow_facts(ctx, workflow_ref),
        actions=snapshot.workflow_settings(),
    )


def _level(item: CheckItem) -> Literal["info", "notice", "warning", "error"]:
    if item.state == "ok":
        return "info"
    if item.state == "unknown":
        return "warning"
    return "notice" if item.fixed_by_this_run else "error"


def handle_check(ctx: Context, *, workflow_ref: str | None = None) -> Plan:
    """The set-up check: a checklist in the step summary and the log, and the missing labels created.

    ``workflow_ref`` (else ``Context.workflow_ref``, else the dispatch payload) names the running workflow.
    """
    facts = gather_facts(ctx, workflow_ref or ctx.workflow_ref)
    checklist = decide(facts)
    plan = Plan(writes=list(checklist.writes))
    for item in checklist.items:
        plan.say(item_line(item), _level(item))
    problems = checklist.problems
    if problems:
        plan.say(
            f"The set-up check found {len(problems)} problem(s): "
            + ", ".join(item.title for item in problems)
            + ". The step summary lists each with its fix.",
            "error",
        )
    plan.outputs[CHECKLIST_OUTPUT] = render_checklist(checklist, facts.repository)
    return plan
