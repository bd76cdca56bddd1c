"""A timeline from the incident issue (issue #8 part 3) and the header filled in (part 4), end to end on the fake.

Timed comments of people with write access, a severity label added and a closing by a person reach the draft's
Timeline; the document is regenerated while untouched, and once edited one sticky comment lists the rows to
paste. Comments on pull requests and on other issues cost no request of the handler.
"""

from __future__ import annotations

from typing import Any

from postmortem.context import Context, load_config
from postmortem.events import Event
from postmortem.github.client import Gateway
from postmortem.runner import run_event
from tests.fake_github import FakeGitHub
from tests.follow_through.timeline_builders import comment, comment_payload
from tests.harness import issue_body, issue_payload, run
from tests.scenario import BRANCH, INCIDENT, PATH, PR, edit_doc, open_incident, people

NO_RESOLVED = issue_body("full.md").replace("2025-11-17 11:02", "_No response_")


def document(fake: FakeGitHub) -> str:
    return fake.file_text(BRANCH, PATH) or ""


def timeline_rows(text: str) -> list[str]:
    start = text.index("| Time (UTC) | Event | Action Taken | By Whom |")
    rows = []
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_a_writers_timed_comment_lands_in_the_draft_with_by_whom(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    assert "| 10:00 | Deployment v1.2.3 initiated | | |" in timeline_rows(document(fake))
    cid = comment(
        fake,
        INCIDENT,
        "Notes:\n- 10:40 UTC Cache flushed -> restarted the workers\n",
        user="alice",
        at="2025-11-17T10:45:00Z",
    )
    fake.reset_counts()
    payload = comment_payload(fake, INCIDENT, cid, sender="alice")
    run(fake, "issue_comment", payload)
    rows = timeline_rows(document(fake))
    assert "| 10:40 | Cache flushed | restarted the workers | @alice |" in rows
    # chronological with the form's lines
    assert (
        rows.index("| 10:32 | Worker rollback initiated: `wrangler rollback --env production` | | |")
        < rows.index("| 10:40 | Cache flushed | restarted the workers | @alice |")
        < rows.index("| 11:02 | Incident resolved | | |")
    )
    messages = [c.message for c in fake.commit_log(BRANCH)]
    assert messages.count("Update post-mortem from incident #1") == 1  # one commit for the comment
    fake.reset_counts()
    run(fake, "issue_comment", payload)
    assert fake.writes == []


def test_a_comment_of_someone_without_write_access_is_ignored(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    before = document(fake)
    cid = comment(fake, INCIDENT, "10:41 I think it is DNS", user="eve", at="2025-11-17T10:50:00Z")
    fake.reset_counts()
    report = run(fake, "issue_comment", comment_payload(fake, INCIDENT, cid, sender="eve"))
    assert fake.writes == []
    assert fake.count() == 1 + fake.count("GET", r"/contents/\.github/postmortem\.yml") + fake.count(
        "GET", r"/repos/[^/]+/[^/]+$"
    )  # the config, and eve's permission
    assert "no write access" in " ".join(m.text for m in report.messages)
    # a writer's comment later: eve's line still does not count
    cid = comment(fake, INCIDENT, "10:44 Failover started", user="bob", at="2025-11-17T10:50:00Z")
    run(fake, "issue_comment", comment_payload(fake, INCIDENT, cid, sender="bob"))
    text = document(fake)
    assert "| 10:44 | Failover started | | @bob |" in text
    assert "DNS" not in text and text != before


def test_a_bare_time_takes_the_latest_date_not_after_the_comment(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    cid = comment(
        fake,
        INCIDENT,
        "23:50 Still degraded in eu-west\n08:30 Follow-up deploy of v1.2.4\n2025-11-17 12:00 Status page closed",
        user="bob",
        at="2025-11-18T09:00:00Z",
    )
    run(fake, "issue_comment", comment_payload(fake, INCIDENT, cid, sender="bob"))
    rows = timeline_rows(document(fake))
    assert "| 23:50 | Still degraded in eu-west | | @bob |" in rows  # 2025-11-17 23:50: the incident's day
    assert "| 2025-11-18 08:30 | Follow-up deploy of v1.2.4 | | @bob |" in rows  # another day: dated
    assert "| 12:00 | Status page closed | | @bob |" in rows
    assert rows.index("| 12:00 | Status page closed | | @bob |") < rows.index(
        "| 23:50 | Still degraded in eu-west | | @bob |"
    )


def test_a_severity_label_and_a_close_by_a_person_appear(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake, body=NO_RESOLVED)
    fake.label_as(INCIDENT, "P1", user="bob")
    fake.close_as(INCIDENT, user="alice")
    cid = comment(fake, INCIDENT, "Closing, all green.", user="alice", at="2025-11-17T12:00:00Z")
    fake.reset_counts()
    run(fake, "issue_comment", comment_payload(fake, INCIDENT, cid, sender="alice"))
    assert fake.count("GET", r"/issues/1/timeline") == 1
    rows = timeline_rows(document(fake))
    assert any("| Severity set to P1 | | @bob |" in row for row in rows), rows
    assert any("| Incident resolved (issue closed) | | @alice |" in row for row in rows), rows
    assert any("| Incident reported (issue opened) | | @mona |" in row for row in rows), rows


def test_the_actions_own_closing_is_not_a_resolution(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake, body=NO_RESOLVED)
    # the action closes the incident issue on publication (PATCH by the token's user)
    fake.close_as(INCIDENT, user=fake.login)
    cid = comment(fake, INCIDENT, "11:05 Customers notified", user="alice", at="2025-11-17T11:10:00Z")
    run(fake, "issue_comment", comment_payload(fake, INCIDENT, cid, sender="alice"))
    text = document(fake)
    assert "| 11:05 | Customers notified | | @alice |" in text
    assert "Incident resolved (issue closed)" not in text


def test_a_comment_after_a_human_edit_gets_one_sticky_comment_with_rows_to_paste(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    edit_doc(
        fake, "| 10:00 | Deployment v1.2.3 initiated | | |", "| 10:00 | Deploy of v1.2.3 started | | @mona |"
    )
    edited = document(fake)
    cid = comment(fake, INCIDENT, "10:40 Cache flushed -> restarted", user="alice", at="2025-11-17T10:45:00Z")
    payload = comment_payload(fake, INCIDENT, cid, sender="alice")
    run(fake, "issue_comment", payload)
    assert document(fake) == edited  # no human edit is overwritten
    (sticky,) = [c for c in fake.comments_on(PR) if "postmortem:timeline-events" in c.body]
    assert "| 10:40 | Cache flushed | restarted | @alice |" in sticky.body
    assert "Deployment v1.2.3" not in sticky.body  # the form's own lines are not repeated
    fake.reset_counts()
    run(fake, "issue_comment", payload)
    assert fake.writes == []

    # another timed comment: the same comment, updated in place
    cid = comment(fake, INCIDENT, "10:50 Alert cleared", user="bob", at="2025-11-17T10:55:00Z")
    run(fake, "issue_comment", comment_payload(fake, INCIDENT, cid, sender="bob"))
    (sticky,) = [c for c in fake.comments_on(PR) if "postmortem:timeline-events" in c.body]
    assert "| 10:50 | Alert cleared |  | @bob |" in sticky.body and "| 10:40 | Cache flushed" in sticky.body

    # once pasted, nothing is missing: no write
    rows = "\n".join(line for line in sticky.body.splitlines() if line.startswith("| 10:"))
    edit_doc(fake, "| 11:02 | Incident resolved | | |", rows + "\n| 11:02 | Incident resolved | | |")
    fake.reset_counts()
    cid = comment(fake, INCIDENT, "Thanks all", user="bob", at="2025-11-17T13:00:00Z")
    run(fake, "issue_comment", comment_payload(fake, INCIDENT, cid, sender="bob"))
    assert fake.writes == []


def _handler_requests(fake: FakeGitHub, payload: dict[str, Any]) -> int:
    """The requests of the run after the config is loaded (what the handlers cost)."""
    gateway = Gateway(token="test-token", repository=fake.repository, pace=False)
    config = load_config(gateway, fake.default_branch)
    ctx = Context(
        event=Event.from_payload("issue_comment", payload, fake.repository),
        gateway=gateway,
        config=config,
        default_branch=fake.default_branch,
    )
    fake.reset_counts()
    report = run_event(ctx)
    assert report.writes == [] and report.errors == []
    return fake.count()


def test_pull_request_comments_and_other_issues_cost_no_request(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    cid = comment(fake, PR, "10:40 looks good", user="alice", at="2025-11-17T10:45:00Z")
    assert _handler_requests(fake, comment_payload(fake, PR, cid, sender="alice")) == 0
    other = fake.add_issue("Flaky test", "10:00 it failed", labels=["bug"], user="alice").number
    cid = comment(fake, other, "10:40 again", user="alice", at="2025-11-17T10:45:00Z")
    assert _handler_requests(fake, comment_payload(fake, other, cid, sender="alice")) == 0


def test_the_header_names_reviewers_and_the_author(fake: FakeGitHub) -> None:
    config = """\
signoff:
  roles:
    - {id: incident-commander, title: Incident Commander, users: [alice]}
    - {id: sre, title: SRE, teams: [Codertocat/sre]}
    - {id: cto, title: CTO, teams: [Codertocat/leads]}
  required: [incident-commander]
"""
    people(fake, config)
    fake.add_team("Codertocat/sre", ["carol", "bob"])
    fake.add_team("Codertocat/leads", ["zed"], readable=False)
    open_incident(fake)
    text = document(fake)
    assert "**Author**: mona" in text or "**Author**: @mona" in text
    reviewers = next(line for line in text.splitlines() if line.startswith("**Reviewers**"))
    assert "@alice" in reviewers and "@carol" in reviewers and "@bob" in reviewers
    assert (
        "Codertocat/leads" in reviewers and "@Codertocat/leads" not in reviewers and "@zed" not in reviewers
    )
    assert "[Names]" not in text and "[Name]" not in text.split("**Author**")[1].splitlines()[0]


def test_opening_with_comments_reads_the_timeline_once_and_each_commenters_permission(
    fake: FakeGitHub,
) -> None:
    people(fake)
    item = fake.add_issue(
        "[Incident]: Umbrella API outage after migration",
        issue_body("full.md"),
        labels=["incident"],
        user="mona",
    )
    comment(fake, item.number, "10:40 Cache flushed", user="alice", at="2025-11-17T10:45:00Z")
    comment(fake, item.number, "10:41 Another line", user="alice", at="2025-11-17T10:46:00Z")
    comment(fake, item.number, "10:42 Guess", user="eve", at="2025-11-17T10:47:00Z")
    comment(fake, item.number, "no time here", user="dave", at="2025-11-17T10:48:00Z")
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, item.number))
    assert fake.count("GET", r"/issues/1/timeline") == 1
    # mona (the sender) is known already; alice and eve once each; dave wrote no timed line
    assert fake.count("GET", r"/collaborators/") == 3
    text = document(fake)
    assert "| 10:40 | Cache flushed | | @alice |" in text and "Guess" not in text


def test_a_deleted_comment_takes_its_events_out_of_the_untouched_draft(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    cid = comment(fake, INCIDENT, "10:40 Cache flushed", user="alice", at="2025-11-17T10:45:00Z")
    run(fake, "issue_comment", comment_payload(fake, INCIDENT, cid, sender="alice"))
    assert "| 10:40 | Cache flushed | | @alice |" in document(fake)
    payload = comment_payload(fake, INCIDENT, cid, action="deleted", sender="alice")
    del fake.comments[cid]
    run(fake, "issue_comment", payload)
    assert "Cache flushed" not in document(fake)


def test_the_increment_of_comments_on_opening(fake: FakeGitHub) -> None:
    """Without comments the draft costs what the budget says; with comments by people, one timeline read, one
    permission read per distinct author of a timed line, and the comments listing (is the link there?)."""
    people(fake)
    plain = fake.add_issue("[Incident]: A", issue_body("full.md"), labels=["incident"], user="mona").number
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, plain))
    without = fake.count()
    assert fake.count("GET", r"/timeline") == 0
    other = fake.add_issue("[Incident]: B", issue_body("full.md"), labels=["incident"], user="mona").number
    comment(fake, other, "10:40 Cache flushed", user="alice", at="2025-11-17T10:45:00Z")
    comment(fake, other, "10:42 Guess", user="eve", at="2025-11-17T10:47:00Z")
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, other))
    assert fake.count() == without + 1 + 2 + 1


def test_a_comment_does_not_open_a_draft_the_issue_events_did_not(fake: FakeGitHub) -> None:
    people(fake)
    number = fake.add_issue("[Incident]: A", issue_body("full.md"), labels=["incident"], user="eve").number
    cid = comment(fake, number, "10:40 Looking into it", user="alice", at="2025-11-17T10:45:00Z")
    report = run(fake, "issue_comment", comment_payload(fake, number, cid, sender="alice"))
    assert fake.writes == [] and fake.pulls() == []
    assert "no open post-mortem pull request" in " ".join(m.text for m in report.messages)
