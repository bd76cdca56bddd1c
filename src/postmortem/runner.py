"""The run loop: pick the handlers for the event, let each decide (pure), apply its plan, report.

Each handler is ``(Context) -> Plan`` and reads through the run's snapshot (``ctx.snapshot``). :func:`run_event`
picks the handlers for the event, hands each plan to the one apply path (:class:`~postmortem.github.apply.Applier`),
asks again while the plan says ``replan`` (a later decision needs new issues' numbers), and at the end commits
each edited document once and sends the writes waiting for those commits. A 409 on such a commit decides the
event again (handlers that allow it) from a fresh read. A dry run decides once and applies nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from postmortem.action_items import handler as action_items_handler
from postmortem.catalogue.handler import RelatedIncidents, stage_catalogue
from postmortem.completeness import handler as completeness_handler
from postmortem.config import catalogue_path
from postmortem.context import Context
from postmortem.errors import LockBusy, PostmortemError, RateLimited
from postmortem.events import Event
from postmortem.follow_through import handler as follow_through_handler
from postmortem.follow_through.issue_timeline import IssueTimeline
from postmortem.github.apply import Applier, RetryableConflict
from postmortem.github.client import WriteResult
from postmortem.incident import handler as incident_handler
from postmortem.plan import Annotation, Message, Plan, PutFile, Write
from postmortem.setup_check.handler import handle_check, is_check_task
from postmortem.signoff import handler as signoff_handler

MAX_ROUNDS = 4


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
    annotations: list[Annotation] = field(default_factory=list)
    """Annotations on documents (the completeness check), for the CLI to print; never a failure of the run."""
    dry_run: bool = False
    errors: list[PostmortemError] = field(default_factory=list)
    """Handlers that failed; the others still ran (a missing ``statuses`` scope must not stop the action items)."""

    @property
    def writes(self) -> list[Write]:
        """Every write decided, in order (for a dry run: what would have been applied)."""
        return [write for plan in self.plans for write in plan.writes]


def select_handler(event: Event) -> list[tuple[str, Handler]]:
    """The handlers for this event, in the order they run; empty when the action has nothing to do with it.

    Each handler decides for itself (with the config) whether the event concerns it, and says so when not.
    """
    # Sign-off runs last where others may commit to a post-mortem branch: its status must be on the final head.
    # Completeness runs just before it: it checks the document as the others leave it, and sign-off sets its
    # status and sticky line with its own (see postmortem.completeness.handler).
    if event.name in ("issues", "issue_comment"):
        # a comment on an incident issue may add timeline events to the draft (issue_comment on anything else:
        # the incident handler says so in one line, without a request)
        incident = partial(incident_handler.handle, timeline=IssueTimeline())
        if event.name == "issue_comment":
            return [
                ("incident", incident),
                ("completeness", completeness_handler.handle_after_commits),
                ("sign-off", signoff_handler.handle_after_commits),
            ]
        return [
            ("incident", incident),
            ("action-items", action_items_handler.handle_tracking_issue),
            ("completeness", completeness_handler.handle_after_commits),
            ("follow-through", follow_through_handler.handle_issue),
            ("sign-off", signoff_handler.handle_after_commits),
        ]
    if event.name == "pull_request" and event.action == "closed":
        # Publish first, then write the Issue / Status cells on the published document.
        return [
            ("sign-off", signoff_handler.handle_pull_request),
            ("action-items", action_items_handler.handle_pull_request),
        ]
    if event.name == "pull_request":
        return [
            ("action-items", action_items_handler.handle_pull_request),
            ("completeness", completeness_handler.handle_pull_request),
            ("sign-off", signoff_handler.handle_pull_request),
        ]
    if event.name == "pull_request_review":
        return [("sign-off", signoff_handler.handle_review)]
    if event.name == "push":
        return [("action-items", action_items_handler.handle_push)]
    if is_check_task(event):
        return [("setup-check", handle_check)]
    if event.name == "workflow_dispatch" and event.task == "remind":
        return [("follow-through", follow_through_handler.handle_scheduled)]
    if event.name in ("workflow_dispatch", "schedule"):
        reconcile: list[tuple[str, Handler]] = [
            ("action-items", action_items_handler.handle_reconcile),
            ("completeness", completeness_handler.handle_reconcile),
            ("sign-off", signoff_handler.handle_reconcile),
        ]
        # schedule keeps the reconcile (tables ↔ issues first, so reminders read the synced issues) and adds the
        # reminders, the digest and the follow-up reviews; task=reconcile stays the reconcile alone
        if event.name == "schedule":
            reconcile.append(("follow-through", follow_through_handler.handle_scheduled))
        return reconcile
    return []


def _not_sent(planned: list[Write], applied: list[WriteResult]) -> str:
    """What of a plan a stopped run did not send, by kind: ``12 × open issue, 1 × file commit``."""
    names = {"create_issue": "new issue", "put_file": "file commit", "update_issue": "issue update"}
    left: dict[str, int] = {}
    for write in planned:
        if write.kind in ("take_lock", "release_lock"):
            continue  # the lock is the run's own business, released at its end
        left[write.kind] = left.get(write.kind, 0) + 1
    for result in applied:
        if left.get(result.write.kind):
            left[result.write.kind] -= 1
    parts = [f"{count} × {names.get(kind, kind.replace('_', ' '))}" for kind, count in left.items() if count]
    return ", ".join(parts) or "nothing"


def run_event(ctx: Context, *, dry_run: bool = False) -> RunReport:
    """Run the event's handlers, each until its plan is complete (or once, for a dry run), then commit each
    document the run edited, once."""
    selected = select_handler(ctx.event)
    report = RunReport(
        event=ctx.event.describe(), handler=", ".join(name for name, _ in selected) or None, dry_run=dry_run
    )
    if not selected:
        report.messages.append(
            Message(text=f"Nothing to do for {ctx.event.describe()}: not an event this action handles.")
        )
        return report
    applier = Applier(ctx.snapshot, report.applied.append, report.messages.append)
    if ctx.draft_extras is None:
        ctx.draft_extras = RelatedIncidents(ctx)
    for attempt in range(MAX_ROUNDS):
        stopped = _run_handlers(ctx, selected, applier, report, dry_run=dry_run)
        if dry_run and not stopped:
            _dry_catalogue(ctx, report)
        if dry_run or stopped:
            break
        try:
            # every commit under the directory on the default branch carries the refreshed catalogue
            try:
                report.messages.extend(stage_catalogue(ctx))
            except PostmortemError as error:
                report.errors.append(error)  # the documents are committed all the same
            waiting: list[Write] = [staged.write for staged in ctx.snapshot.staged.values()]
            waiting += applier.after_commits
            _guard(report, waiting, applier.finish)
        except RetryableConflict as conflict:
            # a 409 stale sha on a document: every handler that edited it re-decides on the fresh file (what
            # else they wrote is in the snapshot now, so they do not write it again)
            if attempt == MAX_ROUNDS - 1:
                report.errors.append(conflict)
                break
            report.messages.append(Message(level="notice", text=f"{conflict} Retrying on the fresh version."))
            applier.forget_pending()
            continue
        except PostmortemError as error:
            report.errors.append(error)
        break
    applier.release_locks()  # also after a failure (the lock's expiry is for a killed runner)
    if applier.new_pull is not None and applier.new_pull.number is not None:
        report.outputs["pull-request-number"] = str(applier.new_pull.number)
        report.outputs["pull-request-url"] = applier.new_pull.url or ""
    return report


def _dry_catalogue(ctx: Context, report: RunReport) -> None:
    """A dry run lists the catalogue its commit would carry too: the plans' document edits staged (a dry run's
    snapshot is never committed), then the refreshed README as one more planned write."""
    for write in report.writes:
        if isinstance(write, PutFile):
            ctx.snapshot.stage(write, retry_on_conflict=False)
    try:
        messages = stage_catalogue(ctx)
    except PostmortemError as error:
        report.errors.append(error)
        return
    staged = ctx.snapshot.staged.get((ctx.default_branch, catalogue_path(ctx.config)))
    if staged is not None and staged.write not in report.writes:
        report.plans.append(Plan(writes=[staged.write], messages=messages))
    report.messages.extend(messages)


def _run_handlers(
    ctx: Context, selected: list[tuple[str, Handler]], applier: Applier, report: RunReport, *, dry_run: bool
) -> bool:
    """Each handler's rounds, in order; True when a rate limit stopped the run."""
    for _name, handler in selected:
        try:
            _run_handler(ctx, handler, applier, report, dry_run=dry_run)
        except RateLimited as error:
            report.errors.append(error)
            return True  # every further request would hit the same limit
        except LockBusy as busy:
            # another run is making these writes: not a failure of this one
            report.messages.append(Message(level="warning", text=str(busy)))
        except PostmortemError as error:
            report.errors.append(error)
    return False


