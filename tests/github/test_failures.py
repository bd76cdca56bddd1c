"""Whole incident events through ``postmortem run`` while GitHub misbehaves.

Every scenario checks what a user sees and what is left behind: exactly one ``::error::`` naming what failed and
what to do (none when the run recovered), the exit code (0 only when nothing failed), no traceback, no token in
the log or the step summary, no duplicate branch / pull request / link comment in the fake's final state, and a
rerun (GitHub healthy again) that completes the work without duplicates.

Failures are injected with :meth:`FakeGitHub.fail_next` / :meth:`rate_limit_next`; connection errors and
timeouts (no answer at all) with :meth:`FakeGitHub.drop_next`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from postmortem.cli import main
from postmortem.github.models import git_blob_sha
from postmortem.markdown.markers import read_marker
from tests.fake_github import FakeGitHub
from tests.harness import issue_body, issue_payload

TITLE = "[Incident]: Umbrella API outage after migration"
PATH = "postmortems/2025-11-17-umbrella-api-outage-after-migration.md"
BRANCH = "postmortem/incident-1"
TOKEN = "ghs_S3cr3tT0kenValue0123456789abcdefABCD"
CONFIG = "signoff:\n  roles:\n    - {id: ic, title: Incident Commander, users: [alice]}\n"
HTML = (
    "<!DOCTYPE html>\n<html><head><title>Unicorn! · GitHub</title></head>\n"
    "<body><p>No server is currently available to service your request.</p></body></html>\n"
)

# ---------------------------------------------------------------------------------------------------------
# running the action and judging what it left


@dataclass
class Outcome:
    code: int
    log: str
    summary: str

    @property
    def errors(self) -> list[str]:
        return [
            line
            for line in self.log.splitlines()
            if line.startswith("::error") and not line.startswith("::error file=")
        ]

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.log.splitlines() if line.startswith("::warning")]


@pytest.fixture
def incident(tmp_path: Path, fake: FakeGitHub) -> Callable[[], Outcome]:
    """An incident issue opened by a writer, a config asking @alice to review; returns "run the action"."""
    fake.set_permission("mona", "write")
    fake.set_permission("alice", "write")
    fake.add_file("main", ".github/postmortem.yml", CONFIG)
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    event = tmp_path / "event.json"
    event.write_text(json.dumps(issue_payload(fake, item.number)), encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": "issues",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }

    def run() -> Outcome:
        (tmp_path / "summary").write_text("", encoding="utf-8")
        out = io.StringIO()
        code = main(["run"], env=env, out=out, pace=False)
        return Outcome(code, out.getvalue(), (tmp_path / "summary").read_text(encoding="utf-8"))

    return run


def _link_comments(fake: FakeGitHub) -> list[Any]:
    return [c for c in fake.comments_on(1) if "draft post-mortem is open" in c.body]


def _assert_no_duplicates(fake: FakeGitHub) -> None:
    assert [b for b in fake.branches if b.startswith("postmortem/")] in ([], [BRANCH])
    assert len(fake.pulls()) <= 1, [p.number for p in fake.pulls()]
    assert len(_link_comments(fake)) <= 1
    assert len(fake.comments_on(1)) <= 1


def _assert_hygiene(outcome: Outcome) -> None:
    for text in (outcome.log, outcome.summary):
        assert "Traceback" not in text and "Unexpected error" not in text, outcome.log
        assert TOKEN not in text and TOKEN[4:12] not in text


def _assert_complete(fake: FakeGitHub) -> None:
    _assert_no_duplicates(fake)
    (pull,) = fake.pulls()
    assert pull.state == "open" and pull.draft and pull.head == BRANCH
    assert pull.labels == ["postmortem"]
    assert pull.requested_reviewers == ["alice"]
    assert fake.file_text(BRANCH, PATH) is not None
    (link,) = fake.comments_on(1)
    assert f"#{pull.number}" in link.body


def succeeded(outcome: Outcome, fake: FakeGitHub) -> None:
    """The run recovered by itself: exit 0, no error, all done."""
    _assert_hygiene(outcome)
    assert outcome.code == 0, outcome.log
    assert outcome.errors == [], outcome.log
    _assert_complete(fake)


def failed(outcome: Outcome, fake: FakeGitHub, *expected: str) -> str:
    """The run failed: exit 1, exactly one ``::error::`` containing every ``expected`` (regex, any case)."""
    _assert_hygiene(outcome)
    assert outcome.code == 1, outcome.log
    assert len(outcome.errors) == 1, outcome.errors
    (error,) = outcome.errors
    for pattern in expected:
        assert re.search(pattern, error, re.IGNORECASE), f"{pattern!r} not in {error}"
    _assert_no_duplicates(fake)
    return error


def rerun_completes(fake: FakeGitHub, run: Callable[[], Outcome]) -> None:
    fake.heal()
    outcome = run()
    succeeded(outcome, fake)
    fake.reset_counts()
    again = run()
    assert again.code == 0 and fake.writes == [], "a third run has nothing left to do"


# ---------------------------------------------------------------------------------------------------------
# 5xx on every write of the incident flow

WRITES = {
    "branch": ("POST", r"/git/refs$", "create branch"),
    "file": ("PUT", r"/contents/postmortems/", "create postmortems/"),
    "pull-request": ("POST", r"/pulls$", "open draft pull request"),
    "label": ("POST", r"/issues/\d+/labels$", "label #2"),
    "reviewers": ("POST", r"/requested_reviewers$", "request review"),
    "comment": ("POST", r"/issues/1/comments$", "comment on #1"),
}
CREATES = {"branch", "file", "pull-request", "comment"}
"""Writes the gateway looks up after a 5xx (the others are simply sent again)."""


@pytest.mark.parametrize("after", [False, True], ids=["before", "processed"])
@pytest.mark.parametrize("status", [502, 503])
@pytest.mark.parametrize("write", list(WRITES))
def test_one_5xx_on_a_write_is_recovered_in_the_same_run(
    fake: FakeGitHub, incident: Callable[[], Outcome], write: str, status: int, after: bool
) -> None:
    method, path, _ = WRITES[write]
    fake.fail_next(method, path, status, after=after)

    succeeded(incident(), fake)
    assert fake.count(method, path) == (1 if after and write in CREATES else 2)
    rerun_completes(fake, incident)


@pytest.mark.parametrize("after", [False, True], ids=["before", "processed"])
@pytest.mark.parametrize("status", [502, 503])
@pytest.mark.parametrize("write", list(WRITES))
def test_a_5xx_that_persists_fails_once_clearly_and_the_rerun_finishes(
    fake: FakeGitHub, incident: Callable[[], Outcome], write: str, status: int, after: bool
) -> None:
    method, path, described = WRITES[write]
    fake.fail_next(method, path, status, after=after, times=2)

    outcome = incident()

    if after and write in CREATES:  # the look-up after the first 5xx finds it: nothing is sent twice
        succeeded(outcome, fake)
        assert fake.count(method, path) == 1
    else:
        failed(outcome, fake, str(status), re.escape(described), "rerun the workflow")
        assert fake.count(method, path) == 2
    rerun_completes(fake, incident)


def test_html_unicorn_page_on_a_write_is_handled_like_any_5xx(
    fake: FakeGitHub, incident: Callable[[], Outcome]
) -> None:
    fake.fail_next("POST", r"/pulls$", 500, HTML, {"Content-Type": "text/html"}, times=2)
    error = failed(incident(), fake, "500", "open draft pull request", "rerun the workflow")
    assert "<html" not in error.lower()
    rerun_completes(fake, incident)


def test_html_unicorn_page_after_the_pull_request_was_created(
    fake: FakeGitHub, incident: Callable[[], Outcome]
) -> None:
    fake.fail_next("POST", r"/pulls$", 500, HTML, {"Content-Type": "text/html"}, after=True)
    succeeded(incident(), fake)


# ---------------------------------------------------------------------------------------------------------
# connection errors and timeouts (no answer at all)


@pytest.mark.parametrize("error", [requests.ConnectionError, requests.ReadTimeout])
@pytest.mark.parametrize("after", [False, True], ids=["before", "processed"])
@pytest.mark.parametrize("write", list(WRITES))
def test_a_dropped_connection_on_a_write_fails_once_and_the_rerun_finishes(
    fake: FakeGitHub,
    incident: Callable[[], Outcome],
    write: str,
    after: bool,
    error: type[requests.RequestException],
) -> None:
    method, path, described = WRITES[write]
    fake.drop_next(method, path, error, after=after)

    failed(incident(), fake, "could not reach github", re.escape(described), error.__name__, "rerun")
    rerun_completes(fake, incident)


@pytest.mark.parametrize(
    "read",
    [
        r"/contents/\.github/postmortem\.yml$",
        r"/contents/\.github/ISSUE_TEMPLATE/",
        r"/collaborators/mona/permission$",
        r"/pulls$",
    ],
    ids=["config", "form", "permission", "pull-listing"],
)
def test_a_dropped_connection_on_a_read_fails_before_any_write(
    fake: FakeGitHub, incident: Callable[[], Outcome], read: str
) -> None:
    fake.drop_next("GET", read, requests.ConnectionError)
    failed(incident(), fake, "could not reach github", "rerun")
    assert fake.writes == []
    rerun_completes(fake, incident)


# ---------------------------------------------------------------------------------------------------------
# 500 on reads

READS = {
    "config": (r"/contents/\.github/postmortem\.yml$", r"read \.github/postmortem\.yml on main"),
    "form": (r"/contents/\.github/ISSUE_TEMPLATE/", r"read \.github/ISSUE_TEMPLATE/incident\.yml"),
    "permission": (r"/collaborators/mona/permission$", "permission of mona"),
    "issue": (r"/issues/1$", r"read issue #1"),
    "pull-listing": (r"/pulls$", "list pull requests"),
    "branch": (r"/git/ref/heads/", "read branch"),
}
"""The reads of a first run. The issue's comments are not among them: the issue says it has none."""


