"""The whole life of one incident, as its people live it, through ``postmortem run`` against the stateful fake.

Every event the example workflow (``examples/workflows/postmortem.yml``) delivers is handed to the CLI exactly as
a workflow run gets it (``GITHUB_EVENT_NAME``, ``GITHUB_EVENT_PATH``, ``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``),
its payload built from GitHub's published webhook examples (``tests/fixtures/webhooks``, via the harness):

 1. ``issues.opened``   mona (write access) files the incident form (``full.md``) → draft PR
 2. ``issues.labeled``  the form's ``incident`` label, delivered right after ``opened`` → nothing more
 3. ``issues.edited``   mona corrects the users affected → the untouched document is regenerated, and the
                        sign-off status goes on the new head
 4. ``pull_request.synchronize``  mona writes the analysis and 3 action items on the branch (draft: no issues)
 5. ``pull_request.ready_for_review`` → 3 tracking issues, Issue cells, then In Review, and the sign-off status
                        (on the final head) and comment
 6-9. ``pull_request_review.submitted`` × 4  the role holders approve one by one → pending … success
10. ``issues.closed``   alice closes her tracking issue as completed → no commit on the approved PR branch (it
                        would dismiss the approvals): the row stays 🔴 there, the log says why
11. ``pull_request.closed`` (merged) → Published on main, incident commented and closed (config says so), then
                        alice's row is 🟢 Done on main (a second commit)
12. ``push``            the merge commit on main touched ``postmortems/**``
13. ``issues.closed``   carol closes hers after the merge → the row is 🟢 Done on main
14. ``workflow_dispatch`` reconcile → nothing to do
then every event above again (redeliveries, re-runs): zero writes.

The repository uses the default ``GITHUB_TOKEN``, so events caused by the action's own writes (the bot's pull
request ``opened``, its commits' ``synchronize`` / ``push``, the tracking issues' ``opened``, the incident's
``closed``) start no workflow (GitHub's rule against loops) and are not delivered.

The life is run once per module (``life`` fixture); the tests below read what each step observed and the fake's
final state. ``pytest -s`` prints the per-event request/write table.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import responses

from postmortem.action_items.table import read_action_items
from postmortem.action_items.tracking import read_link
from postmortem.cli import main
from postmortem.incident.render import split_frontmatter
from postmortem.markdown.markers import has_marker, read_marker
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
    # every incident-issue event reads the issue as it is now (+1): a late rerun must not revert the document
    # the open pull requests are listed (the incident's own, the file names of other incidents' drafts); the
    # branch and the file are created optimistically (422 when they exist), and an issue without comments
    # has none read
    "issues.opened": (12, 6),  # branch, document, PR, link comment, review request, label
    "issues.labeled": (5, 0),
    "issues.edited": (12, 3),  # document, PR body (the marker's sha), sign-off status on the new head
    "pull_request.synchronize (draft)": (7, 1),  # status
    # 4 labels, 3 issues, problems, ONE commit (cells and In Review), status, sticky
    "pull_request.ready_for_review": (20, 11),
    "review 1/4 (alice)": (8, 2),  # status, sticky (a review event: 7 + k requests for k approvals)
    "review 2/4 (bob)": (9, 2),
    "review 3/4 (erin)": (10, 2),
    "review 4/4 (dave)": (11, 2),
    "issues.closed (tracking, PR open)": (6, 0),  # approved: the Status cell is held (reviews read instead)
    # ONE commit on main (publication and the held Status cell), close incident, its comment, problems comment
    "pull_request.closed (merged)": (17, 4),
    "push (merge to main)": (4, 0),  # + the open post-mortem PRs (a document still in review is synced there)
    "issues.closed (tracking, after merge)": (6, 1),  # the Status cell on main
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
        assert not any(line.startswith("::error") for line in log.splitlines()), f"{step}:\n{log}"
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


def _doc(fake: FakeGitHub, branch: str) -> str:
    text = fake.file_text(branch, PATH)
    assert text is not None, f"{PATH} is not on {branch}"
    return text


def _status(fake: FakeGitHub, sha: str) -> tuple[str, str] | None:
    latest = next((s for s in fake.statuses_for(sha) if s.context == STATUS_CONTEXT), None)
    return None if latest is None else (latest.state, latest.description or "")


def _tracking(fake: FakeGitHub) -> dict[str, Item]:
    """Tracking issues by row key (asserting one issue per row)."""
    found: dict[str, Item] = {}
    for item in fake.issues_only():
        link = read_link(item.body)
        if link is not None:
            assert link.key not in found, f"two tracking issues for row {link.key}"
            found[link.key] = item
    return found


def _rows(text: str) -> dict[str, Any]:
    return {item.key: item for item in read_action_items(text, owners={"Engineer A": "carol"}).items}


def _live(fake: FakeGitHub, folder: Path) -> Life:
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
        "document": _doc(fake, BRANCH),
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
    seen["edited"] = {"document": _doc(fake, BRANCH), "head_status": _status(fake, fake.head_sha(PR))}

    # 4. mona writes the analysis and the action items on the branch, and pushes (the PR is still a draft).
    text = _doc(fake, BRANCH)
    assert ANALYSIS in text and PLACEHOLDER_ROW in text
    text = text.replace(ANALYSIS, HUMAN_TEXT, 1).replace(PLACEHOLDER_ROW, "\n".join(ROWS), 1)
    fake.add_file(BRANCH, PATH, text, message="Write the analysis and the action items")
    seen["human"] = text
    life.deliver(
        "pull_request.synchronize (draft)", "pull_request", pull_payload(fake, PR, action="synchronize")
    )
    seen["synchronize"] = {
        "tracking": len(_tracking(fake)),
        "status": _status(fake, fake.head_sha(PR)),
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
        "document": _doc(fake, BRANCH),
        "commits": [c.message for c in commits[: len(commits) - before_ready]],
        "tracking": {
            key: (i.number, i.title, list(i.assignees), list(i.labels)) for key, i in _tracking(fake).items()
        },
        "statuses": {c.sha: _status(fake, c.sha) for c in commits[: len(commits) - before_ready]},
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
        seen["approvals"].append((_status(fake, fake.head_sha(PR)), sticky))

    # 10. alice finishes her item while the pull request is open, and closes its issue as completed.
    first = _tracking(fake)["n1"].number
    close_issue(fake, first, "completed")
    head_before = fake.head_sha(PR)
    life.deliver(
        "issues.closed (tracking, PR open)",
        "issues",
        tracking_issue_payload(fake, first, action="closed", sender="alice"),
    )
    seen["closed_open"] = {
        "document": _doc(fake, BRANCH),
        "head_moved": fake.head_sha(PR) != head_before,
        "head_status": _status(fake, fake.head_sha(PR)),
        "main": fake.file_text("main", PATH),
    }

    # 11-12. mona merges: GitHub sends `pull_request.closed` (merged) and a `push` to main touching postmortems/.
    merge_pull(fake, PR, merged_at=MERGED_AT)
    life.deliver("pull_request.closed (merged)", "pull_request", pull_payload(fake, PR, action="closed"))
    seen["merged_outputs"] = life.deliveries[-1].outputs
    seen["merged_main_log"] = [c.message for c in fake.commit_log("main")]
    life.deliver("push (merge to main)", "push", push_payload(fake, modified=[PATH], sender="mona"))

    # 13. carol finishes her item after the merge.
    second = _tracking(fake)["n2"].number
    close_issue(fake, second, "completed")
    life.deliver(
        "issues.closed (tracking, after merge)",
        "issues",
        tracking_issue_payload(fake, second, action="closed", sender="carol"),
    )

    # 14. Someone runs the workflow by hand (the daily schedule does the same).
    life.deliver("workflow_dispatch", "workflow_dispatch", dispatch_payload(fake))

    # Then GitHub redelivers (or someone re-runs) every event above, in order.
    seen["final_before_rerun"] = _snapshot(fake)
    life.rerun_all()
    return life


def _snapshot(fake: FakeGitHub) -> dict[str, Any]:
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


@pytest.fixture(scope="module")
def life(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Life]:
    fake = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.register(mock)
        lived = _live(fake, tmp_path_factory.mktemp("whole-incident"))
        print("\n\nThe whole incident: GitHub API requests and writes per event (then a rerun of each)\n")
        print(lived.table())
        yield lived


# ------------------------------------------------------------------------------------------------- the steps


def test_every_event_runs_the_cli_successfully_and_reports_its_request_count(life: Life) -> None:
    assert [d.step for d in life.deliveries] == list(EXPECTED)
    for d in life.deliveries:
        assert d.reported_requests == d.requests, f"{d.step}: the log says {d.reported_requests}"
        assert "GitHub API requests made" in d.log


def test_requests_and_writes_per_event(life: Life) -> None:
    measured = {d.step: (d.requests, len(d.writes)) for d in life.deliveries}
    assert measured == EXPECTED, life.table()
    assert sum(r for r, _ in measured.values()) == 132
    assert sum(w for _, w in measured.values()) == 34


def test_opened_drafts_the_pull_request(life: Life) -> None:
    seen = life.seen["opened"]
    assert seen["pulls"] == [
        (PR, True, BRANCH, "Post-mortem: Umbrella API outage after migration", ["postmortem"])
    ]
    assert seen["reviewers"] == ["alice", "bob", "erin", "dave"]
    meta, _ = split_frontmatter(seen["document"])
    assert (meta["incident"], meta["status"], meta["severity"]) == (INCIDENT, "Draft", "P0")
    assert "~15,000 active users" in seen["document"]
    opened = life.deliveries[0]
    assert opened.outputs == {
        "document-path": PATH,
        "pull-request-number": str(PR),
        "pull-request-url": f"https://github.com/{life.fake.repository}/pull/{PR}",
    }
    assert [w.split()[0] for w in opened.writes] == ["POST", "PUT", "POST", "POST", "POST", "POST"]
    assert life.deliveries[1].writes == [], "the form's `labeled` event right after `opened` changes nothing"


def test_the_issue_edit_regenerates_the_untouched_draft_and_sets_the_status_on_its_commit(life: Life) -> None:
    seen = life.seen["edited"]
    document = seen["document"]
    assert "~16,500 active users" in document and "~15,000" not in document
    assert split_frontmatter(document)[0]["status"] == "Draft"
    writes = life.deliveries[2].writes
    assert [w.split()[0] for w in writes] == ["PUT", "PATCH", "POST"]  # document, PR body's sha, status
    assert writes[2].startswith("POST /statuses/")
    assert seen["head_status"] == (
        "pending",
        "0/4 signed: missing Incident Commander, CTO, Lead Engineer, DevOps Lead",
    ), "the regenerated commit (the new head) carries the sign-off status"


def test_a_push_while_draft_sets_the_status_and_opens_no_issue(life: Life) -> None:
    seen = life.seen["synchronize"]
    assert seen["tracking"] == 0
    assert seen["status"] == (
        "pending",
        "0/4 signed: missing Incident Commander, CTO, Lead Engineer, DevOps Lead",
    )
    assert seen["pr_comments"] == [], "no sticky comment while the author is drafting"


def test_ready_for_review_moves_to_in_review_and_opens_the_tracking_issues(life: Life) -> None:
    seen = life.seen["ready"]
    assert seen["commits"] == [  # ONE commit: the Issue cells and In Review (two handlers, one document)
        "Action items: link 3 action item(s) to their tracking issues (#3, #4, #5)\n\n"
        "Post-mortem of incident #1: status In Review",
    ]
    document = seen["document"]
    assert split_frontmatter(document)[0]["status"] == "In Review"
    assert HUMAN_TEXT in document, "the human's edit is kept"
    assert seen["tracking"] == {
        "n1": (3, "Require backward-compatible migrations", ["alice"], ["action-item", "P0"]),
        "n2": (4, "Add a pre-deployment migration check", ["carol"], ["action-item", "P1"]),
        "n3": (5, "Deploy the Worker and migrations together", [], ["action-item", "P2"]),
    }
    rows = _rows(document)
    assert {key: row.issue for key, row in rows.items()} == {"n1": 3, "n2": 4, "n3": 5}
    assert seen["reviewers"] == ["alice", "bob", "erin", "dave"], "already asked when the draft was opened"
    sticky = [body for body in seen["pr_comments"] if is_signoff_comment(body)]
    problems = [body for body in seen["pr_comments"] if has_marker(body, "action-items-problems")]
    assert len(sticky) == 1 and "@alice" in sticky[0]
    assert len(problems) == 1 and "DevOps Team" in problems[0]


def test_approvals_move_the_status_from_pending_to_success(life: Life) -> None:
    states = [status for status, _ in life.seen["approvals"]]
    assert states == [
        ("pending", APPROVALS[0][2]),
        ("pending", APPROVALS[1][2]),
        ("pending", APPROVALS[2][2]),
        ("success", APPROVALS[3][2]),
    ]
    for _, sticky in life.seen["approvals"]:
        assert len(sticky) == 1, "one sticky comment, edited in place"
    final = life.seen["approvals"][-1][1][0]
    for login in ("alice", "bob", "erin", "dave"):
        assert f"@{login}" in final


def test_closing_a_tracking_issue_while_approved_holds_the_status_cell_and_says_why(life: Life) -> None:
    seen = life.seen["closed_open"]
    rows = _rows(seen["document"])
    assert rows["n1"].status_text.startswith("🔴"), "not committed to the approved pull request's branch"
    assert not rows["n2"].status_text.startswith("🟢")
    assert seen["main"] is None, "nothing on main before the merge"
    closed = next(d for d in life.deliveries if d.step == "issues.closed (tracking, PR open)")
    assert closed.writes == []
    assert (
        f"{PATH}: not committing the Issue / Status cells to {BRANCH} while #{PR} is approved "
        "(@alice, @bob, @dave, @erin)" in closed.log
    )
    assert "written to the default branch when the pull request is merged" in closed.log


def test_the_merge_publishes_then_writes_the_held_status_cell_on_main(life: Life) -> None:
    assert life.seen["merged_main_log"][
        :2
    ] == [  # ONE commit on main: the publication and the held Status cell
        "Publish the post-mortem of incident #1 (signed off in #2)\n\n"
        "Action items: update the status of 1 action item(s) from their issues",
        "Merge pull request #2",
    ]
    merged = next(d for d in life.deliveries if d.step == "pull_request.closed (merged)")
    # the problems comment needs no commit; the incident is closed and commented once the publication is made
    assert [w.split()[0] for w in merged.writes] == ["PATCH", "PUT", "PATCH", "POST"]


# ------------------------------------------------------------------------------------------------- final state


def test_the_published_document_on_main(life: Life) -> None:
    fake = life.fake
    published = _doc(fake, "main")
    meta, body = split_frontmatter(published)
    assert meta["status"] == "Published"
    assert meta["published"] == "2025-11-21"
    assert meta["signoff"] == {
        "incident-commander": {"login": "alice", "date": "2025-11-19"},
        "cto": {"login": "bob", "date": "2025-11-19"},
        "lead-engineer": {"login": "erin", "date": "2025-11-20"},
        "devops-lead": {"login": "dave", "date": "2025-11-20"},
    }
    assert "- [x] **Incident Commander**: @alice - 2025-11-19" in body
    assert "- [x] **CTO**: @bob - 2025-11-19" in body
    assert "- [x] **Lead Engineer**: @erin - 2025-11-20" in body
    assert "- [x] **DevOps Lead**: @dave - 2025-11-20" in body
    assert "- [ ]" not in body.split("## Sign-Off", 1)[1].split("##", 1)[0]
    assert "**Publication Date**: 2025-11-21" in body
    assert "**30-Day Follow-Up** (scheduled for 2025-12-21)" in body
    assert HUMAN_TEXT in body and "~16,500 active users" in body
    rows = _rows(published)
    assert {key: (row.issue, row.status_text[:1]) for key, row in rows.items()} == {
        "n1": (3, "🟢"),
        "n2": (4, "🟢"),
        "n3": (5, "🟡"),
    }
    assert set(fake.files("main")) == {".github/postmortem.yml", PATH}
    assert [c.message for c in fake.commit_log("main")[:3]] == [
        "Action items: update the status of 1 action item(s) from their issues",  # carol's, after the merge
        # alice's Status cell, held until the merge, rides in the publication commit
        "Publish the post-mortem of incident #1 (signed off in #2)\n\n"
        "Action items: update the status of 1 action item(s) from their issues",
        "Merge pull request #2",
    ]
    assert set(fake.branches) == {"main", BRANCH}, "no fallback branch: main is not protected"


def test_the_issues_labels_and_assignees(life: Life) -> None:
    fake = life.fake
    assert sorted(fake.items) == [1, 2, 3, 4, 5], "one pull request and three tracking issues, no duplicate"
    incident = fake.items[INCIDENT]
    assert (incident.state, incident.state_reason, incident.labels) == ("closed", "completed", ["incident"])
    pull = fake.items[PR]
    assert (pull.state, pull.merged, pull.draft, pull.labels) == ("closed", True, False, ["postmortem"])
    assert read_marker(pull.body, "document")["path"] == PATH  # type: ignore[index]
    assert {
        n: (fake.items[n].state, fake.items[n].state_reason, fake.items[n].assignees, fake.items[n].labels)
        for n in (3, 4, 5)
    } == {
        3: ("closed", "completed", ["alice"], ["action-item", "P0"]),
        4: ("closed", "completed", ["carol"], ["action-item", "P1"]),
        5: ("open", None, [], ["action-item", "P2"]),
    }
    assert {name: fake.labels[name].color for name in fake.labels} == {
        "incident": "ededed",
        "postmortem": "ededed",
        "action-item": "0e8a16",
        "p0": "b60205",
        "p1": "d93f0b",
        "p2": "fbca04",
    }
    body = fake.items[5].body or ""
    assert "Umbrella API outage after migration" in body and PATH in body


def test_comments_one_per_purpose(life: Life) -> None:
    fake = life.fake
    comments = {n: [c.body for c in fake.comments_on(n)] for n in fake.items}
    assert {n: len(bodies) for n, bodies in comments.items()} == {1: 2, 2: 2, 3: 0, 4: 0, 5: 0}
    link, published = comments[INCIDENT]
    assert has_marker(link, "pull-request") and f"#{PR}" in link
    assert has_marker(published, "published")
    assert f"https://github.com/{fake.repository}/blob/main/{PATH}" in published
    assert "Incident Commander @alice (2025-11-19)" in published and "2025-12-21" in published
    sticky, problems = sorted(comments[PR], key=is_signoff_comment, reverse=True)
    assert is_signoff_comment(sticky) and has_marker(problems, "action-items-problems")
    assert all(c.user == fake.login for c in fake.comments.values())


def test_the_sign_off_status(life: Life) -> None:
    fake = life.fake
    ours = [s for s in fake.statuses if s.context == STATUS_CONTEXT]
    assert [(s.state, s.description) for s in ours] == [
        (
            "pending",
            "0/4 signed: missing Incident Commander, CTO, Lead Engineer, DevOps Lead",
        ),  # issue edited
        ("pending", "0/4 signed: missing Incident Commander, CTO, Lead Engineer, DevOps Lead"),  # human push
        ("pending", "0/4 signed: missing Incident Commander, CTO, Lead Engineer, DevOps Lead"),  # ready
        *[("pending" if i < 3 else "success", text) for i, (_, _, text) in enumerate(APPROVALS)],
    ]


def test_the_reconcile_and_every_rerun_write_nothing(life: Life) -> None:
    assert life.deliveries[-1].writes == []
    assert {d.step: d.rerun_writes for d in life.deliveries if d.rerun_writes} == {}
    assert _snapshot(life.fake) == life.seen["final_before_rerun"]
    assert sum(d.rerun_requests for d in life.deliveries) <= sum(d.requests for d in life.deliveries)


# ------------------------------------------------------------------------------------------------- fixed bugs


def test_cli_run_with_pace_false_never_sleeps(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    fake.set_permission("mona", "write")
    fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    code, log, _outputs, _requests, writes = Life(fake, tmp_path).run("issues", issue_payload(fake, INCIDENT))
    assert code == 0, log
    assert len(writes) == 5
    assert slept == [], f"main(pace=False) slept {sum(slept):.2f} s"


def test_after_ready_for_review_the_head_commit_carries_the_sign_off_status(life: Life) -> None:
    seen = life.seen["ready"]
    assert seen["statuses"][seen["head"]] == (
        "pending",
        "0/4 signed: missing Incident Commander, CTO, Lead Engineer, DevOps Lead",
    )


def test_closing_a_tracking_issue_keeps_the_sign_off_status_on_the_head(life: Life) -> None:
    assert life.seen["closed_open"]["head_status"] == ("success", "4/4 signed")


def test_no_bot_commit_on_the_pull_request_branch_after_approvals(life: Life) -> None:
    assert not life.seen["closed_open"]["head_moved"]
    assert life.seen["approvals"][-1][0] == ("success", "4/4 signed")


def test_each_notice_is_said_once(life: Life) -> None:
    ready = next(d for d in life.deliveries if d.step == "pull_request.ready_for_review")
    assert any(line.startswith("::notice") for line in ready.log.splitlines())
    for d in life.deliveries:
        said = [line for line in d.log.splitlines() if line.startswith(("::notice", "::warning"))]
        assert len(said) == len(set(said)), f"{d.step}: {said}"
