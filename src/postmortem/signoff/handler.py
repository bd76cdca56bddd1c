"""Pull-request approvals → the post-mortem's sign-off, and the Draft → In Review → Published lifecycle.

Which pull requests: a post-mortem pull request carries the hidden ``document`` marker in its body (written by
the incident handler) or comes from a ``postmortem/incident-<N>`` branch. Every other pull request is a quiet
no-op with a log line.

While the pull request is open (``pull_request_review`` submitted/dismissed; ``pull_request`` opened, reopened,
synchronize, ready_for_review, converted_to_draft, edited; ``workflow_dispatch``/``schedule`` for every open
post-mortem pull request), the sign-off is computed from *all* the reviews (never from the one in the event),
the reviewers' permissions and the roles' team members (:mod:`postmortem.signoff.compute`), and shown as

* the commit status ``postmortem/sign-off`` on the head commit (set only when the latest one differs), and
* one sticky comment, edited in place (created once the pull request is ready for review, so holders are not
  @-mentioned while the author is still drafting).

Leaving draft (``ready_for_review``) requests reviews from the holders of roles not signed yet.

How sign-offs reach the document — no bot commit after approvals
-----------------------------------------------------------------
A commit on the pull-request branch after approvals would be dismissed by the common "Dismiss stale pull request
approvals when new commits are pushed" protection rule, voiding the very sign-off it records. So while the pull
request is open the document is only touched at the lifecycle transitions (``ready_for_review`` → ``status: In
Review``, ``converted_to_draft`` → ``status: Draft``; a reconcile repairs a missed one), and never while any
approval by a collaborator with write access stands. The sign-off lives in the status and the sticky comment.
On merge, ONE commit to the base branch writes ``status: Published``, ``published``, the ``signoff`` mapping,
the ticked Sign-Off checklist, the Publication Date and the 30-day follow-up date. When branch protection refuses
that commit, it is proposed in a small pull request from ``postmortem/publish-incident-<N>`` instead (and said
so). Then the incident issue gets one comment linking the published document, and is closed when the
configuration says ``close_incident_on_publish: true``.

Dates come from GitHub (the reviews' ``submitted_at``, the pull request's ``merged_at``), never from the clock,
so a rerun on another day decides the same document and writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from postmortem.config import FollowUpConfig, Role
from postmortem.context import Context, PullNote, find_document
from postmortem.errors import NotFound
from postmortem.github.models import (
    WRITE_PERMISSIONS,
    Comment,
    CommitStatus,
    FileContent,
    Issue,
    PullRequest,
    Review,
    TeamMembers,
    git_blob_sha,
    latest_decisive_reviews,
    normalize_review_state,
)
from postmortem.markdown import markers
from postmortem.markdown.frontmatter import DocumentError, split_frontmatter, update_frontmatter
from postmortem.markdown.markers import marker, read_marker
from postmortem.plan import (
    FALLBACK_PULL_REQUEST,
    HEAD_AFTER_COMMITS,
    CreateComment,
    Plan,
    PutFile,
    RequestReviewers,
    SetCommitStatus,
    UpdateComment,
    UpdateIssue,
    UpdatePullRequest,
)
from postmortem.signoff.compute import (
    COMMENT_KIND,
    STATUS_CONTEXT,
    SignoffState,
    compute_signoff,
    hand_ticked_roles,
    has_signoff_section,
    is_signoff_comment,
    review_from_payload,
    reviewers_to_request,
    set_follow_up,
    signoff_frontmatter,
    status_for,
    sticky_comment,
    tick_signoff,
)
from postmortem.sticky import find_comment, upsert_comment
from postmortem.trust import (
    PostmortemRef,
    action_comments,
    incident_of_branch,
    postmortem_ref,
    with_recorded_sha,
)

PUBLISHED_MARKER = markers.PUBLISHED
SEEN_MARKER = markers.SIGNOFF_SEEN
"""In the sticky comment: the head commit it was computed for, the roles ticked by hand in that commit's
document, and the status the action set on it. A later event on the same head reads neither again."""
STATUS_DRAFT = "Draft"
STATUS_IN_REVIEW = "In Review"
STATUS_PUBLISHED = "Published"

OPEN_ACTIONS = frozenset(
    {"opened", "reopened", "synchronize", "ready_for_review", "converted_to_draft", "edited"}
)
REVIEW_ACTIONS = frozenset({"submitted", "dismissed"})
LIFECYCLE_ACTIONS = frozenset({"opened", "reopened", "ready_for_review", "converted_to_draft", "reconcile"})
"""When the document's ``status`` may be committed on the pull-request branch (never while approvals stand)."""
RECONCILE = "reconcile"