@pytest.mark.parametrize("read", list(READS))
def test_a_500_on_a_read_is_retried(fake: FakeGitHub, incident: Callable[[], Outcome], read: str) -> None:
    fake.fail_next("GET", READS[read][0], 500, times=2)
    succeeded(incident(), fake)


@pytest.mark.parametrize("read", list(READS))
def test_a_persistent_500_on_a_read_fails_before_any_write(
    fake: FakeGitHub, incident: Callable[[], Outcome], read: str
) -> None:
    path, described = READS[read]
    fake.fail_next("GET", path, 500, times=50)
    failed(incident(), fake, "500", described, "rerun the workflow")
    assert fake.writes == []
    rerun_completes(fake, incident)


def test_a_persistent_html_500_on_a_read(fake: FakeGitHub, incident: Callable[[], Outcome]) -> None:
    fake.fail_next("GET", r"/pulls$", 500, HTML, {"Content-Type": "text/html"}, times=50)
    failed(incident(), fake, "500", "list pull requests", "rerun the workflow")
    rerun_completes(fake, incident)


# ---------------------------------------------------------------------------------------------------------
# rate limits


@pytest.mark.parametrize("write", list(WRITES))
def test_a_secondary_limit_on_a_write_is_waited_out(
    fake: FakeGitHub, incident: Callable[[], Outcome], write: str
) -> None:
    method, path, _ = WRITES[write]
    fake.rate_limit_next(method, path, kind="secondary")  # no retry-after: the gateway waits 60 s
    fake.rate_limit_next(method, path, kind="secondary", retry_after=30)
    succeeded(incident(), fake)
    assert fake.count(method, path) == 3


