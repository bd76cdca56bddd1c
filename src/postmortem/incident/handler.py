"""Incident issue → draft post-mortem pull request.

On ``issues`` opened / edited / labeled / reopened for an issue carrying the incident label: a branch
``postmortem/incident-<N>``, the rendered document committed on it, a draft pull request, its label and
review requests, and one comment on the issue linking it. Later edits of the issue regenerate the document
only while it is still exactly what the action last wrote (its blob sha is kept in the pull request's
hidden marker); once a human has edited it, the action says what changed in the issue instead.

On ``issue_comment`` for an incident issue with an open draft, the same rule applies to the timeline read from
the issue (``TimelineSource``): regenerated while untouched, else one pull-request comment with rows to paste.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from postmortem.config import Config
from postmortem.context import Context
from postmortem.errors import FormError, TemplateError
from postmortem.github.models import (
    WRITE_PERMISSIONS,
    Comment,
    FileContent,
    Issue,
    PullRequest,
    git_blob_sha,
    latest_decisive_reviews,
)
from postmortem.incident.answers import answers_json
from postmortem.incident.form import (
    DEFAULT_FORM_PATH,
    FormDefinition,
    default_form,
    parse_form_definition,
    parse_incident,
    problems_comment,
)
from postmortem.incident.model import Incident, TimelineEvent
from postmortem.incident.render import document_path, render_document
from postmortem.markdown import markers
from postmortem.markdown.frontmatter import DocumentError, split_frontmatter, update_frontmatter
from postmortem.markdown.markers import TIMELINE_EVENTS, marker
from postmortem.plan import (
    NEW_PULL_REQUEST,
    PULL_REQUEST_LINK,
    AddLabels,
    CreateBranch,
    CreateComment,
    CreatePullRequest,
    Plan,
    PutFile,
    RequestReviewers,
    UpdatePullRequest,
)
from postmortem.sticky import find_comment, upsert_comment
from postmortem.trust import DOCUMENT_MARKER, action_comments, branch_name, postmortem_ref, with_recorded_sha

HANDLED_ACTIONS = frozenset({"opened", "edited", "labeled", "reopened"})
COMMENT_ACTIONS = frozenset({"created", "edited", "deleted"})
COMMENT = "comment"
"""The state's ``action`` for an ``issue_comment`` event (its ``edited`` is not the issue's)."""
TITLE_LIMIT = 256


class TimelineRow(Protocol):
    """One row of a merged timeline (the fields of :class:`TimelineEvent`)."""

    @property
    def at(self) -> datetime | None: ...
    @property
    def time_text(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def by(self) -> str: ...


class TimelineSource(Protocol):
    """The issue's own timeline (timed comments, GitHub's events), given by the runner (``follow_through``)."""

    def events(self, ctx: Context, issue: Issue, incident: Incident) -> Sequence[TimelineRow]:
        """The form's events with the issue's merged in."""
        ...

    def rows_to_paste(self, document: str, events: Sequence[TimelineEvent]) -> list[str]:
        """Table rows of the issue's events that ``document`` does not show yet."""
        ...


class IncidentState(BaseModel):
    """Everything the decision needs, read before deciding."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    config: Config
    action: str
    incident: Incident
    previous: Incident | None = None
    document: str
    path: str
    branch: str
    default_branch: str
    default_sha: str | None = None
    branch_sha: str | None = None
    pull_request: PullRequest | None = None
    file_on_branch: FileContent | None = None
    issue_comments: list[Comment] = []
    pull_comments: list[Comment] = []
    recorded_sha: str | None = None
    """Blob sha of what the action last wrote, from the marker in the pull request it opened."""
    labels: dict[str, str] = {}
    """The form's field labels by id, to name changed answers as the reporter saw them."""
    approved_by: tuple[str, ...] = ()
    """Reviewers whose latest decisive review approves the pull request: regenerating would dismiss them."""
    reviewed_by: tuple[str, ...] = ()
    """Everyone who reviewed the pull request (read only to finish a setup cut short)."""
    link_posted: bool = False
    """The issue is known to carry the link comment (and no other), without its comments having been read."""
    alternative_path: str | None = None
    """Where the new document goes if ``path`` turns out to be taken on the default branch."""
    timeline_rows: tuple[str, ...] = ()
    """On a comment event: the issue's timeline rows the document on the branch lacks (to paste by hand)."""


