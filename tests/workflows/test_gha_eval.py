"""The evaluator itself, against the rules GitHub documents ("Evaluate expressions in workflows and actions"),
so that the workflow tests rest on a checked evaluator rather than on one that agrees with anything."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.workflows.gha_eval import Unsupported, evaluate, triggers

CONTEXT: dict[str, Any] = {
    "github": {
        "event_name": "issues",
        "event": {
            "issue": {"labels": [{"name": "Bug"}, {"name": "incident"}], "number": 3},
            "review": {"state": "approved"},
            "deleted": False,
        },
        "repository": "Octo/Repo",
    }
}

EXPRESSIONS: list[tuple[str, Any]] = [
    # strings compare ignoring case
    ("'abc' == 'ABC'", True),
    ("'abc' != 'ABC'", False),
    ("github.repository == 'octo/repo'", True),
    # loose equality: mismatched types are compared as numbers
    ("null == 0", True),
    ("null == ''", True),
    ("true == 1", True),
    ("false == '0'", True),
    ("'1.0' == 1", True),
    ("'abc' == 0", False),  # NaN
    ("null == 'null'", False),
    ("github.event.nothing == null", True),
    ("github.event.nothing != 'commented'", True),
    # && and || return an operand
    ("'' || 'x'", "x"),
    ("'a' && 'b'", "b"),
    ("0 && 'b'", 0.0),
    ("!''", True),
    ("!github.event.issue.pull_request", True),
    ("!github.event.issue", False),
    # property access ignores case, .* filters, [] indexes
    ("github.EVENT.Issue.Number == 3", True),
    ("contains(github.event.issue.labels.*.name, 'INCIDENT')", True),
    ("contains(github.event.issue.labels.*.name, 'incid')", False),  # array: whole elements only
    ("contains('Hello world', 'WORLD')", True),  # string: substring
    ("github.event.issue.labels[0].name", "Bug"),
    ("github.event['issue']['number']", 3),
    ("startsWith('postmortem/incident-1', 'PostMortem/')", True),
    ("startsWith(null, 'p')", False),
    ("contains(fromJSON('[\"A\", \"B\"]'), 'b')", True),
    ("format('refs/heads/{0}', 'main') == 'refs/heads/MAIN'", True),
    ("(true || false) && !(false)", True),
    ("1 < 2 && 'b' > 'A'", True),
    ("'It''s' == 'it''S'", True),
]


@pytest.mark.parametrize(("expression", "expected"), EXPRESSIONS, ids=[e for e, _ in EXPRESSIONS])
def test_expression(expression: str, expected: Any) -> None:
    value = evaluate(expression, CONTEXT)
    assert value == expected and type(value) is type(expected)


def test_nan_is_not_equal_to_itself() -> None:
    assert evaluate("fromJSON('1') == 1", CONTEXT) is True
    assert math.isnan(float("nan"))
    assert evaluate("'x' == 'x' && 'abc' != 0", CONTEXT) is True


@pytest.mark.parametrize("expression", ["github.event.a ===", "hashFiles('x')", "'a' +", "unknown.context"])
def test_outside_the_subset_is_refused(expression: str) -> None:
    with pytest.raises(Unsupported):
        evaluate(expression, CONTEXT)


PUSH = {
    "ref": "refs/heads/main",
    "commits": [{"added": [], "modified": ["docs/postmortems/a.md"], "removed": []}],
}

ON_CASES: list[tuple[Any, str, dict[str, Any], bool]] = [
    ({"push": {"branches": ["main"]}}, "push", PUSH, True),
    ({"push": {"branches": ["master"]}}, "push", PUSH, False),
    ({"push": {"paths": ["postmortems/**"]}}, "push", PUSH, False),  # docs/postmortems is another folder
    ({"push": {"paths": ["**/postmortems/**"]}}, "push", PUSH, True),
    ({"push": {"paths": ["docs/*"]}}, "push", PUSH, False),  # * stays within a segment
    ({"push": {"paths": ["docs/**", "!docs/postmortems/**"]}}, "push", PUSH, False),
    ({"push": {"branches": ["main"]}}, "push", {"ref": "refs/tags/v1", "commits": []}, False),
    (
        {"push": {"paths": ["x/**"]}},
        "push",
        {"ref": "refs/tags/v1", "commits": []},
        True,
    ),  # tags ignore paths
    ({"pull_request": None}, "pull_request", {"action": "closed"}, False),  # default types
    ({"pull_request": None}, "pull_request", {"action": "synchronize"}, True),
    ({"issues": {"types": ["closed"]}}, "issues", {"action": "opened"}, False),
    (["issues", "push"], "issues", {"action": "opened"}, True),
    ("push", "issues", {"action": "opened"}, False),
    ({"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}, "push", {"ref": "refs/tags/v12.0.3"}, True),
    ({"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}, "push", {"ref": "refs/tags/v1.x.3"}, False),
    ({"push": {"branches": ["releases?"]}}, "push", {"ref": "refs/heads/release", "commits": []}, True),
    ({"push": {"branches": ["releases?"]}}, "push", {"ref": "refs/heads/releasess", "commits": []}, False),
]


@pytest.mark.parametrize(("on", "event_name", "payload", "expected"), ON_CASES)
def test_on_filters(on: Any, event_name: str, payload: dict[str, Any], expected: bool) -> None:
    assert triggers(on, event_name, payload) is expected
