"""The example workflow's `on:` and `if:`, evaluated against GitHub's real webhook examples.

Each case loads a published payload (tests/fixtures/webhooks/real/, see SOURCES.md there) and changes only
the fields named in the table, to reach the situations the examples do not show (an approval, a private
org member, a fork, a `postmortem/` branch). The repository in the examples is Codertocat/Hello-World,
whose default branch is `master`: the example must work there unedited.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.workflows.gha_eval import evaluate, github_context, triggers

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "fixtures" / "webhooks" / "real"
EXAMPLE = ROOT / "examples" / "workflows" / "postmortem.yml"
OWN = ROOT / ".github" / "workflows" / "postmortem.yml"

INCIDENT = {"id": 1, "name": "incident", "color": "d73a4a", "default": False}
ACTION_ITEM = {"id": 2, "name": "action-item", "color": "0e8a16", "default": False}
FOLLOW_UP = {"id": 3, "name": "postmortem-follow-up", "color": "fbca04", "default": False}
PM_BRANCH = "postmortem/incident-1"
FORK = "mallory/Hello-World"


def load_workflow(path: Path) -> dict[str, Any]:
    # BaseLoader: `on:` stays the key "on" (YAML 1.1 reads it as True), scalars stay strings.
    data: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return data


def real(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REAL / f"{name}.payload.json").read_text(encoding="utf-8"))
    return data


def derive(name: str, changes: dict[str, Any]) -> dict[str, Any]:
    """A real payload with the dotted fields in ``changes`` set (``None`` deletes the field)."""
    payload = copy.deepcopy(real(name))
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node = payload
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return payload


def runs(workflow: dict[str, Any], event_name: str, payload: dict[str, Any]) -> bool:
    """Whether GitHub starts the job: the `on:` filters, then the job's `if:`."""
    if not triggers(workflow["on"], event_name, payload):
        return False
    (job,) = workflow["jobs"].values()
    return bool(evaluate(job["if"], {"github": github_context(event_name, payload)}))


def push_to(ref: str, *paths: str, deleted: bool = False) -> dict[str, Any]:
    commit = {"id": "a" * 40, "message": "m", "added": [], "removed": [], "modified": list(paths)}
    return derive(
        "push",
        {
            "ref": ref,
            "deleted": deleted,
            "after": "0" * 40 if deleted else "a" * 40,
            "commits": [] if deleted else [commit],
            "head_commit": None if deleted else commit,
        },
    )


def review(state: str, association: str, **more: Any) -> dict[str, Any]:
    return derive(
        "pull_request_review.submitted",
        {
            "review.state": state,
            "review.author_association": association,
            "pull_request.head.ref": PM_BRANCH,
            **more,
        },
    )


