"""The whole life of one incident (the 14 events of ``tests/runner/test_whole_incident.py``), lived through
``postmortem run`` against the fake: :func:`live` returns what each delivery observed. ``bench/requests.py``
measures the same life.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postmortem.action_items.table import read_action_items
from postmortem.action_items.tracking import read_link
from postmortem.cli import main
from postmortem.signoff.compute import STATUS_CONTEXT, is_signoff_comment
from tests.fake_github import FakeGitHub, Item
from tests.harness import (
    close_issue,
    dispatch_payload,
    issue_body,
    issue_payload,
    merge_pull,
    pull_payload,
    push_payload,
    review_payload,
    tracking_issue_payload,
)

TITLE = "[Incident]: Umbrella API outage after migration"
PATH = "postmortems/2025-11-17-umbrella-api-outage-after-migration.md"
BRANCH = "postmortem/incident-1"
INCIDENT, PR = 1, 2
MERGED_AT = "2025-11-21T16:00:00Z"
CONFIG = """\
close_incident_on_publish: true
signoff:
  roles:
    - {id: incident-commander, title: Incident Commander, users: [alice]}
    - {id: cto, title: CTO, users: [bob]}
    - {id: lead-engineer, title: Lead Engineer, users: [erin]}
    - {id: devops-lead, title: DevOps Lead, users: [dave]}
  required: [incident-commander, cto, lead-engineer, devops-lead]
action_items:
  owners: {"Engineer A": carol}