def publish_branch(incident: int) -> str:
    """Where the publication commit goes when branch protection refuses it on the base branch."""
    return f"postmortem/publish-incident-{incident}"


# --------------------------------------------------------------------------------------------------------------
# Which pull request
# --------------------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------------------
# Pure decisions
# --------------------------------------------------------------------------------------------------------------


class Signoff(BaseModel):
    """The sign-off of one pull request as its reviews stand, with what was read to compute it."""

    model_config = ConfigDict(frozen=True)

    state: SignoffState
    team_members: dict[str, TeamMembers]
    reviewed_by: tuple[str, ...] = ()
    """Everyone who submitted any review (they are not asked again)."""
    writer_approvals: tuple[str, ...] = ()
    """Reviewers with write access whose latest decisive review approves (counted or not): a bot commit now
    would be dismissed with them under "dismiss stale approvals"."""


class OpenState(BaseModel):
    """Everything the decision for an open post-mortem pull request needs."""

    model_config = ConfigDict(frozen=True)

    action: str
    """The event's action, or ``reconcile``."""
    pull: PullRequest
    ref: PostmortemRef
    roles: list[Role]
    signoff: Signoff
    statuses: list[CommitStatus]
    comments: list[Comment]
    path: str | None
    document: FileContent | None = None
    document_problem: str | None = None
    head_moves: bool = False
    """This run commits to the pull request's branch (here or in another handler): the status goes on the head
    after those commits, which has no status yet."""
    hand_ticked: list[str] | None = None
    """The roles ticked by hand in the document, as the sticky comment recorded them for this head (when the
    document was not read)."""
    notes: list[PullNote] = []
    """Other features' statuses and sticky lines for this pull request (the completeness check)."""


def desired_status(pull: PullRequest) -> str:
    return STATUS_DRAFT if pull.draft else STATUS_IN_REVIEW


def document_status(text: str) -> str | None:
    """The document's frontmatter ``status``; raises :class:`DocumentError` for broken frontmatter."""
    meta, _ = split_frontmatter(text)
    value = meta.get("status")
    return None if value is None else str(value)


