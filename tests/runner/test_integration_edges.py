"""Sequences that cross the features built apart (#7–#10), run whole against the fake GitHub.

An incident with a timeline from its comments → a draft with related incidents from an existing catalogue →
ready for review → approvals → the merge published on a protected default branch (the fallback pull request
carries the document and the catalogue) → the push of the merge → the scheduled run → the follow-up closed.
At every step: a dry run through the CLI writes nothing, a rerun writes nothing.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses

from postmortem.cli import main
from postmortem.completeness.report import STATUS_CONTEXT as COMPLETENESS
from postmortem.follow_through.digest import DIGEST_LABEL
from postmortem.follow_through.follow_up import FOLLOW_UP_LABEL
from postmortem.signoff.compute import STATUS_CONTEXT as SIGNOFF
from tests.fake_github import FakeGitHub
from tests.follow_through.timeline_builders import comment, comment_payload
from tests.harness import (
    close_issue,
    dispatch_payload,
    issue_body,
    issue_payload,
    merge_pull,
    pull_payload,
    push_payload,
    review_payload,
    run,
)
from tests.scenario import PATH, TITLE, approve, people, pull_of, ready

README = "postmortems/README.md"
SECOND_TITLE = "[Incident]: Umbrella API outage after a second migration"
SECOND_PATH = "postmortems/2025-12-02-umbrella-api-outage-after-a-second-migration.md"
PLACEHOLDER_ROW = "| 1 | | | | | 🔴 Not Started | |"
ROW = "| 1 | Require backward-compatible migrations | @alice | 2025-12-20 | P0 | 🔴 Not Started | |"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    gh = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        gh.register(mock)
        yield gh


def state(fake: FakeGitHub) -> Any:
    return (
        dict(fake.branches),
        {n: (i.state, i.title, i.body, sorted(i.labels), list(i.assignees)) for n, i in fake.items.items()},
        {c.id: c.body for c in fake.comments.values()},
        len(fake.statuses),
    )


def dry(fake: FakeGitHub, tmp_path: Path, name: str, payload: dict[str, Any]) -> str:
    """``postmortem run --dry-run`` as the workflow runs it: nothing changes; returns the log."""
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": name,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_TOKEN": "test-token",
    }
    before = state(fake)
    start = len(fake.log)
    out = io.StringIO()
    code = main(["run", "--dry-run"], env=env, out=out, pace=False)
    log = out.getvalue()
    assert code == 0, log
    assert [f"{e.method} {e.path}" for e in fake.log[start:] if e.method != "GET"] == [], log
    assert state(fake) == before
    return log


def step(fake: FakeGitHub, tmp_path: Path, name: str, payload: dict[str, Any]) -> list[str]:
    """Dry run, run, rerun: the dry run lists as many writes as the run makes; the rerun writes nothing."""
    log = dry(fake, tmp_path, name, payload)
    start = len(fake.log)
    report = run(fake, name, payload)
    writes = [f"{e.method} {e.path}" for e in fake.log[start:] if e.method != "GET"]
    if writes:
        assert "Would apply" in log, (log, writes)
    start = len(fake.log)
    again = run(fake, name, payload)
    rewrites = [f"{e.method} {e.path}" for e in fake.log[start:] if e.method != "GET"]
    assert rewrites == [], (name, payload.get("action"), rewrites, [m.text for m in again.messages])
    assert not report.errors, report.errors
    return writes


def statuses_on(fake: FakeGitHub, sha: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for s in fake.statuses_for(sha):
        found.setdefault(s.context, s.state)
    return found


def test_the_whole_life_across_features(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTMORTEM_TODAY", "2025-12-03")
    people(fake)
    # an existing catalogue: one published post-mortem
    first = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    run(fake, "issues", issue_payload(fake, first.number))
    pr1 = pull_of(fake, first.number).number
    ready(fake, pr1)
    approve(fake, "alice", "bob", pr=pr1)
    merge_pull(fake, pr1, merged_at="2025-11-21T16:00:00Z")
    run(fake, "pull_request", pull_payload(fake, pr1, action="closed"))
    assert fake.file_text("main", README)

    # the second incident, with a timed comment before the action sees it
    body = issue_body("full.md").replace("2025-11-17", "2025-12-02")
    second = fake.add_issue(SECOND_TITLE, body, labels=["incident"], user="mona")
    comment(fake, second.number, "- 10:40 UTC Cache flushed", user="alice", at="2025-12-02T10:45:00Z")
    step(fake, tmp_path, "issues", issue_payload(fake, second.number))
    pull = pull_of(fake, second.number)
    branch = pull.head
    text = fake.file_text(branch, SECOND_PATH) or ""
    assert "Cache flushed" in text
    assert "(2025-11-17-umbrella-api-outage-after-migration.md)" in text.split("### Related Incidents", 1)[1]

    # a later timed comment and an edit of the issue: the untouched draft is rendered again, related kept
    later = comment(fake, second.number, "- 10:50 UTC Workers healthy", user="bob", at="2025-12-02T10:55:00Z")
    before = len(fake.commit_log(branch))
    step(fake, tmp_path, "issue_comment", comment_payload(fake, second.number, later, sender="bob"))
    old = fake.items[second.number].body or ""
    fake.items[second.number].body = old.replace("~15,000", "~16,000")
    edited = issue_payload(fake, second.number, action="edited", changes={"body": {"from": old}})
    step(fake, tmp_path, "issues", edited)
    assert len(fake.commit_log(branch)) - before == 2, "one commit per run"
    text = fake.file_text(branch, SECOND_PATH) or ""
    assert "Workers healthy" in text and "Cache flushed" in text and "~16,000" in text
    assert "(2025-11-17-umbrella-api-outage-after-migration.md)" in text.split("### Related Incidents", 1)[1]
    head = fake.head_sha(pull.number)
    assert set(statuses_on(fake, head)) >= {SIGNOFF, COMPLETENESS}, statuses_on(fake, head)
    assert len([c for c in fake.comments_on(second.number) if "postmortem:pull-request" in c.body]) == 1

    # action items, ready for review
    fake.add_file(branch, SECOND_PATH, text.replace(PLACEHOLDER_ROW, ROW), message="Human edit")
    step(fake, tmp_path, "pull_request", pull_payload(fake, pull.number, action="synchronize"))
    before = len(fake.commit_log(branch))
    fake.items[pull.number].draft = False
    step(fake, tmp_path, "pull_request", pull_payload(fake, pull.number, action="ready_for_review"))
    assert len(fake.commit_log(branch)) - before <= 1
    head = fake.head_sha(pull.number)
    assert set(statuses_on(fake, head)) >= {SIGNOFF, COMPLETENESS}, statuses_on(fake, head)

    for login in ("alice", "bob"):
        review = fake.add_review(pull.number, login, "APPROVED")
        step(fake, tmp_path, "pull_request_review", review_payload(fake, review))
    head = fake.head_sha(pull.number)
    assert statuses_on(fake, head)[SIGNOFF] == "success"

    # merged on a protected default branch; the push of the merge arrives first
    fake.protect("main")
    merge_pull(fake, pull.number, merged_at="2025-12-03T09:00:00Z")
    push = push_payload(fake, modified=[SECOND_PATH], sender="mona")
    step(fake, tmp_path, "push", push)
    step(fake, tmp_path, "pull_request", pull_payload(fake, pull.number, action="closed"))
    fallbacks = [p for p in fake.pulls() if p.head.startswith("postmortem/publish-")]
    assert len(fallbacks) == 1, [p.head for p in fake.pulls()]
    files = fake.files(fallbacks[0].head)
    assert "Published" in files[SECOND_PATH] and SECOND_PATH.rsplit("/", 1)[1] in files[README]
    step(fake, tmp_path, "push", push)

    # a person merges the fallback pull request; its merge and push arrive
    fallback = fallbacks[0]
    fake.protected_branches.discard("main")  # a person with the rights merges it
    merge_pull(fake, fallback.number, merged_at="2025-12-03T10:00:00Z")
    fake.protect("main")
    step(fake, tmp_path, "pull_request", pull_payload(fake, fallback.number, action="closed"))
    step(fake, tmp_path, "push", push_payload(fake, modified=[SECOND_PATH, README], sender="mona"))
    main_text = fake.file_text("main", SECOND_PATH) or ""
    assert "follow_up: '2026-01-02'" in main_text or "follow_up: 2026-01-02" in main_text, main_text[:600]

    # the schedule: reminders (due 2025-12-20), the digest; then the follow-up
    sched = {k: v for k, v in dispatch_payload(fake).items() if k not in ("inputs", "sender")}
    sched["schedule"] = "17 6 * * *"
    monkeypatch.setenv("POSTMORTEM_TODAY", "2025-12-19")
    step(fake, tmp_path, "schedule", sched)
    monkeypatch.setenv("POSTMORTEM_TODAY", "2026-01-02")
    step(fake, tmp_path, "schedule", sched)
    ups = [i for i in fake.issues_only() if FOLLOW_UP_LABEL in i.labels]
    assert len(ups) == 2, [i.title for i in ups]  # both post-mortems are due by now
    (up,) = [i for i in ups if "second" in i.title]
    close_issue(fake, up.number, "completed")
    main_before = fake.branches["main"]
    step(fake, tmp_path, "issues", issue_payload(fake, up.number, action="closed", sender="alice"))
    follow = [p for p in fake.pulls() if p.head == f"postmortem/follow-up-{up.number}"]
    assert len(follow) == 1 and fake.branches["main"] == main_before
    files = fake.files(follow[0].head)
    assert "follow_up_done" in files[SECOND_PATH]
    assert len(fake.commit_log(follow[0].head)) == len(fake.commit_log("main")) + 1

    assert "done 2026-01-02" in files[README], "the catalogue rides in the same pull request"
    digests = [i for i in fake.issues_only() if DIGEST_LABEL in i.labels]
    assert len(digests) == 1


def publish_first(fake: FakeGitHub) -> int:
    """The first incident drafted, ready, approved and merged by a person (the closed event not run yet)."""
    people(fake)
    first = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    run(fake, "issues", issue_payload(fake, first.number))
    pr = pull_of(fake, first.number).number
    ready(fake, pr)
    approve(fake, "alice", "bob", pr=pr)
    merge_pull(fake, pr, merged_at="2025-11-21T16:00:00Z")
    return pr


def test_the_push_of_the_merge_delivered_after_the_closed_run_writes_nothing(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    pr = publish_first(fake)
    # GitHub's push names the merge commit; the closed run commits the publication and the catalogue after it
    push = push_payload(fake, modified=[PATH], sender="mona")
    run(fake, "pull_request", pull_payload(fake, pr, action="closed"))
    readme = fake.file_text("main", README)
    start = len(fake.log)
    run(fake, "push", push)
    assert [f"{e.method} {e.path}" for e in fake.log[start:] if e.method != "GET"] == []
    assert fake.file_text("main", README) == readme
    step(fake, tmp_path, "push", push)


def test_a_dry_run_lists_the_catalogue_a_persons_push_would_commit(fake: FakeGitHub, tmp_path: Path) -> None:
    pr = publish_first(fake)
    run(fake, "pull_request", pull_payload(fake, pr, action="closed"))
    text = fake.file_text("main", PATH) or ""
    fake.add_file("main", PATH, text.replace("severity: P0", "severity: P1"), message="Human edit")
    push = push_payload(fake, modified=[PATH], sender="mona")
    log = dry(fake, tmp_path, "push", push)
    assert f"update {README} on main" in log, log
    writes = step(fake, tmp_path, "push", push)
    assert len(writes) == 1 and README in writes[0], writes


def test_a_dry_run_of_the_publication_lists_the_catalogue_in_its_commit(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    pr = publish_first(fake)
    log = dry(fake, tmp_path, "pull_request", pull_payload(fake, pr, action="closed"))
    assert f"create {README} on main" in log, log


OFF = """\
signoff:
  roles:
    - {id: incident-commander, title: Incident Commander, users: [alice]}
    - {id: cto, title: CTO, users: [bob]}
  required: [incident-commander, cto]
