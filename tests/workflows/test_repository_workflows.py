"""This repository's own workflows (release, CI, self-test) and the release-notes script (issue #10 item 16).

The `on:` filters are evaluated with gha_eval against payloads shaped as GitHub sends them; every job's
permissions are checked to be the least it needs; the release notes come from CHANGELOG.md."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.workflows.gha_eval import evaluate, github_context, triggers

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
SCRIPT = ROOT / ".github" / "scripts" / "release_notes.py"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load((WORKFLOWS / name).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return data


def _notes() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release_notes", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


notes = _notes()


# --- least permissions ------------------------------------------------------------------------------------

ALLOWED: dict[str, dict[str, dict[str, str]]] = {
    "ci.yml": {"checks": {"contents": "read"}},
    "release.yml": {"release": {"contents": "write"}},
    "self-test.yml": {
        "dry-run": {"contents": "read", "issues": "read", "pull-requests": "read", "statuses": "read"}
    },
    "postmortem.yml": {
        "postmortem": {"contents": "write", "pull-requests": "write", "issues": "write", "statuses": "write"}
    },
}


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_job_states_its_permissions_and_the_workflow_grants_none(name: str) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {}, "workflow-level permissions must be {}; jobs ask for what they need"
    assert name in ALLOWED, f"{name}: add its jobs' permissions to ALLOWED after review"
    for job_id, job in workflow["jobs"].items():
        assert job["permissions"] == ALLOWED[name][job_id], f"{name}: {job_id}"
        for scope in job["permissions"]:
            assert f"{scope}: {job['permissions'][scope]} #" in (WORKFLOWS / name).read_text(
                encoding="utf-8"
            ), f"{name}: say why {job_id} needs {scope} in a comment"


# --- CI ----------------------------------------------------------------------------------------------------


def test_ci_runs_the_ci_script_on_every_supported_python_and_system() -> None:
    (job,) = load("ci.yml")["jobs"].values()
    assert job["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    assert job["strategy"]["matrix"]["os"] == ["ubuntu-latest", "macos-latest"]
    assert job["runs-on"] == "${{ matrix.os }}"
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "${{ matrix.python }}"
    assert job["steps"][-1]["run"] == "bash .ci/run"


# --- release -----------------------------------------------------------------------------------------------


def _push(ref: str) -> dict[str, Any]:
    return {"ref": ref, "deleted": False, "commits": [], "repository": {"full_name": "o/r"}}


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("refs/tags/v1.2.3", True),
        ("refs/tags/v10.0.12", True),
        ("refs/tags/v1", False),  # the major tag the workflow moves must not start it again
        ("refs/tags/v1.2", False),
        ("refs/tags/1.2.3", False),
        ("refs/tags/v1.2.3-rc1", False),
        ("refs/heads/main", False),
    ],
)
def test_release_runs_for_version_tags_only(ref: str, expected: bool) -> None:
    assert triggers(load("release.yml")["on"], "push", _push(ref)) is expected


def test_release_reads_the_tag_only_through_the_environment() -> None:
    (job,) = load("release.yml")["jobs"].values()
    for step in job["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert ".github/scripts/release_notes.py" in script
    assert "--notes-file" in script
    assert 'major="${TAG%%.*}"' in script and "-F force=true" in script


CHANGELOG = """# Changelog

## [Unreleased]

### Added
- Something new.

## [1.2.3] - 2026-12-01

### Fixed
- A bug.

## [1.2.0] - 2026-11-01

## [1.1.0] - 2026-10-01

### Added
- The first feature.

[Unreleased]: https://github.com/o/r/compare/v1.2.3...HEAD
[1.2.3]: https://github.com/o/r/compare/v1.2.0...v1.2.3
"""


def test_notes_are_the_tags_section() -> None:
    assert notes.section(CHANGELOG, "1.2.3") == "### Fixed\n- A bug.\n"
    assert notes.section(CHANGELOG, "1.1.0") == "### Added\n- The first feature.\n"  # link lines dropped


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("v9.9.9", "no section for 9.9.9"),
        ("v1.2.0", "is empty"),
        ("v1.2", "not vMAJOR.MINOR.PATCH"),
        ("1.2.3", "not"),
    ],
)
def test_notes_refuse_a_missing_or_empty_section_or_a_bad_tag(tag: str, message: str) -> None:
    with pytest.raises(notes.ReleaseError, match=message):
        notes.section(CHANGELOG, notes.version_of(tag))


def test_major_tag() -> None:
    assert notes.major_tag("v12.3.4") == "v12"


def test_the_script_fails_the_step_with_an_error_line(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(CHANGELOG, encoding="utf-8")
    ok = subprocess.run(
        [sys.executable, SCRIPT, "v1.2.3", changelog], capture_output=True, text=True, check=False
    )
    assert (ok.returncode, ok.stdout) == (0, "### Fixed\n- A bug.\n")
    bad = subprocess.run(
        [sys.executable, SCRIPT, "v3.0.0", changelog], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1 and bad.stdout.startswith("::error title=release::")


def test_the_repository_changelog_is_keep_a_changelog_with_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "keepachangelog.com" in text and "semver.org" in text
    unreleased = notes.section(text, "Unreleased")
    assert unreleased.count("\n- ") >= 5


# --- self-test ---------------------------------------------------------------------------------------------


def test_self_test_runs_this_commits_action_as_a_dry_run() -> None:
    (job,) = load("self-test.yml")["jobs"].values()
    checkout, action = job["steps"]
    assert (
        checkout["uses"].startswith("actions/checkout@")
        and checkout["with"]["persist-credentials"] == "false"
    )
    assert action["uses"] == "./"
    assert action["with"] == {"dry-run": "true"}
    assert "if" not in job  # every event goes through: what the action must ignore too


def test_self_test_covers_the_example_workflows_events() -> None:
    example = yaml.load(
        (ROOT / "examples/workflows/postmortem.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader
    )
    own = load("self-test.yml")
    for event in ("issues", "issue_comment", "pull_request", "pull_request_review", "workflow_dispatch"):
        assert own["on"][event] == example["on"][event] or event == "workflow_dispatch", event
    assert own["on"]["workflow_dispatch"]["inputs"]["task"]["options"] == ["reconcile", "remind", "check"]


@pytest.mark.parametrize(
    ("event_name", "expected"),
    [
        ("push", ["ubuntu-latest", "macos-latest"]),
        ("pull_request", ["ubuntu-latest", "macos-latest"]),
        ("issues", ["ubuntu-latest"]),
    ],
)
def test_self_test_runs_macos_only_for_code_changes(event_name: str, expected: list[str]) -> None:
    (job,) = load("self-test.yml")["jobs"].values()
    expression = job["strategy"]["matrix"]["os"].strip()
    assert expression.startswith("${{") and expression.endswith("}}")
    context = {
        "github": github_context(event_name, {"ref": "refs/heads/main", "repository": {"full_name": "o/r"}})
    }
    assert evaluate(expression, context) == expected
