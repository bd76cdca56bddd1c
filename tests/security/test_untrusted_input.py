"""Security review: what a GitHub user *without* write access can make the action do.

On a public repository anyone can open issues and pull requests (from a fork), comment on issues and pull
requests, review pull requests, and edit the bodies of what they authored. Some tests reproduced a problem
the review found (planted markers, fork pull requests, log-command injection, tables in user text) and now
pin its fix; the others pin attack paths that were verified to be closed from the start.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from postmortem.action_items.table import read_action_items
from postmortem.cli import Console
from postmortem.config import parse_config
from postmortem.incident.form import default_form, parse_incident
from postmortem.incident.model import Incident
from postmortem.incident.render import document_path, document_sections, render_document
from postmortem.markdown import fences
from postmortem.markdown.markers import marker
from postmortem.plan import Message
from postmortem.signoff.compute import hand_ticked_roles, has_signoff_section
from postmortem.workflow_commands import output_lines, plain_lines
from tests.adopter import cli_env, run_cli
from tests.fake_github import FakeGitHub
from tests.harness import (
    dispatch_payload,
    issue_body,
    issue_payload,
    pull_payload,
    push_payload,
    run,
    tracking_issue_payload,
)
from tests.scenario import BRANCH, CONFIG, INCIDENT, PATH, PR, TITLE

BOT = "github-actions[bot]"
FULL_SUMMARY = (
    "The Umbrella API was completely down for 47 minutes. A database migration added a NOT NULL column before "
    "the Worker code that sets it was deployed. Rolling the Worker back to v1.2.2 resolved it."
)


def _people(fake: FakeGitHub) -> None:
    for login, permission in {"mona": "write", "alice": "write", "bob": "admin"}.items():
        fake.set_permission(login, permission)
    # "mallory" is never made a collaborator: the fake answers 404 → permission "none", like a stranger.


def _incident_with_pull(fake: FakeGitHub, *, body: str | None = None, author: str = "mona") -> None:
    """Incident #1 (labelled by a maintainer) and its draft post-mortem pull request #2."""
    _people(fake)
    fake.add_file("main", ".github/postmortem.yml", CONFIG)
    fake.add_issue(TITLE, body or issue_body("full.md"), labels=["incident"], user=author)
    run(fake, "issues", issue_payload(fake, INCIDENT, action="labeled", sender="mona", label="incident"))
    (pull,) = fake.pulls()
    assert (pull.number, pull.head) == (PR, BRANCH)


def _patched_comments_not_by_bot(fake: FakeGitHub) -> list[str]:
    """Comment edits the action made on comments somebody else wrote."""
    return [
        f"comment {c.id} by {c.user}"
        for c in fake.comments.values()
        if c.user != BOT and c.updated_at != c.created_at
    ]


def _runner_would_execute(line: str) -> bool:
    """The runner's parsers (actions/runner ActionCommand.TryParseV2 / TryParse): a v2 command is a line that
    starts with ``::`` *after TrimStart()*; a v1 command is ``##[`` anywhere in the line."""
    return line.lstrip().startswith("::") or "##[" in line


# ============================================================================================ 1. marker spoofing


def test_stranger_planted_form_problems_marker_is_not_adopted(fake: FakeGitHub) -> None:
    _people(fake)
    fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    planted = fake.add_comment(
        INCIDENT, "<!-- postmortem:form-problems -->\nlooks fine to me", user="mallory"
    )

    run(fake, "issues", issue_payload(fake, INCIDENT, action="labeled", sender="mona", label="incident"))

    assert fake.comments[planted.id].body.endswith("looks fine to me"), "the stranger's comment was rewritten"
    assert _patched_comments_not_by_bot(fake) == []


def test_stranger_planted_signoff_marker_is_not_adopted(fake: FakeGitHub) -> None:
    _incident_with_pull(fake)
    planted = fake.add_comment(
        PR, "<!-- postmortem:signoff -->\n### ✅ Post-mortem sign-off complete", user="mallory"
    )
    fake.items[PR].draft = False

    run(fake, "pull_request", pull_payload(fake, PR, action="ready_for_review", sender="mona"))

    assert fake.comments[planted.id].body.endswith("sign-off complete"), (
        "the stranger's comment was rewritten"
    )
    assert any(c.user == BOT and "postmortem:signoff" in c.body for c in fake.comments_on(PR))


