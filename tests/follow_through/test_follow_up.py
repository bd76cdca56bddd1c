"""The follow-up review: its date, exactly one issue, a live table, and recording how it was closed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from postmortem.config import FollowUpConfig
from postmortem.follow_through.follow_up import (
    CHECKS,
    FOLLOW_UP_LABEL,
    Publication,
    SimilarIncident,
    closure,
    closure_frontmatter,
    closure_recorded,
    decide_follow_up,
    find_follow_up,
    follow_up_date,
    follow_up_title,
    publication_frontmatter,
    read_checks,
    record_closure,
    set_follow_up_line,
    similar_since,
)
from postmortem.github.models import Issue
from postmortem.markdown.frontmatter import split_frontmatter, update_frontmatter
from postmortem.plan import CreateIssue, CreateLabel, UpdateIssue
from tests.follow_through.follow_through_builders import DOC, DOC_URL, item

GOLDEN = (Path(__file__).parents[1] / "incident" / "golden" / "full.md").read_text(encoding="utf-8")
PUBLISHED = date(2026, 3, 20)
CONFIG = FollowUpConfig()
PUBLICATION = Publication(
    doc=DOC,
    doc_url=DOC_URL,
    title="Checkout API errors",
    published=PUBLISHED,
    pull_request=13,
    incident=12,
    services=("checkout-api", "payments"),
    labels=("incident", "P1"),
)
ITEMS = [
    item(number=41, deadline=date(2026, 4, 1)),
    item(number=42, deadline=date(2026, 4, 10), state="closed", state_reason="completed"),
    item(number=43, deadline=date(2026, 4, 10), state="closed", state_reason="not_planned"),
]
SIMILAR = [
    SimilarIncident(
        title="Checkout latency", link="https://x/a", services=("Checkout-API",), published=date(2026, 4, 2)
    ),
    SimilarIncident(
        title="Older checkout", link="https://x/b", services=("checkout-api",), published=date(2026, 3, 1)
    ),
    SimilarIncident(
        title="DNS", link="https://x/c", services=("dns",), labels=("network",), published=date(2026, 4, 3)
    ),
    SimilarIncident(title="P1 elsewhere", link="https://x/d", labels=("p1",), published=date(2026, 4, 4)),
]


def test_the_date_and_its_line() -> None:
    assert follow_up_date(PUBLISHED, CONFIG) == date(2026, 4, 19)
    assert follow_up_date(PUBLISHED, FollowUpConfig(days=7)) == date(2026, 3, 27)
    assert follow_up_date(PUBLISHED, FollowUpConfig(enabled=False)) is None
    assert publication_frontmatter(PUBLISHED, CONFIG) == {"follow_up": "2026-04-19"}
    assert publication_frontmatter(PUBLISHED, FollowUpConfig(enabled=False)) == {}
    text = set_follow_up_line(GOLDEN, date(2026, 4, 19))
    assert "**30-Day Follow-Up** (scheduled for 2026-04-19):" in text
    assert set_follow_up_line(text, date(2026, 4, 19)) == text  # idempotent
    assert text.replace("2026-04-19", "[Date]") == GOLDEN  # nothing else moved
    # a section without the line gets one; a document without the section is left alone
    bare = "# T\n\n## Follow-Up Review\n\nNotes.\n"
    assert "**Follow-Up** (scheduled for 2026-04-19)" in set_follow_up_line(bare, date(2026, 4, 19))
    assert set_follow_up_line("# T\n", date(2026, 4, 19)) == "# T\n"
    # composed with the frontmatter helper as the publication handler will
    published = update_frontmatter(text, publication_frontmatter(PUBLISHED, CONFIG))
    assert str(split_frontmatter(published)[0]["follow_up"]) == "2026-04-19"


def test_similar_incidents_overlap_on_services_or_labels_and_come_after() -> None:
    assert [s.title for s in similar_since(PUBLICATION, SIMILAR)] == ["Checkout latency", "P1 elsewhere"]


def decide(today: date, existing: Issue | None, items=ITEMS, labels=(FOLLOW_UP_LABEL,)):
    return decide_follow_up(PUBLICATION, today, CONFIG, existing, items, SIMILAR, ("ic-alice",), labels)


def opened(writes) -> Issue:
    create = next(w for w in writes if isinstance(w, CreateIssue))
    return Issue(
        number=77,
        html_url="https://github.com/acme/shop/issues/77",
        title=create.title,
        body=create.body,
        labels=create.labels,
        assignees=create.assignees,
    )


def test_not_before_its_date_then_exactly_one_issue() -> None:
    assert decide(date(2026, 4, 18), None) == ([], [])
    writes, _ = decide(date(2026, 4, 19), None, labels=())
    assert isinstance(writes[0], CreateLabel) and writes[0].name == FOLLOW_UP_LABEL
    create = writes[1]
    assert isinstance(create, CreateIssue)
    assert create.title == "30-day follow-up: Checkout API errors"
    assert create.labels == (FOLLOW_UP_LABEL,) and create.assignees == ("ic-alice",)
    for check in CHECKS:
        assert f"- [ ] {check}" in create.body
    assert "**1/3 done**" in create.body
    assert "| #41 |" in create.body and "🟢 Done" in create.body and "⚪ Won't Do" in create.body
    assert "| 2026-04-01 | ⚠️ yes |" in create.body  # #41 is late on 2026-04-19
    # a day later nothing changed but the count of days: no rewrite
    assert decide(date(2026, 4, 20), opened(writes)) == ([], [])
    assert "[Checkout latency](https://x/a)" in create.body and "DNS" not in create.body
    assert DOC_URL in create.body and "Reviewed in #13" in create.body
    # the rerun the same day finds it (in a state=all listing of the label) and writes nothing
    issue = opened(writes)
    assert find_follow_up([issue], DOC) == issue
    assert decide(date(2026, 4, 19), issue) == ([], [])


def test_its_table_follows_the_items_and_keeps_ticks_and_notes() -> None:
    issue = opened(decide(date(2026, 4, 19), None)[0])
    ticked = issue.body.replace(f"- [ ] {CHECKS[0]}", f"- [x] {CHECKS[0]}") + "\n\nOur notes."
    issue = issue.model_copy(update={"body": ticked})
    done = [item(number=41, deadline=date(2026, 4, 1), state="closed", state_reason="completed"), *ITEMS[1:]]
    writes, _ = decide(date(2026, 4, 20), issue, items=done)
    assert len(writes) == 1 and isinstance(writes[0], UpdateIssue) and writes[0].body is not None
    assert "**2/3 done**" in writes[0].body
    assert read_checks(writes[0].body)[CHECKS[0]] is True
    assert writes[0].body.endswith("Our notes.")
    assert decide(date(2026, 4, 20), issue.model_copy(update={"body": writes[0].body}), items=done) == (
        [],
        [],
    )


def test_never_a_second_issue_when_the_first_is_closed() -> None:
    issue = opened(decide(date(2026, 4, 19), None)[0]).model_copy(
        update={"state": "closed", "state_reason": "completed"}
    )
    assert decide(date(2026, 6, 1), find_follow_up([issue], DOC)) == ([], [])
    other = Issue(
        number=5,
        html_url="u",
        title="30-day follow-up: other",
        body='<!-- postmortem:follow-up {"doc":"x.md"} -->',
    )
    assert find_follow_up([other], DOC) is None


def test_disabled_opens_nothing() -> None:
    writes, _ = decide_follow_up(
        PUBLICATION, date(2027, 1, 1), FollowUpConfig(enabled=False), None, ITEMS, [], ("a",)
    )
    assert writes == []


CLOSE_CASES = [
    pytest.param(
        "completed",
        {"follow_up_done": "2026-04-25"},
        "**Reviewed** on 2026-04-25 by @ic-alice",
        id="completed",
    ),
    pytest.param(
        "not_planned",
        {"follow_up_not_planned": "2026-04-25"},
        "**Review not done**: closed as not planned",
        id="not planned",
    ),
    pytest.param(
        "duplicate",
        {"follow_up_not_planned": "2026-04-25"},
        "**Review not done**: closed as not planned",
        id="duplicate = not planned",
    ),
]


@pytest.mark.parametrize(("reason", "frontmatter", "line"), CLOSE_CASES)
def test_closing_records_the_review_in_the_document(
    reason: str, frontmatter: dict[str, str], line: str
) -> None:
    issue = opened(decide(date(2026, 4, 19), None)[0])
    body = issue.body.replace(f"- [ ] {CHECKS[0]}", f"- [x] {CHECKS[0]}").replace(
        f"- [ ] {CHECKS[2]}", f"- [X] {CHECKS[2]}"
    )
    closed = issue.model_copy(update={"body": body, "state": "closed", "state_reason": reason})
    done = closure(closed, "@ic-alice", date(2026, 4, 25))
    assert done is not None
    assert closure_frontmatter(done) == frontmatter
    document = update_frontmatter(record_closure(GOLDEN, done), closure_frontmatter(done))
    assert line in document
    assert (
        f"- [x] {CHECKS[0]}" in document
        and f"- [ ] {CHECKS[1]}" in document
        and f"- [x] {CHECKS[2]}" in document
    )
    if reason == "completed":
        assert (
            f"{CHECKS[0]}, {CHECKS[2]}." in document
            and "[#77](https://github.com/acme/shop/issues/77)" in document
        )
    meta, _ = split_frontmatter(document)
    assert closure_recorded(meta)
    assert not closure_recorded(split_frontmatter(GOLDEN)[0])
    # rerunning the edit changes nothing
    assert update_frontmatter(record_closure(document, done), closure_frontmatter(done)) == document


def test_an_open_issue_has_no_closure_and_a_missing_section_is_added() -> None:
    issue = Issue(number=1, html_url="u", title="t", body="")
    assert closure(issue, "a", date(2026, 4, 25)) is None
    done = closure(
        issue.model_copy(update={"state": "closed", "state_reason": "completed"}), "a", date(2026, 4, 25)
    )
    assert done is not None
    assert record_closure("# T\n", done).endswith(
        "## Follow-Up Review\n\n**Reviewed** on 2026-04-25 by @a in [#1](u): no check ticked.\n"
    )


def test_title_is_one_line_and_bounded() -> None:
    assert follow_up_title("a\nb") == "30-day follow-up: a b"
    assert len(follow_up_title("x" * 400)) == 256