@pytest.mark.parametrize("retry_after", [None, 600], ids=["no-retry-after", "retry-after-600"])
@pytest.mark.parametrize("write", list(WRITES))
def test_a_secondary_limit_that_does_not_lift_stops_the_run(
    fake: FakeGitHub, incident: Callable[[], Outcome], write: str, retry_after: int | None
) -> None:
    method, path, described = WRITES[write]
    fake.rate_limit_next(method, path, kind="secondary", retry_after=retry_after, times=5)

    error = failed(
        incident(), fake, "secondary limit", re.escape(described), "rerun the workflow", "not sent yet"
    )
    assert f"in about {retry_after or 60} s" in error
    rerun_completes(fake, incident)


@pytest.mark.parametrize("write", list(WRITES))
def test_the_primary_limit_on_a_write_stops_the_run_until_the_reset(
    fake: FakeGitHub, incident: Callable[[], Outcome], write: str
) -> None:
    method, path, described = WRITES[write]
    fake.rate_limit_next(method, path, kind="primary")

    error = failed(incident(), fake, "rate limit", re.escape(described), "rerun the workflow")
    wait = float(re.search(r"in about (\d+) s", error)[1])  # type: ignore[index]
    assert 3590 <= wait <= 3610
    assert fake.count(method, path) == 1, "no request is wasted on a limit that lasts an hour"
    rerun_completes(fake, incident)


