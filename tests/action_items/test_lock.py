"""Two runs at once (no ``concurrency:`` group) create each tracking issue once: the lock on GitHub (issue #10,
item 15). Whole runs against the fake, the second run interleaved inside the first through ``on_request``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from postmortem.github.lock import Holder, expired, lock_message, read_holder
from postmortem.plan import Plan
from postmortem.runner import RunReport
from postmortem.signoff import handler as signoff
from tests.action_items.test_handler import BRANCH, setup, table, tracking
from tests.fake_github import FakeGitHub
from tests.harness import pull_request_payload, run

REF = "refs/postmortem-locks/action-items"
NOW = datetime(2026, 3, 16, tzinfo=UTC)  # POSTMORTEM_TODAY below pins the run's clock to this midnight


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run A's identity, a pinned clock; sign-off stubbed so that the requests counted are the sync's own."""
    monkeypatch.setenv("POSTMORTEM_TODAY", NOW.date().isoformat())
    monkeypatch.setenv("GITHUB_RUN_ID", "1001")
    monkeypatch.setenv("GITHUB_RUN_ATTEMPT", "1")
    monkeypatch.setenv("GITHUB_JOB", "postmortem")
    monkeypatch.delenv("POSTMORTEM_LOCK_MINUTES", raising=False)
    for name in ("handle_pull_request", "handle_reconcile"):
        monkeypatch.setattr(signoff, name, lambda ctx: Plan())


def ready(fake: FakeGitHub, number: int, **kwargs: Any) -> RunReport:
    payload = pull_request_payload(fake, number, action="ready_for_review", sender="mona")
    return run(fake, "pull_request", payload, **kwargs)


def as_run(monkeypatch: pytest.MonkeyPatch, run_id: str, attempt: str = "1") -> None:
    monkeypatch.setenv("GITHUB_RUN_ID", run_id)
    monkeypatch.setenv("GITHUB_RUN_ATTEMPT", attempt)


def seed_lock(fake: FakeGitHub, expires: datetime, *, run_id: str = "7", attempt: int = 1) -> str:
    """A lock another run took (an expiry in the past: that run's runner was killed)."""
    holder = Holder(run_id=run_id, attempt=attempt, job="postmortem", expires=expires)
    sha = fake.new_commit(None, {}, lock_message("action-items", holder), "github-actions[bot]")
    fake.refs[REF] = sha
    return sha


def warnings(report: RunReport) -> str:
    return "\n".join(m.text for m in report.messages if m.level == "warning")


def assert_each_row_has_one_issue(fake: FakeGitHub) -> None:
    issues = [i for i in fake.issues_only() if "action-item" in i.labels]
    assert len(issues) == 3 and all(i.state == "open" for i in issues), [(i.number, i.state) for i in issues]
    assert sorted(tracking(fake)) == ["n1", "n2", "n3"]


# ------------------------------------------------------------------------------------------- two runs at once


