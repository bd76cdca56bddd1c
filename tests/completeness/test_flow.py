"""The completeness check on the post-mortem pull request, end to end: ``postmortem run`` (as the workflow runs
it) against the stateful fake GitHub.

An incident issue opens the draft; leaving draft gets the ``postmortem/completeness`` failure status with the
count, the annotations (10 per level, the rest in the step summary) and the line in the sign-off sticky comment,
and the run exits 0. A push that completes the document turns the status to success on the new head; reruns
and review events write nothing. The incident run sets the ``answers`` output.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from postmortem.completeness import STATUS_CONTEXT, check, status_for
from postmortem.config import CompletenessConfig
from postmortem.markdown.markers import read_marker
from postmortem.workflow_commands import escape_data
from tests.adopter import DOC, cli_env, open_incident, run_cli
from tests.fake_github import FakeGitHub
from tests.harness import pull_payload, review_payload

COMPLETE = (Path(__file__).parents[1] / "fixtures" / "completeness" / "complete.md").read_text(
    encoding="utf-8"
)
BRANCH = "postmortem/incident-1"
ANNOTATION = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+),title=([a-z-]+)::")


def _pr(fake: FakeGitHub) -> int:
    (pull,) = fake.pulls()
    return pull.number


def _status(fake: FakeGitHub) -> tuple[str, str] | None:
    found = [s for s in fake.statuses_for(fake.head_sha(_pr(fake))) if s.context == STATUS_CONTEXT]
    return (found[0].state, found[0].description or "") if found else None


def _sticky(fake: FakeGitHub) -> str:
    (comment,) = [c for c in fake.comments_on(_pr(fake)) if read_marker(c.body, "signoff") is not None]
    return comment.body


def _deliver(fake: FakeGitHub, tmp_path: Path, name: str, payload: dict[str, Any]) -> tuple[int, str, str]:
    """One workflow run through the CLI: exit code, log and step summary."""
    code, log = run_cli(["run"], cli_env(tmp_path, fake, name, payload))
    return code, log, (tmp_path / "summary").read_text(encoding="utf-8")


def _ready(fake: FakeGitHub, tmp_path: Path) -> tuple[int, str, str]:
    assert open_incident(fake, tmp_path)[0] == 0
    fake.items[_pr(fake)].draft = False
    fake.reset_counts()
    return _deliver(fake, tmp_path, "pull_request", pull_payload(fake, _pr(fake), action="ready_for_review"))


def test_ready_for_review_on_an_incomplete_draft(fake: FakeGitHub, tmp_path: Path) -> None:
    code, log, summary = _ready(fake, tmp_path)
    assert code == 0, log  # problems never fail the run: the status carries them

    document = fake.file_text(BRANCH, DOC) or ""
    problems = check(document, template=None, config=CompletenessConfig(), path=DOC)
    errors = [p for p in problems if p.level == "error"]
    warnings = [p for p in problems if p.level == "warning"]
    assert len(errors) > 10 and len(warnings) > 10, "the fresh draft has more than 10 of each level"

    state, description = status_for(problems)
    assert (state, _status(fake)) == ("failure", (state, description))
    assert description.startswith(f"{len(errors)} problems and {len(warnings)} warnings")

    annotations = [ANNOTATION.match(line) for line in log.splitlines() if line.startswith("::")]
    shown = [m for m in annotations if m is not None]
    assert [m.group(1) for m in shown].count("error") == 10
    assert [m.group(1) for m in shown].count("warning") == 10
    assert {m.group(2) for m in shown} == {DOC}
    first = errors[0]
    assert f"::error file={DOC},line={first.line},title={first.rule}::{escape_data(first.message)}" in log
    # the others are in the step summary, one line each
    rest = len(problems) - 20
    assert f"**{rest} more problem(s)**" in summary
    last = problems[-1]
    assert f"`{DOC}:{last.line}` **{last.rule}**" in summary

    assert f"⚠️ **Completeness:** {len(errors)} problems and {len(warnings)} warnings" in _sticky(fake)


def test_a_rerun_and_a_review_write_nothing_and_keep_the_line(fake: FakeGitHub, tmp_path: Path) -> None:
    _ready(fake, tmp_path)
    number = _pr(fake)
    line = next(line for line in _sticky(fake).splitlines() if "Completeness" in line)

    fake.reset_counts()
    code, log, _ = _deliver(
        fake, tmp_path, "pull_request", pull_payload(fake, number, action="ready_for_review")
    )
    assert code == 0 and fake.writes == [], [f"{w.method} {w.path}" for w in fake.writes]
    assert fake.count("GET", "/statuses") == 0, "the sticky comment records the status: no read"

    fake.set_permission("alice", "write")
    review = fake.add_review(number, "alice", state="COMMENTED")
    fake.reset_counts()
    code, log, _ = _deliver(fake, tmp_path, "pull_request_review", review_payload(fake, review))
    assert code == 0, log
    assert line in _sticky(fake), "a review event keeps the completeness line without reading the document"
    assert not [w for w in fake.writes if "/statuses/" in w.path]
    assert fake.count("GET", f"/contents/{DOC}") == 0 and fake.count("GET", "/statuses") == 0


def test_a_push_that_completes_the_document_turns_the_status_to_success(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    _ready(fake, tmp_path)
    number = _pr(fake)
    failed_head = fake.head_sha(number)
    fake.add_file(BRANCH, DOC, COMPLETE, message="Write the post-mortem")
    fake.reset_counts()
    code, log, _ = _deliver(fake, tmp_path, "pull_request", pull_payload(fake, number, action="synchronize"))
    assert code == 0, log
    # the sync wrote the new issues' numbers into the table: the status is on the head after that commit
    assert fake.head_sha(number) != failed_head
    assert len(fake.commit_log(BRANCH)) >= 1
    assert _status(fake) == ("success", "Complete")
    assert "✅ **Completeness:** no problems found." in _sticky(fake)
    assert not [line for line in log.splitlines() if line.startswith("::error file=")]
    assert [s.state for s in fake.statuses_for(failed_head) if s.context == STATUS_CONTEXT] == ["failure"]

    fake.reset_counts()
    code, _, _ = _deliver(fake, tmp_path, "pull_request", pull_payload(fake, number, action="synchronize"))
    assert code == 0 and fake.writes == [], [f"{w.method} {w.path}" for w in fake.writes]


def test_a_complete_document_gets_success_when_it_leaves_draft(fake: FakeGitHub, tmp_path: Path) -> None:
    assert open_incident(fake, tmp_path)[0] == 0
    number = _pr(fake)
    fake.add_file(BRANCH, DOC, COMPLETE, message="Write the post-mortem")
    fake.items[number].draft = False
    code, log, summary = _deliver(
        fake, tmp_path, "pull_request", pull_payload(fake, number, action="ready_for_review")
    )
    assert code == 0, log
    assert _status(fake) == ("success", "Complete")
    assert "more problem(s)" not in summary


def test_the_incident_run_sets_the_answers_output(fake: FakeGitHub, tmp_path: Path) -> None:
    code, log = open_incident(fake, tmp_path)
    assert code == 0, log
    output = (tmp_path / "output").read_text(encoding="utf-8")
    match = re.search(r"^answers=(.*)$", output, re.MULTILINE) or re.search(
        r"^answers<<(EOF_[0-9a-f]+)\n(.*?)\n\1$", output, re.MULTILINE | re.DOTALL
    )
    assert match, output
    answers = json.loads(match.group(match.lastindex or 1))
    assert answers["incident_commander"] == "@octocat"
    assert answers["severity"].startswith("P0")
    assert answers["summary"].startswith("The Umbrella API was completely down")


def test_the_status_follows_the_sign_off_commit_even_when_the_old_head_had_it(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    """A push while draft sets the status on its head; leaving draft then commits ``status: In Review``: the
    same status must be set again on that new head (a required check would wait for it forever)."""
    assert open_incident(fake, tmp_path)[0] == 0
    number = _pr(fake)
    code, log, _ = _deliver(fake, tmp_path, "pull_request", pull_payload(fake, number, action="synchronize"))
    assert code == 0, log
    draft_head = fake.head_sha(number)
    on_draft = _status(fake)
    assert on_draft is not None and on_draft[0] == "failure"

    fake.items[number].draft = False
    code, log, _ = _deliver(
        fake, tmp_path, "pull_request", pull_payload(fake, number, action="ready_for_review")
    )
    assert code == 0, log
    assert fake.head_sha(number) != draft_head, "leaving draft committed status: In Review"
    assert _status(fake) == on_draft


def test_action_yml_declares_the_answers_output() -> None:
    import yaml

    action = yaml.safe_load((Path(__file__).parents[2] / "action.yml").read_text(encoding="utf-8"))
    output = action["outputs"]["answers"]
    assert output["value"] == "${{ steps.run.outputs.answers }}"
    assert "JSON" in output["description"]