"""
APPROVALS = (  # role holder, when (the review's submitted_at), the sign-off status afterwards
    ("alice", "2025-11-19T09:00:00Z", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead"),
    ("bob", "2025-11-19T11:30:00Z", "2/4 signed: missing Lead Engineer, DevOps Lead"),
    ("erin", "2025-11-20T08:00:00Z", "3/4 signed: missing DevOps Lead"),
    ("dave", "2025-11-20T08:05:00Z", "4/4 signed"),
)
ROWS = (
    "| 1 | Require backward-compatible migrations | @alice | 2025-12-01 | P0 | 🔴 Not Started | |",
    "| 2 | Add a pre-deployment migration check | Engineer A | 2025-12-08 | P1 | 🔴 Not Started | |",
    "| 3 | Deploy the Worker and migrations together | DevOps Team | 2025-12-15 | P2 | 🟡 In Progress | |",
)
PLACEHOLDER_ROW = "| 1 | | | | | 🔴 Not Started | |"
ANALYSIS = "*Detailed technical explanation of what went wrong.*"
HUMAN_TEXT = "The migration added a NOT NULL column that Worker v1.2.2 does not set."


# Requests and writes per event, measured against the fake (README "Cost"; bench/requests.py): any change here is
# a change of the action's cost, update the table there too.
EXPECTED = {
    # step: (requests, writes)
    # every incident-issue event reads the issue as it is now (+1): a late rerun must not revert the document.
    # The open pull requests are listed (the incident's own, the file names of other incidents' drafts); the
    # branch and the file are created optimistically (422 when they exist), and an issue without comments has
    # none read
    # + the sign-off status on the new draft (issue #10 item 9: branch protection sees it from the first minute)
    # + the catalogue README (the draft's related incidents)
    "issues.opened": (14, 7),  # branch, document, PR, link comment, review request, label, sign-off status
    "issues.labeled": (5, 0),
    # document, PR body (the marker's sha), sign-off and completeness statuses on the new head
    "issues.edited": (13, 4),
    "pull_request.synchronize (draft)": (8, 2),  # sign-off and completeness statuses (a new head: no read)
    # 4 labels, 3 issues, problems, ONE commit (cells and In Review), 2 statuses, sticky; the creation lock (+5:
    # the default branch's tree, its commit, its ref, its deletion, the issue listing read again once taken)
    "pull_request.ready_for_review": (26, 15),
    "review 1/4 (alice)": (8, 2),  # status, sticky (a review event: 7 + k requests for k approvals)
    "review 2/4 (bob)": (9, 2),
    "review 3/4 (erin)": (10, 2),
    "review 4/4 (dave)": (11, 2),
    "issues.closed (tracking, PR open)": (6, 0),  # approved: the Status cell is held (reviews read instead)
    # ONE commit on main (publication, the held Status cell and the catalogue: one GraphQL write after the
    # listing of the merge commit's tree and the README's read), close incident, its comment, problems comment;
    # + the README read although the merge commit's tree has none (a catalogue made since would be refused)
    "pull_request.closed (merged)": (19, 4),
    # + the open post-mortem PRs (a document still in review is synced there); + tree and README (the
    # catalogue, already current: no write)
    "push (merge to main)": (6, 0),
    # the Status cell on main with the catalogue, one commit: + the head, its tree, the README
    "issues.closed (tracking, after merge)": (9, 1),
    "workflow_dispatch": (5, 0),
}


# ------------------------------------------------------------------------------------------------- the life


@dataclass
class Delivery:
    step: str
    event: str
    payload: dict[str, Any]
    requests: int = 0
    writes: list[str] = field(default_factory=list)
    reported_requests: int = -1
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""
    rerun_requests: int = -1
    rerun_writes: list[str] = field(default_factory=list)


@dataclass
class Life:
    fake: FakeGitHub
    folder: Path
    deliveries: list[Delivery] = field(default_factory=list)
    seen: dict[str, Any] = field(default_factory=dict)
    """What the people saw after a step (``step -> observation``), asserted by the tests below."""

    def run(self, name: str, payload: dict[str, Any]) -> tuple[int, str, dict[str, str], int, list[str]]:
        """``postmortem run`` for one event; returns exit code, log, outputs, requests and writes it made."""
        index = len(list(self.folder.glob("event-*.json")))
        event = self.folder / f"event-{index}.json"
        event.write_text(json.dumps(payload), encoding="utf-8")
        output, summary = self.folder / f"output-{index}", self.folder / f"summary-{index}"
        output.write_text("", encoding="utf-8")
        env = {
            "GITHUB_EVENT_NAME": name,
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": self.fake.repository,
            "GITHUB_API_URL": "https://api.github.com",
            "GITHUB_TOKEN": "test-token",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
        }
        before = len(self.fake.log)
        out = io.StringIO()
        code = main(["run"], env=env, out=out, pace=False)
        new = self.fake.log[before:]
        outputs = dict(
            line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line
        )
        writes = [
            f"{e.method} {e.path.removeprefix('/repos/' + self.fake.repository)}"
            for e in new
            if e.method != "GET"
        ]
        return code, out.getvalue(), outputs, len(new), writes

    def deliver(self, step: str, name: str, payload: dict[str, Any]) -> Delivery:
        code, log, outputs, requests, writes = self.run(name, payload)
        assert code == 0, f"{step}:\n{log}"
        assert not any(
            line.startswith("::error") and not line.startswith("::error file=") for line in log.splitlines()
        ), f"{step}:\n{log}"
        reported = [
            int(line.rsplit(" ", 1)[1]) for line in log.splitlines() if "GitHub API requests made:" in line
        ]
        delivery = Delivery(
            step, name, payload, requests, writes, reported[-1] if reported else -1, outputs, log
        )
        self.deliveries.append(delivery)
        return delivery

    def rerun_all(self) -> None:
        for delivery in self.deliveries:
            code, log, _outputs, requests, writes = self.run(delivery.event, delivery.payload)
            assert code == 0, f"rerun of {delivery.step}:\n{log}"
            delivery.rerun_requests, delivery.rerun_writes = requests, writes

    def table(self) -> str:
        lines = [
            "| # | event | requests | writes | rerun: requests | rerun: writes |",
            "| ---: | --- | ---: | ---: | ---: | ---: |",
        ]
        for i, d in enumerate(self.deliveries, 1):
            lines.append(
                f"| {i} | {d.step} | {d.requests} | {len(d.writes)} | {d.rerun_requests} | {len(d.rerun_writes)} |"
            )
        lines.append(
            f"| | **whole incident** | **{sum(d.requests for d in self.deliveries)}** | "
            f"**{sum(len(d.writes) for d in self.deliveries)}** | "
            f"**{sum(d.rerun_requests for d in self.deliveries)}** | "
            f"**{sum(len(d.rerun_writes) for d in self.deliveries)}** |"
        )
        return "\n".join(lines)


def doc(fake: FakeGitHub, branch: str) -> str:
    text = fake.file_text(branch, PATH)
    assert text is not None, f"{PATH} is not on {branch}"
    return text


def status(fake: FakeGitHub, sha: str) -> tuple[str, str] | None:
    latest = next((s for s in fake.statuses_for(sha) if s.context == STATUS_CONTEXT), None)
    return None if latest is None else (latest.state, latest.description or "")


def tracking(fake: FakeGitHub) -> dict[str, Item]:
    """Tracking issues by row key (asserting one issue per row)."""
    found: dict[str, Item] = {}
    for item in fake.issues_only():
        link = read_link(item.body)
        if link is not None:
            assert link.key not in found, f"two tracking issues for row {link.key}"
            found[link.key] = item
    return found


def table_rows(text: str) -> dict[str, Any]:
    return {item.key: item for item in read_action_items(text, owners={"Engineer A": "carol"}).items}


def live(fake: FakeGitHub, folder: Path) -> Life:
    life = Life(fake, folder)
    seen = life.seen
    for login in ("mona", "alice", "bob", "carol", "dave", "erin"):
        fake.set_permission(login, "write")
    fake.add_file("main", ".github/postmortem.yml", CONFIG, message="Configure the post-mortem action")

    # 1-2. The on-call engineer files the incident form; GitHub sends `opened`, then `labeled` (the form's label).
    fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    life.deliver("issues.opened", "issues", issue_payload(fake, INCIDENT))
    seen["opened"] = {
        "pulls": [(p.number, p.draft, p.head, p.title, list(p.labels)) for p in fake.pulls()],
        "document": doc(fake, BRANCH),
        "reviewers": list(fake.items[PR].requested_reviewers),
    }
    life.deliver(
        "issues.labeled", "issues", issue_payload(fake, INCIDENT, action="labeled", label="incident")
    )

    # 3. mona corrects the issue before anyone touched the document: it is regenerated.
    old = fake.items[INCIDENT].body or ""
    fake.items[INCIDENT].body = old.replace("~15,000 active users", "~16,500 active users")
    edited = issue_payload(fake, INCIDENT, action="edited", changes={"body": {"from": old}})
    life.deliver("issues.edited", "issues", edited)
    seen["edited"] = {"document": doc(fake, BRANCH), "head_status": status(fake, fake.head_sha(PR))}

    # 4. mona writes the analysis and the action items on the branch, and pushes (the PR is still a draft).
    text = doc(fake, BRANCH)
    assert ANALYSIS in text and PLACEHOLDER_ROW in text
    text = text.replace(ANALYSIS, HUMAN_TEXT, 1).replace(PLACEHOLDER_ROW, "\n".join(ROWS), 1)
    fake.add_file(BRANCH, PATH, text, message="Write the analysis and the action items")
    seen["human"] = text
    life.deliver(
        "pull_request.synchronize (draft)", "pull_request", pull_payload(fake, PR, action="synchronize")
    )
    seen["synchronize"] = {
        "tracking": len(tracking(fake)),
        "status": status(fake, fake.head_sha(PR)),
        "pr_comments": [c.body for c in fake.comments_on(PR)],
    }

    # 5. mona marks the pull request ready for review.
    fake.items[PR].draft = False
    before_ready = len(fake.commit_log(BRANCH))
    life.deliver(
        "pull_request.ready_for_review", "pull_request", pull_payload(fake, PR, action="ready_for_review")
    )
    commits = fake.commit_log(BRANCH)
    seen["ready"] = {
        "document": doc(fake, BRANCH),
        "commits": [c.message for c in commits[: len(commits) - before_ready]],
        "tracking": {
            key: (i.number, i.title, list(i.assignees), list(i.labels)) for key, i in tracking(fake).items()
        },
        "statuses": {c.sha: status(fake, c.sha) for c in commits[: len(commits) - before_ready]},
        "head": fake.head_sha(PR),
        "reviewers": list(fake.items[PR].requested_reviewers),
        "pr_comments": [c.body for c in fake.comments_on(PR)],
    }

    # 6-9. The role holders approve, one by one.
    seen["approvals"] = []
    for i, (login, at, _) in enumerate(APPROVALS, 1):
        review = fake.add_review(PR, login, "APPROVED", submitted_at=at)
        life.deliver(f"review {i}/4 ({login})", "pull_request_review", review_payload(fake, review))
        sticky = [c.body for c in fake.comments_on(PR) if is_signoff_comment(c.body)]
        seen["approvals"].append((status(fake, fake.head_sha(PR)), sticky))

    # 10. alice finishes her item while the pull request is open, and closes its issue as completed.
    first = tracking(fake)["n1"].number
    close_issue(fake, first, "completed")
    head_before = fake.head_sha(PR)
    life.deliver(
        "issues.closed (tracking, PR open)",
        "issues",
        tracking_issue_payload(fake, first, action="closed", sender="alice"),
    )
    seen["closed_open"] = {
        "document": doc(fake, BRANCH),
        "head_moved": fake.head_sha(PR) != head_before,
        "head_status": status(fake, fake.head_sha(PR)),
        "main": fake.file_text("main", PATH),
    }

    # 11-12. mona merges: GitHub sends `pull_request.closed` (merged) and a `push` to main touching postmortems/.
    merge_pull(fake, PR, merged_at=MERGED_AT)
    life.deliver("pull_request.closed (merged)", "pull_request", pull_payload(fake, PR, action="closed"))
    seen["merged_outputs"] = life.deliveries[-1].outputs
    seen["merged_main_log"] = [c.message for c in fake.commit_log("main")]
    life.deliver("push (merge to main)", "push", push_payload(fake, modified=[PATH], sender="mona"))

    # 13. carol finishes her item after the merge.
    second = tracking(fake)["n2"].number
    close_issue(fake, second, "completed")
    life.deliver(
        "issues.closed (tracking, after merge)",
        "issues",
        tracking_issue_payload(fake, second, action="closed", sender="carol"),
    )

    # 14. Someone runs the workflow by hand (the daily schedule does the same).
    life.deliver("workflow_dispatch", "workflow_dispatch", dispatch_payload(fake))

    # Then GitHub redelivers (or someone re-runs) every event above, in order.
    seen["final_before_rerun"] = snapshot(fake)
    life.rerun_all()
    return life


def snapshot(fake: FakeGitHub) -> dict[str, Any]:
    return {
        "branches": dict(fake.branches),
        "items": {
            n: (i.state, i.state_reason, i.title, i.body, list(i.labels), list(i.assignees))
            for n, i in fake.items.items()
        },
        "comments": {c.id: (c.number, c.body) for c in fake.comments.values()},
        "labels": sorted(fake.labels),
        "statuses": len(fake.statuses),
    }
