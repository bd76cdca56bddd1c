"""Event handlers: read state through the gateway, decide (pure), return a plan; and the loop that runs them.

Each handler is ``(Context) -> Plan``. :func:`run_event` picks the handler for the event, applies its plan
write by write, and asks it again while the plan says ``replan`` (a later write needs an earlier one's
result). A dry run decides once and applies nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from postmortem.config import DEFAULT_CONFIG_PATH, Config, parse_config
from postmortem.document import DocumentError, split_frontmatter
from postmortem.errors import (
    ConfigError,
    Conflict,
    GitHubError,
    NotText,
    PostmortemError,
    ProtectedBranch,
    RateLimited,
)
from postmortem.events import Event
from postmortem.github_state import FileContent
from postmortem.plan import (
    CreateBranch,
    CreatePullRequest,
    Message,
    Plan,
    PutFile,
    RequestReviewers,
    Write,
    resolve_new_pull_request,
)

if TYPE_CHECKING:
    from postmortem.gateway import Gateway, WriteResult
    from postmortem.handlers.trust import PostmortemRef

MAX_ROUNDS = 4


@dataclass
class Context:
    """What every handler gets: the event, the gateway, the repository's config and default branch."""

    event: Event
    gateway: Gateway
    config: Config
    default_branch: str
    cache: dict[str, object] = field(default_factory=dict)
    """Reads that stay valid across the rounds of one run (the form, the template), keyed by the handler."""
    committed_branches: set[str] = field(default_factory=set)
    """Branches this run has committed to: their head moved, so a status must go on the new head."""
    created_branches: set[str] = field(default_factory=set)
    """Branches this run has created (a brand-new draft has no review to report yet)."""


class Handler(Protocol):
    def __call__(self, ctx: Context) -> Plan: ...


@dataclass
class RunReport:
    """What a run did: the plans it decided, the writes applied, and what it has to say."""

    event: str
    handler: str | None
    """The handlers that ran, comma-separated."""
    plans: list[Plan] = field(default_factory=list)
    applied: list[WriteResult] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    errors: list[PostmortemError] = field(default_factory=list)
    """Handlers that failed; the others still ran (a missing ``statuses`` scope must not stop the action items)."""

    @property
    def writes(self) -> list[Write]:
        """Every write decided, in order (for a dry run: what would have been applied)."""
        return [write for plan in self.plans for write in plan.writes]


def load_config(gateway: Gateway, default_branch: str, path: str = DEFAULT_CONFIG_PATH) -> Config:
    """Read and validate the config file from the default branch; no file means the defaults."""
    file = gateway.get_file(path, default_branch)
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
        file = ctx.gateway.get_file(ref.path, at)
        if file is not None:
            return ref.path, file
    entries = ctx.gateway.list_directory(ctx.config.directory, at)
    names = sorted(
        (e for e in entries if e.type == "file" and e.name.endswith(".md") and e.path != ref.path),
        key=lambda e: e.name,
        reverse=True,
    )
    for entry in names[:MAX_DOCUMENT_SCAN]:
        try:
            file = ctx.gateway.get_file(entry.path, at)
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


def select_handler(event: Event) -> list[tuple[str, Handler]]:
    """The handlers for this event, in the order they run; empty when the action has nothing to do with it.

    Each handler decides for itself (with the config) whether the event concerns it, and says so when not.
    """
    from postmortem.handlers import action_items, incident, signoff

    # Sign-off runs last where others may commit to a post-mortem branch: its status must be on the final head.
    if event.name == "issues":
        return [
            ("incident", incident.handle),
            ("action-items", action_items.handle_tracking_issue),
            ("sign-off", signoff.handle_after_commits),
        ]
    if event.name == "pull_request" and event.action == "closed":
        # Publish first, then write the Issue / Status cells on the published document.
        return [("sign-off", signoff.handle_pull_request), ("action-items", action_items.handle_pull_request)]
    if event.name == "pull_request":
        return [("action-items", action_items.handle_pull_request), ("sign-off", signoff.handle_pull_request)]
    if event.name == "pull_request_review":
        return [("sign-off", signoff.handle_review)]
    if event.name == "push":
        return [("action-items", action_items.handle_push)]
    if event.name in ("workflow_dispatch", "schedule"):
        return [("action-items", action_items.handle_reconcile), ("sign-off", signoff.handle_reconcile)]
    return []


