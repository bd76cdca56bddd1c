"""The plan: the writes a handler intends, as plain data.

Handlers never write; they return a :class:`Plan`. The gateway applies it, the CLI prints it for a dry run,
and tests compare it. An empty plan is a no-op, which is how a rerun of any event makes zero writes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from postmortem.errors import GitHubError
from postmortem.markdown.markers import without_comments


class _Write(BaseModel):
    model_config = ConfigDict(frozen=True)

    def describe(self) -> str:
        """One line for the dry-run listing and the log."""
        raise NotImplementedError


def _ref(number: int) -> str:
    return "the new pull request" if number == 0 else f"#{number}"


def _short(text: str, limit: int = 60) -> str:
    one_line = " ".join(without_comments(text).split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


class CreateBranch(_Write):
    kind: Literal["create_branch"] = "create_branch"
    branch: str
    from_sha: str

    def describe(self) -> str:
        return f"create branch {self.branch} at {self.from_sha[:7]}"


class PutFile(_Write):
    """Create (``expected_sha`` None) or replace a file in one commit; the sha guards concurrent edits."""

    kind: Literal["put_file"] = "put_file"
    path: str
    branch: str
    content: str
    message: str
    expected_sha: str | None = None
    fallback_branch: str | None = None
    """Where to commit instead, through a pull request, when branch protection refuses a direct commit."""
    alternative_path: str | None = None
    """Where to create the file instead when ``path`` is taken by another file (optimistic: no read first). Later
    writes of the run that name ``path`` (a pull request's marker, a comment) then name this one."""

    def describe(self) -> str:
        verb = "update" if self.expected_sha else "create"
        line = f"{verb} {self.path} on {self.branch} ({len(self.content.encode())} bytes): {self.message}"
        if self.fallback_branch:
            line += (
                f" (if branch protection refuses: commit it to {self.fallback_branch} and open a pull request "
                f"into {self.branch})"
            )
        return line


class CommitFiles(_Write):
    """Several files in ONE commit through the Git Data API: a tree with inline contents on the head's tree, a
    commit, then a fast-forward of the branch (3 writes for any number of files).

    ``expected`` guards concurrent edits like :attr:`PutFile.expected_sha`: the blob sha each file must still
    have on the head (None: the file must not exist), checked on the head's tree before anything is written; a
    head that moved meanwhile answers 422 "Update is not a fast forward" (a :class:`~postmortem.errors.Conflict`).
    """

    kind: Literal["commit_files"] = "commit_files"
    branch: str
    files: dict[str, str]
    message: str
    expected: dict[str, str | None] = Field(default_factory=dict)
    fallback_branch: str | None = None
    """Where to commit instead, through a pull request, when branch protection refuses a direct commit."""
    parent: str | None = None
    """The head commit, when the run already read it and its tree and checked ``expected`` on that tree: the
    commit is then ONE write (GraphQL ``createCommitOnBranch`` expecting this head); a head that moved since
    is a conflict."""

    def describe(self) -> str:
        size = sum(len(text.encode()) for text in self.files.values())
        line = f"commit {len(self.files)} files on {self.branch} ({', '.join(self.files)}; {size} bytes): {self.message}"
        if self.fallback_branch:
            line += (
                f" (if branch protection refuses: commit them to {self.fallback_branch} and open a pull request "
                f"into {self.branch})"
            )
        return line


class CreatePullRequest(_Write):
    kind: Literal["create_pull_request"] = "create_pull_request"
    head: str
    base: str
    title: str
    body: str
    draft: bool = True

    def describe(self) -> str:
        draft = "draft " if self.draft else ""
        return f"open {draft}pull request {self.head} → {self.base}: {_short(self.title)}"


class UpdatePullRequest(_Write):
    kind: Literal["update_pull_request"] = "update_pull_request"
    number: int
    title: str | None = None
    body: str | None = None
    after_commits_to: str | None = None
    """Sent once this run's commits to that branch are made: the body records what they committed, and must
    not claim a commit that a refused write never made."""

    def describe(self) -> str:
        fields = [name for name in ("title", "body") if getattr(self, name) is not None]
        return f"update pull request #{self.number} ({', '.join(fields)})"


class AddLabels(_Write):
    """Add labels to an issue or pull request (GitHub creates missing labels with a default colour)."""

    kind: Literal["add_labels"] = "add_labels"
    number: int
    labels: tuple[str, ...]

    def describe(self) -> str:
        return f"label {_ref(self.number)} with {', '.join(self.labels)}"


class RequestReviewers(_Write):
    kind: Literal["request_reviewers"] = "request_reviewers"
    number: int
    users: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()

    def describe(self) -> str:
        who = [f"@{u}" for u in self.users] + [f"team {t}" for t in self.teams]
        return f"request review on {_ref(self.number)} from {', '.join(who)}"


class CreateComment(_Write):
    kind: Literal["create_comment"] = "create_comment"
    number: int
    body: str
    link_new_pull_request: bool = False
    after_commits_to: str | None = None
    """Sent once this run's commits to that branch are made (not at all when one fails)."""
    body_after_fallback: str | None = None
    """The body instead, when branch protection sent that commit through a pull request
    (:data:`FALLBACK_PULL_REQUEST` becomes its number)."""

    def describe(self) -> str:
        line = f"comment on {_ref(self.number)}: {_short(self.body.replace(PULL_REQUEST_LINK, '#<new>'))}"
        return line + (f" (after the commit to {self.after_commits_to})" if self.after_commits_to else "")


class UpdateComment(_Write):
    kind: Literal["update_comment"] = "update_comment"
    comment_id: int
    number: int
    body: str
    after_commits_to: str | None = None
    """Sent once this run's commits to that branch are made; :data:`HEAD_AFTER_COMMITS` in the body becomes
    the branch's new head."""

    def describe(self) -> str:
        return f"edit comment {self.comment_id} on #{self.number}: {_short(self.body)}"


class DeleteComment(_Write):
    """Delete a comment (a 404 means it is already gone: done)."""

    kind: Literal["delete_comment"] = "delete_comment"
    comment_id: int
    number: int

    def describe(self) -> str:
        return f"delete comment {self.comment_id} on #{self.number}"


class RemoveLabel(_Write):
    """Take one label off an issue (a 404 means it is not there: done). Other labels are left alone."""

    kind: Literal["remove_label"] = "remove_label"
    number: int
    label: str

    def describe(self) -> str:
        return f"remove label {self.label} from #{self.number}"


class CreateLabel(_Write):
    kind: Literal["create_label"] = "create_label"
    name: str
    color: str
    description: str = ""

    def describe(self) -> str:
        return f"create label {self.name} (#{self.color})"


class CreateIssue(_Write):
    kind: Literal["create_issue"] = "create_issue"
    title: str
    body: str
    assignees: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"open issue: {_short(self.title)}"


class UpdateIssue(_Write):
    kind: Literal["update_issue"] = "update_issue"
    number: int
    title: str | None = None
    body: str | None = None
    assignees: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    state: Literal["open", "closed"] | None = None
    state_reason: Literal["completed", "not_planned", "reopened"] | None = None
    after_commits_to: str | None = None
    """Sent once this run's commits to that branch are made (not at all when one fails)."""

    def describe(self) -> str:
        fields = [
            name
            for name in ("title", "body", "assignees", "labels", "state")
            if getattr(self, name) is not None
        ]
        extra = (
            f" → {self.state}" + (f" ({self.state_reason})" if self.state_reason else "")
            if self.state
            else ""
        )
        return f"update issue #{self.number} ({', '.join(fields)}){extra}"


class SetCommitStatus(_Write):
    kind: Literal["set_commit_status"] = "set_commit_status"
    sha: str
    context: str
    state: Literal["pending", "success", "failure", "error"]
    description: str = Field(max_length=140)
    target_url: str | None = None
    head_of: str | None = None
    """Set on this branch's head *after* this run's commits (``sha`` is the head before them): the apply path
    resolves it once the run's document commits are made."""

    def describe(self) -> str:
        where = f"the head of {self.head_of} after this run's commits" if self.head_of else self.sha[:7]
        return f"set status {self.context}={self.state} on {where}: {self.description}"


class TakeLock(_Write):
    """Take the repository's lock ``name`` (a ref under ``refs/postmortem-locks/``) before writes that two runs
    at once must not both make (creating tracking issues: an issue notifies the moment it exists, so a duplicate
    cannot be taken back). Once it is taken, the issue listing ``reread`` is read again and the handler decides
    again: what another run created meanwhile is found by its marker. Held by a live run: this run stops there.
    """

    kind: Literal["take_lock"] = "take_lock"
    name: str
    reread: str
    """The label of the issue listing to read again once the lock is held."""
    base: str
    """The branch whose root tree the lock's commit reuses (the default branch: no tree is written)."""

    def describe(self) -> str:
        return f"take the lock refs/postmortem-locks/{self.name} (then read the {self.reread} issues again)"


class ReleaseLock(_Write):
    """Delete the lock ``name`` this run took (the end of a run releases it too, also after a failure)."""

    kind: Literal["release_lock"] = "release_lock"
    name: str

    def describe(self) -> str:
        return f"release the lock refs/postmortem-locks/{self.name}"


def around(writes: list[Write], lock: TakeLock, kinds: tuple[type[_Write], ...]) -> list[Write]:
    """``writes`` with ``lock`` taken just before the first write of ``kinds`` and released just after the last;
    unchanged when there is none."""
    places = [i for i, write in enumerate(writes) if isinstance(write, kinds)]
    if not places:
        return writes
    first, last = places[0], places[-1]
    return [
        *writes[:first],
        lock,
        *writes[first : last + 1],
        ReleaseLock(name=lock.name),
        *writes[last + 1 :],
    ]


Write = Annotated[
    CreateBranch
    | PutFile
    | CommitFiles
    | CreatePullRequest
    | UpdatePullRequest
    | AddLabels
    | RequestReviewers
    | CreateComment
    | UpdateComment
    | DeleteComment
    | RemoveLabel
    | CreateLabel
    | CreateIssue
    | UpdateIssue
    | SetCommitStatus
    | TakeLock
    | ReleaseLock,
    Field(discriminator="kind"),
]


class Message(BaseModel):
    """Something the run tells the user: a log line (and a summary line) at a given level."""

    model_config = ConfigDict(frozen=True)

    level: Literal["debug", "info", "notice", "warning", "error"] = "info"
    """``debug``: a handler the event does not concern says so in one line the runner hides by default."""
    text: str


class Annotation(BaseModel):
    """A workflow annotation on a line of a file, which GitHub shows on the pull request's diff.

    Data, not a log line: the CLI prints it as ``::error file=…,line=…,title=…::message`` (escaped), at most 10
    per level per step, the rest in the step summary. It never counts as a failure of the run.
    """

    model_config = ConfigDict(frozen=True)

    level: Literal["error", "warning", "notice"] = "error"
    file: str
    line: int
    title: str
    message: str


class Plan(BaseModel):
    """The writes a handler intends, in order, and what it wants to say.

    ``replan`` asks the runner to decide once more after applying, from the run's snapshot (which the writes
    updated): only where a later *decision* needs what an earlier write created (new issues' numbers written into
    the Action Items table). A later *write* that needs an earlier one's result names it instead
    (:data:`NEW_PULL_REQUEST`, ``head_of``, ``after_commits_to``), and the apply path resolves it.
    """

    writes: list[Write] = Field(default_factory=list)
    messages: list[Message] = Field(default_factory=list)
    replan: bool = False
    retry_on_conflict: bool = False
    """On a 409 stale sha (:class:`~postmortem.errors.Conflict`) of a document this plan edits, decide again from a
    fresh read instead of failing (when every handler that edited the document allows it): for handlers whose
    decision re-applies only their own edits."""
    outputs: dict[str, str] = Field(default_factory=dict)
    """Step outputs the run sets (``pull-request-number``, ``pull-request-url``, ``document-path``)."""
    annotations: list[Annotation] = Field(default_factory=list)
    """Annotations on the documents this plan checked (the completeness check on a post-mortem pull request)."""

    def __bool__(self) -> bool:
        return bool(self.writes)

    def describe(self) -> list[str]:
        """The writes as numbered lines, in the order they would be applied."""
        return [f"{i}. {write.describe()}" for i, write in enumerate(self.writes, start=1)]

    def add(self, *writes: Write) -> None:
        self.writes.extend(writes)

    def say(self, text: str, level: Literal["debug", "info", "notice", "warning", "error"] = "info") -> None:
        self.messages.append(Message(level=level, text=text))


NEW_PULL_REQUEST = 0
"""Stands for "the pull request this plan creates" in a write's ``number`` (GitHub numbers start at 1).

The runner replaces it with the real number once :class:`CreatePullRequest` has been applied, and a
:class:`CreateComment` with ``link_new_pull_request`` gets the new pull request's address in place of
:data:`PULL_REQUEST_LINK`. This keeps a whole flow in one plan, so a dry run shows every write in order.
"""

PULL_REQUEST_LINK = "{{new-pull-request}}"

FALLBACK_PULL_REQUEST = "{{fallback-pull-request}}"
"""In :attr:`CreateComment.body_after_fallback`: the pull request a refused commit was proposed in."""
HEAD_AFTER_COMMITS = "{{head-after-commits}}"
"""In the body of a comment sent after this run's commits: the head commit they made."""


def resolve_new_pull_request(write: Write, new_pull_number: int | None) -> Write:
    """``write`` with :data:`NEW_PULL_REQUEST` / :data:`PULL_REQUEST_LINK` replaced by the created pull request.

    A write that refers to neither is returned as it is. :class:`GitHubError` when it refers to one but the
    plan created no pull request before it (a bug in the handler that built the plan).
    """
    refers = getattr(write, "number", None) == NEW_PULL_REQUEST
    links = isinstance(write, CreateComment) and write.link_new_pull_request
    if not (refers or links):
        return write
    if new_pull_number is None:
        raise GitHubError(
            f"Cannot {write.describe()}: the plan created no pull request before it. "
            "This is a bug in postmortem-action; please report it."
        )
    update: dict[str, object] = {"number": new_pull_number} if refers else {}
    if isinstance(write, CreateComment) and links:
        update["body"] = write.body.replace(PULL_REQUEST_LINK, f"#{new_pull_number}")
        update["link_new_pull_request"] = False
    return write.model_copy(update=update)


NEW_COMMENT_ID = "{{new-comment-id}}"
"""Stands for "the id of the comment this plan created last on the same issue" inside a later
:class:`UpdateIssue` body (a reminder records its comment id in the tracking issue's marker)."""


def resolve_new_comment(write: Write, created: dict[int, int]) -> Write:
    """``write`` with :data:`NEW_COMMENT_ID` in an :class:`UpdateIssue` body replaced by the id of the comment
    created earlier in the plan on the same issue (``created``: issue number → comment id).

    :class:`GitHubError` when the body refers to one but no comment was created on that issue before it.
    """
    if not isinstance(write, UpdateIssue) or write.body is None or NEW_COMMENT_ID not in write.body:
        return write
    comment_id = created.get(write.number)
    if comment_id is None:
        raise GitHubError(
            f"Cannot {write.describe()}: the plan created no comment on #{write.number} before it. "
            "This is a bug in postmortem-action; please report it."
        )
    return write.model_copy(update={"body": write.body.replace(NEW_COMMENT_ID, str(comment_id))})