def decide_open(state: OpenState) -> Plan:
    """The lifecycle edit of the document, the status (on the head after this run's commits), the sticky
    comment and the review requests."""
    plan = Plan(retry_on_conflict=True)  # on a 409 the status edit is made again on the fresh document
    head_moves = state.head_moves
    pull, signoff = state.pull, state.signoff.state
    number = pull.number
    if state.document_problem:
        plan.say(f"#{number}: {state.document_problem}", "warning")

    document = state.document
    wanted = desired_status(pull)
    if state.action in LIFECYCLE_ACTIONS and document is not None and state.path is not None:
        try:
            current = document_status(document.text)
            updated = update_frontmatter(document.text, {"status": wanted}) if current != wanted else None
        except DocumentError as error:
            plan.say(
                f"#{number}: {state.path} has unreadable frontmatter ({error}); its status is left as is.",
                "warning",
            )
            updated = None
        if updated is not None and state.signoff.writer_approvals:
            approvers = ", ".join(f"@{login}" for login in state.signoff.writer_approvals)
            plan.say(
                f"#{number}: the document's status stays {current!r} instead of {wanted!r}: approved by {approvers}, "
                'and a commit now would be dismissed with those approvals by the "dismiss stale approvals" rule. '
                "It becomes Published on merge."
            )
        elif updated is not None:
            plan.add(
                PutFile(
                    path=state.path,
                    branch=pull.head_ref,
                    content=updated,
                    message=f"Post-mortem of incident #{state.ref.incident}: status {wanted}",
                    expected_sha=document.sha,
                )
            )
            if state.ref.recorded_sha == document.sha:
                # Still exactly what the action wrote: keep the incident handler treating it as untouched.
                body = with_recorded_sha(pull.body, state.ref.incident, state.path, git_blob_sha(updated))
                plan.add(UpdatePullRequest(number=number, body=body, after_commits_to=pull.head_ref))
            plan.say(f"#{number}: the document's status becomes {wanted} (committed on {pull.head_ref}).")
            head_moves = True
            document = FileContent(path=document.path, sha=git_blob_sha(updated), text=updated)

    outcome, description = status_for(signoff)
    latest = None if head_moves else next((s for s in state.statuses if s.context == STATUS_CONTEXT), None)
    if latest is None or (latest.state, latest.description) != (outcome, description):
        plan.add(
            SetCommitStatus(
                sha=pull.head_sha,
                context=STATUS_CONTEXT,
                state=outcome,
                description=description,
                head_of=pull.head_ref if head_moves else None,
            )
        )
    for note in state.notes:
        known = None if head_moves else next((s for s in state.statuses if s.context == note.context), None)
        if known is None or (known.state, known.description) != (note.state, note.description):
            plan.add(
                SetCommitStatus(
                    sha=pull.head_sha,
                    context=note.context,
                    state=note.state,
                    description=note.description,
                    head_of=pull.head_ref if head_moves else None,
                )
            )

    if document is not None:
        hand_ticked = hand_ticked_roles(document.text, state.roles)
    else:
        hand_ticked = list(state.hand_ticked or [])
    seen = marker(
        SEEN_MARKER,
        head=HEAD_AFTER_COMMITS if head_moves else pull.head_sha,
        ticked=hand_ticked,
        status=[outcome, description],
        **({"notes": [note.model_dump() for note in state.notes]} if state.notes else {}),
    )
    lines = "".join(f"\n{note.line}\n" for note in state.notes)
    body = f"{sticky_comment(signoff, hand_ticked=hand_ticked).rstrip(chr(10))}\n{lines}{seen}\n"
    ours = [c for c in state.comments if is_signoff_comment(c.body)]
    if ours or not pull.draft:
        upsert_comment(plan, ours, number, COMMENT_KIND, body)
        if head_moves and plan.writes and isinstance(plan.writes[-1], CreateComment | UpdateComment):
            # it records the head after this run's commits: sent once they are made
            plan.writes[-1] = plan.writes[-1].model_copy(update={"after_commits_to": pull.head_ref})

    if state.action == "ready_for_review" and not pull.draft:
        asked = set(pull.requested_reviewers) | set(pull.requested_teams) | set(state.signoff.reviewed_by)
        users, teams = reviewers_to_request(
            signoff, state.roles, state.signoff.team_members, already_requested=asked, author=pull.author
        )
        if users or teams:
            plan.add(RequestReviewers(number=number, users=tuple(users), teams=tuple(teams)))

    plan.say(f"#{number}: sign-off {outcome}: {description}.")
    for item in signoff.not_counted:
        plan.say(f"#{number}: the approval by @{item.login} is not counted: {item.detail}.", "notice")
    for title in hand_ticked:
        if not any(r.signed and r.title == title for r in signoff.roles):
            plan.say(
                f"#{number}: {title} is ticked by hand in the document; that is not a sign-off.", "notice"
            )
    return plan


