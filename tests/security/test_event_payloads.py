"""Malformed event payloads (issue #10 item 14): a clear EventError naming the payload field, never
"Unexpected error … This is a bug". Checked at the model (Event.from_payload), through the CLI as the
workflow calls it, and with hypothesis: arbitrary JSON, and real payloads with their read fields replaced
by arbitrary JSON, give an Event or an EventError and nothing else."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postmortem.cli import main
from postmortem.errors import EventError, PostmortemError
from postmortem.events import Event
from tests.fake_github import FakeGitHub, Item
from tests.harness import issue_body, issue_payload, pull_payload, run

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks" / "real"


def real(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REAL / f"{name}.payload.json").read_text(encoding="utf-8"))
    return data


def changed(name: str, dotted: str, value: Any) -> dict[str, Any]:
    payload = copy.deepcopy(real(name))
    *parents, last = dotted.split(".")
    node = payload
    for part in parents:
        node = node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return payload


_DELETE = object()

MALFORMED: list[tuple[str, str, dict[str, Any], list[str]]] = [
    ("issue without number", "issues", changed("issues.opened", "issue.number", _DELETE), ["`issue.number` is missing"]),
    ("issue number is a string", "issues", changed("issues.opened", "issue.number", "abc"), ["`issue.number`", '"abc"', "whole number"]),
    ("issue number is a float", "issues", changed("issues.opened", "issue.number", 1.5), ["`issue.number`", "whole number"]),
    ("issue number is zero", "issues", changed("issues.opened", "issue.number", 0), ["`issue.number`", "1 or more"]),
    ("issue number is true", "issues", changed("issues.opened", "issue.number", True), ["`issue.number`"]),
    ("sender is a string", "issues", changed("issues.opened", "sender", "mallory"), ["`sender`", '"mallory"', "an object"]),
    ("issue is a list", "issues", changed("issues.opened", "issue", []), ["`issue`", "an object"]),
    ("label name is a number", "issues", changed("issues.labeled", "label.name", 7), ["`label.name`", "a string"]),
    ("issue labels is a string", "issues", changed("issues.opened", "issue.labels", "incident"), ["`issue.labels`", "a list"]),
    ("issue body is an object", "issues", changed("issues.opened", "issue.body", {"x": 1}), ["`issue.body`"]),
    ("issue user is a string", "issues", changed("issues.opened", "issue.user", "mona"), ["`issue.user`"]),
    ("edited changes.title.from is a number", "issues", changed("issues.edited", "changes", {"title": {"from": 3}}), ["`changes.title.from`"]),
    ("pull request head missing", "pull_request", changed("pull_request.opened", "pull_request.head", _DELETE), ["`pull_request.head` is missing"]),
    ("pull request number is a string", "pull_request", changed("pull_request.opened", "pull_request.number", "2"), ["`pull_request.number`"]),
    ("head repo is a string", "pull_request", changed("pull_request.opened", "pull_request.head.repo", "x/y"), ["`pull_request.head.repo`"]),
    ("review state is null", "pull_request_review", changed("pull_request_review.submitted", "review.state", None), ["`review.state`"]),
    ("repository full_name is a number", "push", changed("push", "repository.full_name", 5), ["`repository.full_name`"]),
    ("push commits hold a non-list", "push", changed("push", "commits", [{"added": "a.md"}]), ["`commits[0].added`"]),
    ("action is a number", "issues", changed("issues.opened", "action", 1), ["`action`"]),
    ("unknown dispatch task", "workflow_dispatch", {"inputs": {"task": "explode"}, "repository": {"full_name": "o/r"}}, ["`inputs.task`", "reconcile, remind, check"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "payload", "expected"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_payload_names_the_field(name: str, payload: dict[str, Any], expected: list[str]) -> None:
    with pytest.raises(EventError) as caught:
        Event.from_payload(name, payload, "Codertocat/Hello-World")
    message = str(caught.value)
    for part in expected:
        assert part in message, message
    assert f"The {name} event payload is malformed" in message


REAL_NAMES = sorted(p.name.removesuffix(".payload.json") for p in REAL.glob("*.payload.json"))


@pytest.mark.parametrize("file", REAL_NAMES)
def test_every_real_example_is_accepted(file: str) -> None:
    name = file.split(".")[0]
    event = Event.from_payload(name, real(file))
    assert event.repository == "Codertocat/Hello-World"
    assert event.sender == "Codertocat"
    assert event.task == "reconcile"


def test_dispatch_task_is_read_from_the_inputs() -> None:
    payload = {"inputs": {"task": "check"}, "ref": "refs/heads/main", "repository": {"full_name": "o/r"}}
    assert Event.from_payload("workflow_dispatch", payload).task == "check"
    assert Event.from_payload("workflow_dispatch", {"inputs": {}}, "o/r").task == "reconcile"
    assert Event.from_payload("workflow_dispatch", {"inputs": None}, "o/r").task == "reconcile"
    assert Event.from_payload("schedule", {"schedule": "17 6 * * *"}, "o/r").task == "reconcile"


def test_the_cli_reports_the_field_not_a_bug(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.set_permission("mona", "write")
    item = fake.add_issue("[Incident]: x", issue_body("full.md"), labels=["incident"], user="mona")
    payload = issue_payload(fake, item.number)
    payload["issue"]["number"] = "abc"
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": "issues",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_TOKEN": "test-token",
    }
    out = io.StringIO()
    code = main(["run"], env=env, out=out, pace=False)
    log = out.getvalue()
    assert code != 0
    assert "`issue.number`" in log and "This is a bug" not in log and "Unexpected error" not in log
    assert fake.pulls() == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
EVENT_NAMES = st.sampled_from(
    [
        "issues",
        "issue_comment",
        "pull_request",
        "pull_request_review",
        "push",
        "schedule",
        "workflow_dispatch",
    ]
)


@settings(max_examples=300, deadline=None)
@given(EVENT_NAMES, JSON)
def test_arbitrary_json_gives_an_event_or_an_event_error(name: str, payload: Any) -> None:
    with contextlib.suppress(EventError):
        Event.from_payload(name, payload, "o/r")


READ_FIELDS = [
    ("issues.opened", "issue.number"),
    ("issues.opened", "issue.labels"),
    ("issues.opened", "issue.user"),
    ("issues.opened", "issue.body"),
    ("issues.opened", "sender"),
    ("issues.labeled", "label"),
    ("issues.edited", "changes"),
    ("pull_request.opened", "pull_request.head"),
    ("pull_request.opened", "pull_request.number"),
    ("pull_request_review.submitted", "review"),
    ("push", "commits"),
    ("push", "repository"),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(READ_FIELDS), JSON)
def test_a_real_payload_with_a_read_field_replaced_gives_an_event_or_an_event_error(
    field: tuple[str, str], value: Any
) -> None:
    file, dotted = field
    payload = changed(file, dotted, value)
    message = ""
    try:
        event = Event.from_payload(file.split(".")[0], payload, "o/r")
    except EventError as error:
        message = str(error)
    if message:
        assert f"`{dotted.split('.')[0]}" in message
        return
    # Accepted: what the handlers read is then of the type they expect.
    issue = event.issue
    if issue is not None:
        assert isinstance(issue["number"], int)
        assert all(isinstance(label["name"], str) for label in issue.get("labels") or [])
        assert isinstance(issue.get("user") or {}, dict)
    if event.pull_request is not None:
        assert isinstance(event.pull_request["head"]["ref"], str)
    assert isinstance(event.sender, str)


def test_created_at_that_is_not_a_time_names_the_field() -> None:
    payload = changed("issues.opened", "issue.created_at", "yesterday")
    with pytest.raises(EventError, match=r"`issue\.created_at` is \"yesterday\", not an ISO 8601 time"):
        Event.from_payload("issues", payload)


# --- end to end: a whole run against the fake GitHub --------------------------------------------------------

RUN_FIELDS = [
    "number",
    "title",
    "body",
    "labels",
    "user",
    "created_at",
    "html_url",
    "state",
    "pull_request",
]


@contextlib.contextmanager
def _incident_issue() -> Iterator[tuple[FakeGitHub, Item]]:
    """A fresh fake GitHub (a hypothesis example cannot use the function-scoped fixture) with an incident issue."""
    github = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        github.register(mock)
        github.set_permission("mona", "write")
        yield (
            github,
            github.add_issue("[Incident]: x", issue_body("full.md"), labels=["incident"], user="mona"),
        )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(RUN_FIELDS), JSON, st.sampled_from(["opened", "edited", "labeled", "closed"]))
def test_a_whole_run_on_a_mangled_issue_payload_ends_in_a_typed_error_or_a_normal_run(
    field: str, value: Any, action: str
) -> None:
    with _incident_issue() as (github, item):
        payload = issue_payload(
            github, item.number, action=action, label="incident" if action == "labeled" else None
        )
        payload["issue"][field] = value
        with contextlib.suppress(PostmortemError):
            run(github, "issues", payload)


PULL_FIELDS = ["number", "head", "base", "merged", "draft", "state", "user", "title", "body"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(PULL_FIELDS),
    JSON,
    st.sampled_from(["ready_for_review", "synchronize", "closed", "converted_to_draft"]),
)
def test_a_whole_run_on_a_mangled_pull_request_payload_ends_in_a_typed_error_or_a_normal_run(
    field: str, value: Any, action: str
) -> None:
    with _incident_issue() as (github, item):
        run(github, "issues", issue_payload(github, item.number))
        (pull,) = github.pulls()
        payload = pull_payload(github, pull.number, action=action)
        payload["pull_request"][field] = value
        with contextlib.suppress(PostmortemError):
            run(github, "pull_request", payload)
