"""Issue #10 items 5 and 7: what the log says agrees with what the run did.

A failed run never also says that GitHub already matches the post-mortem; a handler that an event does not concern
stays quiet (one ``::debug::`` line), so no line says a run ignores what it then acts on.
"""

from __future__ import annotations

from pathlib import Path

from tests.fake_github import FakeGitHub
from tests.harness import issue_body, issue_payload, tracking_issue_payload
from tests.scenario import PR, TITLE, cli, open_incident, people, ready, tracking, with_rows

NO_WRITES = "No writes needed: GitHub already matches the post-mortem."


def _plain(log: str) -> list[str]:
    """The lines a reader sees (the runner hides ``::debug::`` lines unless debug logging is on)."""
    return [line for line in log.splitlines() if not line.startswith("::debug::")]


def test_a_refused_branch_is_not_followed_by_no_writes_needed(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    fake.revoke("contents")
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    code, log = cli(fake, tmp_path, "issues", issue_payload(fake, item.number))
    assert code == 1
    assert "::error" in log and "may not create branch" in log, log
    assert NO_WRITES not in log, log
    assert "No writes were made: the run stopped at the error above." in log, log


def test_a_missing_template_is_not_followed_by_no_writes_needed(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake, "template: .github/postmortem-template.md\n")
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    code, log = cli(fake, tmp_path, "issues", issue_payload(fake, item.number))
    assert code == 1
    assert "there is no such file" in log, log
    assert NO_WRITES not in log, log
    summary = (tmp_path / "summary-0").read_text(encoding="utf-8")
    assert "failed" in summary.lower() and "already matches" not in summary, summary


def test_writes_made_before_an_error_are_listed_as_such(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    fake.revoke("pull-requests")
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    code, log = cli(fake, tmp_path, "issues", issue_payload(fake, item.number))
    assert code == 1
    assert NO_WRITES not in log
    assert "write(s) before the error" in log, log


def test_an_incident_run_does_not_talk_about_tracking_issues(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    code, log = cli(fake, tmp_path, "issues", issue_payload(fake, item.number))
    assert code == 0, log
    assert not any("tracking issue" in line for line in _plain(log)), log


def test_closing_a_tracking_issue_does_not_say_it_is_ignored(fake: FakeGitHub, tmp_path: Path) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    ready(fake, PR)
    issue = tracking(fake)[0]
    issue.state, issue.state_reason = "closed", "completed"
    code, log = cli(fake, tmp_path, "issues", tracking_issue_payload(fake, issue.number, action="closed"))
    assert code == 0, log
    shown = _plain(log)
    assert not any("Ignoring" in line for line in shown), log
    assert any("Applied" in line for line in shown), log
