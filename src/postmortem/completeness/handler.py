"""The completeness check on the post-mortem pull request: annotations, the ``postmortem/completeness`` status and
the count in the sign-off sticky comment.

It runs before the sign-off handler, on the document as this run leaves it (the snapshot serves the edits staged
by the handlers before it; the sign-off handler's own edit, ``status:`` in the frontmatter, is one no rule reads),
and hands the sign-off handler a :class:`~postmortem.context.PullNote`: that handler already owns the pull
request's statuses and sticky comment, knows whether this run moves the head (its own lifecycle commit
included), sets the status on the head the run leaves only when it changes, and records the note in its sticky
comment so that a review event keeps the line without reading the document. The annotations travel in the plan
(:attr:`~postmortem.plan.Plan.annotations`); only the CLI prints them. A document with problems never fails the
run: the status carries them, and teams can make it a required check.

Where it runs: ``pull_request`` opened, reopened, synchronize (each push) and ready_for_review; after this run's
commits to a post-mortem branch on ``issues`` events (an issue edit regenerating the draft, a tracking issue's
Status cell); and on a reconcile, for every open post-mortem pull request. It reads nothing the sign-off handler
does not read anyway, except the repository's template when the config names one.
"""

from __future__ import annotations

from postmortem.completeness.check import check
from postmortem.completeness.report import STATUS_CONTEXT, annotation_records, status_for, sticky_line
from postmortem.context import Context, PullNote, find_document
from postmortem.errors import NotText
from postmortem.github.models import PullRequest
from postmortem.plan import Plan
from postmortem.trust import PostmortemRef, incident_of_branch, postmortem_ref

__all__ = ["CHECKED_ACTIONS", "handle_after_commits", "handle_pull_request", "handle_reconcile"]

CHECKED_ACTIONS = frozenset({"opened", "reopened", "synchronize", "ready_for_review"})
"""The ``pull_request`` actions that bring a new head (or leave draft); on the others the sign-off handler keeps
the note it recorded for the head."""


def _template(ctx: Context, plan: Plan) -> tuple[bool, str | None]:
    """``(usable, text)``: the repository's template (config ``template:``), or None for the embedded one."""
    path = ctx.config.template
    if path is None:
        return True, None
    try:
        file = ctx.snapshot.file(path, ctx.default_branch)
    except NotText:
        file = None
    if file is None:
        # checked against the wrong template every section would be "missing": say so and set nothing
        plan.say(
            f"The config names the template {path}, but there is no such text file on {ctx.default_branch}: the "
            "completeness check is skipped.",
            "warning",
        )
        return False, None
    return True, file.text


def check_pull(ctx: Context, pull: PullRequest, ref: PostmortemRef) -> Plan:
    """Check the pull request's document as this run leaves it: annotations in the plan, the note for sign-off."""
    plan = Plan()
    number = pull.number
    try:
        path, document = find_document(ctx, ref, pull.head_ref)
    except NotText:
        path, document = ref.path, None
    if path is None or document is None:
        plan.say(f"#{number}: no post-mortem document on {pull.head_ref}; completeness not checked.")
        return plan
    usable, template = _template(ctx, plan)
    if not usable:
        return plan
    problems = check(document.text, template=template, config=ctx.config.completeness, path=path)
    state, description = status_for(problems)
    ctx.add_pull_note(
        number,
        PullNote(context=STATUS_CONTEXT, state=state, description=description, line=sticky_line(problems)),
    )
    plan.annotations.extend(annotation_records(problems, path))
    plan.say(f"#{number}: completeness {state}: {description} ({path}).")
    return plan


def handle_pull_request(ctx: Context) -> Plan:
    """``pull_request`` opened / reopened / synchronize / ready_for_review of an open post-mortem pull request."""
    event = ctx.event
    plan = Plan()
    payload_pull = event.pull_request
    if payload_pull is None or event.action not in CHECKED_ACTIONS:
        return plan
    number = int(payload_pull["number"])
    head = payload_pull.get("head") or {}
    if incident_of_branch(str(head.get("ref") or "")) is None:
        return plan  # not a post-mortem pull request (the sign-off handler says so)
    pull = ctx.snapshot.pull_request(number)
    ref = postmortem_ref(pull, event.repository, ctx.config)
    if ref is None or pull.state != "open":
        return plan
    return check_pull(ctx, pull, ref)


def _for_each(ctx: Context, pulls: list[tuple[PullRequest, PostmortemRef]]) -> Plan:
    plan = Plan()
    for pull, ref in pulls:
        checked = check_pull(ctx, pull, ref)
        plan.messages.extend(checked.messages)
        plan.annotations.extend(checked.annotations)
    return plan


def handle_after_commits(ctx: Context) -> Plan:
    """After other handlers committed to a post-mortem branch on an ``issues`` event: check the new document (the
    sign-off handler's ``handle_after_commits`` then sets the status on the new head)."""
    snapshot = ctx.snapshot
    moved = snapshot.committed_branches | {branch for branch, _ in snapshot.staged}
    pulls: list[tuple[PullRequest, PostmortemRef]] = []
    for branch in sorted(moved - snapshot.created_branches):
        if incident_of_branch(branch) is None:
            continue
        pull = snapshot.pull_request_from(branch)
        ref = postmortem_ref(pull, ctx.event.repository, ctx.config) if pull is not None else None
        if pull is not None and ref is not None and pull.state == "open":
            pulls.append((pull, ref))
    return _for_each(ctx, pulls)


def handle_reconcile(ctx: Context) -> Plan:
    """``workflow_dispatch`` / ``schedule``: every open post-mortem pull request, from the sign-off's listing."""
    pulls = [
        (pull, ref)
        for pull in ctx.snapshot.open_pull_requests()
        if (ref := postmortem_ref(pull, ctx.event.repository, ctx.config)) is not None
    ]
    return _for_each(ctx, pulls)