def pull_request_title(incident: Incident) -> str:
    """``Post-mortem: <title>``, cut to GitHub's 256-character limit."""
    title = f"Post-mortem: {' '.join(incident.title.split())}"
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"


def pull_request_body(incident: Incident, path: str, document: str) -> str:
    """The pull request's description, with the hidden marker recording what the action last wrote."""
    recorded = marker(DOCUMENT_MARKER, incident=incident.number, path=path, sha=git_blob_sha(document))
    return "\n".join(
        [
            recorded,
            f"Post-mortem of incident #{incident.number}, drafted from the incident issue.",
            "",
            f"Document: `{path}`",
            "",
            "- Fill in the sections marked with *italic guidance*; keep the Action Items table's columns.",
            "- Mark the pull request **ready for review** when the draft is complete; approvals become the sign-off.",
            "- While nobody has edited the document, edits to the issue update it; after that, the action only"
            " comments with what changed in the issue.",
        ]
    )


def _link_comment(pull_number: int | None, path: str) -> str:
    link = f"#{pull_number}" if pull_number else PULL_REQUEST_LINK
    return (
        f"{marker(markers.PULL_REQUEST_LINK)}\n"
        f"📝 The draft post-mortem is open: {link} (`{path}`).\n\n"
        "It is filled from this issue. Until someone edits the document, editing this issue updates it."
    )


def _reviewers(config: Config) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # The pull request's author (the token's user) cannot be asked to review it.
    author = (config.bot_login or "").casefold()
    users: list[str] = []
    teams: list[str] = []
    for role in config.signoff.roles:
        users += [u for u in role.users if u not in users and u.casefold() != author]
        teams += [t.split("/", 1)[1] for t in role.teams if t.split("/", 1)[1] not in teams]
    return tuple(users), tuple(teams)


def _changed_answers(previous: Incident | None, current: Incident, labels: dict[str, str]) -> list[str]:
    if previous is None:
        return []
    changed = []
    if previous.title != current.title:
        changed.append(f"- **Title**: {_quote(current.title)}")
    for field_id in sorted(set(previous.answers) | set(current.answers)):
        before, after = previous.answers.get(field_id, ""), current.answers.get(field_id, "")
        if before != after:
            label = _quote(labels.get(field_id, field_id), 80).strip("`")
            changed.append(f"- **{label}**: {_quote(after) if after else '*(now empty)*'}")
    return changed


def _quote(text: str, limit: int = 300) -> str:
    one_line = " ".join(text.split())
    one_line = one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
    return f"`{one_line.replace('`', 'ˋ')}`"


def keep_lifecycle_status(document: str, on_branch: FileContent | None) -> str:
    """``document`` with the ``status`` of the file on the branch: the sign-off handler moves it Draft → In Review
    as the pull request leaves draft, and regenerating the document from the issue must not move it back."""
    if on_branch is None:
        return document
    try:
        status = split_frontmatter(on_branch.text)[0].get("status")
        return document if status is None else update_frontmatter(document, {"status": status})
    except DocumentError:
        return document


