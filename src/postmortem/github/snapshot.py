"""The per-run snapshot: one typed read-through cache over the :class:`Gateway`, shared by every handler of a run.

Each GitHub resource is read at most once per run. Writes the apply path makes are folded back in
(:meth:`Snapshot.record`), so a handler that runs after another one (or a later round of the same handler)
decides from what GitHub holds now, without asking again.

Document edits are *staged* here instead of being committed at once (:meth:`Snapshot.stage`): every edit a run
makes to one file on one branch (the Issue cells, then ``status: In Review``) reads the staged text and adds to
it, and the apply path commits the result once (:mod:`postmortem.github.apply`). Reads of that file answer the
staged text meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from postmortem.errors import NotText
from postmortem.github.client import Gateway, WriteResult
from postmortem.github.models import (
    Comment,
    CommitStatus,
    DirEntry,
    FileContent,
    GitTree,
    Issue,
    IssueActivity,
    Label,
    Permission,
    PullRequest,
    Review,
    TeamMembers,
    WorkflowSettings,
    git_blob_sha,
)
from postmortem.plan import (
    AddLabels,
    CommitFiles,
    CreateBranch,
    CreateComment,
    CreateIssue,
    CreateLabel,
    CreatePullRequest,
    DeleteComment,
    PutFile,
    RemoveLabel,
    RequestReviewers,
    SetCommitStatus,
    UpdateComment,
    UpdateIssue,
    UpdatePullRequest,
)

__all__ = ["Snapshot", "StagedFile"]

_T = TypeVar("_T")
_MISSING = object()


@dataclass
class StagedFile:
    """A document's edits of this run, merged: committed once by the apply path."""

    write: PutFile
    """The commit to make: the latest content, with the blob sha the run first read (``expected_sha``)."""
    retry_on_conflict: bool
    """Whether every handler that edited it re-decides from a fresh read on a 409 (else the run fails)."""


