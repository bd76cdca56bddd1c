"""Reminders on tracking issues: tables of cases over bodies written by the action-items feature."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.config import RemindersConfig
from postmortem.follow_through.items import REMINDERS_MARKER, ReminderRecord, tracked_item, with_records
from postmortem.follow_through.reminders import (
    OVERDUE_LABEL,
    Mentions,
    decide_reminders,
    mention_line,
)
from postmortem.github.models import Issue
from postmortem.markdown.markers import read_marker
from postmortem.plan import (
    NEW_COMMENT_ID,
    AddLabels,
    CreateComment,
    CreateLabel,
    DeleteComment,
    RemoveLabel,
    UpdateIssue,
    Write,
    resolve_new_comment,
)
from tests.follow_through.follow_through_builders import DOC, applied, item, tracking_issue

CONFIG = RemindersConfig()
DEADLINE = date(2026, 4, 1)
MENTIONS = Mentions(commanders=("ic-alice",), authors={12: "octocat"})


def run(issues: list[Issue], today: date, config: RemindersConfig = CONFIG, mentions: Mentions = MENTIONS):
    items = [found for issue in issues if (found := tracked_item(issue)) is not None]
    return decide_reminders(items, today, config, mentions, repository_labels=("action-item", "overdue"))


def apply(issue: Issue, writes: list[Write], next_comment_id: int) -> Issue:
    """What GitHub holds after the writes for this issue (the fake's job, reduced to one issue)."""
    created: dict[int, int] = {}
    labels = list(issue.labels)
    body = issue.body
    for write in writes:
        write = resolve_new_comment(write, created)
        if isinstance(write, CreateComment) and write.number == issue.number:
            created[issue.number] = next_comment_id
        elif isinstance(write, UpdateIssue) and write.number == issue.number and write.body is not None:
            body = write.body
        elif isinstance(write, AddLabels) and write.number == issue.number:
            labels += [label for label in write.labels if label not in labels]
        elif isinstance(write, RemoveLabel) and write.number == issue.number:
            labels = [label for label in labels if label != write.label]
    return applied(issue, body=body, labels=tuple(labels))


def kinds(writes: list[Write]) -> list[str]:
    return [write.kind for write in writes]


# ---- what one run owes one item -----------------------------------------------------------------------------------

CASES = [
    # (days from today to the deadline, labels, expected write kinds)
    pytest.param(10, (), [], id="far-ahead: nothing"),
    pytest.param(3, (), [], id="3 days ahead (due_soon_days=2): nothing"),
    pytest.param(2, (), ["update_issue", "create_comment", "update_issue"], id="due in 2 days: one comment"),
    pytest.param(0, (), ["update_issue", "create_comment", "update_issue"], id="due today: one comment"),
    pytest.param(
        -1,
        (),
        ["add_labels", "update_issue", "create_comment", "update_issue"],
        id="1 day late: label and comment",
    ),
    pytest.param(
        -9,
        ("overdue",),
        ["update_issue", "create_comment", "update_issue"],
        id="late and already labelled: comment only",
    ),
    pytest.param(5, ("overdue",), ["remove_label"], id="labelled but not late: label off"),
]


@pytest.mark.parametrize(("days", "labels", "expected"), CASES)
def test_what_a_first_run_writes(days: int, labels: tuple[str, ...], expected: list[str]) -> None:
    today = DEADLINE - timedelta(days=days)
    writes, _ = run([tracking_issue(deadline=DEADLINE, labels=("action-item", *labels))], today)
    assert kinds(writes) == expected


def test_second_run_on_the_same_day_writes_nothing() -> None:
    issue = tracking_issue(deadline=DEADLINE)
    for today in (DEADLINE - timedelta(days=1), DEADLINE + timedelta(days=3)):
        writes, _ = run([issue], today)
        assert writes
        after = apply(issue, writes, 900)
        again, _ = run([after], today)
        assert again == []


def test_overdue_repeats_every_seven_days_and_keeps_one_comment() -> None:
    issue = tracking_issue(deadline=DEADLINE)
    sent: dict[date, list[Write]] = {}
    for offset in range(1, 30):
        today = DEADLINE + timedelta(days=offset)
        writes, _ = run([issue], today)
        if any(isinstance(w, CreateComment) for w in writes):
            sent[today] = writes
        issue = apply(issue, writes, 1000 + offset)
    assert sorted(sent) == [DEADLINE + timedelta(days=d) for d in (1, 8, 15, 22, 29)]
    # every reminder after the first deletes the previous one, by the id recorded in the marker
    deleted = [w.comment_id for ws in sent.values() for w in ws if isinstance(w, DeleteComment)]
    assert deleted == [1001, 1008, 1015, 1022]
    found = tracked_item(issue)
    assert found is not None
    assert [(r.on, r.comment) for r in found.reminders][-1] == (DEADLINE + timedelta(days=29), 1029)


def test_due_soon_once_per_deadline_then_overdue() -> None:
    issue = tracking_issue(deadline=DEADLINE)
    comments: list[tuple[date, str]] = []
    for offset in range(-3, 2):
        today = DEADLINE + timedelta(days=offset)
        writes, _ = run([issue], today)
        comments += [(today, w.body) for w in writes if isinstance(w, CreateComment)]
        issue = apply(issue, writes, 2000 + offset)
    assert [day for day, _ in comments] == [DEADLINE - timedelta(days=2), DEADLINE + timedelta(days=1)]
    assert "due in **2 days**, on **2026-04-01**" in comments[0][1]
    assert "was due on **2026-04-01** and is **1 day overdue**" in comments[1][1]
    assert comments[1][1].count("@carol") == 1


def test_deadline_moved_later_after_a_reminder_removes_the_label() -> None:
    issue = tracking_issue(deadline=DEADLINE)
    today = DEADLINE + timedelta(days=4)
    writes, _ = run([issue], today)
    issue = apply(issue, writes, 3000)
    assert OVERDUE_LABEL in issue.labels
    # the table's row moves the deadline; the action-items feature rewrites the managed part and keeps the tail
    moved = tracking_issue(deadline=today + timedelta(days=14), labels=issue.labels)
    tail = issue.body[
        issue.body.index("<!-- postmortem:action-item-end -->") + len("<!-- postmortem:action-item-end -->") :
    ]
    moved = moved.model_copy(update={"body": moved.body + tail})
    writes, _ = run([moved], today + timedelta(days=1))
    assert writes == [RemoveLabel(number=41, label=OVERDUE_LABEL)]
    # the record survived the rewrite: a due-soon reminder for the new deadline deletes the old comment
    later, _ = run([apply(moved, writes, 0)], today + timedelta(days=13))
    assert DeleteComment(comment_id=3000, number=41) in later


def test_closed_issue_loses_the_label_and_gets_no_reminder() -> None:
    issue = tracking_issue(
        deadline=DEADLINE, labels=("action-item", "overdue"), state="closed", state_reason="completed"
    )
    writes, _ = run([issue], DEADLINE + timedelta(days=30))
    assert writes == [RemoveLabel(number=41, label=OVERDUE_LABEL)]
    clean = tracking_issue(deadline=DEADLINE, state="closed")
    assert run([clean], DEADLINE + timedelta(days=30))[0] == []


def test_unreadable_deadline_is_reported_never_guessed() -> None:
    issue = tracking_issue(deadline=None, deadline_text="end of Q2")
    writes, messages = run([issue], DEADLINE)
    assert writes == []
    assert len(messages) == 1 and messages[0].level == "info"  # the sync warned when the row appeared
    assert "'end of Q2' is not a date" in messages[0].text and DOC in messages[0].text
    # no deadline at all is not a problem
    assert run([tracking_issue(deadline=None)], DEADLINE) == ([], [])


def test_the_overdue_label_is_created_with_a_colour_when_missing() -> None:
    found = item(deadline=DEADLINE)
    writes, _ = decide_reminders(
        [found], DEADLINE + timedelta(days=1), CONFIG, MENTIONS, repository_labels=()
    )
    assert isinstance(writes[0], CreateLabel) and writes[0].name == "overdue" and writes[0].color == "b60205"
    writes, _ = decide_reminders(
        [found], DEADLINE + timedelta(days=1), CONFIG, MENTIONS, repository_labels=("Overdue",)
    )
    assert not any(isinstance(w, CreateLabel) for w in writes)


def test_disabled_writes_nothing() -> None:
    writes, messages = run(
        [tracking_issue(deadline=DEADLINE)], DEADLINE + timedelta(days=3), RemindersConfig(enabled=False)
    )
    assert (writes, messages) == ([], [])


# ---- who is mentioned ---------------------------------------------------------------------------------------------

MENTION_CASES = [
    pytest.param(("carol", "dave"), Mentions(commanders=("ic",)), "@carol @dave", id="assignees"),
    pytest.param((), Mentions(commanders=("ic", "ic2")), "@ic @ic2", id="no assignee: commanders"),
    pytest.param(
        (),
        Mentions(commanders=("ic",), unreadable_teams=("acme/sre",)),
        "@ic `acme/sre`",
        id="unreadable team: no @",
    ),
    pytest.param((), Mentions(unreadable_teams=("acme/sre",)), "`acme/sre`", id="only a team it cannot read"),
    pytest.param((), Mentions(authors={12: "octocat"}), "@octocat", id="no commander: the author"),
    pytest.param((), Mentions(authors={99: "octocat"}), "", id="nobody known"),
    pytest.param((), Mentions(commanders=("not a login!",)), "", id="a non-login never becomes a mention"),
]


@pytest.mark.parametrize(("assignees", "mentions", "expected"), MENTION_CASES)
def test_who_is_mentioned(assignees: tuple[str, ...], mentions: Mentions, expected: str) -> None:
    assert mention_line(item(assignees=assignees, owner="@eve", owner_login=None), mentions) == expected


def test_owner_cell_text_never_becomes_a_mention() -> None:
    # an owner written as text in the table (not a login the action resolved) and no assignee
    issue = tracking_issue(
        deadline=DEADLINE, owner="@mallory please ping @everyone", owner_login=None, assignees=()
    )
    writes, _ = run([issue], DEADLINE + timedelta(days=1), mentions=Mentions())
    body = next(w.body for w in writes if isinstance(w, CreateComment))
    assert "@mallory" not in body and "@everyone" not in body
    assert "Nobody is assigned" in body


# ---- the record ---------------------------------------------------------------------------------------------------


def test_record_is_written_before_the_comment_so_a_cut_off_run_never_comments_twice() -> None:
    issue = tracking_issue(deadline=DEADLINE)
    today = DEADLINE + timedelta(days=2)
    writes, _ = run([issue], today)
    first = writes.index(next(w for w in writes if isinstance(w, UpdateIssue)))
    assert first < writes.index(next(w for w in writes if isinstance(w, CreateComment)))
    # the run stops right after recording: the rerun the same day posts nothing
    cut = apply(issue, writes[: first + 1], 0)
    assert run([cut], today)[0] == []


def test_record_is_backward_compatible_and_bounded() -> None:
    issue = tracking_issue()
    found = tracked_item(issue)
    assert found is not None and found.reminders == ()
    records = tuple(
        ReminderRecord(on=date(2026, 1, 1) + timedelta(days=i), kind="overdue", deadline=DEADLINE, comment=i)
        for i in range(40)
    )
    body = with_records(issue.body, records)
    data = read_marker(body, REMINDERS_MARKER)
    assert data is not None and len(data["sent"]) == 20
    # the action-item marker is untouched and still read
    again = tracked_item(applied(issue, body=body))
    assert again is not None and again.key == "n41" and len(again.reminders) == 20
    # rewriting replaces the record, never adds a second one
    assert with_records(body, records[:1]).count(REMINDERS_MARKER) == 1


def test_placeholder_is_resolved_to_the_new_comment() -> None:
    body = with_records(
        "x", (ReminderRecord(on=DEADLINE, kind="overdue", deadline=DEADLINE),), NEW_COMMENT_ID
    )
    write = resolve_new_comment(UpdateIssue(number=41, body=body), {41: 777})
    assert isinstance(write, UpdateIssue) and write.body is not None
    found = tracked_item(tracking_issue(extra_body=write.body.removeprefix("x")))
    assert found is not None and found.reminders[0].comment == 777


def test_hand_edited_record_is_ignored_not_guessed() -> None:
    body = '\n<!-- postmortem:action-item-reminders {"sent":[{"on":"soon","kind":"overdue","deadline":"x"},{"on":"2026-04-02","kind":"overdue","deadline":"2026-04-01","comment":5}]} -->'
    found = item(extra_body=body)
    assert [r.comment for r in found.reminders] == [5]


def test_a_hand_edited_marker_cannot_smuggle_a_mention_into_a_reminder() -> None:
    issue = tracking_issue(deadline=DEADLINE, doc="x` @everyone `y.md")
    writes, _ = run([issue], DEADLINE + timedelta(days=1))
    body = next(w.body for w in writes if isinstance(w, CreateComment))
    assert "@everyone" not in body and "@carol" in body


# ---- properties over many days ------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 9), st.one_of(st.none(), st.integers(-20, 20))), min_size=1, max_size=12
    ),
    every=st.integers(1, 10),
    soon=st.integers(0, 5),
)
def test_any_history_keeps_one_comment_and_reruns_write_nothing(
    steps: list[tuple[int, int | None]], every: int, soon: int
) -> None:
    """Days pass (0–9 at a time); sometimes the row's deadline moves. Whatever happens: a rerun the same day
    writes nothing, the issue keeps at most one reminder comment, and it is labelled exactly when overdue."""
    config = RemindersConfig(every_days=every, due_soon_days=soon)
    issue = tracking_issue(deadline=DEADLINE)
    today = DEADLINE - timedelta(days=10)
    alive: set[int] = set()
    next_id = 1
    for advance, move in steps:
        today += timedelta(days=advance)
        if move is not None:  # the action-items feature rewrites the managed part, the tail stays
            end = "<!-- postmortem:action-item-end -->"
            tail = issue.body[issue.body.index(end) + len(end) :]
            fresh = tracking_issue(deadline=today + timedelta(days=move), labels=issue.labels)
            issue = fresh.model_copy(update={"body": fresh.body + tail})
        writes, _ = run([issue], today, config)
        for write in writes:
            if isinstance(write, CreateComment):
                alive.add(next_id)
            elif isinstance(write, DeleteComment):
                alive.discard(write.comment_id)
        issue = apply(issue, writes, next_id)
        next_id += 1
        assert run([issue], today, config)[0] == []
        assert len(alive) <= 1
        found = tracked_item(issue)
        assert found is not None and found.deadline is not None
        assert (OVERDUE_LABEL in issue.labels) == (found.deadline < today)
