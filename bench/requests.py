"""GitHub API requests per event, measured against the stateful fake GitHub (no network).

Usage (from the repository root):  .venv/bin/python bench/requests.py

Scenarios: the incident-opened flow (issue → draft post-mortem PR), and the action-items sync of a post-mortem
pull request with 3, 30 and 300 rows: the first sync (``ready_for_review``; 300 rows need several runs because
of the per-run creation cap, all are counted) and a rerun with nothing to change. The sign-off handler, which
runs on the same ``pull_request`` events, is left out of the action-items rows so that they are this sync's
own cost. Prints a Markdown table.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# this file is named like the `requests` library: keep its folder off the import path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]

import responses  # noqa: E402
from fake_github import FakeGitHub  # noqa: E402
from harness import issue_body, issue_payload, pull_request_payload, run  # noqa: E402

from postmortem.handlers import action_items, signoff  # noqa: E402
from postmortem.markers import marker  # noqa: E402
from postmortem.plan import Plan  # noqa: E402

PATH = "postmortems/2025-11-17-bench.md"
BRANCH = "postmortem/incident-1"


def _document(rows: int) -> str:
    lines = [
        f"| {i} | Action item number {i} | @owner{i % 5} | 2025-12-01 | P{i % 3} | 🔴 Not Started | |"
        for i in range(1, rows + 1)
    ]
    return (
        "---\nincident: 1\ntitle: Bench outage\nseverity: P1\n---\n# Post-Mortem: Bench outage\n\n"
        "## Executive Summary\n\nThe bench API was down.\n\n## Action Items\n\n"
        "| # | Action Item | Owner | Deadline | Priority | Status | Issue |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(lines) + "\n"
    )


def _with_fake(body: Callable[[FakeGitHub], dict[str, int]]) -> dict[str, int]:
    fake = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.register(mock)
        return body(fake)


def incident_opened(fake: FakeGitHub) -> dict[str, int]:
    fake.set_permission("mona", "write")
    item = fake.add_issue("[Incident]: Bench outage", issue_body("full.md"), labels=["incident"], user="mona")
    run(fake, "issues", issue_payload(fake, item.number))
    first = {"requests": fake.count(), "writes": len(fake.writes), "runs": 1}
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, item.number))
    return first | {"rerun_requests": fake.count(), "rerun_writes": len(fake.writes)}


def sync(rows: int) -> Callable[[FakeGitHub], dict[str, int]]:
    def body(fake: FakeGitHub) -> dict[str, int]:
        for i in range(5):
            fake.set_permission(f"owner{i}", "write")
        fake.add_issue("[Incident]: Bench outage", "", labels=["incident"])
        sha = fake.add_file(BRANCH, PATH, _document(rows))
        pull = fake.add_pull(BRANCH, body=marker("document", incident=1, path=PATH, sha=sha))
        fake.reset_counts()
        runs = 0
        action = "ready_for_review"
        while True:
            runs += 1
            run(fake, "pull_request", pull_request_payload(fake, pull.number, action=action))
            action = "synchronize"
            created = fake.count("POST", r"/issues$")
            if created >= rows or runs > 20:
                break
        first = {"requests": fake.count(), "writes": len(fake.writes), "runs": runs}
        fake.reset_counts()
        run(fake, "pull_request", pull_request_payload(fake, pull.number, action="synchronize"))
        return first | {"rerun_requests": fake.count(), "rerun_writes": len(fake.writes)}

    return body


def main() -> int:
    signoff.handle_pull_request = lambda ctx: Plan()  # type: ignore[assignment]
    scenarios = [("incident opened → draft PR", incident_opened)] + [
        (f"action items: first sync, {n} rows", sync(n)) for n in (3, 30, 300)
    ]
    print(f"Creation cap per run: {action_items.MAX_CREATIONS_PER_RUN} issues.\n")
    print("| scenario | runs | requests | writes | no-change rerun: requests | writes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, scenario in scenarios:
        result = _with_fake(scenario)
        print(
            f"| {name} | {result['runs']} | {result['requests']} | {result['writes']} | "
            f"{result['rerun_requests']} | {result['rerun_writes']} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