def _guard(report: RunReport, planned: list[Write], step: Callable[[], None]) -> None:
    """Run ``step``, which applies ``planned``; a rate limit says what of it was not sent."""
    applied_before = len(report.applied)
    try:
        step()
    except RateLimited as limited:
        left = _not_sent(planned, report.applied[applied_before:])
        raise RateLimited(f"{limited} Not sent yet: {left}.", retry_after=limited.retry_after) from limited


def _run_handler(
    ctx: Context, handler: Handler, applier: Applier, report: RunReport, *, dry_run: bool
) -> None:
    """One handler's rounds: decide, apply, and decide again while its plan asks to."""
    for _round in range(MAX_ROUNDS):
        plan = handler(ctx)
        report.plans.append(plan)
        # a later round decides from much the same state: say each thing once
        report.messages.extend(m for m in plan.messages if m not in report.messages)
        report.outputs.update(plan.outputs)
        # a later round or a retry checks the same documents again: keep the latest annotations of each file
        files = {annotation.file for annotation in plan.annotations}
        report.annotations[:] = [a for a in report.annotations if a.file not in files] + plan.annotations
        if dry_run or not plan.writes:
            break

        # staged document edits stay staged: the next round reads them through the snapshot, and they are
        # committed once, at the end of the run
        applier.redecide = False
        _guard(report, list(plan.writes), partial(applier.apply, plan))
        if not plan.replan and not applier.redecide:  # a lock taken: decide again on the fresh listing
            break