class MergedState(BaseModel):
    """Everything the decision for a merged post-mortem pull request needs."""

    model_config = ConfigDict(frozen=True)

    pull: PullRequest
    ref: PostmortemRef
    signoff: SignoffState
    path: str | None
    base_file: FileContent | None
    fallback_pull: PullRequest | None = None
    fallback_file: FileContent | None = None
    issue: Issue | None = None
    """The incident issue (read only when it is to be closed)."""
    incident_readable: bool = True
    """Whether the incident issue exists and its comments could be read."""
    issue_comments: list[Comment] = []
    close_incident: bool = False
    follow_up: FollowUpConfig = FollowUpConfig()
    """``follow_up`` of the config: the review's date recorded on publication (none when turned off)."""


def published_on(pull: PullRequest) -> date:
    """The publication date: the merge's day (UTC)."""
    moment = pull.merged_at or datetime.now(UTC)
    return moment.astimezone(UTC).date()


def review_date(published: date, follow_up: FollowUpConfig) -> date | None:
    """The follow-up review's date: publication + ``follow_up.days``; None when ``follow_up.enabled`` is off."""
    return published + timedelta(days=follow_up.days) if follow_up.enabled else None


def publish_document(
    text: str, state: SignoffState, published: date, follow_up: FollowUpConfig | None = None
) -> str:
    """The document as published: frontmatter status/published/signoff (and ``follow_up``), the ticked
    checklist, the dates."""
    due = review_date(published, follow_up or FollowUpConfig())
    changes: dict[str, Any] = {
        "status": STATUS_PUBLISHED,
        "published": published.isoformat(),
        "signoff": signoff_frontmatter(state),
    }
    if due is not None:
        changes["follow_up"] = due.isoformat()
    if not state.has_holders and state.approvals:
        # No role has holders (no config): who approved is the record.
        changes["approved_by"] = [
            {"login": a.login, "date": f"{a.at.astimezone(UTC):%Y-%m-%d}" if a.at else None}
            for a in state.approvals
        ]
    updated = update_frontmatter(text, changes)
    updated = tick_signoff(updated, state, published=published)
    return updated if due is None else set_follow_up(updated, due)


def _blob_url(pull: PullRequest, branch: str, path: str) -> str:
    site = pull.html_url.rsplit("/pull/", 1)[0]
    return f"{site}/blob/{quote(branch)}/{quote(path)}"


def _published_comment(state: MergedState, path: str, pending: int | str | None) -> str:
    pull, signoff = state.pull, state.signoff
    when = published_on(pull)
    lines = [
        marker(PUBLISHED_MARKER),
        f"📘 The post-mortem of this incident is published: [`{path}`]({_blob_url(pull, pull.base_ref, path)}) "
        f"(#{pull.number}, merged {when.isoformat()}).",
        "",
    ]
    signed = [
        f"{r.title} @{r.signed_by}" + (f" ({r.signed_at.astimezone(UTC):%Y-%m-%d})" if r.signed_at else "")
        for r in signoff.roles
        if r.signed
    ]
    approved = [
        f"@{a.login}" + (f" ({a.at.astimezone(UTC):%Y-%m-%d})" if a.at else "") for a in signoff.approvals
    ]
    if signed:
        lines.append("Signed off by: " + ", ".join(signed) + ".")
    elif not signoff.has_holders and approved:
        # No role has holders (no config): the approvals are the record.
        lines.append("Approved by: " + ", ".join(approved) + ".")
    else:
        lines.append("No sign-off role was signed before the merge.")
    if signoff.missing:
        lines.append(f"Merged without the sign-off of: {', '.join(signoff.missing)}.")
    due = review_date(when, state.follow_up)
    if due is not None:
        lines.append(f"{state.follow_up.days}-day follow-up review: {due.isoformat()}.")
    if pending is not None:
        lines += [
            "",
            f"Branch protection on `{pull.base_ref}` refused the action's direct commit, so the Published status "
            f"and the sign-off are proposed in #{pending}: merge it to finish the publication.",
        ]
    return "\n".join(lines) + "\n"