def decide(state: IncidentState) -> Plan:
    """The writes that bring GitHub to the state this issue calls for; empty when it is already there."""
    plan = Plan()
    state = state.model_copy(update={"document": keep_lifecycle_status(state.document, state.file_on_branch)})
    incident = state.incident
    number = incident.number
    pull = state.pull_request
    plan.outputs["document-path"] = state.path

    if incident.problems or find_comment(state.issue_comments, markers.FORM_PROBLEMS):
        upsert_comment(plan, state.issue_comments, number, markers.FORM_PROBLEMS, problems_comment(incident))
    for problem in incident.problems:
        plan.say(f"Issue #{number}: {problem.message}", "warning")

    if pull is not None and pull.state == "closed":
        verb = "merged" if pull.merged else "closed"
        plan.say(
            f"The post-mortem pull request #{pull.number} was {verb}; the issue's edits no longer change it."
        )
        plan.outputs.update({"pull-request-number": str(pull.number), "pull-request-url": pull.html_url})
        return plan

    if pull is None:
        if state.branch_sha is None:
            if state.default_sha is None:
                plan.say(
                    f"The default branch {state.default_branch} has no commit to branch from: push a first "
                    "commit to it, then edit or re-label the issue.",
                    "error",
                )
                return plan
            plan.add(CreateBranch(branch=state.branch, from_sha=state.default_sha))
        if state.file_on_branch is None:
            plan.add(
                PutFile(
                    path=state.path,
                    branch=state.branch,
                    content=state.document,
                    message=f"Draft post-mortem for incident #{number}",
                    alternative_path=state.alternative_path,
                )
            )
        elif state.file_on_branch.text != state.document:
            plan.say(
                f"{state.path} on {state.branch} differs from the generated draft; keeping the branch's version.",
                "warning",
            )
        document = state.file_on_branch.text if state.file_on_branch else state.document
        plan.add(
            CreatePullRequest(
                head=state.branch,
                base=state.default_branch,
                title=pull_request_title(incident),
                body=pull_request_body(incident, state.path, document),
                draft=True,
            )
        )
        _setup_pull_request(plan, state, NEW_PULL_REQUEST, labels=())
        return plan

    plan.outputs.update({"pull-request-number": str(pull.number), "pull-request-url": pull.html_url})
    linked = state.link_posted or find_comment(state.issue_comments, markers.PULL_REQUEST_LINK) is not None
    if not linked or state.config.postmortem_label not in pull.labels:
        # A run stopped between creating the pull request and its label: finish the setup.
        _setup_pull_request(plan, state, pull.number, labels=pull.labels, linked=linked)

    # Untouched: still what the action last recorded, or already what it would write now (a run that stopped
    # between committing the document and recording it in the pull request).
    untouched = state.file_on_branch is not None and state.file_on_branch.sha in (
        state.recorded_sha,
        git_blob_sha(state.document),
    )
    # Not read: the issue calls for exactly what the action last wrote, so whatever the file holds, nothing is
    # regenerated (see handle()).
    unread = state.file_on_branch is None and state.recorded_sha == git_blob_sha(state.document)
    if unread or (untouched and state.file_on_branch is not None and not state.approved_by):
        if state.file_on_branch is not None and state.file_on_branch.text != state.document:
            plan.add(
                PutFile(
                    path=state.path,
                    branch=state.branch,
                    content=state.document,
                    message=f"Update post-mortem from incident #{number}",
                    expected_sha=state.file_on_branch.sha,
                )
            )
        # Only the marker line and a title the action set are the action's: what people wrote stays.
        title = pull_request_title(incident)
        ours = {title} | ({pull_request_title(state.previous)} if state.previous else set())
        new_title = title if pull.title != title and pull.title in ours else None
        body = with_recorded_sha(pull.body, number, state.path, git_blob_sha(state.document))
        new_body = body if body != pull.body else None
        if new_title is not None or new_body is not None:
            commits = state.branch if any(isinstance(w, PutFile) for w in plan.writes) else None
            plan.add(
                UpdatePullRequest(
                    number=pull.number, title=new_title, body=new_body, after_commits_to=commits
                )
            )
        return plan

    if state.action == COMMENT:
        _timeline_comment(plan, state, pull.number, approved=untouched)
        return plan
    changes = _changed_answers(state.previous, incident, state.labels)
    if untouched:
        why = (
            f"after it was approved ({', '.join('@' + login for login in state.approved_by)}), so the document was"
            " **not** regenerated (a new commit would dismiss or outdate those approvals)"
        )
    else:
        why = "after this post-mortem was changed by hand, so the document was **not** regenerated (no human edit is overwritten)"
    if state.action == "edited" and changes:
        body = "\n".join(
            [
                marker(markers.ISSUE_EDITED),
                f"✏️ Incident #{number} was edited {why}. Latest changes in the issue:",
                "",
                *changes,
                "",
                "Copy what you need into the document.",
            ]
        )
        upsert_comment(plan, state.pull_comments, pull.number, markers.ISSUE_EDITED, body)
    else:
        plan.say(f"{state.path} has been edited by hand or approved; leaving it as it is.")
    return plan


