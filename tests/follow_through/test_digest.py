"""The digest issue: grouped by owner, most overdue first, rewritten only when its content changes."""

from __future__ import annotations

from datetime import date

from postmortem.follow_through.digest import (
    DIGEST_LABEL,
    decide_digest,
    find_digest,
    render_digest,
)
from postmortem.github.models import Issue
from postmortem.plan import CreateIssue, CreateLabel, UpdateIssue
from tests.follow_through.follow_through_builders import item

TODAY = date(2026, 5, 1)
ITEMS = [
    item(number=1, deadline=date(2026, 4, 1), assignees=("carol",)),  # 30 days late
    item(number=2, deadline=date(2026, 4, 29), assignees=("carol",)),  # 2 days late
    item(number=3, deadline=date(2026, 6, 1), assignees=("dave",)),  # not yet due
    item(number=4, deadline=date(2026, 4, 20), assignees=("dave",)),  # 11 days late
    item(
        number=5, deadline=None, deadline_text="soon", assignees=(), owner="Payments team", owner_login=None
    ),
    item(number=6, deadline=date(2026, 3, 1), assignees=("carol",), state="closed"),  # closed: not listed
]


def digest_issue(body: str, state: str = "open") -> Issue:
    return Issue(number=99, html_url="u", title="digest", body=body, state=state, labels=(DIGEST_LABEL,))  # type: ignore[arg-type]


def test_grouped_by_owner_most_overdue_first_with_totals() -> None:
    body = render_digest(ITEMS, TODAY)
    assert "**5 open** · **3 overdue** · 3 owners · 1 with an unreadable deadline" in body
    carol, dave, team = body.index("### [carol]"), body.index("### [dave]"), body.index("### Payments team")
    assert carol < dave < team  # carol's worst is 30 days late, dave's 11; a name without a login last
    assert body.index("| #1 |") < body.index("| #2 |") < body.index("| #4 |") < body.index("| #3 |")
    assert "| #6 |" not in body
    assert "**30 days**" in body and "⚠️ soon" in body
    assert "### [carol](https://github.com/carol) — 2 open, 2 overdue" in body


def test_the_digest_never_mentions_anyone() -> None:
    hostile = item(
        number=7, text="ping @everyone and @acme/sre", assignees=(), owner="@mallory", owner_login=None
    )
    body = render_digest([hostile], TODAY)
    assert "@everyone" not in body and "@acme/sre" not in body and "@mallory" not in body


def test_first_run_opens_it_with_its_label() -> None:
    writes, _ = decide_digest(ITEMS, TODAY, None, repository_labels=())
    assert isinstance(writes[0], CreateLabel) and writes[0].name == DIGEST_LABEL
    assert isinstance(writes[1], CreateIssue) and writes[1].labels == (DIGEST_LABEL,)
    writes, _ = decide_digest(ITEMS, TODAY, None, repository_labels=(DIGEST_LABEL,))
    assert [type(w) for w in writes] == [CreateIssue]


def test_unchanged_content_writes_nothing_changed_content_one_update() -> None:
    existing = digest_issue(render_digest(ITEMS, TODAY))
    assert decide_digest(ITEMS, TODAY, existing) == ([], [])
    assert decide_digest(
        ITEMS, TODAY, existing.model_copy(update={"body": existing.body.replace("\n", "\r\n")})
    ) == ([], [])
    writes, _ = decide_digest(ITEMS[:3], TODAY, existing)
    assert writes == [UpdateIssue(number=99, body=render_digest(ITEMS[:3], TODAY))]


def test_a_closed_digest_is_left_closed_and_reported() -> None:
    writes, messages = decide_digest(ITEMS, TODAY, digest_issue("old", state="closed"))
    assert writes == [] and "closed" in messages[0].text


def test_found_by_marker_lowest_number() -> None:
    body = render_digest([], TODAY)
    issues = [
        Issue(number=50, html_url="u", title="d", body=body),
        Issue(number=40, html_url="u", title="d", body=body),
        Issue(number=30, html_url="u", title="not ours", body="no marker"),
    ]
    found = find_digest(issues)
    assert found is not None and found.number == 40
    assert "Nothing is open." in body
