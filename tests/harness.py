"""Running whole events against the fake GitHub, the way the workflow runs them, and the payloads they carry.

Webhook payloads are GitHub's published examples (``tests/fixtures/webhooks``, octokit/webhooks, MIT) rewritten
to describe the fake's repository and objects, so the action reads them exactly as it reads real deliveries:

* whole payloads: :func:`issue_payload`, :func:`pull_payload` (:func:`pull_request_payload`),
  :func:`review_payload`, :func:`push_payload`, :func:`tracking_issue_payload`, :func:`dispatch_payload`;
* the objects inside them: :func:`pull_request_json`, :func:`repository_json`, :func:`labels_json`,
  :func:`label_json`, :func:`team_json`, and :func:`describe_fake` / :func:`rename_repository`, which point an
  example payload at the fake's repository and sender;
* running: :func:`run` (one event end to end, in process), :func:`assert_rerun_writes_nothing`;
* what people do between events: :func:`merge_pull`, :func:`close_issue`, :func:`reopen_issue`.
"""

from __future__ import annotations

import copy
import json
import zlib
from pathlib import Path
from typing import Any

from postmortem.context import Context, load_config
from postmortem.events import Event
from postmortem.github.client import Gateway
from postmortem.runner import RunReport, run_event
from tests.fake_github import FakeGitHub, LabelRecord, shapes

FIXTURES = Path(__file__).parent / "fixtures"
WEBHOOKS = FIXTURES / "webhooks"


def webhook(name: str) -> dict[str, Any]:
    """A fresh copy of GitHub's published example payload ``<event>.<action>``."""
    path = WEBHOOKS / f"{name}.payload.json"
    if not path.exists():
        path = WEBHOOKS / f"{name}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def issue_body(name: str) -> str:
    """One of our rendered issue bodies under tests/fixtures/issue_bodies."""
    return (FIXTURES / "issue_bodies" / name).read_text(encoding="utf-8")


def labels_json(fake: FakeGitHub, names: list[str]) -> list[dict[str, Any]]:
    """Labels as webhooks carry them (id, node_id, url, name, color, default, description)."""
    return [label_json(fake, name) for name in names]


def label_json(fake: FakeGitHub, name: str) -> dict[str, Any]:
    """The fake's label ``name``, or (without adding it to the fake) one as GitHub would describe it."""
    record = fake.labels.get(name.lower()) or LabelRecord(
        zlib.crc32(name.lower().encode()) % 10_000_000, name
    )
    return shapes.label(fake, record)


def team_json(fake: FakeGitHub, slug: str) -> dict[str, Any]:
    """A team as webhooks carry it (the REST "team-simple" shape without ``type``)."""
    return {k: v for k, v in shapes.team(fake, slug).items() if k != "type"}