def test_stranger_planted_published_marker_does_not_suppress_publication(fake: FakeGitHub) -> None:
    from tests.harness import merge_pull

    _incident_with_pull(fake)
    fake.add_comment(INCIDENT, "<!-- postmortem:published -->", user="mallory")
    merge_pull(fake, PR)
    fake.add_file("main", ".github/postmortem.yml", CONFIG + "close_incident_on_publish: true\n")

    run(fake, "pull_request", pull_payload(fake, PR, action="closed", sender="mona"))

    assert fake.items[INCIDENT].state == "closed"
    assert any(c.user == BOT and "postmortem:published" in c.body for c in fake.comments_on(INCIDENT))


# =============================================================== 1/4/6. fork pull request with a forged marker


def _published_document(fake: FakeGitHub) -> tuple[str, str]:
    path = "postmortems/2025-01-01-old-outage.md"
    text = "---\nincident: 7\nstatus: Published\n---\n# Post-Mortem: old outage\n\n## Sign-Off\n"
    fake.add_file("main", path, text)
    return path, text


def _fork_pull(fake: FakeGitHub, path: str, *, head: str = "main") -> int:
    """A pull request as a stranger opens it from a fork: any head branch name (here the fork's ``main``),
    any body. The fake has no forks, so the fork's head commit is the base's ``main`` commit (a fresh fork)."""
    forged = marker("document", incident=7, path=path, sha="0" * 40)
    pull = fake.add_pull(head, title="Fix typo", body=forged + "\nPlease merge", user="mallory")
    return pull.number


def test_fork_pull_request_with_forged_marker_cannot_commit_to_main(fake: FakeGitHub) -> None:
    _people(fake)
    fake.add_file("main", ".github/postmortem.yml", CONFIG)
    path, text = _published_document(fake)
    _fork_pull(fake, path)

    run(fake, "workflow_dispatch", dispatch_payload(fake), raise_errors=False)

    assert fake.file_text("main", path) == text, "a stranger's PR body made the bot commit to main"


def test_fork_pull_request_with_forged_marker_gets_no_comment_mentioning_role_holders(
    fake: FakeGitHub,
) -> None:
    _people(fake)
    fake.add_file("main", ".github/postmortem.yml", CONFIG)
    numbers = [_fork_pull(fake, f"x{i}.md", head=f"spam-{i}") for i in range(3)]

    run(fake, "workflow_dispatch", dispatch_payload(fake), raise_errors=False)

    mentioning = [c for n in numbers for c in fake.comments_on(n) if "@bob" in c.body]
    assert mentioning == []


# ====================================================================== 1/6. stranger issue as tracking issue


def _table_document(fake: FakeGitHub, path: str) -> None:
    fake.add_file(
        "main",
        path,
        "# Roadmap\n\n| # | Action Item | Owner | Issue |\n|---|---|---|---|\n| 1 | Ship the thing | @alice | |\n",
    )


def test_stranger_issue_marker_cannot_choose_the_document(fake: FakeGitHub) -> None:
    _people(fake)
    _table_document(fake, "docs/roadmap.md")
    before = fake.file_text("main", "docs/roadmap.md")
    forged = marker("action-item", doc="docs/roadmap.md", key="zzz")
    # The label reached the stranger's issue through an issue template's `labels:` or a triager.
    fake.add_issue("please track", forged, labels=["action-item"], user="mallory", state="closed")

    run(
        fake, "issues", tracking_issue_payload(fake, 1, action="closed", sender="mallory"), raise_errors=False
    )

    assert fake.file_text("main", "docs/roadmap.md") == before
    assert [i.number for i in fake.issues_only() if i.user == BOT] == []