def decide_merged(state: MergedState) -> Plan:
    """One publication commit (then decide again), then the incident issue's comment (and closing it)."""
    plan = Plan()
    pull, ref = state.pull, state.ref
    if state.path is None or state.base_file is None:
        where = (
            f"{state.path} on {pull.base_ref}" if state.path else f"the document of incident #{ref.incident}"
        )
        plan.say(
            f"#{pull.number} was merged, but {where} could not be found; nothing was published.", "warning"
        )
        return plan
    when = published_on(pull)
    try:
        published = publish_document(state.base_file.text, state.signoff, when, state.follow_up)
        settled = publish_document(published, state.signoff, when, state.follow_up) == published
    except DocumentError as error:
        plan.say(f"{state.path} on {pull.base_ref} cannot be published: {error}", "error")
        return plan
    if not settled:
        # Publishing its own output must change nothing, or every run would commit again.
        plan.say(
            f"{state.path} on {pull.base_ref} cannot be published: its Sign-Off section does not settle (a role "
            "line the action cannot read back). Please report this with the document.",
            "error",
        )
        return plan
    if not has_signoff_section(state.base_file.text):
        plan.say(
            f"{state.path} has no Sign-Off section: the sign-off is recorded in its frontmatter only.",
            "notice",
        )
    if state.signoff.missing:
        plan.say(
            f"#{pull.number} was merged without the sign-off of: {', '.join(state.signoff.missing)}.",
            "warning",
        )

    pending: int | None = None
    commit: PutFile | None = None
    if published != state.base_file.text:
        fallback = state.fallback_pull
        if (
            fallback is not None
            and fallback.state == "open"
            and state.fallback_file is not None
            and state.fallback_file.text == published
        ):
            pending = fallback.number
            plan.say(
                f"The publication of {state.path} waits for pull request #{pending} "
                f"(branch protection on {pull.base_ref} refused a direct commit).",
                "notice",
            )
        else:
            commit = PutFile(
                path=state.path,
                branch=pull.base_ref,
                content=published,
                message=f"Publish the post-mortem of incident #{ref.incident} (signed off in #{pull.number})",
                expected_sha=state.base_file.sha,
                fallback_branch=publish_branch(ref.incident),
            )
            plan.add(commit)
            plan.say(f"Publishing {state.path} on {pull.base_ref}: status Published, {when.isoformat()}.")
    else:
        plan.say(f"{state.path} on {pull.base_ref} is published.")

    if not state.incident_readable or (state.close_incident and state.issue is None):
        plan.say(f"Incident issue #{ref.incident} could not be read; it gets no comment.", "warning")
        return plan
    if find_comment(state.issue_comments, PUBLISHED_MARKER) is None:
        # After the publication commit (not at all when it fails), and saying whether branch protection sent it
        # through a pull request: the apply path fills in that pull request's number.
        after = commit.branch if commit is not None else None
        fallback_note = "" if commit is None else _published_comment(state, state.path, FALLBACK_PULL_REQUEST)
        # Done once, together with the comment: a human reopening the issue later is not overridden.
        if state.close_incident and state.issue is not None and state.issue.state == "open":
            plan.add(
                UpdateIssue(
                    number=ref.incident, state="closed", state_reason="completed", after_commits_to=after
                )
            )
        plan.add(
            CreateComment(
                number=ref.incident,
                body=_published_comment(state, state.path, pending),
                after_commits_to=after,
                body_after_fallback=fallback_note or None,
            )
        )
    return plan


# --------------------------------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------------------------------


def _warn_once(ctx: Context, plan: Plan, text: str) -> None:
    """A warning said once per run (a reconcile reads several pull requests with the same teams)."""
    if text not in ctx.warned:
        ctx.warned.add(text)
        plan.say(text, "warning")


def _team_members(ctx: Context) -> dict[str, TeamMembers]:
    """Members of every team holding a role (unreadable teams are marked so)."""
    return {team: ctx.snapshot.team_members(team) for role in ctx.config.signoff.roles for team in role.teams}


def _permissions(ctx: Context, logins: Sequence[str]) -> dict[str, str]:
    return {login: ctx.snapshot.permission(login) for login in logins}


