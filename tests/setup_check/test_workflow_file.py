"""Reading the running workflow: GITHUB_WORKFLOW_REF, which steps are this action, GitHub's filter patterns."""

from __future__ import annotations

import pytest

from postmortem.setup_check.workflow import (
    event_types,
    filter_matches,
    job_permissions,
    load_workflow,
    parse_workflow_ref,
    short_ref,
    uses_action,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "octo-org/octo-repo/.github/workflows/postmortem.yml@refs/heads/main",
            ("octo-org/octo-repo", ".github/workflows/postmortem.yml", "refs/heads/main"),
        ),
        (
            "acme/shop/.github/workflows/pm.yaml@refs/tags/v1.2.0",
            ("acme/shop", ".github/workflows/pm.yaml", "refs/tags/v1.2.0"),
        ),
        (
            "acme/shop/.github/workflows/pm.yml@refs/pull/12/merge",
            ("acme/shop", ".github/workflows/pm.yml", "refs/pull/12/merge"),
        ),
        (
            "acme/.github/.github/workflows/pm.yml@refs/heads/main",
            ("acme/.github", ".github/workflows/pm.yml", "refs/heads/main"),
        ),
        ("acme/shop/.github/workflows/pm.yml", None),
        ("acme/.github/workflows/pm.yml@refs/heads/main", None),
        ("", None),
    ],
)
def test_parse_workflow_ref(value: str, expected: tuple[str, str, str] | None) -> None:
    assert parse_workflow_ref(value) == expected


@pytest.mark.parametrize(
    ("ref", "short"),
    [
        ("refs/heads/main", "main"),
        ("refs/heads/release/1.x", "release/1.x"),
        ("refs/tags/v1", "v1"),
        ("abc123", "abc123"),
    ],
)
def test_short_ref(ref: str, short: str) -> None:
    assert short_ref(ref) == short


@pytest.mark.parametrize(
    ("uses", "expected"),
    [
        ("your-org/postmortem-action@0000000000000000000000000000000000000000", True),
        ("acme/postmortem-action@v1", True),
        ("acme/Postmortem-Action/sub/dir@v1", True),
        ("actions/checkout@v5", False),
        ("acme/my-postmortem-action@v1", False),
        ("docker://postmortem-action", False),
        ("./", False),
    ],
)
def test_uses_action(uses: str, expected: bool) -> None:
    assert uses_action(uses) is expected


@pytest.mark.parametrize(
    ("patterns", "subject", "expected"),
    [
        (["main"], "main", True),
        (["main"], "master", False),
        ("main", "main", True),
        (["releases/**"], "releases/1/2", True),
        (["releases/*"], "releases/1/2", False),
        (["*"], "main", True),
        (["*", "!main"], "main", False),
        (["!main", "*"], "main", True),
        (["postmortems/**"], "postmortems/2026-01-01-x.md", True),
        (["postmortems/*.md"], "postmortems/2026-01-01-x.md", True),
        (["**.md"], "postmortems/2026-01-01-x.md", True),
        (["docs/**"], "postmortems/2026-01-01-x.md", False),
        (["ma?in"], "min", True),
        (["[mn]ain"], "main", True),
        (["v[0-9]+"], "v123", True),
        (["a.b"], "axb", False),
        ([], "main", False),
    ],
)
def test_filter_patterns(patterns: list[str] | str, subject: str, expected: bool) -> None:
    assert filter_matches(patterns, subject) is expected


def test_on_is_read_back_from_yaml_1_1s_true_key() -> None:
    workflow = load_workflow("on:\n  push:\njobs: {}\n")
    assert "on" in workflow and True not in workflow


@pytest.mark.parametrize(
    ("event", "settings", "expected"),
    [
        ("pull_request", None, ("opened", "synchronize", "reopened")),
        ("pull_request", {"types": ["closed"]}, ("closed",)),
        ("issues", None, None),
        ("issues", {"types": "labeled"}, ("labeled",)),
    ],
)
def test_event_types(event: str, settings: object, expected: tuple[str, ...] | None) -> None:
    assert event_types(event, settings) == expected


def test_a_job_permissions_replace_the_workflows() -> None:
    workflow = load_workflow(
        "on: push\npermissions: write-all\njobs:\n  a:\n    permissions:\n      issues: write\n    steps: []\n  b:\n    steps: []\n"
    )
    scopes, source = job_permissions(workflow, "a")
    assert source == "job" and scopes is not None
    assert scopes["issues"] == "write" and scopes["contents"] == "none"
    scopes, source = job_permissions(workflow, "b")
    assert source == "workflow" and scopes is not None and scopes["contents"] == "write"