def test_stranger_issue_is_not_relinked_as_a_tracking_issue(fake: FakeGitHub) -> None:
    _people(fake)
    path = "postmortems/2025-11-17-checkout.md"
    _table_document(fake, path)
    key = read_action_items(fake.file_text("main", path) or "").items[0].key
    forged = marker("action-item", doc=path, key=key)
    fake.add_issue("mine now", forged, labels=["action-item"], user="mallory")

    run(fake, "push", _push(fake, path), raise_errors=False)

    assert "#1 " not in (fake.file_text("main", path) or ""), "the stranger's issue #1 was linked to the row"


def _push(fake: FakeGitHub, path: str) -> dict[str, Any]:

    return push_payload(fake, added=[path])


# ============================================================================== 3. document structure injection


def _render(summary: str) -> str:
    body = issue_body("full.md").replace(FULL_SUMMARY, summary)
    return render_document(_incident(body), parse_config(CONFIG))


def _incident(body: str) -> Incident:
    return parse_incident(
        number=1,
        title=TITLE,
        body=body,
        created_at=datetime.now(UTC),
        form=default_form(),
        url="",
        author="m",
    )


def test_a_table_in_the_incident_summary_is_not_an_action_items_table() -> None:
    document = _render(
        "Deployed.\n\n| Action Item | Owner | Deadline |\n|---|---|---|\n| Injected task | @mallory | 2030-01-01 |"
    )
    texts = [item.text for item in read_action_items(document, repo="o/r").items]
    assert "Injected task" not in texts


def test_user_text_cannot_hide_the_signoff_section() -> None:
    document = _render("Deployed.\n```js`\nmore")
    assert "Sign-Off" in document_sections(document)  # markdown-it (and GitHub) see the section
    assert has_signoff_section(document)


# ================================================================================ 5. workflow-command injection


def test_info_lines_cannot_start_a_workflow_command() -> None:
    for text in (
        "doc.md\n::set-output name=pull-request-url::https://evil",
        "doc.md ##[set-output name=x;]y",
    ):
        assert not any(_runner_would_execute(line) for line in plain_lines(text)), text


def test_forged_marker_path_from_a_fork_pull_request_cannot_reach_the_log_as_a_command(
    fake: FakeGitHub,
) -> None:
    _people(fake)
    _fork_pull(fake, "nope.md\n::set-output name=pull-request-url::https://evil.example")
    report = run(fake, "workflow_dispatch", dispatch_payload(fake), raise_errors=False)
    out = io.StringIO()
    console = Console(out)
    for message in report.messages:
        console.message(message)
    injected = [line for line in out.getvalue().splitlines() if line.lstrip().startswith("::set-output")]
    assert injected == []


# ============================================================== verified closed (these pass today and must stay)


def test_stranger_incident_gets_one_triage_comment_and_no_pull_request(fake: FakeGitHub) -> None:
    _people(fake)
    fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mallory")
    run(fake, "issues", issue_payload(fake, INCIDENT, action="opened", sender="mallory"))
    run(fake, "issues", issue_payload(fake, INCIDENT, action="edited", sender="mallory"))
    assert fake.pulls() == []
    assert set(fake.branches) == {"main"}
    assert len(fake.comments_on(INCIDENT)) == 1


def test_strangers_edit_of_their_incident_does_not_regenerate_the_document(fake: FakeGitHub) -> None:
    _incident_with_pull(fake, author="mallory")
    before = fake.file_text(BRANCH, PATH)
    fake.items[INCIDENT].body = issue_body("full.md").replace(FULL_SUMMARY, "edited by the reporter")
    run(fake, "issues", issue_payload(fake, INCIDENT, action="edited", sender="mallory"))
    assert fake.file_text(BRANCH, PATH) == before


def test_strangers_approval_signs_nothing(fake: FakeGitHub) -> None:
    from tests.harness import review_payload

    _incident_with_pull(fake)
    fake.items[PR].draft = False
    fake.set_permission("mallory", "read")
    review = fake.add_review(PR, "mallory", "APPROVED")
    run(fake, "pull_request_review", review_payload(fake, review))
    statuses = [s for s in fake.statuses if s.context == "postmortem/sign-off"]
    assert statuses and all(s.state == "pending" for s in statuses)