# (case id, event name, payload, runs?)
CASES: list[tuple[str, str, dict[str, Any], bool]] = [
    # Item 1: approvals by org members whose membership is private arrive as CONTRIBUTOR or NONE.
    ("approval by a private org member (CONTRIBUTOR) runs", "pull_request_review", review("approved", "CONTRIBUTOR"), True),
    ("approval with association NONE runs", "pull_request_review", review("approved", "NONE"), True),
    ("changes requested by a private member runs", "pull_request_review", review("changes_requested", "CONTRIBUTOR"), True),
    ("approval by an owner runs", "pull_request_review", review("approved", "OWNER"), True),
    # Item 2: the published `submitted` example is a commented review by the OWNER.
    ("commented review (real example, OWNER) skips", "pull_request_review", derive("pull_request_review.submitted", {"pull_request.head.ref": PM_BRANCH}), False),
    ("inline review comment (a commented review) skips", "pull_request_review", review("commented", "MEMBER"), False),
    ("dismissed review runs", "pull_request_review", derive("pull_request_review.dismissed", {"pull_request.head.ref": PM_BRANCH}), True),
    ("review on a branch that is not a post-mortem skips", "pull_request_review", real("pull_request_review.submitted"), False),
    ("approval on a fork's pull request skips", "pull_request_review", review("approved", "OWNER", **{"pull_request.head.repo.full_name": FORK}), False),
    ("approval on a pull request whose fork was deleted skips", "pull_request_review", review("approved", "OWNER", **{"pull_request.head.repo": None}), False),
    # Pull requests.
    ("post-mortem pull request opened runs", "pull_request", derive("pull_request.opened", {"pull_request.head.ref": PM_BRANCH}), True),
    ("post-mortem pull request synchronize runs", "pull_request", derive("pull_request.synchronize", {"pull_request.head.ref": PM_BRANCH}), True),
    ("post-mortem pull request closed runs", "pull_request", derive("pull_request.closed", {"pull_request.head.ref": PM_BRANCH}), True),
    ("other pull request (real example) skips", "pull_request", real("pull_request.opened"), False),
    ("post-mortem-named branch from a fork skips", "pull_request", derive("pull_request.opened", {"pull_request.head.ref": PM_BRANCH, "pull_request.head.repo.full_name": FORK}), False),
    # Issues.
    ("issue labelled bug only (real example) skips", "issues", real("issues.opened"), False),
    ("incident issue opened runs", "issues", derive("issues.opened", {"issue.labels": [INCIDENT]}), True),
    ("incident label added runs", "issues", derive("issues.labeled", {"issue.labels": [INCIDENT], "label": INCIDENT}), True),
    ("action-item issue closed runs", "issues", derive("issues.edited", {"action": "closed", "issue.state": "closed", "issue.labels": [ACTION_ITEM]}), True),
    ("follow-up issue closed runs", "issues", derive("issues.edited", {"action": "closed", "issue.state": "closed", "issue.labels": [FOLLOW_UP]}), True),
    ("label is matched ignoring case", "issues", derive("issues.opened", {"issue.labels": [dict(INCIDENT, name="Incident")]}), True),
    # issue_comment.
    ("comment on an incident issue runs", "issue_comment", derive("issue_comment.created", {"issue.labels": [INCIDENT]}), True),
    ("comment edited on an incident issue runs", "issue_comment", derive("issue_comment.created", {"action": "edited", "issue.labels": [INCIDENT]}), True),
    ("comment deleted on an incident issue runs", "issue_comment", derive("issue_comment.created", {"action": "deleted", "issue.labels": [INCIDENT]}), True),
    ("comment on a non-incident issue (real example) skips", "issue_comment", real("issue_comment.created"), False),
    ("comment on a pull request labelled incident skips", "issue_comment", derive("issue_comment.created", {"issue.labels": [INCIDENT], "issue.pull_request": {"url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1"}}), False),
    # Item 3: the examples' default branch is master.
    ("push to master (the default branch) touching postmortems/ runs", "push", push_to("refs/heads/master", "postmortems/2026-01-01-db.md"), True),
    ("push to master not touching postmortems/ is not triggered", "push", push_to("refs/heads/master", "README.md"), False),
    ("push to a post-mortem branch skips", "push", push_to(f"refs/heads/{PM_BRANCH}", "postmortems/2026-01-01-db.md"), False),
    ("push to a branch named like a tag of the default branch skips", "push", push_to("refs/tags/master", "postmortems/x.md"), False),
    ("deleted tag (real example) skips", "push", real("push"), False),
    ("deleted default branch skips", "push", push_to("refs/heads/master", deleted=True), False),
    # Everything else.
    ("schedule runs", "schedule", {"schedule": "17 6 * * *"}, True),
    ("workflow_dispatch runs", "workflow_dispatch", {"inputs": {"task": "check"}, "ref": "refs/heads/master", "repository": real("push")["repository"]}, True),
    ("review comment event is not a trigger", "pull_request_review_comment", derive("pull_request_review.submitted", {"action": "created", "pull_request.head.ref": PM_BRANCH}), False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("event_name", "payload", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_example_workflow_runs_exactly_when_it_should(
    event_name: str, payload: dict[str, Any], expected: bool
) -> None:
    assert runs(load_workflow(EXAMPLE), event_name, payload) is expected


@pytest.mark.parametrize(
    ("event_name", "payload", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_own_workflow_runs_exactly_like_the_example(
    event_name: str, payload: dict[str, Any], expected: bool
) -> None:
    assert runs(load_workflow(OWN), event_name, payload) is expected


def test_the_if_keeps_the_issue_comment_filter_verbatim() -> None:
    (job,) = load_workflow(EXAMPLE)["jobs"].values()
    expected = (
        "github.event_name == 'issue_comment' && !github.event.issue.pull_request "
        "&& contains(github.event.issue.labels.*.name, 'incident')"
    )
    assert expected in " ".join(job["if"].split())


def test_no_author_association_clause() -> None:
    (job,) = load_workflow(EXAMPLE)["jobs"].values()
    assert "author_association" not in job["if"]


def test_push_has_no_branches_filter() -> None:
    on = load_workflow(EXAMPLE)["on"]
    assert "branches" not in on["push"]
    assert on["push"]["paths"] == ["postmortems/**"]


def test_workflow_dispatch_task_input() -> None:
    task = load_workflow(EXAMPLE)["on"]["workflow_dispatch"]["inputs"]["task"]
    assert task["type"] == "choice"
    assert task["options"] == ["reconcile", "remind", "check"]
    assert task["default"] == "reconcile"


def test_issue_comment_and_schedule_triggers() -> None:
    on = load_workflow(EXAMPLE)["on"]
    assert on["issue_comment"]["types"] == ["created", "edited", "deleted"]
    assert len(on["schedule"]) == 1  # daily
    minute, hour, day, month, weekday = on["schedule"][0]["cron"].split()
    assert (day, month, weekday) == ("*", "*", "*") and minute.isdigit() and hour.isdigit()


def test_a_merge_starts_one_cheap_push_run_only_on_the_default_branch() -> None:
    """A merge sends `pull_request` closed and `push`, in no guaranteed order. The push of the merge commit
    reaches the default branch; the branch's own pushes (the action's commits, a human's fix-up) are left to
    `pull_request` synchronize and start no second run."""
    workflow = load_workflow(EXAMPLE)
    merged = derive(
        "pull_request.closed",
        {"pull_request.head.ref": PM_BRANCH, "pull_request.merged": True, "pull_request.base.ref": "master"},
    )
    assert runs(workflow, "pull_request", merged)
    assert runs(workflow, "push", push_to("refs/heads/master", "postmortems/2026-01-01-db.md"))
    assert not runs(workflow, "push", push_to(f"refs/heads/{PM_BRANCH}", "postmortems/2026-01-01-db.md"))
    assert not runs(workflow, "push", push_to("refs/heads/master", "src/app.py"))


def test_the_example_triggers_are_the_ones_the_package_declares() -> None:
    from postmortem.events import WORKFLOW_TRIGGERS

    on = load_workflow(EXAMPLE)["on"]
    assert set(on) == set(WORKFLOW_TRIGGERS)
    for event, types in WORKFLOW_TRIGGERS.items():
        if types is not None:
            assert tuple(on[event]["types"]) == types, event