def issue_payload(
    fake: FakeGitHub,
    number: int,
    *,
    action: str = "opened",
    sender: str | None = None,
    label: str | None = None,
    changes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An ``issues.<action>`` payload (GitHub's example) describing issue ``number`` as the fake holds it."""
    base = {
        "opened": "issues.opened",
        "edited": "issues.edited",
        "labeled": "issues.labeled",
        "closed": "issues.reopened",  # GitHub publishes no closed example; reopened has the same shape
        "reopened": "issues.reopened",
    }.get(action, "issues.opened")
    payload = copy.deepcopy(webhook(base))
    item = fake.items[number]
    payload["action"] = action
    issue = payload["issue"]
    issue.update(
        number=item.number,
        title=item.title,
        body=item.body,
        state=item.state,
        state_reason=item.state_reason,
        created_at=item.created_at,
        closed_at=item.closed_at,
        html_url=f"https://github.com/{fake.repository}/issues/{item.number}",
        labels=labels_json(fake, item.labels),
    )
    issue["user"].update(login=item.user, type="Bot" if item.user.endswith("[bot]") else "User")
    issue.pop("pull_request", None)
    describe_fake(fake, payload, sender or item.user)
    if label is not None:
        payload["label"] = label_json(fake, label)
    if action == "edited":
        payload["changes"] = changes or {}
    return payload


def run(
    fake: FakeGitHub, name: str, payload: dict[str, Any], *, dry_run: bool = False, raise_errors: bool = True
) -> RunReport:
    """Handle one event end to end (config read, handler rounds, writes) against the fake.

    A handler's error is collected in the report while the other handlers run (as the CLI does); with
    ``raise_errors`` the first one is raised afterwards, for ``pytest.raises``.
    """
    gateway = Gateway(token="test-token", repository=fake.repository, pace=False)
    event = Event.from_payload(name, payload, fake.repository)
    default_branch = str(payload.get("repository", {}).get("default_branch") or gateway.get_default_branch())
    config = load_config(gateway, default_branch)
    ctx = Context(event=event, gateway=gateway, config=config, default_branch=default_branch)
    report = run_event(ctx, dry_run=dry_run)
    if raise_errors and report.errors:
        raise report.errors[0]
    return report


def pull_request_json(fake: FakeGitHub, number: int, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` (a payload's ``pull_request``) rewritten to describe pull request ``number`` as the fake holds it."""
    item = fake.items[number]
    pull = copy.deepcopy(base)
    pull.update(
        number=item.number,
        title=item.title,
        body=item.body,
        state=item.state,
        draft=item.draft,
        merged_at=item.merged_at,
        closed_at=item.closed_at,
        html_url=f"https://github.com/{fake.repository}/pull/{item.number}",
        requested_reviewers=[shapes.user(fake, login) for login in item.requested_reviewers],
        requested_teams=[team_json(fake, slug) for slug in item.requested_teams],
        labels=labels_json(fake, item.labels),
    )
    if "merged" in base:  # pull_request events carry it; pull_request_review's "simple" pull request does not
        pull["merged"] = item.merged
        pull["merge_commit_sha"] = fake.branches.get(item.base) if item.merged else None
    pull["user"]["login"] = item.user
    pull["head"].update(ref=item.head, sha=fake.head_sha(number), label=f"{fake.owner}:{item.head}")
    pull["base"].update(
        ref=item.base, sha=fake.branches.get(item.base, "0" * 40), label=f"{fake.owner}:{item.base}"
    )
    for side in ("head", "base"):
        if isinstance(pull[side].get("repo"), dict):
            pull[side]["repo"].update(full_name=fake.repository, default_branch=fake.default_branch)
    return pull


def describe_fake(fake: FakeGitHub, payload: dict[str, Any], sender: str) -> None:
    """The example payload's repository renamed to the fake's, and its sender to ``sender``."""
    rename_repository(payload, fake)
    payload["sender"]["login"] = sender
    payload["sender"]["type"] = "Bot" if sender.endswith("[bot]") else "User"


def pull_payload(
    fake: FakeGitHub, number: int, *, action: str = "opened", sender: str = "mona"
) -> dict[str, Any]:
    """A ``pull_request.<action>`` payload (GitHub's example closest to it) for pull request ``number``."""
    known = {"opened", "ready_for_review", "closed", "synchronize"}
    payload = copy.deepcopy(webhook(f"pull_request.{action if action in known else 'opened'}"))
    payload["action"] = action
    payload["number"] = number
    payload["pull_request"] = pull_request_json(fake, number, payload["pull_request"])
    describe_fake(fake, payload, sender)
    return payload


def review_payload(fake: FakeGitHub, review: Any, *, action: str = "submitted") -> dict[str, Any]:
    """A ``pull_request_review.<action>`` payload for ``review`` (a fake ``ReviewRecord``), its state spelled in
    lower case as webhooks do."""
    payload = copy.deepcopy(webhook(f"pull_request_review.{action}"))
    payload["action"] = action
    payload["review"].update(
        id=review.id, state=review.state.lower(), submitted_at=review.submitted_at, commit_id=review.commit_id
    )
    payload["review"]["user"]["login"] = review.user
    payload["pull_request"] = pull_request_json(fake, review.pr, payload["pull_request"])
    describe_fake(fake, payload, review.user)
    return payload


def merge_pull(fake: FakeGitHub, number: int, *, merged_at: str = "2026-03-16T10:00:00Z") -> None:
    """Merge pull request ``number`` in the fake: its files land on the base branch, it is closed and merged."""
    item = fake.items[number]
    head, base = fake.files(item.head), fake.files(item.base)
    for path, text in head.items():
        if base.get(path) != text:
            fake.add_file(item.base, path, text, message=f"Merge pull request #{number}")
    item.state, item.merged, item.merged_at, item.closed_at = "closed", True, merged_at, merged_at


# ---------------------------------------------------------------------------------------------------------
# Action items: pull request, push, tracking-issue and dispatch payloads (added for the action-items sync)


def rename_repository(payload: dict[str, Any], fake: FakeGitHub) -> None:
    """Rename ``payload["repository"]`` (GitHub's example) to the fake's repository, in place."""
    payload["repository"]["full_name"] = fake.repository
    payload["repository"]["name"] = fake.name
    payload["repository"]["default_branch"] = fake.default_branch
    payload["repository"]["html_url"] = f"https://github.com/{fake.repository}"


def repository_json(fake: FakeGitHub) -> dict[str, Any]:
    """GitHub's example webhook ``repository`` object, renamed to the fake's repository."""
    payload = {"repository": copy.deepcopy(webhook("issues.opened")["repository"])}
    rename_repository(payload, fake)
    repository: dict[str, Any] = payload["repository"]
    return repository


def pull_request_payload(
    fake: FakeGitHub, number: int, *, action: str = "ready_for_review", sender: str = "mona"
) -> dict[str, Any]:
    """:func:`pull_payload`, for the action-items tests whose usual event is ``ready_for_review``."""
    return pull_payload(fake, number, action=action, sender=sender)


def push_payload(
    fake: FakeGitHub,
    *,
    added: tuple[str, ...] | list[str] = (),
    modified: tuple[str, ...] | list[str] = (),
    ref: str | None = None,
    sender: str = "mona",
) -> dict[str, Any]:
    """A ``push`` payload in GitHub's shape: one commit (the branch head) adding / modifying ``paths``."""
    branch = fake.default_branch if ref is None else ref
    head = fake.branches.get(branch, "0" * 40)
    person = {"name": sender, "email": f"{sender}@users.noreply.github.com", "username": sender}
    commit = {
        "id": head,
        "tree_id": "0" * 40,
        "distinct": True,
        "message": "Update post-mortems",
        "timestamp": "2025-11-20T10:00:00Z",
        "url": f"https://github.com/{fake.repository}/commit/{head}",
        "author": person,
        "committer": person,
        "added": list(added),
        "removed": [],
        "modified": list(modified),
    }
    return {
        "ref": f"refs/heads/{branch}",
        "before": "0" * 40,
        "after": head,
        "created": False,
        "deleted": False,
        "forced": False,
        "base_ref": None,
        "compare": f"https://github.com/{fake.repository}/compare/{'0' * 12}...{head[:12]}",
        "commits": [commit],
        "head_commit": commit,
        "repository": repository_json(fake),
        "pusher": {"name": sender, "email": person["email"]},
        "sender": shapes.user(fake, sender),
    }


def tracking_issue_payload(
    fake: FakeGitHub, number: int, *, action: str, sender: str = "mona"
) -> dict[str, Any]:
    """An ``issues.closed`` / ``issues.reopened`` payload for tracking issue ``number``."""
    return issue_payload(fake, number, action=action, sender=sender)


def assert_rerun_writes_nothing(fake: FakeGitHub, name: str, payload: dict[str, Any]) -> None:
    """Handle the event again: neither the plan nor the fake may see a single write."""
    fake.reset_counts()
    report = run(fake, name, payload)
    assert fake.writes == [], [f"{w.method} {w.path}" for w in fake.writes]
    assert report.writes == []


def dispatch_payload(fake: FakeGitHub) -> dict[str, Any]:
    """A ``workflow_dispatch`` payload."""
    return {
        "inputs": {},
        "ref": f"refs/heads/{fake.default_branch}",
        "repository": repository_json(fake),
        "sender": shapes.user(fake, "mona"),
        "workflow": ".github/workflows/postmortem.yml",
    }


def close_issue(fake: FakeGitHub, number: int, reason: str = "completed") -> None:
    """Close an issue in the fake the way a person does in the UI."""
    item = fake.items[number]
    item.state, item.state_reason, item.closed_at = "closed", reason, item.updated_at


def reopen_issue(fake: FakeGitHub, number: int) -> None:
    """Reopen an issue in the fake the way a person does in the UI."""
    item = fake.items[number]
    item.state, item.state_reason, item.closed_at = "open", "reopened", None
