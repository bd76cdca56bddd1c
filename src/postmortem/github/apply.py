"""The one apply path: writes in order, references to earlier writes resolved, GitHub's refusals recovered.

The gateway sends one write and maps its errors; everything about a *plan* is here:

* **References.** :data:`~postmortem.plan.NEW_PULL_REQUEST` in a write's ``number`` becomes the pull request this
  run created; :data:`~postmortem.plan.NEW_COMMENT_ID` in an issue body becomes the comment this run created last
  on that issue (a reminder records its comment's id); a :class:`~postmortem.plan.SetCommitStatus` with ``head_of`` goes on that branch's head *after*
  this run's commits.
* **One commit per document per run.** A :class:`~postmortem.plan.PutFile` is staged in the
  :class:`~postmortem.github.snapshot.Snapshot` (later reads of the file see it, later edits add to it) and
  committed once per branch: by :meth:`Applier.commit`, called before a write that needs the commit (a pull
  request from that branch) and at the end of the run (:meth:`Applier.finish`).
* **The lock.** A :class:`~postmortem.plan.TakeLock` takes a lock on GitHub (:mod:`postmortem.github.lock`) and
  ends the plan there: it was decided on an issue listing read before the lock, so the listing is read again and
  the handler decides again (``redecide``); a :class:`~postmortem.plan.ReleaseLock` deletes it, and so does
  :meth:`Applier.release_locks` at the end of every run, also a failed one.
* **Fallbacks.** A commit with a ``fallback_branch`` that branch protection refuses goes to that branch through
  a pull request (:func:`commit_through_pull_request`); a review request GitHub refuses as a whole (one bad
  reviewer) is sent reviewer by reviewer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from postmortem import clock
from postmortem.errors import Conflict, GitHubError, NameTaken, PostmortemError, ProtectedBranch
from postmortem.github import lock
from postmortem.github.client import WriteResult
from postmortem.github.snapshot import Snapshot, StagedFile
from postmortem.plan import (
    FALLBACK_PULL_REQUEST,
    HEAD_AFTER_COMMITS,
    CommitFiles,
    CreateBranch,
    CreateComment,
    CreatePullRequest,
    Message,
    Plan,
    PutFile,
    ReleaseLock,
    RequestReviewers,
    SetCommitStatus,
    TakeLock,
    UpdateComment,
    UpdatePullRequest,
    Write,
    resolve_new_comment,
    resolve_new_pull_request,
)

__all__ = ["Applier", "RetryableConflict", "commit_through_pull_request"]


class RetryableConflict(Conflict):
    """A staged document met a 409 and every handler that edited it can decide again from a fresh read."""


@dataclass
class Applier:
    """Applies the plans of one run against its snapshot (see the module docstring)."""

    snapshot: Snapshot
    on_applied: Callable[[WriteResult], None] = lambda _result: None
    say: Callable[[Message], None] = lambda _message: None
    new_pull: WriteResult | None = None
    """The pull request this run created, for :data:`NEW_PULL_REQUEST` references."""
    after_commits: list[Write] = field(default_factory=list)
    """Writes that wait for this run's commits: statuses on a branch's new head, pull-request bodies recording
    the committed blob, the comment announcing a publication."""
    renamed: dict[str, str] = field(default_factory=dict)
    """Paths taken by another file, with the ``alternative_path`` the document was created at instead."""
    fallbacks: dict[str, int] = field(default_factory=dict)
    """Branches whose commit branch protection refused, with the pull request it was proposed in instead."""
    new_comments: dict[int, int] = field(default_factory=dict)
    """Issue number → the id of the comment this run created last on it, for :data:`NEW_COMMENT_ID`."""
    now: Callable[[], datetime] = clock.now
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    """Where this run's id and the lock's duration are read (``GITHUB_RUN_ID``, ``POSTMORTEM_LOCK_MINUTES``)."""
    held: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    """Locks this run holds: name → (the lock commit, its expiry)."""
    redecide: bool = False
    """Set when a plan stopped at a lock it took: its handler must decide again from the fresh listing."""

    def apply(self, plan: Plan) -> None:
        """Apply (or stage) the plan's writes in order (up to a lock it takes: see the module docstring)."""
        for planned in plan.writes:
            if isinstance(planned, TakeLock):
                if planned.name in self.held:
                    continue
                self._take(planned)
                self.redecide = True
                return
            if isinstance(planned, ReleaseLock):
                self._release(planned.name)
                continue
            write = resolve_new_pull_request(planned, self.new_pull.number if self.new_pull else None)
            write = resolve_new_comment(write, self.new_comments)
            if isinstance(write, CreatePullRequest):
                self.commit(write.head)  # GitHub refuses a pull request from a branch without the commit
            write = self._with_renames(write)
            if isinstance(write, PutFile):
                self.snapshot.stage(write, retry_on_conflict=plan.retry_on_conflict)
                continue
            if _waits_for_commits(write):
                self.after_commits.append(write)
                continue
            result = self._send(write)
            if result is not None and isinstance(write, CreatePullRequest):
                self.new_pull = result

    def commit(self, branch: str | None = None) -> None:
        """Commit the staged documents (of ``branch`` only, when given): ONE commit per branch. One file is a
        contents-API commit (one write); several are one Git Data API commit (:class:`CommitFiles`)."""
        branches = dict.fromkeys(b for b, _ in self.snapshot.staged if branch is None or b == branch)
        for name in branches:
            keys = [k for k in self.snapshot.staged if k[0] == name]
            # taken off before sending: a commit that fails is not sent again at the end of the run
            group = [self.snapshot.staged.pop(key) for key in keys]
            try:
                if len(group) == 1:
                    self._commit_one(group[0])
                else:
                    self._commit_together(name, group)
            except Conflict as conflict:
                if isinstance(conflict, NameTaken) or not all(s.retry_on_conflict for s in group):
                    raise
                for key in keys:
                    self.snapshot.unstage(*key)
                raise RetryableConflict(str(conflict), status=conflict.status) from conflict

    def _commit_together(self, branch: str, group: list[StagedFile]) -> None:
        writes = [staged.write for staged in group]
        together = CommitFiles(
            branch=branch,
            files={w.path: w.content for w in writes},
            expected={w.path: w.expected_sha for w in writes},
            message=_merged_message([w.message for w in writes]),
            fallback_branch=next((w.fallback_branch for w in writes if w.fallback_branch), None),
        )
        known = self.snapshot.known_tree(branch)
        if known is not None and all(known[1].blobs.get(p) == sha for p, sha in together.expected.items()):
            # the run read the head's tree already (the catalogue's listing) and the files are as expected on
            # it: one write on that head (else the commit reads the head and checks for itself)
            together = together.model_copy(update={"parent": known[0]})
        self._send_commit(together)

    def finish(self) -> None:
        """The end of a run: commit every staged document, then set the statuses waiting for the new heads."""
        self.commit()
        waiting, self.after_commits = self.after_commits, []
        for write in waiting:
            self._send(self._with_renames(self._after_commits(write)))

    def _with_renames(self, write: Write) -> Write:
        """``write`` naming the paths its document was really created at."""
        if not self.renamed or not isinstance(write, CreatePullRequest | UpdatePullRequest | CreateComment):
            return write
        body = write.body
        if body is None:
            return write
        for old, new in self.renamed.items():
            body = body.replace(old, new)
        return write.model_copy(update={"body": body})

    def _after_commits(self, write: Write) -> Write:
        """A waiting write with what the commits made filled in."""
        if isinstance(write, SetCommitStatus) and write.head_of is not None:
            head = self.snapshot.branch_sha(write.head_of) or write.sha
            return write.model_copy(update={"sha": head, "head_of": None})
        fallback = (
            self.fallbacks.get(write.after_commits_to or "") if isinstance(write, CreateComment) else None
        )
        if (
            isinstance(write, CreateComment)
            and fallback is not None
            and write.body_after_fallback is not None
        ):
            body = write.body_after_fallback.replace(FALLBACK_PULL_REQUEST, str(fallback))
            write = write.model_copy(update={"body": body})
        if isinstance(write, CreateComment | UpdateComment) and write.after_commits_to is not None:
            head = self.snapshot.branch_sha(write.after_commits_to) or ""
            write = write.model_copy(update={"body": write.body.replace(HEAD_AFTER_COMMITS, head)})
        if isinstance(write, CreateComment):
            return write.model_copy(update={"after_commits_to": None, "body_after_fallback": None})
        return write.model_copy(update={"after_commits_to": None})

    def _take(self, write: TakeLock) -> None:
        now = self.now()
        holder = lock.Holder.from_environ(self.environ, now)
        sha = lock.take(self.snapshot.gateway, write.name, holder, base=write.base, now=now)
        self.held[write.name] = (sha, holder.expires)
        self.snapshot.locks.add(write.name)
        self.snapshot.forget_issues(write.reread)
        self._record(WriteResult(write=write, sha=sha))

    def _release(self, name: str) -> None:
        """Release a lock this run holds; a refusal is said, not raised (the lock's expiry covers it)."""
        taken = self.held.pop(name, None)
        if taken is None:
            return
        self.snapshot.locks.discard(name)
        sha, expires = taken
        try:
            lock.release(self.snapshot.gateway, name, sha, expires=expires, now=self.now())
        except PostmortemError as error:
            until = expires.strftime("%H:%M UTC")
            text = (
                f"Could not release refs/{lock.LOCK_NAMESPACE}/{name}: {error} It expires at {until}; until then "
                "other runs of this workflow create no tracking issue (they say so)."
            )
            self.say(Message(level="warning", text=text))
            return
        self._record(WriteResult(write=ReleaseLock(name=name), sha=sha))

    def release_locks(self) -> None:
        """The end of a run, also a failed one: release every lock still held (best effort)."""
        for name in list(self.held):
            self._release(name)

    def forget_pending(self) -> None:
        """Drop what waits for the commits (the handlers decide again after a 409 and plan it anew)."""
        self.snapshot.staged.clear()
        self.after_commits.clear()

    def _commit_one(self, staged: StagedFile) -> None:
        self._send_commit(staged.write)

    def _send_commit(self, write: PutFile | CommitFiles) -> None:
        """Send one commit. A new file whose name is taken goes to :meth:`_create_elsewhere`; when branch
        protection refuses the commit, it goes through the fallback pull request."""
        try:
            try:
                self._record(self.snapshot.gateway.send(write))
            except Conflict:
                if not isinstance(write, CommitFiles) or write.parent is None:
                    raise
                # the head the run knew moved (or was the event's, and is not the branch's any more): once more,
                # reading the head and its tree, so only a real change of these files is a conflict
                self._record(self.snapshot.gateway.send(write.model_copy(update={"parent": None})))
        except NameTaken:
            if not isinstance(write, PutFile):
                raise
            self._create_elsewhere(write)
        except ProtectedBranch as refusal:
            if write.fallback_branch is None:
                raise
            results, number = commit_through_pull_request(self.snapshot, write, str(refusal), self.say)
            for result in results:
                self._record(result)
            if number is not None:
                self.fallbacks[write.branch] = number

    def _create_elsewhere(self, write: PutFile) -> None:
        """A new file's name is taken: it is this very document (an earlier run's), or another file, and then
        the document is created at its ``alternative_path``."""
        current = self.snapshot.gateway.get_file(write.path, write.branch)
        if current is not None and current.text == write.content:
            self._record(WriteResult(write=write, sha=current.sha, note="already existed"))
            return
        if write.branch not in self.snapshot.created_branches and write.alternative_path is not None:
            # the branch is an earlier run's: the file is that run's draft, kept as it is
            self.say(
                Message(
                    level="warning",
                    text=f"{write.path} on {write.branch} differs from the generated draft; keeping the "
                    "branch's version.",
                )
            )
            return
        if write.alternative_path is None:
            raise NameTaken(
                f"Cannot create {write.path} on {write.branch}: another file has that name; nothing was "
                "overwritten. Move or rename it, then rerun the workflow."
            )
        moved = write.model_copy(update={"path": write.alternative_path, "alternative_path": None})
        self._record(self.snapshot.gateway.send(moved))
        self.renamed[write.path] = write.alternative_path

    def _send(self, write: Write) -> WriteResult | None:
        try:
            result = self.snapshot.gateway.send(write)
        except GitHubError as error:
            # GitHub refuses a whole review request for one bad reviewer (not a collaborator, the author, a
            # team without access): ask the others one by one, and name the refused ones.
            if not isinstance(write, RequestReviewers) or error.status != 422:
                raise
            for single in _request_one_by_one(self.snapshot, write, self.say):
                self._record(single)
            return None
        self._record(result)
        return result

    def _record(self, result: WriteResult) -> None:
        if isinstance(result.write, CreateComment) and result.number is not None:
            self.new_comments[result.write.number] = result.number
        self.snapshot.record(result)
        self.on_applied(result)


