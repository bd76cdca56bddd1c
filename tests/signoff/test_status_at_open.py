"""Issue #10 item 9: the ``postmortem/sign-off`` status is there as soon as the draft pull request opens."""

from __future__ import annotations

from tests.fake_github import FakeGitHub
from tests.harness import assert_rerun_writes_nothing, issue_payload
from tests.scenario import INCIDENT, PR, open_incident, people

CONTEXT = "postmortem/sign-off"


def test_the_draft_pull_request_has_its_sign_off_status_at_once(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    statuses = [s for s in fake.statuses_for(fake.head_sha(PR)) if s.context == CONTEXT]
    assert [(s.state, s.description) for s in statuses] == [
        ("pending", "0/2 signed: missing Incident Commander, CTO")
    ]
    assert_rerun_writes_nothing(fake, "issues", issue_payload(fake, INCIDENT))


def test_without_required_roles_it_waits_for_an_approval(fake: FakeGitHub) -> None:
    people(fake, "directory: postmortems\n")
    open_incident(fake)
    (status,) = [s for s in fake.statuses_for(fake.head_sha(PR)) if s.context == CONTEXT]
    assert status.state == "pending" and "waiting for an approval" in (status.description or "")
