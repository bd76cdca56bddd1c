"""Comments on an issue and their ``issue_comment`` payloads, for the timeline tests and ``bench/requests.py``."""

from __future__ import annotations

import copy
from typing import Any

from tests.fake_github import FakeGitHub
from tests.harness import describe_fake, labels_json, webhook


def comment(fake: FakeGitHub, number: int, body: str, *, user: str, at: str) -> int:
    """A comment by ``user`` created at ``at`` (ISO, UTC); returns its id."""
    record = fake.add_comment(number, body, user=user)
    record.created_at = record.updated_at = at
    return record.id


def comment_payload(
    fake: FakeGitHub, number: int, comment_id: int | None = None, *, action: str = "created", sender: str
) -> dict[str, Any]:
    """An ``issue_comment.<action>`` payload for issue (or pull request) ``number`` as the fake holds it."""
    payload = copy.deepcopy(webhook("issue_comment.created"))
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
        labels=labels_json(fake, item.labels),
    )
    issue["user"].update(login=item.user, type="User")
    issue.pop("pull_request", None)
    if item.is_pull:
        issue["pull_request"] = {"url": f"https://api.github.com/repos/{fake.repository}/pulls/{number}"}
    if comment_id is not None:
        record = fake.comments[comment_id]
        payload["comment"].update(id=record.id, body=record.body, created_at=record.created_at)
        payload["comment"]["user"].update(login=record.user)
    describe_fake(fake, payload, sender)
    return payload