def _event_review(ctx: Context) -> Review | None:
    data = ctx.event.payload.get("review")
    if not isinstance(data, dict) or ctx.event.name != "pull_request_review":
        return None
    try:
        return review_from_payload(data)
    except (KeyError, ValueError, TypeError):
        return None


def read_signoff(ctx: Context, pull: PullRequest, plan: Plan) -> Signoff:
    """The sign-off from every review of the pull request (plus the event's review if the list lags behind)."""
    reviews = list(ctx.snapshot.reviews(pull.number))
    event_review = _event_review(ctx)
    if event_review is not None and event_review.id not in {r.id for r in reviews}:
        payload_pull = ctx.event.pull_request or {}
        if payload_pull.get("number") == pull.number:
            reviews.append(event_review)
    latest = latest_decisive_reviews(reviews)
    deciding = [
        r.user
        for r in latest.values()
        if normalize_review_state(r.state) in ("APPROVED", "CHANGES_REQUESTED")
    ]
    permissions = _permissions(ctx, deciding)
    teams = _team_members(ctx)
    config = ctx.config.signoff
    state = compute_signoff(
        reviews,
        config.roles,
        config.required,
        team_members=teams,
        permissions=permissions,
        head_sha=pull.head_sha,
        author=pull.author,
    )
    for warning in state.warnings:
        _warn_once(ctx, plan, warning)
    writers = tuple(
        r.user
        for r in latest.values()
        if normalize_review_state(r.state) == "APPROVED"
        and permissions.get(r.user, "none") in WRITE_PERMISSIONS
    )
    reviewed = tuple(dict.fromkeys(r.user for r in reviews if normalize_review_state(r.state) != "PENDING"))
    return Signoff(state=state, team_members=teams, reviewed_by=reviewed, writer_approvals=writers)


def _seen(comments: Sequence[Comment], head: str) -> dict[str, Any] | None:
    """The sticky comment's record for ``head`` (None when it has none, or one for another commit)."""
    sticky = next((c for c in comments if is_signoff_comment(c.body)), None)
    seen = read_marker(sticky.body, SEEN_MARKER) if sticky is not None else None
    return seen if seen is not None and seen.get("head") == head and head else None


def _recorded_notes(seen: dict[str, Any] | None) -> list[PullNote]:
    """The other features' notes the sticky comment recorded for its head (none when unreadable)."""
    recorded = seen.get("notes") if seen is not None else None
    if not isinstance(recorded, list):
        return []
    try:
        return [PullNote.model_validate(item) for item in recorded]
    except ValueError:
        return []


def _open_plan(ctx: Context, pull: PullRequest, ref: PostmortemRef, action: str) -> Plan:
    plan = Plan()
    snapshot = ctx.snapshot
    staged = any(branch == pull.head_ref for branch, _ in snapshot.staged)
    if not staged and pull.head_ref in snapshot.committed_branches:
        # GitHub moves a pull request's head.sha a moment after a push; the branch ref moves at once. The status
        # must go on the commit made (by this run, or an earlier one that stopped before reporting on it).
        head = snapshot.branch_sha(pull.head_ref)
        if head is not None:
            pull = pull.model_copy(update={"head_sha": head})
    signoff = read_signoff(ctx, pull, plan)
    comments = action_comments(snapshot.comments(pull.number), ctx.config)
    # What the sticky comment recorded for this very head commit: the boxes ticked by hand in its document (a
    # commit's content never changes) and the status the action set on it. A review event then reads neither.
    seen = _seen(comments, pull.head_sha) if not staged else None
    outcome, description = status_for(signoff.state)
    need_document = action in LIFECYCLE_ACTIONS or seen is None
    path, document, problem = ref.path, None, None
    if need_document:
        # the branch, not the head sha: the same read as the action-items handler's, and it shows staged edits
        path, document = find_document(ctx, ref, pull.head_ref)
        if path is None:
            problem = f"the document of incident #{ref.incident} was not found on {pull.head_ref}."
        elif document is None:
            problem = f"{path} is not on {pull.head_ref}; hand-ticked boxes and its status are not checked."
    notes = ctx.pull_notes.get(pull.number)
    if notes is None:
        # the features that add notes did not run on this event (a review): keep what they said on this head
        notes = _recorded_notes(seen)
    if staged:
        statuses: list[CommitStatus] = []
    elif (
        seen is not None
        and seen.get("status") == [outcome, description]
        and all(note in _recorded_notes(seen) for note in notes)
    ):
        statuses = [CommitStatus(context=STATUS_CONTEXT, state=outcome, description=description)]
        statuses += [CommitStatus(context=n.context, state=n.state, description=n.description) for n in notes]
    else:
        statuses = snapshot.statuses(pull.head_sha)
    ticked = seen.get("ticked") if seen is not None else None
    state = OpenState(
        action=action,
        pull=pull,
        ref=ref,
        roles=list(ctx.config.signoff.roles),
        signoff=signoff,
        statuses=statuses,
        comments=comments,
        path=path,
        document=document,
        document_problem=problem,
        head_moves=staged,
        hand_ticked=[str(t) for t in ticked] if isinstance(ticked, list) and document is None else None,
        notes=notes,
    )
    decided = decide_open(state)
    decided.messages[:0] = plan.messages
    return decided