def apply_plan(
    gateway: Gateway,
    plan: Plan,
    on_applied: Callable[[WriteResult], None],
    say: Callable[[Message], None] = lambda _message: None,
) -> WriteResult | None:
    """Apply the writes in order, one at a time, resolving references to the pull request just created.

    Returns the result of the plan's :class:`CreatePullRequest`, if it has one.

    A :class:`PutFile` with a ``fallback_branch`` that branch protection refuses is committed to that branch
    instead, through a pull request (see :func:`commit_through_pull_request`).
    """
    new_pull: WriteResult | None = None
    for planned in plan.writes:
        write = resolve_new_pull_request(planned, new_pull.number if new_pull else None)
        try:
            (result,) = gateway.apply(Plan(writes=[write]))
        except ProtectedBranch as refusal:
            if not isinstance(write, PutFile) or write.fallback_branch is None:
                raise
            for fallback in commit_through_pull_request(gateway, write, str(refusal), say):
                on_applied(fallback)
            continue
        except GitHubError as error:
            # GitHub refuses a whole review request for one bad reviewer (not a collaborator, the author, a
            # team without access): ask the others one by one, and name the refused ones.
            if not isinstance(write, RequestReviewers) or error.status != 422:
                raise
            for result in _request_one_by_one(gateway, write, say):
                on_applied(result)
            continue
        if isinstance(write, CreatePullRequest):
            new_pull = result
        on_applied(result)
    return new_pull


def _request_one_by_one(
    gateway: Gateway, write: RequestReviewers, say: Callable[[Message], None]
) -> list[WriteResult]:
    singles = [write.model_copy(update={"users": (user,), "teams": ()}) for user in write.users]
    singles += [write.model_copy(update={"users": (), "teams": (team,)}) for team in write.teams]
    results: list[WriteResult] = []
    if len(singles) < 2:
        say(Message(level="warning", text=f"Could not {write.describe()}: GitHub refused it (422)."))
        return results
    for single in singles:
        try:
            results.extend(gateway.apply(Plan(writes=[single])))
        except GitHubError as error:
            if error.status != 422:
                raise
            say(Message(level="warning", text=f"Could not {single.describe()}: {error}"))
    return results


def commit_through_pull_request(
    gateway: Gateway, write: PutFile, reason: str, say: Callable[[Message], None]
) -> list[WriteResult]:
    """Commit ``write`` to its fallback branch and open (or reuse) a pull request into the protected branch."""
    assert write.fallback_branch is not None
    branch = write.fallback_branch
    fallback: list[Write] = []
    if gateway.get_branch_sha(branch) is None:
        base_sha = gateway.get_branch_sha(write.branch)
        if base_sha is None:
            raise GitHubError(f"Cannot commit {write.path}: branch {write.branch} no longer exists.")
        fallback.append(CreateBranch(branch=branch, from_sha=base_sha))
        current = gateway.get_file(write.path, write.branch)
    else:
        current = gateway.get_file(write.path, branch)
    if current is None or current.text != write.content:
        fallback.append(
            write.model_copy(
                update={
                    "branch": branch,
                    "expected_sha": current.sha if current else None,
                    "fallback_branch": None,
                }
            )
        )
    existing = gateway.find_pull_request(branch)
    if existing is None or existing.state == "closed":
        fallback.append(
            CreatePullRequest(
                head=branch,
                base=write.branch,
                title=write.message.splitlines()[0][:200],
                body=f"Branch protection on `{write.branch}` refused the action's direct commit to `{write.path}`,"
                " so it is proposed here. Merge this pull request to apply it.",
                draft=False,
            )
        )
    results: list[WriteResult] = []
    for step in fallback:
        results.extend(gateway.apply(Plan(writes=[step])))
    number = next((r.number for r in results if isinstance(r.write, CreatePullRequest)), None)
    number = number or (existing.number if existing else None)
    say(
        Message(
            level="warning",
            text=f"Branch protection on {write.branch} refused a direct commit ({reason.rstrip('.')}); "
            f"the change to {write.path} is proposed in pull request #{number} instead.",
        )
    )
    return results