def test_a_429_with_a_long_retry_after_stops_the_run(
    fake: FakeGitHub, incident: Callable[[], Outcome]
) -> None:
    fake.rate_limit_next("POST", r"/pulls$", kind="secondary", retry_after=600, status=429)
    failed(incident(), fake, "limit", "in about 600 s", "rerun the workflow")
    rerun_completes(fake, incident)


@pytest.mark.parametrize("read", ["config", "pull-listing", "issue"])
def test_a_short_secondary_limit_on_a_read_is_retried(
    fake: FakeGitHub, incident: Callable[[], Outcome], read: str
) -> None:
    fake.rate_limit_next("GET", READS[read][0], kind="secondary")
    succeeded(incident(), fake)


@pytest.mark.parametrize("kind", ["secondary-600", "primary"])
@pytest.mark.parametrize("read", ["config", "pull-listing", "issue"])
def test_a_long_rate_limit_on_a_read_stops_the_run_without_waiting(
    fake: FakeGitHub, incident: Callable[[], Outcome], read: str, kind: str
) -> None:
    path, described = READS[read]
    if kind == "primary":
        fake.rate_limit_next("GET", path, kind="primary")
        expected = [r"GitHub's rate limit", r"in about 36\d\d s"]
    else:
        fake.rate_limit_next("GET", path, kind="secondary", retry_after=600)
        expected = ["secondary limit", "in about 600 s"]
    failed(incident(), fake, described, "rerun the workflow", *expected)
    assert fake.count("GET", path) == 1, "a long limit is not retried"
    assert fake.writes == []
    rerun_completes(fake, incident)


def test_a_secondary_limit_on_a_read_that_outlasts_the_retries_is_reported_as_a_limit(
    fake: FakeGitHub, incident: Callable[[], Outcome]
) -> None:
    fake.rate_limit_next("GET", r"/pulls$", kind="secondary", times=10)
    error = failed(incident(), fake, "list pull requests")
    assert "(403: )" not in error
    # The drained body no longer says which limit: it is reported as a rate limit, not as permissions.
    assert "rate limit" in error and "permissions" not in error
    rerun_completes(fake, incident)


@pytest.mark.parametrize("write", ["branch", "file", "pull-request", "comment", "reviewers"])
def test_the_primary_limit_reached_mid_run_is_one_error(
    fake: FakeGitHub, incident: Callable[[], Outcome], write: str
) -> None:
    """The hour's budget runs out right after one write: every later request answers 403 as well."""
    method, path, _ = WRITES[write]
    fake.exhaust_budget_after(method, path)
    failed(incident(), fake, r"GitHub's rate limit", "rerun the workflow", r"in about 36\d\d s")
    limited = [e for e in fake.log if e.status == 403]
    assert len(limited) == 1, "nothing more is sent once the limit is known"
    rerun_completes(fake, incident)


# ---------------------------------------------------------------------------------------------------------
# credentials, the repository, validation


def test_bad_credentials_name_the_token_input(fake: FakeGitHub, incident: Callable[[], Outcome]) -> None:
    fake.fail_next(None, r".", 401, {"message": "Bad credentials", "status": "401"}, times=1000)
    failed(incident(), fake, "401 bad credentials", "github-token")
    assert fake.writes == []
    rerun_completes(fake, incident)