def _already_published(text: str) -> bool:
    """Whether the document says it was published (a rerun after the publication need not count reviews)."""
    try:
        meta, _ = split_frontmatter(text)
    except DocumentError:
        return False
    return meta.get("status") == STATUS_PUBLISHED and bool(meta.get("published"))


def _merged_plan(ctx: Context, pull: PullRequest, ref: PostmortemRef) -> Plan:
    plan = Plan()
    snapshot = ctx.snapshot
    path, base_file = find_document(ctx, ref, pull.base_ref)
    issue: Issue | None = None
    comments: list[Comment] = []
    readable = False
    if path is not None and base_file is not None:
        try:
            # the issue itself is read only when it is to be closed: its comments say whether it exists
            comments = action_comments(snapshot.comments(ref.incident), ctx.config)
            readable = True
            if readable and _already_published(base_file.text) and find_comment(comments, PUBLISHED_MARKER):
                plan.say(f"{path} on {pull.base_ref} is published.")
                return plan
            issue = snapshot.issue(ref.incident) if ctx.config.close_incident_on_publish else None
        except NotFound:
            issue = None
    signoff = read_signoff(ctx, pull, plan).state
    fallback_pull = fallback_file = None
    if path is not None and base_file is not None:
        try:
            published = publish_document(base_file.text, signoff, published_on(pull), ctx.config.follow_up)
        except DocumentError:
            published = base_file.text
        if published != base_file.text:
            # an earlier run's publication may wait in a pull request (branch protection): not committed again
            fallback_pull = snapshot.pull_request_from(publish_branch(ref.incident))
            if fallback_pull is not None and fallback_pull.state == "open":
                fallback_file = snapshot.file(path, fallback_pull.head_sha)
    state = MergedState(
        pull=pull,
        ref=ref,
        signoff=signoff,
        path=path,
        base_file=base_file,
        fallback_pull=fallback_pull,
        fallback_file=fallback_file,
        issue=issue,
        incident_readable=readable,
        issue_comments=comments,
        close_incident=ctx.config.close_incident_on_publish,
        follow_up=ctx.config.follow_up,
    )
    decided = decide_merged(state)
    decided.messages[:0] = plan.messages
    return decided


# --------------------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------------------