def test_template_syntax_in_user_text_stays_text() -> None:
    document = _render("{{ 7*7 }} {% for x in range(10**9) %}{% endfor %} {{ ''.__class__ }}")
    assert "{{ 7*7 }}" in document and "49" not in document.split("---", 2)[2].split("## Impact")[0]


def test_headings_and_a_forged_signoff_tick_in_user_text_stay_out_of_the_structure() -> None:
    clean = document_sections(_render("ok"))
    document = _render(
        "## Sign-Off\n- [x] **CTO**: @mallory - 2026-01-01\nSign-Off\n---\n<h2>Action Items</h2>\n# Top"
    )
    assert document_sections(document) == clean
    assert hand_ticked_roles(document, parse_config(CONFIG).signoff.roles) == []


def test_huge_issue_body_renders_with_a_bounded_number_of_parses() -> None:
    # no wall-clock assertion (the machine's load is not the code's cost): the work that could grow
    # super-linearly, the Markdown parses, stays bounded whatever the number of timeline lines
    lines = "\n".join(f"10:{i % 60:02d} event {i} " + "x" * 20 for i in range(1800))
    body = issue_body("full.md").replace("### Timeline (UTC)", "### Timeline (UTC)\n\n" + lines)[:65536]
    before = fences.parse_count()
    incident = _incident(body)
    render_document(incident, parse_config(None))
    assert len(incident.timeline) > 1000
    assert fences.parse_count() - before <= 12


def test_slug_keeps_the_document_inside_its_directory() -> None:
    body = issue_body("full.md")
    for title in ("../../.github/workflows/x", "..\\..\\x", "/etc/passwd", "a/../../b"):
        incident = parse_incident(
            number=1,
            title=title,
            body=body,
            created_at=datetime.now(UTC),
            form=default_form(),
            url="",
            author="m",
        )
        path = document_path(incident, "postmortems")
        assert path.startswith("postmortems/") and ".." not in path and path.count("/") == 1


def test_command_messages_and_outputs_are_escaped() -> None:
    out = io.StringIO()
    Console(out).message(Message(level="warning", text="x\n::set-output name=a::b\r%0A::error::c"))
    assert len(out.getvalue().splitlines()) == 1
    value = "line1\nEOF\nx=y"
    text = output_lines({"document-path": value})
    delimiter = text.split("<<", 1)[1].split("\n", 1)[0]
    assert delimiter not in value and text.count(delimiter) == 2


def test_a_fork_pull_request_named_like_a_post_mortem_branch_is_not_one(fake: FakeGitHub) -> None:
    """A stranger's fork can use any branch name, `postmortem/incident-1` included: it is still not ours."""
    _incident_with_pull(fake)
    fork = fake.add_pull(
        BRANCH,
        title="Post-mortem",
        body=marker("document", incident=1, path="postmortems/x.md", sha="0" * 40),
        user="mallory",
        head_repository="mallory/Hello-World",
    )
    fake.reset_counts()

    run(fake, "pull_request", pull_payload(fake, fork.number, action="ready_for_review", sender="mallory"))

    assert fake.writes == []
    dispatch = {
        "repository": {"full_name": fake.repository, "default_branch": "main"},
        "sender": {"login": "mona", "type": "User"},
    }
    run(fake, "workflow_dispatch", dispatch)
    assert fake.comments_on(fork.number) == []
    assert not any(f"/issues/{fork.number}" in w.path for w in fake.writes)


# ====================================================================================================
# An adopter's first run: README honesty, first-run failures, the example workflow, preview with own files


def test_user_text_is_data_not_template_source(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.set_permission("mona", "write")
    item = fake.add_issue("[Incident]: {{ 7*7 }}", issue_body("full.md"), labels=["incident"], user="mona")
    code, log = run_cli(["run"], cli_env(tmp_path, fake, "issues", issue_payload(fake, item.number)))
    assert code == 0, log
    (path,) = [p for p in fake.files("postmortem/incident-1") if p.startswith("postmortems/")]
    text = fake.file_text("postmortem/incident-1", path) or ""
    assert "# Post-Mortem: {{ 7*7 }}\n" in text and "49" not in text