def test_bad_credentials_on_a_write(fake: FakeGitHub, incident: Callable[[], Outcome]) -> None:
    fake.fail_next("POST", r"/git/refs$", 401, {"message": "Bad credentials", "status": "401"})
    failed(incident(), fake, "401 bad credentials", "github-token", "create branch")
    rerun_completes(fake, incident)


def test_a_repository_the_token_cannot_see_is_named(
    fake: FakeGitHub, incident: Callable[[], Outcome]
) -> None:
    fake.fail_next(None, r".", 404, times=1000)
    failed(incident(), fake, "404", re.escape(fake.repository), "token")
    assert fake.writes == []


def test_pull_request_validation_error_once(fake: FakeGitHub, incident: Callable[[], Outcome]) -> None:
    body = {
        "message": "Validation Failed",
        "errors": [
            {"resource": "PullRequest", "code": "custom", "message": f"No commits between main and {BRANCH}"}
        ],
        "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
        "status": "422",
    }
    fake.fail_next("POST", r"/pulls$", 422, body)
    failed(incident(), fake, "422", "open draft pull request", "No commits between main and")
    assert fake.count("POST", r"/pulls$") == 1, "a validation error is not retried"
    rerun_completes(fake, incident)


def test_no_commits_between_main_and_the_branch_says_what_to_do(
    fake: FakeGitHub, incident: Callable[[], Outcome]
) -> None:
    # The document is on main already and the branch is main's head (a hand "merge" before any pull request).
    run = incident
    first = run()
    assert first.code == 0
    text = fake.file_text(BRANCH, PATH)
    assert text is not None
    fake.items.pop(2)  # no pull request yet
    fake.comments.clear()
    fake.add_file("main", PATH, text)
    fake.create_branch(BRANCH)  # the branch is main's head again

    error = failed(run(), fake, "No commits between")
    assert re.search(r"delete|push a commit|nothing to review", error, re.IGNORECASE), error


def test_an_empty_repository_says_push_a_first_commit(
    fake: FakeGitHub, incident: Callable[[], Outcome]
) -> None:
    empty = {"message": "This repository is empty.", "status": "404"}
    fake.fail_next("GET", r"/contents/", 404, empty, times=1000)
    fake.fail_next(
        "GET", r"/git/ref", 409, {"message": "Git Repository is empty.", "status": "409"}, times=1000
    )
    error = failed(incident(), fake)
    assert "concurrent change" not in error
    assert re.search(r"first commit|repository is empty", error, re.IGNORECASE), error
    assert fake.writes == []


def test_an_empty_repository_writes_nothing_and_fails(
    fake: FakeGitHub, incident: Callable[[], Outcome]
) -> None:
    fake.fail_next(
        "GET", r"/git/ref", 409, {"message": "Git Repository is empty.", "status": "409"}, times=1000
    )
    failed(incident(), fake, "no commit to branch from", "push a first commit")
    assert fake.writes == []
    rerun_completes(fake, incident)


# ---------------------------------------------------------------------------------------------------------
# bodies that are not JSON


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", r"/contents/\.github/postmortem\.yml$"), ("POST", r"/issues/1/comments$")],
    ids=["read", "write"],
)
def test_an_html_451_says_what_happened(
    fake: FakeGitHub, incident: Callable[[], Outcome], method: str, path: str
) -> None:
    fake.fail_next(method, path, 451, HTML, {"Content-Type": "text/html"})
    error = failed(incident(), fake, "451")
    assert "(451: )" not in error
    assert re.search(r"unavailable|legal|blocked|not json|rerun|contact", error, re.IGNORECASE), error


def test_an_html_451_still_fails_cleanly_and_the_rerun_finishes(
    fake: FakeGitHub, incident: Callable[[], Outcome]
) -> None:
    fake.fail_next("POST", r"/issues/1/comments$", 451, HTML, {"Content-Type": "text/html"})
    error = failed(incident(), fake, "451", "comment on #1")
    assert "<html" not in error.lower()
    rerun_completes(fake, incident)