catalogue: {enabled: false}
follow_up: {enabled: false}
reminders: {enabled: false}
"""


def test_each_part_turned_off_stays_off_through_the_whole_life(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTMORTEM_TODAY", "2025-12-03")
    people(fake, OFF)
    # a README written by hand and an older document that was given a follow-up date before it was turned off
    fake.add_file("main", README, "# Post-mortems\n", message="Hand-written index")
    older = "postmortems/2025-10-01-older.md"
    fake.add_file(
        "main",
        older,
        "---\nincident: 99\ntitle: Older\nstatus: Published\npublished: '2025-10-01'\nfollow_up: '2025-10-31'\n"
        "---\n\n# Older\n",
        message="Older",
    )
    body = issue_body("full.md").replace("2025-11-17", "2025-12-02")
    item = fake.add_issue(SECOND_TITLE, body, labels=["incident"], user="mona")
    step(fake, tmp_path, "issues", issue_payload(fake, item.number))
    pull = pull_of(fake, item.number)
    text = fake.file_text(pull.head, SECOND_PATH) or ""
    assert fake.count("GET", r"/contents/postmortems/README.md") == 0, "no related incidents read"
    fake.add_file(pull.head, SECOND_PATH, text.replace(PLACEHOLDER_ROW, ROW), message="Human edit")
    fake.items[pull.number].draft = False
    step(fake, tmp_path, "pull_request", pull_payload(fake, pull.number, action="ready_for_review"))
    for login in ("alice", "bob"):
        step(
            fake,
            tmp_path,
            "pull_request_review",
            review_payload(fake, fake.add_review(pull.number, login, "APPROVED")),
        )
    merge_pull(fake, pull.number, merged_at="2025-12-03T09:00:00Z")
    step(fake, tmp_path, "pull_request", pull_payload(fake, pull.number, action="closed"))
    step(fake, tmp_path, "push", push_payload(fake, modified=[SECOND_PATH], sender="mona"))
    published = fake.file_text("main", SECOND_PATH) or ""
    assert "status: Published" in published and "follow_up" not in published.split("---", 2)[1]
    assert fake.file_text("main", README) == "# Post-mortems\n"

    sched = dispatch_payload(fake)
    sched.pop("inputs"), sched.pop("sender")
    sched["schedule"] = "17 6 * * *"
    for day in ("2025-12-19", "2026-01-05"):
        monkeypatch.setenv("POSTMORTEM_TODAY", day)
        step(fake, tmp_path, "schedule", sched)
    assert [i.title for i in fake.issues_only() if {FOLLOW_UP_LABEL, DIGEST_LABEL} & set(i.labels)] == []
    (tracked,) = [i for i in fake.issues_only() if "action-item" in i.labels]
    assert fake.comments_on(tracked.number) == [] and "overdue" not in tracked.labels
    assert fake.file_text("main", README) == "# Post-mortems\n"


def test_a_publication_after_the_catalogue_moved_on_since_the_merge_is_committed(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    """Between the merge and its closed run, a person's push refreshed the catalogue (another publication does
    the same): the merge commit the event names is stale, yet the publication lands, with both documents."""
    pr = publish_first(fake)
    closed = pull_payload(fake, pr, action="closed")
    other = "postmortems/2019-outage.md"
    fake.add_file("main", other, "# 2019 outage\n\nWritten by hand.\n", message="Hand-written")
    step(fake, tmp_path, "push", push_payload(fake, added=[other]))
    before = len(fake.commit_log("main"))
    report = run(fake, "pull_request", closed, raise_errors=False)
    assert report.errors == []
    log = fake.commit_log("main")
    assert len(log) == before + 1 and log[0].message.startswith("Publish the post-mortem")
    assert "status: Published" in (fake.file_text("main", PATH) or "")
    readme = fake.file_text("main", README) or ""
    assert "(2019-outage.md)" in readme and "(2025-11-17-umbrella-api-outage-after-migration.md)" in readme
    step(fake, tmp_path, "pull_request", closed)


def test_two_merges_published_in_the_other_order_both_land_with_the_catalogue(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    first = publish_first(fake)
    run(fake, "pull_request", pull_payload(fake, first, action="closed"))
    pulls = []
    for title, day in ((SECOND_TITLE, "2025-12-02"), (SECOND_TITLE.replace("second", "third"), "2025-12-05")):
        item = fake.add_issue(
            title, issue_body("full.md").replace("2025-11-17", day), labels=["incident"], user="mona"
        )
        run(fake, "issues", issue_payload(fake, item.number))
        pr = pull_of(fake, item.number).number
        ready(fake, pr)
        approve(fake, "alice", "bob", pr=pr)
        pulls.append(pr)
    payloads = []
    for pr in pulls:
        merge_pull(fake, pr, merged_at="2025-12-06T10:00:00Z")
        payloads.append(pull_payload(fake, pr, action="closed"))
    for payload in reversed(payloads):  # the later merge's run finishes first
        assert run(fake, "pull_request", payload, raise_errors=False).errors == []
    readme = fake.file_text("main", README) or ""
    for path in fake.files("main"):
        if path.startswith("postmortems/2025-"):
            assert "status: Published" in (fake.file_text("main", path) or ""), path
            assert f"({path.rsplit('/', 1)[1]})" in readme, path
    assert readme.count("| Published |") == 3
    for payload in payloads:
        step(fake, tmp_path, "pull_request", payload)
