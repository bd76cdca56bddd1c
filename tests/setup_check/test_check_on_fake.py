"""The set-up check end to end: `postmortem run` on a `workflow_dispatch` with `task: check`, on the fake GitHub."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from postmortem import runner
from postmortem.cli import main
from postmortem.events import Event
from postmortem.setup_check.handler import handle_check, is_check_task
from tests.fake_github import FakeGitHub
from tests.harness import dispatch_payload
from tests.material import ROOT

WORKFLOW = (ROOT / "examples/workflows/postmortem.yml").read_text(encoding="utf-8")
WORKFLOW_PATH = ".github/workflows/postmortem.yml"
FORM = (ROOT / "templates/incident.yml").read_text(encoding="utf-8")
SETTINGS = r"/actions/permissions/workflow$"


@pytest.fixture
def repo(fake: FakeGitHub) -> FakeGitHub:
    fake.add_file("main", WORKFLOW_PATH, WORKFLOW)
    fake.add_file("main", ".github/ISSUE_TEMPLATE/incident.yml", FORM)
    # What the workflow's GITHUB_TOKEN gets from this endpoint (it needs Administration: read).
    fake.fail_next("GET", SETTINGS, 403, {"message": "Resource not accessible by integration"}, times=99)
    return fake


def check(
    tmp_path: Path, fake: FakeGitHub, *, dry_run: bool = False, **env_extra: str
) -> tuple[int, str, str]:
    payload: dict[str, Any] = dispatch_payload(fake)
    payload["inputs"] = {"task": "check"}
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    summary = tmp_path / "summary"
    summary.write_text("", encoding="utf-8")
    (tmp_path / "output").write_text("", encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": "workflow_dispatch",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_TOKEN": "test-token",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKFLOW_REF": f"{fake.repository}/{WORKFLOW_PATH}@refs/heads/main",
        **env_extra,
    }
    out = io.StringIO()
    code = main(["run", *(["--dry-run"] if dry_run else [])], env=env, out=out, pace=False)
    return code, out.getvalue(), summary.read_text(encoding="utf-8")


def test_missing_labels_are_created_once_and_a_rerun_writes_nothing(tmp_path: Path, repo: FakeGitHub) -> None:
    code, log, summary = check(tmp_path, repo)

    assert code == 0, log
    assert {name: (label.color, label.description) for name, label in repo.labels.items()} == {
        "incident": ("d73a4a", "An incident: a draft post-mortem pull request is opened from it"),
        "postmortem": ("5319e7", "A post-mortem pull request"),
        "action-item": ("0e8a16", "Tracks an action item of a post-mortem"),
    }
    assert [(w.method, w.path) for w in repo.writes] == [("POST", f"/repos/{repo.repository}/labels")] * 3
    assert "- ❌ **Labels**: Missing: `incident`, `postmortem`, `action-item`." in summary
    assert "This check creates them" in summary
    assert "- ✅ **Job permissions**" in summary
    assert "- ❔ **GitHub Actions may create pull requests**: Unknown (needs Administration: read" in summary
    assert "setup-checklist" not in (tmp_path / "output").read_text(encoding="utf-8")
    # one read each: config, labels, form, workflow file, Actions settings (the payload names the default branch)
    assert repo.count("GET") == 5

    repo.reset_counts()
    code, log, summary = check(tmp_path, repo)
    assert code == 0, log
    assert repo.writes == []
    assert "- ✅ **Labels**: `incident`, `postmortem`, `action-item` exist." in summary
    assert "No writes needed" in log


def test_a_dry_run_lists_the_labels_and_creates_none(tmp_path: Path, repo: FakeGitHub) -> None:
    code, log, _ = check(tmp_path, repo, dry_run=True)
    assert code == 0
    assert repo.writes == [] and repo.labels == {}
    assert "Would apply 3 write(s)" in log
    assert "create label incident (#d73a4a)" in log


def test_missing_permissions_fail_the_run_with_the_fix(tmp_path: Path, repo: FakeGitHub) -> None:
    repo.add_file(
        "main",
        WORKFLOW_PATH,
        WORKFLOW.replace("      statuses: write", "      statuses: read"),
    )
    code, log, summary = check(tmp_path, repo)
    assert code == 1
    errors = [line for line in log.splitlines() if line.startswith("::error")]
    assert any("Job permissions" in line and "statuses: write" in line for line in errors)
    assert "- ❌ **Job permissions**" in summary
    assert "**Fix:** Add under `permissions:` of job `postmortem`" in summary


def test_an_invalid_config_is_one_item_and_the_rest_is_still_checked(
    tmp_path: Path, repo: FakeGitHub
) -> None:
    repo.add_file("main", ".github/postmortem.yml", "directory: ../outside\n")
    code, _, summary = check(tmp_path, repo)
    assert code == 1
    assert "- ❌ **Configuration**: .github/postmortem.yml is invalid: directory" in summary
    assert "- ✅ **Incident issue form**" in summary
    assert "- ✅ **Trigger `issues`**" in summary
    assert repo.labels.keys() == {"incident", "postmortem", "action-item"}  # the defaults' labels


def test_the_config_input_naming_a_missing_file(tmp_path: Path, repo: FakeGitHub) -> None:
    code, _, summary = check(tmp_path, repo, POSTMORTEM_CONFIG="ops/pm.yml")
    assert code == 1
    assert "names ops/pm.yml, but there is no such file" in summary


def test_a_token_that_reads_the_actions_settings(tmp_path: Path, repo: FakeGitHub) -> None:
    repo.failures.clear()  # drop the fixture's 403 on the settings read
    body = {"default_workflow_permissions": "read", "can_approve_pull_request_reviews": True}
    repo.fail_next("GET", SETTINGS, 200, body)
    _, _, summary = check(tmp_path, repo)
    assert "- ✅ **GitHub Actions may create pull requests**" in summary


def test_a_workflow_of_another_repository_leaves_permissions_unknown(
    tmp_path: Path, repo: FakeGitHub
) -> None:
    code, _, summary = check(
        tmp_path, repo, GITHUB_WORKFLOW_REF="acme/infra/.github/workflows/shared.yml@refs/heads/main"
    )
    assert code == 0
    assert "- ❔ **Job permissions**: the workflow runs from acme/infra" in summary


def test_without_github_workflow_ref_the_payload_names_the_workflow(tmp_path: Path, repo: FakeGitHub) -> None:
    _, _, summary = check(tmp_path, repo, GITHUB_WORKFLOW_REF="")
    assert "- ✅ **Job permissions**: Job `postmortem` of `.github/workflows/postmortem.yml`" in summary


def test_a_workflow_missing_triggers(tmp_path: Path, repo: FakeGitHub) -> None:
    repo.add_file(
        "main",
        WORKFLOW_PATH,
        WORKFLOW.replace("  pull_request_review:\n    types: [submitted, dismissed]\n", ""),
    )
    code, _, summary = check(tmp_path, repo)
    assert code == 1
    assert "- ❌ **Trigger `pull_request_review`**" in summary


@pytest.mark.parametrize(
    ("name", "inputs", "expected"),
    [
        ("workflow_dispatch", {"task": "check"}, True),
        ("workflow_dispatch", {"task": "reconcile"}, False),
        ("workflow_dispatch", {"task": "remind"}, False),
        ("workflow_dispatch", {}, False),
        ("repository_dispatch", {"task": "check"}, False),
    ],
)
def test_the_check_task_is_read_from_the_validated_event(
    name: str, inputs: dict[str, str], expected: bool
) -> None:
    event = Event.from_payload(name, {"inputs": inputs, "repository": {"full_name": "acme/shop"}})
    assert is_check_task(event) is expected


def test_the_runner_routes_the_check_task() -> None:
    event = Event.from_payload(
        "workflow_dispatch",
        {"inputs": {"task": "check"}, "repository": {"full_name": "acme/shop"}, "workflow": WORKFLOW_PATH},
    )
    assert [handler for _, handler in runner.select_handler(event)] == [handle_check]


def test_an_invalid_config_never_lets_another_handler_run_on_the_defaults(
    tmp_path: Path, repo: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whether or not the runner routes the task yet: either the check reports the config, or the run stops on it.
    monkeypatch.undo()
    repo.add_file("main", ".github/postmortem.yml", "directory: ../outside\n")
    code, log, summary = check(tmp_path, repo)
    assert code == 1
    assert "directory" in log + summary
    assert all(write.path.endswith("/labels") for write in repo.writes)
