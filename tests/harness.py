"""Running whole events against the fake GitHub, the way the workflow runs them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from fake_github import FakeGitHub

from postmortem.events import Event
from postmortem.gateway import Gateway
from postmortem.handlers import Context, RunReport, load_config, run_event

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
    base = {"opened": "issues.opened", "edited": "issues.edited", "labeled": "issues.labeled"}.get(
        action, "issues.opened"
    )
    payload = copy.deepcopy(webhook(base))
    item = fake.items[number]
    payload["action"] = action
    issue = payload["issue"]
    issue.update(
        number=item.number,
        title=item.title,
        body=item.body,
        state=item.state,
        created_at=item.created_at,
        html_url=f"https://github.com/{fake.repository}/issues/{item.number}",
        labels=[{"name": name, "color": "ededed", "default": False} for name in item.labels],
    )
    issue["user"]["login"] = item.user
    issue.pop("pull_request", None)
    payload["sender"]["login"] = sender or item.user
    payload["sender"]["type"] = "Bot" if (sender or "").endswith("[bot]") else "User"
    payload["repository"]["full_name"] = fake.repository
    payload["repository"]["default_branch"] = fake.default_branch
    if label is not None:
        payload["label"] = {"name": label, "color": "ededed"}
    if action == "edited":
        payload["changes"] = changes or {}
    return payload


def run(fake: FakeGitHub, name: str, payload: dict[str, Any], *, dry_run: bool = False) -> RunReport:
    """Handle one event end to end (config read, handler rounds, writes) against the fake."""
    gateway = Gateway(token="test-token", repository=fake.repository, pace=False)
    event = Event.from_payload(name, payload, fake.repository)
    default_branch = str(payload.get("repository", {}).get("default_branch") or gateway.get_default_branch())
    config = load_config(gateway, default_branch)
    ctx = Context(event=event, gateway=gateway, config=config, default_branch=default_branch)
    return run_event(ctx, dry_run=dry_run)
