"""The follow-through's config keys, the one clock, and the plan writes it added."""

from __future__ import annotations

from datetime import date

import pytest

from postmortem import clock
from postmortem.config import Config, parse_config
from postmortem.errors import ConfigError, GitHubError
from postmortem.plan import (
    NEW_COMMENT_ID,
    CreateComment,
    DeleteComment,
    Plan,
    RemoveLabel,
    UpdateIssue,
    resolve_new_comment,
)


def test_defaults() -> None:
    config = Config()
    assert (config.reminders.enabled, config.reminders.due_soon_days, config.reminders.every_days) == (
        True,
        2,
        7,
    )
    assert config.reminders.digest is True
    assert (config.follow_up.enabled, config.follow_up.days) == (True, 30)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("reminders: {every_days: 0}", "reminders.every_days"),
        ("reminders: {due_soon_days: -1}", "reminders.due_soon_days"),
        (
            "reminders: {every_day: 3}",
            "unknown key; remove it or use one of: enabled, due_soon_days, every_days, digest",
        ),
        ("follow_up: {days: 0}", "follow_up.days"),
        ("follow_up: {enable: true}", "use one of: enabled, days"),
    ],
)
def test_bad_values_name_the_key(text: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment.replace(".", r"\.")):
        parse_config(text)


def test_values_are_read() -> None:
    config = parse_config(
        "reminders: {due_soon_days: 5, every_days: 3, digest: false}\nfollow_up: {days: 14}"
    )
    assert (config.reminders.due_soon_days, config.reminders.every_days, config.reminders.digest) == (
        5,
        3,
        False,
    )
    assert config.follow_up.days == 14


def test_today_is_injectable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTMORTEM_TODAY", "2026-04-19")
    assert clock.today() == date(2026, 4, 19)
    assert clock.now().date() == date(2026, 4, 19) and clock.now().tzinfo is not None
    monkeypatch.setenv("POSTMORTEM_TODAY", "tomorrow")
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        clock.today()
    monkeypatch.delenv("POSTMORTEM_TODAY")
    assert isinstance(clock.today(), date)


def test_new_writes_describe_themselves_and_round_trip() -> None:
    plan = Plan()
    plan.add(DeleteComment(comment_id=5, number=41), RemoveLabel(number=41, label="overdue"))
    assert plan.describe() == ["1. delete comment 5 on #41", "2. remove label overdue from #41"]
    assert Plan.model_validate_json(plan.model_dump_json()) == plan


def test_new_comment_placeholder() -> None:
    write = UpdateIssue(number=41, body=f"x {NEW_COMMENT_ID}")
    assert resolve_new_comment(write, {41: 9}) == UpdateIssue(number=41, body="x 9")
    other = CreateComment(number=41, body=NEW_COMMENT_ID)
    assert resolve_new_comment(other, {}) is other
    with pytest.raises(GitHubError, match="created no comment on #41"):
        resolve_new_comment(write, {42: 9})