def _merged_message(messages: list[str]) -> str:
    """One commit message for the documents of one commit: the first subject, then the others."""
    first, *others = messages
    subjects = [m.splitlines()[0] for m in others if m and m.splitlines()[0] not in first.splitlines()]
    return "\n".join([first, "", *subjects]) if subjects else first


def _waits_for_commits(write: Write) -> bool:
    if isinstance(write, SetCommitStatus):
        return write.head_of is not None
    return getattr(write, "after_commits_to", None) is not None


def _request_one_by_one(
    snapshot: Snapshot, write: RequestReviewers, say: Callable[[Message], None]
) -> list[WriteResult]:
    singles = [write.model_copy(update={"users": (user,), "teams": ()}) for user in write.users]
    singles += [write.model_copy(update={"users": (), "teams": (team,)}) for team in write.teams]
    results: list[WriteResult] = []
    if len(singles) < 2:
        say(Message(level="warning", text=f"Could not {write.describe()}: GitHub refused it (422)."))
        return results
    for single in singles:
        try:
            results.append(snapshot.gateway.send(single))
        except GitHubError as error:
            if error.status != 422:
                raise
            say(Message(level="warning", text=f"Could not {single.describe()}: {error}"))
    return results


def commit_through_pull_request(
    snapshot: Snapshot, write: PutFile | CommitFiles, reason: str, say: Callable[[Message], None]
) -> tuple[list[WriteResult], int | None]:
    """Commit ``write`` to its fallback branch and open (or reuse) a pull request into the protected branch;
    the writes made and the pull request's number.

    Optimistic: the branch is created (422 "Reference already exists" means it is there), and the pull request
    opened (422 "already exists" means it is open); only the file on the fallback branch is read, for its sha.
    """
    assert write.fallback_branch is not None
    gateway = snapshot.gateway
    branch = write.fallback_branch
    paths = ", ".join(write.files) if isinstance(write, CommitFiles) else write.path
    results: list[WriteResult] = []
    base_sha = snapshot.branch_sha(write.branch)
    if base_sha is None:
        raise GitHubError(f"Cannot commit {paths}: branch {write.branch} no longer exists.")
    created = gateway.send(CreateBranch(branch=branch, from_sha=base_sha))
    if not created.note:
        results.append(created)
    if isinstance(write, CommitFiles):
        # a branch just made from the protected one holds the files the commit was based on; an earlier run's
        # fallback branch is the action's own
        expected = write.expected if not created.note else {}
        moved = write.model_copy(
            update={
                "branch": branch,
                "expected": expected,
                "fallback_branch": None,
                # a branch just made at the head the files were checked on: one write again
                "parent": base_sha if not created.note and write.parent == base_sha else None,
            }
        )
        results.append(gateway.send(moved))
    else:
        # A branch just made from the protected one holds the file the commit was based on.
        current = gateway.get_file(write.path, branch) if created.note else None
        if not created.note or current is None or current.text != write.content:
            sha = write.expected_sha if not created.note else (current.sha if current else None)
            results.append(
                gateway.send(
                    write.model_copy(update={"branch": branch, "expected_sha": sha, "fallback_branch": None})
                )
            )
    opened = gateway.send(
        CreatePullRequest(
            head=branch,
            base=write.branch,
            title=write.message.splitlines()[0][:200],
            body=f"Branch protection on `{write.branch}` refused the action's direct commit to `{paths}`,"
            " so it is proposed here. Merge this pull request to apply it.",
            draft=False,
        )
    )
    if not opened.note:
        results.append(opened)
    say(
        Message(
            level="warning",
            text=f"Branch protection on {write.branch} refused a direct commit ({reason.rstrip('.')}); "
            f"the change to {paths} is proposed in pull request #{opened.number} instead.",
        )
    )
    return results, opened.number