def test_a_200_html_page_instead_of_json_is_a_clear_error(
    fake: FakeGitHub, incident: Callable[[], Outcome]
) -> None:
    fake.fail_next("GET", r"/pulls$", 200, HTML, {"Content-Type": "text/html"})
    failed(incident(), fake, "list pull requests", "json|api url|GITHUB_API_URL")


# ---------------------------------------------------------------------------------------------------------
# an edit of the issue regenerates the document: later handlers read after the incident handler stopped


@pytest.fixture
def edited(tmp_path: Path, fake: FakeGitHub, incident: Callable[[], Outcome]) -> Callable[[], Outcome]:
    """The draft exists; the issue is then edited: the run commits the new document, updates the pull request
    body, and the sign-off handler sets its status on the new head."""
    assert incident().code == 0
    old_body = fake.items[1].body or ""
    fake.items[1].body = old_body.replace("~15,000 active users", "~16,500 active users")
    payload = issue_payload(fake, 1, action="edited", changes={"body": {"from": old_body}})
    (tmp_path / "event.json").write_text(json.dumps(payload), encoding="utf-8")
    fake.reset_counts()
    return incident


def _regenerated(fake: FakeGitHub) -> None:
    assert "~16,500 active users" in (fake.file_text(BRANCH, PATH) or "")
    (pull,) = fake.pulls()
    statuses = fake.statuses_for(fake.head_sha(pull.number))
    assert statuses, "the new head carries the sign-off status"
    by_context = {s.context: {t.state for t in statuses if t.context == s.context} for s in statuses}
    assert set(by_context) == {"postmortem/sign-off", "postmortem/completeness"}
    assert all(len(states) == 1 for states in by_context.values()), by_context


def test_the_primary_limit_during_a_regeneration_is_one_error(
    fake: FakeGitHub, edited: Callable[[], Outcome]
) -> None:
    fake.exhaust_budget_after("PUT", r"/contents/postmortems/")
    failed(edited(), fake, r"GitHub's rate limit", "rerun the workflow")
    assert len([e for e in fake.log if e.status == 403]) == 1, "nothing more is sent once the limit is known"


@pytest.mark.parametrize("cut", ["502", "timeout", "rate-limit"])
def test_a_regeneration_cut_after_the_commit_is_finished_by_the_rerun(
    fake: FakeGitHub, edited: Callable[[], Outcome], cut: str
) -> None:
    if cut == "502":
        fake.fail_next("PATCH", r"/pulls/\d+$", 502, times=2)
    elif cut == "timeout":
        fake.drop_next("PATCH", r"/pulls/\d+$", requests.ReadTimeout)
    else:
        fake.exhaust_budget_after("PUT", r"/contents/postmortems/")
    first = edited()
    _assert_hygiene(first)
    assert first.code == 1
    fake.heal()

    rerun = edited()

    assert rerun.code == 0, rerun.log
    (pull,) = fake.pulls()
    assert not any("changed by hand" in c.body for c in fake.comments_on(pull.number)), "no false notice"
    document = fake.file_text(BRANCH, PATH) or ""
    assert read_marker(pull.body, "document")["sha"] == git_blob_sha(document)  # type: ignore[index]
    _regenerated(fake)
    _assert_no_duplicates(fake)


@pytest.mark.parametrize("after", [False, True], ids=["before", "processed"])
@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", r"/contents/postmortems/"), ("PATCH", r"/pulls/\d+$"), ("POST", r"/statuses/")],
    ids=["file", "pull-request-body", "status"],
)
def test_one_502_during_a_regeneration_is_recovered(
    fake: FakeGitHub, edited: Callable[[], Outcome], method: str, path: str, after: bool
) -> None:
    fake.fail_next(method, path, 502, after=after)
    outcome = edited()
    _assert_hygiene(outcome)
    assert outcome.code == 0 and outcome.errors == [], outcome.log
    _regenerated(fake)
    _assert_no_duplicates(fake)
