"""`postmortem try`: the incident flow, or the sync and sign-off, on a real repository, read-only.

The fake GitHub is registered on `responses`, so the command's real HTTP stack (PyGithub, requests) is what talks
to it: `fake.writes == []` proves that nothing but reads was sent.
"""

from __future__ import annotations

import io
import os
import re
import stat
from pathlib import Path

import pytest
import responses

from postmortem.cli import main
from postmortem.markdown.markers import marker
from tests.fake_github import FakeGitHub
from tests.harness import issue_body

TITLE = "[Incident]: Umbrella API outage after migration"
PATH = "postmortems/2025-11-17-checkout-api-outage.md"
BRANCH = "postmortem/incident-1"
DOCUMENT = """---
incident: 1
title: Checkout API outage
---
# Post-Mortem: Checkout API outage

## Action Items

| # | Action Item | Owner | Deadline | Priority | Status | Issue |
|---|-------------|-------|----------|----------|--------|-------|
| 1 | Require backward-compatible migrations | @alice | 2025-11-20 | P0 | 🔴 Not Started | |
| 2 | Add a pre-deployment migration check | @bob | 2025-11-24 | P1 | 🟡 In Progress | |
"""


def run_try(argv: list[str], fake: FakeGitHub | None = None, **env: str) -> tuple[int, str]:
    base = {"GITHUB_TOKEN": "user-token", "PATH": ""}
    base.update(env)
    out = io.StringIO()
    code = main(["try", *argv], env=base, out=out, pace=False)
    return code, out.getvalue()


def incident(fake: FakeGitHub, *, labels: tuple[str, ...] = ("incident",), author: str = "mona") -> int:
    fake.set_permission("mona", "write")
    return fake.add_issue(TITLE, issue_body("full.md"), labels=list(labels), user=author).number


def postmortem_pull(fake: FakeGitHub, *, draft: bool = True) -> int:
    for login in ("alice", "bob", "mona"):
        fake.set_permission(login, "write")
    fake.add_issue("[Incident]: Checkout API outage", "", labels=["incident"], user="mona")
    sha = fake.add_file(BRANCH, PATH, DOCUMENT, message="Draft post-mortem")
    body = marker("document", incident=1, path=PATH, sha=sha) + "\nPost-mortem of incident #1."
    pull = fake.add_pull(
        BRANCH, title="Post-mortem: Checkout API outage", body=body, draft=draft, labels=["postmortem"]
    )
    return pull.number


# ---------------------------------------------------------------------------------------------- the incident flow


def test_an_incident_issue_prints_the_document_and_the_writes_and_sends_none(fake: FakeGitHub) -> None:
    number = incident(fake)
    code, out = run_try(["--repo", fake.repository, "--issue", str(number)])

    assert code == 0, out
    assert fake.writes == []
    assert out.startswith(
        f"postmortem try on {fake.repository}, read-only: issues.labeled for #{number}: @mona"
    )
    assert f"──── postmortems/2025-11-17-umbrella-api-outage-after-migration.md on {BRANCH} " in out
    assert "\nincident: 1\n" in out and "# Post-Mortem" in out
    assert "Would apply 5 write(s):\n  1. create branch postmortem/incident-1" in out
    assert "open draft pull request postmortem/incident-1 → main" in out
    assert re.search(r"GitHub API requests made: \d+, all reads; nothing was written\.", out)
    assert not any(line.startswith("::") for line in out.splitlines())  # a terminal, not a workflow log


def test_an_issue_without_the_label_shows_what_adding_it_would_do(fake: FakeGitHub) -> None:
    number = incident(fake, labels=())
    code, out = run_try(["--repo", fake.repository, "--issue", str(number)])
    assert code == 0, out
    assert "(it does not carry `incident` yet)" in out
    assert "Would apply 5 write(s)" in out
    assert fake.writes == [] and fake.items[number].labels == []


def test_the_sender_decides_whether_the_action_acts(fake: FakeGitHub) -> None:
    number = incident(fake, author="stranger")
    code, out = run_try(["--repo", fake.repository, "--issue", str(number)])
    assert code == 0
    assert "stranger has no write access" in out
    assert "Would apply 1 write(s):\n  1. comment on #1" in out

    code, out = run_try(["--repo", fake.repository, "--issue", str(number), "--sender", "@mona"])
    assert code == 0
    assert "@mona adds `incident`" in out and "Would apply 5 write(s)" in out
    assert fake.writes == []


# ---------------------------------------------------------------------------------------------- the pull request


def test_a_draft_post_mortem_shows_the_tracking_issues_leaving_draft_would_open(fake: FakeGitHub) -> None:
    number = postmortem_pull(fake, draft=True)
    code, out = run_try(["--repo", fake.repository, "--pr", str(number)])

    assert code == 0, out
    assert f"pull_request.ready_for_review for #{number}: as if it left draft" in out
    assert "open issue: Require backward-compatible migrations" in out
    assert "open issue: Add a pre-deployment migration check" in out
    assert "it would decide again" in out
    assert fake.writes == []
    assert fake.items[number].draft