def _not_sent(planned: list[Write], applied: list[WriteResult]) -> str:
    """What of a plan a stopped run did not send, by kind: ``12 × open issue, 1 × file commit``."""
    names = {"create_issue": "new issue", "put_file": "file commit", "update_issue": "issue update"}
    left: dict[str, int] = {}
    for write in planned:
        left[write.kind] = left.get(write.kind, 0) + 1
    for result in applied:
        if left.get(result.write.kind):
            left[result.write.kind] -= 1
    parts = [f"{count} × {names.get(kind, kind.replace('_', ' '))}" for kind, count in left.items() if count]
    return ", ".join(parts) or "nothing"


def run_event(ctx: Context, *, dry_run: bool = False) -> RunReport:
    """Run the event's handlers, each until its plan is complete (or once, for a dry run)."""
    selected = select_handler(ctx.event)
    report = RunReport(
        event=ctx.event.describe(), handler=", ".join(name for name, _ in selected) or None, dry_run=dry_run
    )
    if not selected:
        report.messages.append(
            Message(text=f"Nothing to do for {ctx.event.describe()}: not an event this action handles.")
        )
        return report
    for _name, handler in selected:
        try:
            _run_handler(ctx, handler, report, dry_run=dry_run)
        except RateLimited as error:
            report.errors.append(error)
            break  # every further request would hit the same limit
        except PostmortemError as error:
            report.errors.append(error)
    return report


def _recorder(ctx: Context, report: RunReport) -> Callable[[WriteResult], None]:
    def record(result: WriteResult) -> None:
        report.applied.append(result)
        if isinstance(result.write, PutFile):
            ctx.committed_branches.add(result.write.branch)
        elif isinstance(result.write, CreateBranch):
            ctx.created_branches.add(result.write.branch)

    return record


def _run_handler(ctx: Context, handler: Handler, report: RunReport, *, dry_run: bool) -> None:
    """One handler's rounds: decide, apply, and decide again while its plan asks to."""
    for _round in range(MAX_ROUNDS):
        plan = handler(ctx)
        report.plans.append(plan)
        # a later round decides from much the same state: say each thing once
        report.messages.extend(m for m in plan.messages if m not in report.messages)
        report.outputs.update(plan.outputs)
        if dry_run or not plan.writes:
            break
        applied_before = len(report.applied)
        try:
            created = apply_plan(ctx.gateway, plan, _recorder(ctx, report), report.messages.append)
        except Conflict as conflict:
            # a 409 stale sha: the handler re-reads and re-applies its own edits on the fresh file
            if not plan.retry_on_conflict or _round == MAX_ROUNDS - 1:
                raise
            report.messages.append(Message(level="notice", text=f"{conflict} Retrying on the fresh version."))
            continue
        except RateLimited as limited:
            left = _not_sent(plan.writes, report.applied[applied_before:])
            raise RateLimited(
                f"{limited} Not sent yet: {left}.", retry_after=limited.retry_after
            ) from limited
        if created is not None and created.number is not None:
            report.outputs["pull-request-number"] = str(created.number)
            report.outputs["pull-request-url"] = created.url or ""
        if not plan.replan:
            break