def test_two_runs_at_once_create_each_issue_once(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run B starts while run A is creating: B finds the lock taken and creates nothing, A creates the three."""
    number = setup(fake)
    other: list[RunReport] = []

    def run_b(n: int) -> None:
        if n == 1:  # A holds the lock and is about to create its first issue
            as_run(monkeypatch, "1002")
            other.append(ready(fake, number))
            as_run(monkeypatch, "1001")

    fake.on_request("POST", r"/issues$", run_b)
    first = ready(fake, number)

    (second,) = other
    assert second.errors == [] and "another run, run 1001 (attempt 1, job postmortem)" in warnings(second)
    assert "`concurrency:`" in warnings(second) and "rerunning this workflow is safe" in warnings(second)
    assert not [r for r in second.applied if r.write.kind == "create_issue"]
    assert len([r for r in first.applied if r.write.kind == "create_issue"]) == 3
    assert_each_row_has_one_issue(fake)
    assert fake.count("POST", r"/issues$") == 3 and fake.count("PATCH", r"/issues/\d+$") == 0, "none closed"
    assert {key: item.issue for key, item in table(fake).items() if item.issue} == {
        key: issue.number for key, issue in tracking(fake).items()
    }
    assert REF not in fake.refs, "the lock is released"


def test_the_run_that_takes_the_lock_second_finds_the_first_runs_issues(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run B creates everything between A's reading of the listing and A's taking of the lock: A reads the
    listing again once it holds the lock, finds B's issues by their markers, and creates none."""
    number = setup(fake)

    def run_b(n: int) -> None:
        if n == 1:  # A is about to create the lock's ref
            as_run(monkeypatch, "1002")
            ready(fake, number)
            as_run(monkeypatch, "1001")

    fake.on_request("POST", r"/git/refs$", run_b)
    first = ready(fake, number)

    assert not [r for r in first.applied if r.write.kind == "create_issue"]
    assert_each_row_has_one_issue(fake)
    assert fake.count("POST", r"/issues$") == 3
    assert REF not in fake.refs


# ------------------------------------------------------------------------------------------- held, expired


def test_a_lock_held_by_a_live_run_stops_the_creations_and_is_left_alone(fake: FakeGitHub) -> None:
    number = setup(fake)
    theirs = seed_lock(fake, NOW + timedelta(minutes=5))

    report = ready(fake, number)

    assert report.errors == [] and "another run, run 7 (attempt 1, job postmortem)" in warnings(report)
    assert "until 2026-03-16 00:05 UTC at the latest" in warnings(report)
    assert tracking(fake) == {} and fake.count("POST", r"/issues$") == 0
    assert fake.refs[REF] == theirs and fake.count("DELETE") == 0

    del fake.refs[REF]  # that run is over
    ready(fake, number)
    assert_each_row_has_one_issue(fake)


def test_an_expired_lock_is_taken_over_with_a_fast_forward_from_it(fake: FakeGitHub) -> None:
    number = setup(fake)
    theirs = seed_lock(fake, NOW - timedelta(minutes=1))

    report = ready(fake, number)

    assert report.errors == []
    assert_each_row_has_one_issue(fake)
    (patch,) = [e for e in fake.log if e.method == "PATCH" and "git/refs/postmortem-locks" in e.path]
    assert patch.body["force"] is False and fake.commits[patch.body["sha"]].parent == theirs
    assert "run-id: 1001" in fake.commits[patch.body["sha"]].message
    assert REF not in fake.refs


def test_a_lock_of_an_earlier_attempt_of_this_run_is_taken_over(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After "Re-run failed jobs" (a killed runner), attempt 2 need not wait for attempt 1's lock to expire."""
    number = setup(fake)
    seed_lock(fake, NOW + timedelta(minutes=5), run_id="1001", attempt=1)
    as_run(monkeypatch, "1001", attempt="2")

    ready(fake, number)

    assert_each_row_has_one_issue(fake)
    assert REF not in fake.refs


def test_two_runs_taking_over_the_same_expired_lock_one_wins(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B takes the expired lock over between A's reading it and A's update: A's update is no fast-forward."""
    number = setup(fake)
    theirs = seed_lock(fake, NOW - timedelta(minutes=1))

    def b_takes_it_over(n: int) -> None:
        if n == 1:
            holder = Holder(run_id="1002", attempt=1, job="postmortem", expires=NOW + timedelta(minutes=10))
            fake.refs[REF] = fake.new_commit(
                theirs, {}, lock_message("action-items", holder), "github-actions[bot]"
            )

    fake.on_request("PATCH", r"/git/refs/postmortem-locks/", b_takes_it_over)
    report = ready(fake, number)

    assert report.errors == [] and "took over the expired" in warnings(report)
    assert fake.count("POST", r"/issues$") == 0 and "run-id: 1002" in fake.commits[fake.refs[REF]].message


def test_a_ref_the_action_did_not_write_is_not_taken_over(fake: FakeGitHub) -> None:
    number = setup(fake)
    fake.refs[REF] = fake.new_commit(None, {}, "something else", "octocat")

    report = ready(fake, number)

    assert (
        report.errors == []
        and "gh api -X DELETE repos/Codertocat/Hello-World/git/refs/postmortem-locks" in (warnings(report))
    )
    assert tracking(fake) == {} and REF in fake.refs


# ------------------------------------------------------------------------------------------- always released


def test_the_lock_is_released_after_a_server_error_mid_run(fake: FakeGitHub) -> None:
    number = setup(fake)

    def break_the_second(n: int) -> None:
        if n == 2:
            fake.fail_next("POST", r"/issues$", 502, times=2)  # the creation and its one retry

    fake.on_request("POST", r"/issues$", break_the_second)
    report = ready(fake, number, raise_errors=False)

    assert report.errors and "502" in str(report.errors[0])
    assert REF not in fake.refs and fake.count("DELETE", r"/git/refs/postmortem-locks/action-items$") == 1
    assert len(tracking(fake)) == 1

    fake.heal()
    ready(fake, number)
    assert_each_row_has_one_issue(fake)


def test_a_lock_taken_over_after_ours_expired_is_not_deleted(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run slower than its lock's expiry: another run took the lock over meanwhile; it stays theirs."""
    number = setup(fake)
    theirs: list[str] = []

    def time_passes_and_another_run_takes_over(n: int) -> None:
        if n == 3:
            monkeypatch.setenv("POSTMORTEM_TODAY", (NOW + timedelta(days=1)).date().isoformat())
            holder = Holder(run_id="1002", attempt=1, job="", expires=NOW + timedelta(days=1, minutes=10))
            theirs.append(fake.new_commit(fake.refs[REF], {}, lock_message("action-items", holder), "bot"))
            fake.refs[REF] = theirs[0]

    fake.on_request("POST", r"/issues$", time_passes_and_another_run_takes_over)
    ready(fake, number)

    assert fake.refs[REF] == theirs[0] and fake.count("DELETE") == 0


# ------------------------------------------------------------------------------------------- cost, dry run


def test_a_run_that_creates_no_issue_takes_no_lock(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    fake.reset_counts()

    run(fake, "pull_request", pull_request_payload(fake, number, action="synchronize", sender="mona"))

    assert fake.writes == [] and fake.count() <= 6
    assert fake.count(None, r"/git/(refs|ref|commits|trees)") == 0


def test_the_lock_costs_five_requests_three_of_them_writes(fake: FakeGitHub) -> None:
    number = setup(fake)

    ready(fake, number)

    prefix = f"/repos/{fake.repository}"
    lock = [
        (e.method, e.path.removeprefix(prefix))
        for e in fake.log
        if "/git/" in e.path or (e.path.endswith("/issues") and e.method == "GET")
    ]
    assert lock == [
        ("GET", "/issues"),
        ("GET", "/git/trees/main"),  # the lock's commit reuses the default branch's root tree
        ("POST", "/git/commits"),
        ("POST", "/git/refs"),
        ("GET", "/issues"),  # read again once the lock is held
        ("DELETE", "/git/refs/postmortem-locks/action-items"),
    ]
    (created,) = [e for e in fake.log if e.method == "POST" and e.path.endswith("/git/refs")]
    assert created.body["ref"] == REF
    holder = read_holder(fake.commits[created.body["sha"]].message)
    assert holder == Holder(run_id="1001", attempt=1, job="postmortem", expires=NOW + timedelta(minutes=10))


def test_a_dry_run_prints_the_lock_around_the_creations(fake: FakeGitHub) -> None:
    number = setup(fake)

    report = ready(fake, number, dry_run=True)

    lines = [w.describe() for w in report.writes]
    take, release = (
        lines.index(next(x for x in lines if x.startswith("take the lock"))),
        lines.index("release the lock refs/postmortem-locks/action-items"),
    )
    opened = [i for i, line in enumerate(lines) if line.startswith("open issue")]
    assert len(opened) == 3 and take < min(opened) and max(opened) < release, lines
    assert (
        lines[take]
        == "take the lock refs/postmortem-locks/action-items (then read the action-item issues again)"
    )
    assert fake.writes == [] and REF not in fake.refs


# ------------------------------------------------------------------------------------------- the lock's record


def test_the_lock_message_records_the_run_and_its_expiry() -> None:
    env = {
        "GITHUB_RUN_ID": "42",
        "GITHUB_RUN_ATTEMPT": "3",
        "GITHUB_JOB": "postmortem",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/web",
        "POSTMORTEM_LOCK_MINUTES": "30",
    }
    holder = Holder.from_environ(env, NOW)
    assert holder.expires == NOW + timedelta(minutes=30)
    assert holder.url == "https://github.com/acme/web/actions/runs/42"
    message = lock_message("action-items", holder)
    assert message.splitlines()[0] == "postmortem-action lock action-items"
    assert read_holder(message) == holder
    assert Holder.from_environ({}, NOW) == Holder(
        run_id="local", attempt=1, job="", expires=NOW + timedelta(minutes=10)
    )


@pytest.mark.parametrize(
    "message",
    [
        "something else",
        "postmortem-action lock action-items\n\nrun-id: 1\nexpires: tomorrow",
        "postmortem-action lock action-items\n\nrun-id: 1\nexpires: 2026-03-16T00:00:00",  # no time zone
        "postmortem-action lock action-items\n\nexpires: 2026-03-16T00:00:00+00:00",  # no run
    ],
)
def test_a_message_the_action_did_not_write_has_no_holder(message: str) -> None:
    assert read_holder(message) is None


@pytest.mark.parametrize("minutes", ["0", "abc", "361", "-5"])
def test_the_lock_duration_is_checked(minutes: str) -> None:
    with pytest.raises(Exception, match="POSTMORTEM_LOCK_MINUTES"):
        Holder.from_environ({"POSTMORTEM_LOCK_MINUTES": minutes}, NOW)


@pytest.mark.parametrize(
    ("found", "me", "taken_over"),
    [
        (("7", 1, "a", -1), ("8", 1, "a"), True),  # past its expiry
        (("7", 1, "a", 5), ("8", 1, "a"), False),  # another run, live
        (("7", 1, "a", 5), ("7", 2, "a"), True),  # an earlier attempt of this run
        (("7", 2, "a", 5), ("7", 2, "a"), False),  # the same attempt: another job of a matrix, say
        (("7", 1, "a", 5), ("7", 2, "b"), False),  # another job of the run
        (("local", 1, "", 5), ("local", 2, ""), False),  # outside Actions: nobody can tell
    ],
)
def test_when_a_lock_may_be_taken_over(
    found: tuple[str, int, str, int], me: tuple[str, int, str], taken_over: bool
) -> None:
    run_id, attempt, job, minutes = found
    theirs = Holder(run_id=run_id, attempt=attempt, job=job, expires=NOW + timedelta(minutes=minutes))
    mine = Holder(run_id=me[0], attempt=me[1], job=me[2], expires=NOW + timedelta(minutes=10))
    assert expired(theirs, mine, NOW) is taken_over


def test_the_branch_of_the_document_is_untouched_by_the_lock(fake: FakeGitHub) -> None:
    number = setup(fake)
    ready(fake, number)
    assert all(not ref.startswith("refs/heads/") for ref in fake.refs)
    assert BRANCH in fake.branches and not [b for b in fake.branches if "lock" in b]
