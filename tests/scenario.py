"""One incident driven through whole runs of the action against the fake GitHub.

The incident (``TITLE``), its document (``PATH`` on ``BRANCH``), its pull request (``PR``), a two-role sign-off ``CONFIG``
and helpers to open it, add action-item rows, mark it ready, approve it and edit it the way people do,
between runs. Used by the unusual-sequence tests of every feature.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from postmortem.action_items.tracking import read_link
from postmortem.cli import main
from tests.fake_github import FakeGitHub
from tests.harness import (
    issue_body,
    issue_payload,
    pull_payload,
    review_payload,
    run,
)

TITLE = "[Incident]: Umbrella API outage after migration"
PATH = "postmortems/2025-11-17-umbrella-api-outage-after-migration.md"
BRANCH = "postmortem/incident-1"
INCIDENT, PR = 1, 2
CONFIG = """\
signoff:
  roles:
    - {id: incident-commander, title: Incident Commander, users: [alice]}
    - {id: cto, title: CTO, users: [bob]}
  required: [incident-commander, cto]
"""
ROWS = (
    "| 1 | Require backward-compatible migrations | @alice | 2025-12-01 | P0 | 🔴 Not Started | |",
    "| 2 | Add a pre-deployment migration check | @bob | 2025-12-08 | P1 | 🔴 Not Started | |",
)
PLACEHOLDER_ROW = "| 1 | | | | | 🔴 Not Started | |"


# ------------------------------------------------------------------------------------------------ helpers


def cli(fake: FakeGitHub, tmp_path: Path, name: str, payload: dict[str, Any]) -> tuple[int, str]:
    """``postmortem run`` exactly as the workflow runs it; returns the exit code and the log."""
    index = len(list(tmp_path.glob("event-*.json")))
    event = tmp_path / f"event-{index}.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": name,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_TOKEN": "test-token",
        "GITHUB_OUTPUT": str(tmp_path / f"output-{index}"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / f"summary-{index}"),
    }
    out = io.StringIO()
    code = main(["run"], env=env, out=out, pace=False)
    return code, out.getvalue()


def people(fake: FakeGitHub, config: str = CONFIG) -> None:
    for login in ("mona", "alice", "bob", "carol"):
        fake.set_permission(login, "write")
    fake.add_file("main", ".github/postmortem.yml", config, message="Configure")


def open_incident(fake: FakeGitHub, title: str = TITLE, body: str | None = None, user: str = "mona") -> int:
    item = fake.add_issue(
        title, issue_body("full.md") if body is None else body, labels=["incident"], user=user
    )
    run(fake, "issues", issue_payload(fake, item.number))
    return item.number


def pull_of(fake: FakeGitHub, incident: int) -> Any:
    (pull,) = [p for p in fake.pulls() if p.head == f"postmortem/incident-{incident}"]
    return pull


def edit_issue(fake: FakeGitHub, number: int, old: str, new: str) -> dict[str, Any]:
    before = fake.items[number].body or ""
    assert old in before
    fake.items[number].body = before.replace(old, new)
    return issue_payload(fake, number, action="edited", changes={"body": {"from": before}})


def edit_doc(fake: FakeGitHub, old: str, new: str, branch: str = BRANCH, path: str = PATH) -> str:
    text = fake.file_text(branch, path) or ""
    assert old in text, old
    fake.add_file(branch, path, text.replace(old, new, 1), message="Human edit")
    return text.replace(old, new, 1)


def with_rows(fake: FakeGitHub, rows: tuple[str, ...] = ROWS, branch: str = BRANCH) -> None:
    edit_doc(fake, PLACEHOLDER_ROW, "\n".join(rows), branch)


def ready(fake: FakeGitHub, pr: int = PR) -> Any:
    fake.items[pr].draft = False
    return run(fake, "pull_request", pull_payload(fake, pr, action="ready_for_review"), raise_errors=False)


def texts(report: Any) -> str:
    return (
        "\n".join(f"{m.level}: {m.text}" for m in report.messages)
        + "\n"
        + "\n".join(f"ERROR: {e}" for e in report.errors)
    )


def tracking(fake: FakeGitHub) -> list[Any]:
    return [i for i in fake.issues_only() if read_link(i.body) is not None]


def approve(fake: FakeGitHub, *logins: str, pr: int = PR) -> None:
    for login in logins:
        review = fake.add_review(pr, login, "APPROVED")
        run(fake, "pull_request_review", review_payload(fake, review))


def rows_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("| 1 ", "| 2 "))]


def replace_tree(fake: FakeGitHub, branch: str, change: dict[str, str | None]) -> None:
    """One commit on ``branch`` adding (text) or deleting (None) paths: a rename is a delete plus an add."""
    fake.commit_files(branch, change, message="Human change", author="mona")


def writes_of(fake: FakeGitHub, before: int) -> list[str]:
    return [f"{e.method} {e.path}" for e in fake.log[before:] if e.method != "GET"]
