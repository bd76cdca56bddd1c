"""The one apply path: writes in order, references to earlier writes resolved, GitHub's refusals recovered."""

from __future__ import annotations

from collections.abc import Callable

from postmortem.errors import GitHubError, ProtectedBranch
from postmortem.github.client import Gateway, WriteResult
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