def test_a_merged_post_mortem_shows_its_publication(fake: FakeGitHub) -> None:
    number = postmortem_pull(fake, draft=False)
    item = fake.items[number]
    fake.add_file("main", PATH, DOCUMENT)
    item.state, item.merged, item.merged_at, item.closed_at = (
        "closed",
        True,
        "2026-03-16T10:00:00Z",
        "2026-03-16T10:00:00Z",
    )
    code, out = run_try(["--repo", fake.repository, "--pr", str(number)])
    assert code == 0, out
    assert f"pull_request.closed for #{number} (merged)" in out
    assert "Would apply" in out
    assert fake.writes == []


# ---------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--repo", "Codertocat/Hello-World", "--issue", "99"],
            "Issue #99 was not found in Codertocat/Hello-World",
        ),
        (
            ["--repo", "Codertocat/Hello-World", "--pr", "99"],
            "Pull request #99 was not found in Codertocat/Hello-World",
        ),
        (
            ["--repo", "acme/secret", "--issue", "1"],
            "The repository acme/secret is not visible to this token",
        ),
        (["--repo", "not a repo", "--issue", "1"], "--repo 'not a repo' is not OWNER/NAME"),
    ],
)
def test_errors_are_one_clear_line_and_exit_1(fake: FakeGitHub, argv: list[str], message: str) -> None:
    code, out = run_try(argv)
    assert code == 1
    assert out.startswith(f"error: {message}")
    assert out.count("\n") == 1
    assert fake.writes == []


def test_an_issue_number_that_is_a_pull_request(fake: FakeGitHub) -> None:
    number = postmortem_pull(fake)
    code, out = run_try(["--repo", fake.repository, "--issue", str(number)])
    assert code == 1
    assert out == f"error: #{number} in {fake.repository} is a pull request: use --pr {number}.\n"


def test_a_rejected_token(fake: FakeGitHub) -> None:
    fake.fail_next("GET", r"^/repos/Codertocat/Hello-World$", 401, {"message": "Bad credentials"})
    code, out = run_try(["--repo", fake.repository, "--issue", "1"])
    assert code == 1
    assert "GitHub rejected the token (401 Bad credentials)" in out


def test_no_token_and_no_gh(fake: FakeGitHub, tmp_path: Path) -> None:
    code, out = run_try(["--repo", fake.repository, "--issue", "1"], GITHUB_TOKEN="", PATH=str(tmp_path))
    assert code == 1
    assert out.startswith("error: No token: set GITHUB_TOKEN")
    assert fake.log == []


def test_issue_or_pr_is_required() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["try", "--repo", "a/b"], env={}, out=io.StringIO())
    assert exit_info.value.code == 2


# ---------------------------------------------------------------------------------------------- the token from gh


def _gh(tmp_path: Path, script: str) -> Path:
    gh = tmp_path / "gh"
    gh.write_text(f'#!/bin/sh\necho "$@" > {tmp_path / "argv"}\n{script}\n', encoding="utf-8")
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR)
    return gh


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for gh")
def test_the_token_comes_from_gh_auth_token(fake: FakeGitHub, tmp_path: Path) -> None:
    _gh(tmp_path, "echo gho_from_gh")
    number = incident(fake)
    code, out = run_try(
        ["--repo", fake.repository, "--issue", str(number)], GITHUB_TOKEN="", PATH=str(tmp_path)
    )
    assert code == 0, out
    assert (tmp_path / "argv").read_text().split() == ["auth", "token"]


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for gh")
def test_gh_without_a_login(fake: FakeGitHub, tmp_path: Path) -> None:
    _gh(tmp_path, "echo 'You are not logged into any GitHub hosts.' >&2; exit 1")
    code, out = run_try(["--repo", fake.repository, "--issue", "1"], GITHUB_TOKEN="", PATH=str(tmp_path))
    assert code == 1
    assert "`gh auth token` gave none (You are not logged into any GitHub hosts.): run `gh auth login`" in out


# ---------------------------------------------------------------------------------------------- Enterprise Server


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for gh")
def test_github_api_url_points_at_enterprise_server(tmp_path: Path) -> None:
    _gh(tmp_path, "echo ghe_token")
    seen: list[tuple[str, str]] = []

    def answer(request: object) -> tuple[int, dict[str, str], str]:
        seen.append((request.url, request.headers.get("Authorization", "")))  # type: ignore[attr-defined]
        return 404, {"Content-Type": "application/json"}, '{"message": "Not Found"}'

    with responses.RequestsMock() as mock:
        mock.add_callback("GET", re.compile(r"^https://ghe\.example\.com(:443)?/api/v3/.*"), callback=answer)
        code, out = run_try(
            ["--repo", "acme/shop", "--issue", "1"],
            GITHUB_TOKEN="",
            PATH=str(tmp_path),
            GITHUB_API_URL="https://ghe.example.com/api/v3",
        )
    assert code == 1
    assert "not visible to this token at https://ghe.example.com/api/v3" in out
    assert (tmp_path / "argv").read_text().split() == ["auth", "token", "--hostname", "ghe.example.com"]
    assert seen and all(url.startswith("https://ghe.example.com") for url, _ in seen)
    assert seen[0][1] == "token ghe_token"


def test_run_help_documents_the_environment(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    for name in (
        "GITHUB_TOKEN",
        "GITHUB_REPOSITORY",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITHUB_API_URL",
    ):
        assert f"  {name} " in text
    assert "postmortem try" in text
