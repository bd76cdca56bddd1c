"""The timeline from the incident issue: timed comment lines, GitHub's own events, the merge with the form's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.follow_through.timeline import (
    Activity,
    TimelineEntry,
    comment_events,
    issue_events,
    merge_timeline,
    missing_entries,
    rows_to_paste,
    severity_of_label,
    split_action,
)
from postmortem.incident.form import parse_timeline
from postmortem.incident.model import TimelineEvent

CREATED = datetime(2026, 3, 14, 11, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


LINE_CASES = [
    # (comment line, expected (at, text, action) or None)
    pytest.param("10:15 API errors spike", (at(14, 10, 15), "API errors spike", ""), id="bare time"),
    pytest.param("10:15 - API errors spike", (at(14, 10, 15), "API errors spike", ""), id="separator"),
    pytest.param("10:15 UTC: paged", (at(14, 10, 15), "paged", ""), id="UTC and colon"),
    pytest.param("- 09:05 deploy started", (at(14, 9, 5), "deploy started", ""), id="bullet"),
    pytest.param("11:00 now", (at(14, 11, 0), "now", ""), id="exactly created_at"),
    pytest.param("11:01 later", (at(13, 11, 1), "later", ""), id="after created_at: the day before"),
    pytest.param("23:50 late night", (at(13, 23, 50), "late night", ""), id="late: the day before"),
    pytest.param("2026-03-12 08:00 early signs", (at(12, 8, 0), "early signs", ""), id="dated"),
    pytest.param("2026-03-12T08:00 early", (at(12, 8, 0), "early", ""), id="dated with T"),
    pytest.param(
        "10:20 error rate 30% -> rolled back v1.2.3",
        (at(14, 10, 20), "error rate 30%", "rolled back v1.2.3"),
        id="action",
    ),
    pytest.param(
        "10:20 failover → moved traffic", (at(14, 10, 20), "failover", "moved traffic"), id="unicode arrow"
    ),
    pytest.param(
        "10:20 traffic us-east->us-west",
        (at(14, 10, 20), "traffic us-east->us-west", ""),
        id="unspaced arrow is text",
    ),
    pytest.param("10:20 a -> b -> c", (at(14, 10, 20), "a", "b -> c"), id="first arrow splits"),
    pytest.param("10:15", None, id="time without text"),
    pytest.param("25:00 impossible", None, id="impossible hour"),
    pytest.param("10:75 impossible", None, id="impossible minute"),
    pytest.param("2026-02-30 10:00 impossible date", None, id="impossible date"),
    pytest.param("10:15am lunch", None, id="am/pm is not this syntax"),
    pytest.param("At 10:15 it broke", None, id="time not at the start"),
    pytest.param("> 10:15 quoted", None, id="quote"),
    pytest.param("1015 no colon", None, id="no colon"),
]


@pytest.mark.parametrize(("line", "expected"), LINE_CASES)
def test_one_line(line: str, expected: tuple[datetime, str, str] | None) -> None:
    events = comment_events(line, "alice", CREATED)
    if expected is None:
        assert events == []
    else:
        assert [(e.at, e.text, e.action, e.by) for e in events] == [(*expected, "@alice")]


def test_every_timed_line_of_a_comment_and_no_code_block() -> None:
    body = "Update:\n10:15 first\n\n```\n10:30 in code\n```\nsome text\n10:40 second\r\n~~~\n10:50 tilde code\n~~~"
    assert [e.text for e in comment_events(body, "bob", CREATED)] == ["first", "second"]


ALICE, BOB, BOT = "alice", "bob", "github-actions[bot]"


def act(kind: str, actor: str, when: datetime, body: str = "", label: str = "") -> Activity:
    return Activity(kind=kind, actor=actor, created_at=when, body=body, label=label)  # type: ignore[arg-type]


def events(activities: list[Activity], form_resolved: bool = False) -> list[tuple[str, str]]:
    found = issue_events(
        activities,
        opened_by="octocat",
        opened_at=at(14, 10, 5),
        writers=frozenset({ALICE, BOB}),
        action_logins=frozenset({BOT}),
        form_resolved=form_resolved,
    )
    return [(e.text, e.by) for e in found]


def test_github_events_and_whose_comments_count() -> None:
    found = events(
        [
            act("commented", ALICE, at(14, 10, 30), "10:20 paged the on-call"),
            act("commented", "stranger", at(14, 10, 31), "10:21 I think it is DNS"),
            act("labeled", BOB, at(14, 10, 32), label="P1"),
            act("labeled", BOB, at(14, 10, 33), label="bug"),
            act("closed", BOB, at(14, 12, 0)),
        ]
    )
    assert found == [
        ("Incident reported (issue opened)", "@octocat"),
        ("paged the on-call", "@alice"),
        ("Severity set to P1", "@bob"),
        ("Incident resolved (issue closed)", "@bob"),
    ]


RESOLUTION_CASES = [
    pytest.param([("closed", BOB)], False, True, id="closed by a person"),
    pytest.param([("closed", BOT)], False, False, id="the action's own closing on publication"),
    pytest.param([("closed", BOB)], True, False, id="the form gave a resolved time"),
    pytest.param([("closed", BOB), ("reopened", BOB)], False, False, id="reopened since"),
    pytest.param([("closed", BOB), ("reopened", BOB), ("closed", ALICE)], False, True, id="closed again"),
]


@pytest.mark.parametrize(("sequence", "form_resolved", "resolved"), RESOLUTION_CASES)
def test_resolution(sequence: list[tuple[str, str]], form_resolved: bool, resolved: bool) -> None:
    found = events([act(kind, who, at(14, 12, i)) for i, (kind, who) in enumerate(sequence)], form_resolved)
    assert any(text.startswith("Incident resolved") for text, _ in found) is resolved


@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("P0", "P0"),
        ("p2", "P2"),
        ("sev-1", "P1"),
        ("severity: P1", "P1"),
        ("SEV2", "P2"),
        ("P3", None),
        ("api", None),
        ("help", None),
    ],
)
def test_severity_labels(label: str, level: str | None) -> None:
    assert severity_of_label(label) == level


def test_merge_is_chronological_without_duplicates_and_dates_other_days() -> None:
    form, _ = parse_timeline(
        "10:15 Deploy started\n10:40 Rollback -> reverted v2\nStatus page updated", at(14, 10, 0)
    )
    extra = [
        TimelineEntry(at=at(14, 10, 15), text="deploy  STARTED", by="@alice"),  # same minute, same text
        TimelineEntry(at=at(14, 10, 20), text="Errors spike", by="@alice"),
        TimelineEntry(at=at(13, 23, 0), text="Config change merged", by="@bob"),
        TimelineEntry(at=at(15, 9, 0), text="Post-incident review", by="@bob"),
    ]
    merged = merge_timeline(form, extra, date(2026, 3, 14))
    assert [(e.time_text, e.text, e.action, e.by) for e in merged] == [
        ("2026-03-13 23:00", "Config change merged", "", "@bob"),
        ("10:15", "Deploy started", "", ""),
        ("10:20", "Errors spike", "", "@alice"),
        ("10:40", "Rollback", "reverted v2", ""),
        ("", "Status page updated", "", ""),
        ("2026-03-15 09:00", "Post-incident review", "", "@bob"),
    ]
    # the rows fit the document's model: the lead can hand them to the renderer as they are
    assert all(TimelineEvent.model_validate(e.model_dump(exclude={"by"}) | {"by": e.by}) for e in merged)


def test_rows_to_paste_cannot_mention_through_user_text() -> None:
    rows = rows_to_paste(
        [TimelineEntry(at=at(14, 10, 0), time_text="10:00", text="ping @everyone | x", by="@alice")]
    )
    assert rows == ["| 10:00 | ping @\u200beveryone \\| x |  | @alice |"]


def test_the_form_accepts_the_action_syntax_too() -> None:
    form, invalid = parse_timeline(
        "10:15 Errors -> paged on-call\n10:20 us-east->us-west\nno time -> still split", at(14, 10, 0)
    )
    assert invalid == []
    assert [(e.text, e.action) for e in form] == [
        ("Errors", "paged on-call"),
        ("us-east->us-west", ""),
        ("no time", "still split"),
    ]


def test_split_action() -> None:
    assert split_action("a -> b") == ("a", "b")
    assert split_action("a → b -> c") == ("a", "b -> c")
    assert split_action("a") == ("a", "")


# ---- properties ---------------------------------------------------------------------------------------------------

lines = st.text(alphabet=st.sampled_from(list("0123456789:- >→`~\nUTCZa@|T\t")), max_size=200)


@settings(max_examples=300, deadline=None)
@given(
    body=lines,
    created=st.datetimes(
        min_value=datetime(2000, 1, 2), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
    ),
)
def test_any_comment_gives_well_formed_events(body: str, created: datetime) -> None:
    for event in comment_events(body, "alice", created):
        assert event.text and event.text == event.text.strip() and "\n" not in event.text
        assert event.at is not None and event.by == "@alice"
        # a bare time is never after the comment
        if not any(
            line.strip().lstrip("-*+ ").startswith(event.at.strftime("%Y-%m-%d"))
            for line in body.splitlines()
        ):
            assert event.at <= created


@settings(max_examples=200, deadline=None)
@given(
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    text=st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and "\n" not in t and "\r" not in t),
    created=st.datetimes(
        min_value=datetime(2000, 1, 2), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
    ),
)
def test_a_bare_time_takes_the_latest_date_not_after_the_comment(
    hour: int, minute: int, text: str, created: datetime
) -> None:
    found = comment_events(f"{hour:02d}:{minute:02d} x{text}", "alice", created)
    assert len(found) == 1
    moment = found[0].at
    assert moment is not None and (moment.hour, moment.minute) == (hour, minute)
    assert moment <= created and (created - moment).total_seconds() < 86400


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 23), st.integers(0, 59), st.sampled_from(["a", "b", "c"])), max_size=12)
)
def test_merge_keeps_every_distinct_event_once_in_order(rows: list[tuple[int, int, str]]) -> None:
    extra = [TimelineEntry(at=at(14, h, m), text=t) for h, m, t in rows]
    merged = merge_timeline([], extra + extra, date(2026, 3, 14))
    assert len(merged) == len({(h, m, t) for h, m, t in rows})
    assert [e.at for e in merged] == sorted(e.at for e in merged if e.at is not None)


def test_long_hostile_line_is_handled_in_linear_time() -> None:
    # no nested quantifiers: a long run of spaces, digits and arrows is processed at once
    body = "10:15" + " " * 50_000 + "-" * 50_000 + " -> " * 10_000 + "\n" + "1" * 100_000
    found = comment_events(body, "alice", CREATED)
    assert len(found) == 1 and found[0].text.startswith("-")


def test_missing_entries_of_an_edited_document() -> None:
    document = (
        "| Time (UTC) | Event | Action Taken | By Whom |\n|---|---|---|---|\n| 10:15 | Deploy started | | |\n"
    )
    entries = [
        TimelineEntry(at=at(14, 10, 15), time_text="10:15", text="Deploy  started"),
        TimelineEntry(at=at(14, 10, 20), time_text="10:20", text="Errors spike", by="@alice"),
    ]
    assert [e.text for e in missing_entries(document, entries)] == ["Errors spike"]