def _timeline_comment(plan: Plan, state: IncidentState, number: int, *, approved: bool) -> None:
    """The one sticky comment listing the timeline rows the edited (or approved) document lacks; none when
    nothing is missing."""
    if not state.timeline_rows:
        plan.say(f"{state.path} already shows every event of incident #{state.incident.number}'s timeline.")
        return
    why = "it was approved" if approved else "it was edited by hand"
    body = "\n".join(
        [
            marker(TIMELINE_EVENTS),
            f"🕒 Incident #{state.incident.number} has timeline events that `{state.path}` does not show yet. The"
            f" document was **not** regenerated ({why}); paste these rows into its Timeline table:",
            "",
            "| Time (UTC) | Event | Action Taken | By Whom |",
            "|------------|-------|--------------|---------|",
            *state.timeline_rows,
        ]
    )
    upsert_comment(plan, state.pull_comments, number, TIMELINE_EVENTS, body)


def _setup_pull_request(
    plan: Plan, state: IncidentState, number: int, labels: tuple[str, ...], *, linked: bool = False
) -> None:
    """The link comment, the review requests, and the label last: a labelled pull request then means the setup
    is complete, and a rerun need not read the issue's comments to know (see handle()). A setup cut short after
    the link is finished without asking anyone twice (``linked``: requested or reviewed already are skipped)."""
    config = state.config
    if not linked:
        body = _link_comment(None if number == NEW_PULL_REQUEST else number, state.path)
        plan.add(
            CreateComment(
                number=state.incident.number, body=body, link_new_pull_request=number == NEW_PULL_REQUEST
            )
        )
    users, teams = _reviewers(config)
    pull = state.pull_request
    if linked and pull is not None:
        asked = {login.casefold() for login in (*pull.requested_reviewers, *state.reviewed_by)}
        users = tuple(u for u in users if u.casefold() not in asked)
        teams = tuple(t for t in teams if t not in pull.requested_teams)
    if users or teams:
        plan.add(RequestReviewers(number=number, users=users, teams=teams))
    if config.postmortem_label not in labels:
        plan.add(AddLabels(number=number, labels=(config.postmortem_label,)))


def _by_the_action(sender: str, config: Config) -> bool:
    """Whether the event's sender is the action itself (not another App: an alerting integration may file
    incidents, and then goes through the same write-access check as a person)."""
    own = {"github-actions[bot]"} | ({config.bot_login.casefold()} if config.bot_login else set())
    return sender.casefold() in own


def _labels(issue: dict[str, Any]) -> list[str]:
    return [str(label.get("name")) for label in issue.get("labels") or [] if isinstance(label, dict)]


def _created_at(issue: dict[str, Any]) -> datetime:
    raw = issue.get("created_at")
    if isinstance(raw, str):
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return datetime.now(UTC)


def load_form(ctx: Context) -> tuple[FormDefinition, str | None]:
    """The repository's incident form (its labels map headings back to ids), else the embedded default, with
    a warning when the configured form could not be used."""
    file = ctx.snapshot.file(ctx.config.form, ctx.default_branch)
    if file is None:
        if ctx.config.form == DEFAULT_FORM_PATH:
            return default_form(), None
        return default_form(), (
            f"The config names the form {ctx.config.form}, but there is no such file on {ctx.default_branch}: "
            "fix the `form:` path. Using the built-in incident form to read the issue."
        )
    try:
        return parse_form_definition(file.text, ctx.config.form), None
    except FormError as error:
        return default_form(), f"{error} Using the built-in incident form to read the issue."