def _for_event(ctx: Context, actions: frozenset[str]) -> Plan:
    event = ctx.event
    plan = Plan()
    payload_pull = event.pull_request
    if payload_pull is None:
        plan.say(f"Ignoring {event.describe()}: the payload has no pull request.")
        return plan
    number = int(payload_pull["number"])
    head = payload_pull.get("head") or {}
    head_repository = str((head.get("repo") or {}).get("full_name") or "")
    if incident_of_branch(str(head.get("ref") or "")) is None or head_repository.casefold() != (
        event.repository.casefold()
    ):
        plan.say(f"Ignoring {event.describe()} for #{number}: not a post-mortem pull request.")
        return plan
    if event.action not in actions and event.action != "closed":
        plan.say(f"Ignoring {event.describe()} for #{number}: not an action that changes the sign-off.")
        return plan

    pull = ctx.snapshot.pull_request(number)  # as it is now: a rerun of an old event must not go back in time
    ref = postmortem_ref(pull, event.repository, ctx.config)
    if ref is None:
        plan.say(f"Ignoring #{number}: not a post-mortem pull request.")
        return plan
    if pull.state == "closed":
        if not pull.merged:
            plan.say(f"#{number} was closed without merging: the post-mortem is not published.")
            return plan
        if event.action != "closed":
            plan.say(f"Ignoring {event.describe()} for #{number}: it is merged already.")
            return plan
        return _merged_plan(ctx, pull, ref)
    if event.action == "closed":
        plan.say(f"#{number} is open again; nothing to publish.")
        return plan
    return _open_plan(ctx, pull, ref, event.action or "")


def handle_pull_request(ctx: Context) -> Plan:
    """``pull_request`` opened/reopened/synchronize/ready_for_review/converted_to_draft/edited, and closed."""
    return _for_event(ctx, OPEN_ACTIONS)


def handle_review(ctx: Context) -> Plan:
    """``pull_request_review`` submitted / dismissed."""
    return _for_event(ctx, REVIEW_ACTIONS)


def handle_reconcile(ctx: Context) -> Plan:
    """``workflow_dispatch`` / ``schedule``: every open post-mortem pull request, from one listing."""
    plan = Plan()
    pulls = [
        (pull, ref)
        for pull in ctx.snapshot.open_pull_requests()
        if (ref := postmortem_ref(pull, ctx.event.repository, ctx.config)) is not None
    ]
    if not pulls:
        plan.say("No open post-mortem pull request to reconcile.")
        return plan
    for pull, ref in pulls:
        decided = _open_plan(ctx, pull, ref, RECONCILE)
        plan.add(*decided.writes)
        plan.messages.extend(decided.messages)
    plan.retry_on_conflict = True
    return plan


def handle_after_commits(ctx: Context) -> Plan:
    """After other handlers committed to a post-mortem branch (an issue edit regenerating the document, a
    tracking issue's Status cell): the sign-off status goes on the new head, or branch protection waits for it."""
    plan = Plan()
    snapshot = ctx.snapshot
    for branch in sorted(snapshot.created_branches):
        plan.add(*_first_status(ctx, branch))
    moved = snapshot.committed_branches | {branch for branch, _ in snapshot.staged}
    for branch in sorted(moved - snapshot.created_branches):
        if incident_of_branch(branch) is None:
            continue
        pull = snapshot.pull_request_from(branch)
        ref = postmortem_ref(pull, ctx.event.repository, ctx.config) if pull is not None else None
        if pull is None or ref is None or pull.state != "open":
            continue
        decided = _open_plan(ctx, pull, ref, "commit")
        plan.add(*decided.writes)
        plan.messages.extend(decided.messages)
    plan.retry_on_conflict = True
    return plan


def _first_status(ctx: Context, branch: str) -> list[SetCommitStatus]:
    """The status of a pull request this run opened from the branch it created: nobody can have reviewed it
    yet, so it is decided from the roles alone (no read), and branch protection sees it from the first minute."""
    if incident_of_branch(branch) is None:
        return []
    pull = ctx.snapshot.pull_request_from(branch)
    if pull is None or pull.state != "open" or postmortem_ref(pull, ctx.event.repository, ctx.config) is None:
        return []
    config = ctx.config.signoff
    nobody = compute_signoff([], config.roles, config.required, team_members={}, permissions={})
    outcome, description = status_for(nobody)
    return [
        SetCommitStatus(
            sha=pull.head_sha, context=STATUS_CONTEXT, state=outcome, description=description, head_of=branch
        )
    ]