@dataclass
class Snapshot:
    """What one run knows of GitHub: read once, kept up to date by the run's own writes."""

    gateway: Gateway
    _reads: dict[tuple[object, ...], object] = field(default_factory=dict)
    staged: dict[tuple[str, str], StagedFile] = field(default_factory=dict)
    """Document edits not committed yet, by ``(branch, path)``."""
    committed_branches: set[str] = field(default_factory=set)
    """Branches whose head this run moved (or found moved by an earlier, cut-off run): statuses go on the new head."""
    created_branches: set[str] = field(default_factory=set)
    """Branches this run created (a brand-new draft has no review to report yet)."""
    locks: set[str] = field(default_factory=set)
    """The locks this run holds (:mod:`postmortem.github.lock`): a handler plans no second take."""

    # ------------------------------------------------------------------------------------------------ reading

    def _once(self, key: tuple[object, ...], read: Callable[[], _T]) -> _T:
        value = self._reads.get(key, _MISSING)
        if value is _MISSING:
            try:
                value = read()
            except NotText as error:
                value = error  # a binary file stays binary for the rest of the run
            self._reads[key] = value
        if isinstance(value, NotText):
            raise value
        return value  # type: ignore[return-value]

    def file(self, path: str, ref: str) -> FileContent | None:
        """A file on a branch (with this run's staged edits) or at a sha; None when absent."""
        staged = self.staged.get((ref, path))
        if staged is not None:
            content = staged.write.content
            return FileContent(path=path, sha=git_blob_sha(content), text=content)
        return self._once(("file", ref, path), lambda: self.gateway.get_file(path, ref))

    def directory(self, path: str, ref: str) -> list[DirEntry]:
        return self._once(("dir", ref, path), lambda: self.gateway.list_directory(path, ref))

    def tree(self, ref: str) -> GitTree | None:
        """A commit's whole tree with each blob's sha (one request, recursive); None when it does not exist."""
        return self._once(("tree", ref), lambda: self.gateway.get_tree(ref))

    def known_tree(self, branch: str) -> tuple[str, GitTree] | None:
        """The branch's head and its tree, when this run read both and did not move the branch since."""
        head = self._reads.get(("branch", branch))
        tree = self._reads.get(("tree", head)) if isinstance(head, str) else None
        if not isinstance(head, str) or not isinstance(tree, GitTree) or branch in self.committed_branches:
            return None
        return head, tree

    def prime_branch(self, branch: str, sha: str) -> str | None:
        """The head the event names (a push's ``after``, a merge commit), unless the run read the branch already;
        the head the run now knows.

        Optimistic: a head that moved since makes the run's commit answer "not a fast forward" (a conflict)."""
        value = self._reads.setdefault(("branch", branch), sha)
        return value if isinstance(value, str) else None

    def forget_branch(self, branch: str) -> None:
        """The branch's head is to be read again (the one the event named is not a commit GitHub knows)."""
        self._reads.pop(("branch", branch), None)

    def branch_sha(self, branch: str) -> str | None:
        """The commit a branch points at (after this run's commits); None when it does not exist."""
        return self._once(("branch", branch), lambda: self.gateway.get_branch_sha(branch))

    def pull_request(self, number: int) -> PullRequest:
        """A pull request as it is now (a rerun of an old event must not go back in time)."""
        return self._once(("pull", number), lambda: self.gateway.get_pull_request(number))

    def pull_request_from(self, head: str) -> PullRequest | None:
        """The newest pull request (any state) from ``head`` of this repository, or None."""
        found = self._once(("pull-from", head), lambda: self.gateway.find_pull_request(head))
        if found is not None:
            known = self._reads.get(("pull", found.number))
            return known if isinstance(known, PullRequest) else found
        return found

    def open_pull_requests(self) -> list[PullRequest]:
        return self._once(("pulls", "open"), lambda: self.gateway.list_pull_requests(state="open"))

    def issue(self, number: int) -> Issue:
        return self._once(("issue", number), lambda: self.gateway.get_issue(number))

    def issues_labelled(self, label: str, state: str = "all") -> list[Issue]:
        """Issues carrying ``label`` (one paginated listing per run), with the issues this run created."""
        return self._once(
            ("issues", label.casefold(), state), lambda: self.gateway.list_issues(labels=[label], state=state)
        )

    def forget_issues(self, label: str) -> None:
        """Read the listings of ``label`` again when next asked (another run may have created issues: a lock
        this run just took says it is done)."""
        for key in [k for k in self._reads if k[0] == "issues" and k[1] == label.casefold()]:
            del self._reads[key]

    def comments(self, number: int) -> list[Comment]:
        """The comments on an issue or pull request; none read when the issue, as read this run, has none."""
        issue = self._reads.get(("issue", number))
        if isinstance(issue, Issue) and issue.comments == 0 and ("comments", number) not in self._reads:
            self._reads[("comments", number)] = []
        return self._once(("comments", number), lambda: self.gateway.list_comments(number))

    def issue_timeline(self, number: int) -> list[IssueActivity]:
        """An issue's comments, labels added, closings and reopenings (the timeline endpoint, read once)."""
        return self._once(("timeline", number), lambda: self.gateway.list_issue_timeline(number))

    def comments_if_read(self, number: int) -> list[Comment] | None:
        """The comments on an issue when this run has read them already (else None: no request is made)."""
        known = self._reads.get(("comments", number))
        return known if isinstance(known, list) else None

    def reviews(self, number: int) -> list[Review]:
        return self._once(("reviews", number), lambda: self.gateway.list_reviews(number))

    def statuses(self, sha: str) -> list[CommitStatus]:
        return self._once(("statuses", sha), lambda: self.gateway.list_statuses(sha))

    def labels(self) -> list[Label]:
        return self._once(("labels",), self.gateway.list_labels)

    def workflow_settings(self) -> WorkflowSettings | None:
        """The repository's Actions workflow settings; None when the token may not read them."""
        return self._once(("workflow-settings",), self.gateway.get_workflow_settings)

    def permission(self, login: str) -> Permission:
        """The user's role on the repository ("none" for the deleted-user placeholder ``ghost``)."""
        if not login or login == "ghost":
            return "none"
        return self._once(("permission", login.casefold()), lambda: self.gateway.get_permission(login))

    def known_permissions(self) -> dict[str, Permission]:
        """The permissions read so far this run, by casefolded login."""
        return {
            str(key[1]): value  # type: ignore[misc]
            for key, value in self._reads.items()
            if key[0] == "permission" and isinstance(value, str)
        }

    def team_members(self, team: str) -> TeamMembers:
        return self._once(("team", team), lambda: self.gateway.list_team_members(team))

    def moved(self, branch: str) -> bool:
        """Whether this run commits (or committed) to ``branch``: its head is not the one the event names."""
        return branch in self.committed_branches or any(b == branch for b, _ in self.staged)

    def note_moved(self, branch: str) -> None:
        """An earlier run moved ``branch`` and stopped before reporting on it: treat it as moved by this one."""
        self.committed_branches.add(branch)

    def prime(self, *known: Issue | PullRequest) -> None:
        """Answers known before the run (``postmortem try`` shows an issue or pull request as it was read)."""
        for item in known:
            if isinstance(item, PullRequest):
                self._put_pull(item)
            else:
                self._reads[("issue", item.number)] = item

    def prime_file(self, path: str, ref: str, file: FileContent | None) -> None:
        """A file read before the run's snapshot existed (the CLI reads the config to build the Context)."""
        self._reads.setdefault(("file", ref, path), file)

    # ------------------------------------------------------------------------------------------------ staging

    def stage(self, write: PutFile, *, retry_on_conflict: bool) -> None:
        """Add a document edit to this run's one commit of that document (see the module docstring)."""
        key = (write.branch, write.path)
        earlier = self.staged.get(key)
        if earlier is None:
            self.staged[key] = StagedFile(write=write, retry_on_conflict=retry_on_conflict)
            return
        merged = earlier.write.model_copy(
            update={
                "content": write.content,
                "message": _merge_messages(earlier.write.message, write.message),
                "fallback_branch": earlier.write.fallback_branch or write.fallback_branch,
            }
        )
        self.staged[key] = StagedFile(
            write=merged, retry_on_conflict=earlier.retry_on_conflict and retry_on_conflict
        )

    def unstage(self, branch: str, path: str) -> None:
        """Forget a staged edit and the file's read (a 409: the next read is fresh)."""
        self.staged.pop((branch, path), None)
        self._reads.pop(("file", branch, path), None)
        self._reads.pop(("branch", branch), None)

    # ------------------------------------------------------------------------------------------------ writes

    def record(self, result: WriteResult) -> None:
        """Fold an applied write into what the run knows."""
        write = result.write
        match write:
            case CreateBranch():
                if not result.note:  # "already existed": an earlier run's branch, maybe with its commits
                    self.created_branches.add(write.branch)
                self._reads[("branch", write.branch)] = result.sha or write.from_sha
            case PutFile():
                self._committed(write.branch, result.commit)
                self._reads[("file", write.branch, write.path)] = FileContent(
                    path=write.path, sha=result.sha or git_blob_sha(write.content), text=write.content
                )
                if result.commit:
                    self._reads[("file", result.commit, write.path)] = self._reads[
                        ("file", write.branch, write.path)
                    ]
                for key in [k for k in self._reads if k[0] == "dir" and k[1] == write.branch]:
                    del self._reads[key]
            case CommitFiles():
                self._committed(write.branch, result.commit)
                for path, text in write.files.items():
                    content = FileContent(path=path, sha=git_blob_sha(text), text=text)
                    self._reads[("file", write.branch, path)] = content
                    if result.commit:
                        self._reads[("file", result.commit, path)] = content
                for key in [k for k in self._reads if k[0] == "dir" and k[1] == write.branch]:
                    del self._reads[key]
            case CreatePullRequest():
                if result.pull is not None:
                    self._put_pull(result.pull)
                else:
                    self._reads.pop(("pull-from", write.head), None)
                self._reads.pop(("pulls", "open"), None)
            case UpdatePullRequest():
                if result.pull is not None:
                    self._put_pull(result.pull)
                else:
                    self._update_pull(write.number, title=write.title, body=write.body)
            case AddLabels():
                self._update_pull(write.number, add_labels=write.labels)
                self._update_issue(write.number, add_labels=write.labels)
            case RequestReviewers():
                self._update_pull(write.number, reviewers=write.users, teams=write.teams)
            case CreateComment():
                comments = self._reads.get(("comments", write.number))
                issue = self._reads.get(("issue", write.number))
                if isinstance(comments, list) and result.comment is not None:
                    comments.append(result.comment)
                elif isinstance(comments, list):
                    del self._reads[("comments", write.number)]
                if isinstance(issue, Issue) and issue.comments is not None:
                    self._reads[("issue", write.number)] = issue.model_copy(
                        update={"comments": issue.comments + 1}
                    )
            case UpdateComment():
                comments = self._reads.get(("comments", write.number))
                if isinstance(comments, list):
                    comments[:] = [
                        c.model_copy(update={"body": write.body}) if c.id == write.comment_id else c
                        for c in comments
                    ]
            case DeleteComment():
                comments = self._reads.get(("comments", write.number))
                if isinstance(comments, list):
                    comments[:] = [c for c in comments if c.id != write.comment_id]
            case RemoveLabel():
                self._remove_label(write.number, write.label)
            case CreateLabel():
                labels = self._reads.get(("labels",))
                if isinstance(labels, list):
                    labels.append(Label(name=write.name, color=write.color, description=write.description))
            case CreateIssue():
                if result.issue is not None:
                    self._put_issue(result.issue)
            case UpdateIssue():
                if result.issue is not None:
                    self._put_issue(result.issue)
                else:
                    self._reads.pop(("issue", write.number), None)
            case SetCommitStatus():
                statuses = self._reads.get(("statuses", result.sha or write.sha))
                if isinstance(statuses, list):
                    statuses.insert(
                        0,
                        CommitStatus(
                            context=write.context,
                            state=write.state,
                            description=write.description,
                            target_url=write.target_url,
                        ),
                    )

    def _committed(self, branch: str, commit: str | None) -> None:
        self.committed_branches.add(branch)
        if commit is None:
            self._reads.pop(("branch", branch), None)
            return
        self._reads[("branch", branch)] = commit
        for key, value in list(self._reads.items()):
            if isinstance(value, PullRequest) and value.head_ref == branch and value.state == "open":
                self._reads[key] = value.model_copy(update={"head_sha": commit})

    def _put_pull(self, pull: PullRequest) -> None:
        self._reads[("pull", pull.number)] = pull
        self._reads[("pull-from", pull.head_ref)] = pull

    def _update_pull(
        self,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        add_labels: Sequence[str] = (),
        reviewers: Sequence[str] = (),
        teams: Sequence[str] = (),
    ) -> None:
        for key, value in list(self._reads.items()):
            if isinstance(value, PullRequest) and value.number == number:
                self._reads[key] = value.model_copy(
                    update={
                        "title": value.title if title is None else title,
                        "body": value.body if body is None else body,
                        "labels": _union(value.labels, add_labels),
                        "requested_reviewers": _union(value.requested_reviewers, reviewers),
                        "requested_teams": _union(value.requested_teams, teams),
                    }
                )

    def _update_issue(self, number: int, *, add_labels: Sequence[str]) -> None:
        issue = self._reads.get(("issue", number))
        if isinstance(issue, Issue):
            self._put_issue(issue.model_copy(update={"labels": _union(issue.labels, add_labels)}))

    def _remove_label(self, number: int, label: str) -> None:
        """A label taken off an issue: in its own entry and in the listings (out of that label's listings)."""
        issue = self._reads.get(("issue", number))
        if not isinstance(issue, Issue):
            issue = next(
                (
                    i
                    for key, value in self._reads.items()
                    if key[0] == "issues" and isinstance(value, list)
                    for i in value
                    if isinstance(i, Issue) and i.number == number
                ),
                None,
            )
        if isinstance(issue, Issue):
            kept = tuple(name for name in issue.labels if name.casefold() != label.casefold())
            self._put_issue(issue.model_copy(update={"labels": kept}))

    def _put_issue(self, issue: Issue) -> None:
        """An issue created or edited: in its own entry and in every listing whose filter it passes."""
        self._reads[("issue", issue.number)] = issue
        names = {label.casefold() for label in issue.labels}
        for key, value in self._reads.items():
            if key[0] != "issues" or not isinstance(value, list):
                continue
            _, label, state = key
            fits = label in names and state in ("all", issue.state)
            kept = [i for i in value if i.number != issue.number]
            if fits:
                kept.insert(0, issue)  # newest first, as GitHub lists them
            value[:] = kept


def _union(have: Sequence[str], add: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*have, *add]))


def _merge_messages(first: str, second: str) -> str:
    """One commit message for several edits of a document: the first edit's subject, the others below it."""
    subject = second.splitlines()[0] if second else ""
    if not subject or subject in first.splitlines():
        return first
    return f"{first}\n{subject}" if "\n\n" in first else f"{first}\n\n{subject}"