def missing_form_notice(ctx: Context) -> str | None:
    """The notice for a repository without the incident form at the default path (said on the run that opens
    the draft, so once per incident): the built-in form reads the issue, and reporters get no fields."""
    if ctx.config.form != DEFAULT_FORM_PATH or ctx.snapshot.file(DEFAULT_FORM_PATH, ctx.default_branch):
        return None
    return (
        f"There is no issue form at {DEFAULT_FORM_PATH} on {ctx.default_branch}: the built-in incident form read "
        f"this issue. Add the form (copy templates/incident.yml from postmortem-action to {DEFAULT_FORM_PATH}) so "
        "that reporters get its fields, or set `form:` in the config to the form you use."
    )


def load_template(ctx: Context) -> str | None:
    """The repository's custom template (config ``template:``), or None for the built-in one."""
    path = ctx.config.template
    if path is None:
        return None
    file = ctx.snapshot.file(path, ctx.default_branch)
    if file is None:
        raise TemplateError(
            f"The config names the template {path}, but there is no such file on {ctx.default_branch}: "
            "commit it or remove the `template:` key to use the built-in template."
        )
    return file.text


def incident_from_payload(issue: dict[str, Any], form: FormDefinition, body: str | None = None) -> Incident:
    """Parse the payload's issue (or an earlier ``body`` of it) into an Incident."""
    return parse_incident(
        number=int(issue["number"]),
        title=str(issue.get("title") or ""),
        body=issue.get("body") if body is None else body,
        created_at=_created_at(issue),
        form=form,
        url=str(issue.get("html_url") or ""),
        author=str((issue.get("user") or {}).get("login") or ""),
    )


def _unused_path(ctx: Context, path: str, number: int) -> tuple[str, str | None]:
    """``path`` and where to go instead if it is taken on the default branch (found out by creating the file:
    GitHub refuses a new file over an existing one), or ``<date>-<slug>-<N>.md`` at once when an open
    post-mortem pull request of another incident has that name (two incidents with the same title on the same
    day)."""
    alternative = f"{path.removesuffix('.md')}-{number}.md"
    for pull in ctx.snapshot.open_pull_requests():
        ref = postmortem_ref(pull, ctx.event.repository, ctx.config)
        if ref is not None and ref.incident != number and ref.path == path:
            return alternative, None
    return path, alternative


def _find_pull_request(ctx: Context, branch: str, issue: Issue) -> PullRequest | None:
    """The incident's pull request, with as few reads as the issue allows.

    An issue with one comment or none is looked up among the open pull requests (one listing, which the
    file-name check of a first run needs anyway); with several comments, the link comment says whether a pull
    request was opened, and then it is looked up by its branch (it may be merged or closed by now).
    """

    def linked() -> bool:
        comments = action_comments(ctx.snapshot.comments(issue.number), ctx.config)
        return find_comment(comments, markers.PULL_REQUEST_LINK) is not None

    if (issue.comments or 0) >= 2:
        return ctx.snapshot.pull_request_from(branch) if linked() else None
    for pull in ctx.snapshot.open_pull_requests():
        if pull.head_ref == branch and pull.head_repository.casefold() == ctx.event.repository.casefold():
            return pull
    return ctx.snapshot.pull_request_from(branch) if linked() else None


def _team_members(ctx: Context) -> dict[str, tuple[str, ...]]:
    """The members of the sign-off roles' teams the token could read, for the header's Reviewers (one read per
    team, none when the roles name only people)."""
    members: dict[str, tuple[str, ...]] = {}
    for role in ctx.config.signoff.roles:
        for team in role.teams:
            read = ctx.snapshot.team_members(team)
            if read.readable:
                members[team] = read.members
    return members


