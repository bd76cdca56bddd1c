"""Issue #10 item 12: the action never @-mentions a team, or a login it did not resolve.

Whole events (an ``@acme/everyone`` Owner cell) and a property over the pure decision: no body the sync writes (a
tracking issue, its update, the problems comment) carries a mention other than an owner it assigns.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postmortem.action_items.handler import DocumentState, Target, decide
from postmortem.config import Config
from postmortem.github.models import FileContent
from postmortem.markdown.mentions import mentions
from postmortem.plan import CreateComment, CreateIssue, UpdateComment, UpdateIssue
from tests.fake_github import FakeGitHub
from tests.scenario import PR, ROWS, open_incident, people, ready, tracking, with_rows

EVERYONE = "| 3 | Tell everyone about the new migration rules | @acme/everyone | 2025-12-20 | P2 | 🔴 Not Started | |"
NAMED = "| 4 | Ask @mallory and @acme/security to review the @dave runbook | @alice | 2025-12-21 | P1 | 🔴 Not Started | |"


def test_a_team_in_an_owner_cell_is_never_mentioned(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake, (*ROWS, EVERYONE, NAMED))
    ready(fake, PR)
    by_title = {issue.title: issue for issue in tracking(fake)}
    everyone = by_title["Tell everyone about the new migration rules"]
    assert mentions(everyone.body) == [], everyone.body
    assert "acme/everyone" in everyone.body, "the owner is still shown, as text"
    assert everyone.assignees == []
    named = next(issue for title, issue in by_title.items() if title.startswith("Ask "))
    assert mentions(named.body) == ["alice"], named.body
    assert named.assignees == ["alice"]
    for comment in fake.comments_on(PR):
        assert not [m for m in mentions(comment.body) if "/" in m or m == "mallory"], comment.body


# ------------------------------------------------------------------------------------------ property

_LOGIN = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,8}", fullmatch=True)
_WORD = st.one_of(
    _LOGIN,
    _LOGIN.map(lambda s: f"@{s}"),
    st.tuples(_LOGIN, _LOGIN).map(lambda t: f"@{t[0]}/{t[1]}"),
    st.sampled_from(["me@example.com", "`@code`", "(@x)", "@", "@-", "**@bold**", "@@y", "ça"]),
)
_TEXT = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_OWNER = st.one_of(
    _LOGIN.map(lambda s: f"@{s}"), st.tuples(_LOGIN, _LOGIN).map(lambda t: f"@{t[0]}/{t[1]}"), _TEXT
)

DOCUMENT = """---
incident: 7
title: {title}
---
# Post-mortem

## Summary

{summary}

## Action Items

| # | Action Item | Owner | Deadline | Priority | Status | Issue |
|---|---|---|---|---|---|---|
{rows}
"""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(_TEXT, _OWNER, st.sampled_from(["2025-12-01", "next week", ""])), min_size=1, max_size=4
    ),
    title=_TEXT,
    summary=_TEXT,
    strangers=st.sets(_LOGIN, max_size=2),
)
def test_no_body_mentions_anyone_the_action_did_not_resolve(
    rows: list[tuple[str, str, str]], title: str, summary: str, strangers: set[str]
) -> None:
    table = "\n".join(
        f"| {i} | {text.replace('|', ' ')} | {owner.replace('|', ' ')} | {deadline} | P1 | 🔴 Not Started | |"
        for i, (text, owner, deadline) in enumerate(rows, start=1)
    )
    text = DOCUMENT.format(title=title.replace("\n", " "), summary=summary, rows=table)
    state = DocumentState(
        config=Config(),
        repository="acme/app",
        html_url="https://github.com/acme/app",
        default_branch="main",
        target=Target(
            path="postmortems/x.md", branch="postmortem/incident-7", on_default=False, pull_request=8
        ),
        file=FileContent(path="postmortems/x.md", sha="0" * 40, text=text),
        issues=[],
        comments=[],
        labels=frozenset({"action-item", "p1"}),
        unassignable=frozenset(login.casefold() for login in strangers),
    )
    plan = decide(state)
    assigned = {
        login.casefold()
        for w in plan.writes
        if isinstance(w, CreateIssue | UpdateIssue)
        for login in w.assignees or ()
    }
    for write in plan.writes:
        if isinstance(write, CreateIssue | UpdateIssue | CreateComment | UpdateComment) and write.body:
            for name in mentions(write.body):
                assert "/" not in name and name.casefold() in assigned, (name, write.body)
