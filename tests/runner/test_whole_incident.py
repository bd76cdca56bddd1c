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

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from postmortem.markdown.frontmatter import split_frontmatter
from postmortem.markdown.markers import has_marker, read_marker
from postmortem.signoff.compute import STATUS_CONTEXT, is_signoff_comment
from tests.fake_github import FakeGitHub
from tests.harness import (
    issue_body,
    issue_payload,
)
from tests.runner.life import (
    APPROVALS,
    BRANCH,
    EXPECTED,
    HUMAN_TEXT,
    INCIDENT,
    PATH,
    PR,
    TITLE,
    Life,
    doc,
    live,
    snapshot,
    table_rows,
)


@pytest.fixture(scope="module")
def life(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Life]:
    fake = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.register(mock)
        lived = live(fake, tmp_path_factory.mktemp("whole-incident"))
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
    assert sum(r for r, _ in measured.values()) == 149
    assert sum(w for _, w in measured.values()) == 41


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
        "answers": opened.outputs["answers"],
    }
    assert json.loads(opened.outputs["answers"])["incident_commander"] == "@octocat"
    assert [w.split()[0] for w in opened.writes] == ["POST", "PUT", "POST", "POST", "POST", "POST", "POST"]
    assert life.deliveries[1].writes == [], "the form's `labeled` event right after `opened` changes nothing"


def test_the_issue_edit_regenerates_the_untouched_draft_and_sets_the_status_on_its_commit(life: Life) -> None:
    seen = life.seen["edited"]
    document = seen["document"]
    assert "~16,500 active users" in document and "~15,000" not in document
    assert split_frontmatter(document)[0]["status"] == "Draft"
    writes = life.deliveries[2].writes
    # document, PR body's sha, the sign-off and completeness statuses
    assert [w.split()[0] for w in writes] == ["PUT", "PATCH", "POST", "POST"]
    assert writes[2].startswith("POST /statuses/") and writes[3].startswith("POST /statuses/")
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
    rows = table_rows(document)
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
    rows = table_rows(seen["document"])
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
        "Action items: update the status of 1 action item(s) from their issues\n\n"
        "Refresh the post-mortem catalogue",
        "Merge pull request #2",
    ]
    merged = next(d for d in life.deliveries if d.step == "pull_request.closed (merged)")
    # the problems comment needs no commit; the incident is closed and commented once the publication is made
    assert [w.split()[0] for w in merged.writes] == ["PATCH", "POST", "PATCH", "POST"]


# ------------------------------------------------------------------------------------------------- final state


def test_the_published_document_on_main(life: Life) -> None:
    fake = life.fake
    published = doc(fake, "main")
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
    rows = table_rows(published)
    assert {key: (row.issue, row.status_text[:1]) for key, row in rows.items()} == {
        "n1": (3, "🟢"),
        "n2": (4, "🟢"),
        "n3": (5, "🟡"),
    }
    assert set(fake.files("main")) == {".github/postmortem.yml", PATH, "postmortems/README.md"}
    assert [c.message for c in fake.commit_log("main")[:3]] == [
        # carol's, after the merge, with the catalogue (her 🟢 Done counts in its action items)
        "Action items: update the status of 1 action item(s) from their issues\n\n"
        "Refresh the post-mortem catalogue",
        # alice's Status cell, held until the merge, rides in the publication commit
        "Publish the post-mortem of incident #1 (signed off in #2)\n\n"
        "Action items: update the status of 1 action item(s) from their issues\n\n"
        "Refresh the post-mortem catalogue",
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
        ),  # draft opened
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
    assert snapshot(life.fake) == life.seen["final_before_rerun"]
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
    assert len(writes) == 6  # with the sign-off status on the new draft
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