def handle(ctx: Context, timeline: TimelineSource | None = None) -> Plan:
    """Read what the incident issue calls for and decide the writes.

    ``timeline``: the issue's own events to merge into the draft's Timeline (comments are read only when the
    issue has some). On ``issue_comment`` (created, edited, deleted) the draft's timeline is regenerated while
    the document is untouched; once it was edited, one sticky comment lists the rows to paste.
    """
    event, config, snapshot = ctx.event, ctx.config, ctx.snapshot
    issue = event.issue
    plan = Plan()
    if issue is None or "pull_request" in issue:
        plan.say(f"Ignoring {event.describe()}: it is not about an issue.")
        return plan
    number = int(issue["number"])
    commented = event.name == "issue_comment"
    action = COMMENT if commented else event.action
    if commented and event.action not in COMMENT_ACTIONS:
        plan.say(f"Incident flow: {event.describe()} for #{number} adds nothing to a timeline.", "debug")
        return plan
    if not commented and event.action not in HANDLED_ACTIONS:
        plan.say(f"Incident flow: {event.describe()} for #{number} drafts no post-mortem.", "debug")
        return plan
    label = config.incident_label.casefold()
    if label not in {name.casefold() for name in _labels(issue)}:
        plan.say(f"Incident flow: #{number} does not carry the `{config.incident_label}` label.", "debug")
        return plan
    added = str((event.payload.get("label") or {}).get("name") or "")
    if event.action == "labeled" and added.casefold() != label:
        plan.say(
            f"Ignoring the label added to #{number}: only `{config.incident_label}` starts a post-mortem."
        )
        return plan
    if _by_the_action(event.sender, config):
        plan.say(f"Ignoring {event.describe()} for #{number} by {event.sender}: the action's own change.")
        return plan

    if commented and snapshot.permission(event.sender) not in WRITE_PERMISSIONS:
        # only comments from people with write access become events: nothing of this one can change the draft
        plan.say(f"Ignoring {event.describe()} on #{number} by {event.sender}: no write access.")
        return plan
    if snapshot.permission(event.sender) not in WRITE_PERMISSIONS:
        comments = action_comments(snapshot.comments(number), config)
        plan.say(
            f"{event.sender or 'The sender'} has no write access: waiting for a maintainer to add the "
            f"`{config.incident_label}` label to #{number}.",
            "notice",
        )
        if find_comment(comments, markers.NEEDS_TRIAGE) is None and not find_comment(
            comments, markers.PULL_REQUEST_LINK
        ):
            plan.add(
                CreateComment(
                    number=number,
                    body=f"{marker(markers.NEEDS_TRIAGE)}\nThanks for the report. A post-mortem draft is opened only for "
                    f"incidents confirmed by someone with write access to this repository: a maintainer can "
                    f"remove and re-add the `{config.incident_label}` label to start it.",
                )
            )
        return plan

    # The issue as it is now, not as the payload saw it: a rerun of an older run must not bring back old text.
    current = snapshot.issue(number)
    if label not in {name.casefold() for name in current.labels}:
        plan.say(f"Ignoring #{number}: the `{config.incident_label}` label was removed since this event.")
        return plan
    form, form_warning = load_form(ctx)
    if form_warning is not None:
        plan.say(form_warning, "warning")
    incident = incident_from_payload(dict(issue, title=current.title, body=current.body), form)
    previous = None
    changes = event.payload.get("changes") or {}
    if event.action == "edited" and not commented:
        old_body = (changes.get("body") or {}).get("from")
        old_title = (changes.get("title") or {}).get("from")
        if old_body is not None or old_title is not None:
            earlier = dict(issue, title=old_title if old_title is not None else issue.get("title"))
            previous = incident_from_payload(
                earlier, form, body=old_body if old_body is not None else issue.get("body")
            )

    branch = branch_name(number)
    pull = _find_pull_request(ctx, branch, current)
    if commented and (pull is None or pull.state == "closed"):
        # comments add to an open draft; they neither confirm an incident nor change a closed post-mortem
        plan.say(
            f"Ignoring the comment on #{number}: it has no open post-mortem pull request to add events to."
        )
        return plan
    ref = postmortem_ref(pull, event.repository, config) if pull else None
    path = ref.path if ref and ref.path else document_path(incident, config.directory)
    alternative = None
    if pull is None:  # the branch is created optimistically (GitHub answers 422 when it exists)
        path, alternative = _unused_path(ctx, path, number)
        if (notice := missing_form_notice(ctx)) is not None:
            plan.say(notice, "notice")
    # The link comment is posted before the label: a labelled pull request and an issue with one comment mean
    # that comment is the link, and no problems comment exists to update.
    link_posted = (
        pull is not None
        and config.postmortem_label in pull.labels
        and current.comments == 1
        and not incident.problems
    )
    if timeline is not None:
        # the issue's only comment is the link: no comment of people to read
        seen = current.model_copy(update={"comments": 0}) if link_posted else current
        rows = timeline.events(ctx, seen, incident)
        merged = [
            TimelineEvent(at=r.at, time_text=r.time_text, text=r.text, action=r.action, by=r.by) for r in rows
        ]
        incident = incident.model_copy(update={"timeline": merged})
    document = render_document(
        incident,
        config,
        load_template(ctx),
        template_name=config.template or "postmortem.md.j2",
        team_members=_team_members(ctx),
    )
    if (
        pull is None and ctx.draft_extras is not None
    ):  # a new draft lists related incidents (the catalogue, one read)
        document = ctx.draft_extras.fill(document, path)
    recorded = ref.recorded_sha if ref else None
    # The file is read unless the issue calls for exactly what the action last wrote (then nothing is
    # regenerated, whatever the file holds), except for an edit, which may call for the changed-answers comment.
    read_file = (
        pull is not None
        and pull.state == "open"
        and (action == "edited" or recorded != git_blob_sha(document))
    )
    on_branch = snapshot.file(path, branch) if read_file else None
    if on_branch is not None and ctx.draft_extras is not None:  # a regenerated draft keeps its related list
        document = ctx.draft_extras.keep(document, on_branch.text)
    current_document = keep_lifecycle_status(document, on_branch)
    untouched = on_branch is not None and on_branch.sha in (recorded, git_blob_sha(current_document))
    regenerating = untouched and on_branch is not None and on_branch.text != current_document
    editing_pull = (
        pull if pull is not None and pull.state == "open" and action in ("edited", COMMENT) else None
    )
    approved_by = (
        tuple(
            review.user
            for review in latest_decisive_reviews(snapshot.reviews(editing_pull.number)).values()
            if review.state == "APPROVED"
        )
        if editing_pull and regenerating
        else ()
    )
    wants_pull_comments = editing_pull is not None and (not untouched or bool(approved_by))
    unfinished = pull is not None and pull.state == "open" and config.postmortem_label not in pull.labels
    reviewed_by = (
        tuple(review.user for review in snapshot.reviews(pull.number)) if pull and unfinished else ()
    )
    regenerating_allowed = untouched and not approved_by
    state = IncidentState(
        config=config,
        action=action or "",
        incident=incident,
        previous=previous,
        document=document,
        path=path,
        branch=branch,
        default_branch=ctx.default_branch,
        default_sha=snapshot.branch_sha(ctx.default_branch) if pull is None else None,
        branch_sha=pull.head_sha if pull is not None else None,
        pull_request=pull,
        file_on_branch=on_branch,
        issue_comments=[] if link_posted else action_comments(snapshot.comments(number), config),
        pull_comments=action_comments(snapshot.comments(editing_pull.number), config)
        if editing_pull and wants_pull_comments
        else [],
        recorded_sha=recorded,
        labels={field.id: " ".join(field.label.split()) for field in form.fields},
        approved_by=approved_by,
        reviewed_by=reviewed_by,
        link_posted=link_posted,
        alternative_path=alternative,
        timeline_rows=tuple(timeline.rows_to_paste(on_branch.text, incident.timeline))
        if timeline is not None and commented and on_branch is not None and not regenerating_allowed
        else (),
    )
    decided = decide(state)
    decided.outputs["answers"] = answers_json(form, current.body)
    if (
        on_branch is not None
        and on_branch.sha != state.recorded_sha
        and on_branch.sha == git_blob_sha(document)
    ):
        # An earlier run committed this document and stopped before recording it: the head it moved still
        # needs the sign-off status (signoff.handler.handle_after_commits).
        snapshot.note_moved(branch)
    decided.messages[:0] = plan.messages
    return decided
