"""Config validation gaps from issue #10 item 13: control and bidi characters, a login with a trailing
newline, empty labels, and a billion-laughs file. Each error names the key, the (escaped, truncated) value
and the fix, and comes fast."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.config import config_json_schema, parse_config
from postmortem.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def _error(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    return str(caught.value)


BAD: list[tuple[str, str, list[str]]] = [
    ("newline in directory", 'directory: "post\\nmortems"', ["directory", '"post\\nmortems"', "control"]),
    ("tab in directory", 'directory: "post\\tmortems"', ["directory", "\\t", "control"]),
    ("RLO in directory", 'directory: "postmortems\\u202Egpj.md"', ["directory", "\\u202e", "bidi"]),
    ("LRI in directory", 'directory: "docs/\\u2066x"', ["directory", "\\u2066"]),
    ("zero-width space in directory", 'directory: "post\\u200Bmortems"', ["directory", "\\u200b"]),
    ("DEL in directory", 'directory: "post\\x7Fmortems"', ["directory", "\\u007f"]),
    ("bot_login with a final newline", 'bot_login: "mallory\\n"', ["bot_login", '"mallory\\n"', "not a GitHub login"]),
    ("role user with a final newline", 'signoff: {roles: [{id: cto, title: CTO, users: ["mallory\\n"]}]}', ["signoff.roles[0].users", "not a GitHub login"]),
    ("role team with a final newline", 'signoff: {roles: [{id: cto, title: CTO, teams: ["acme/sre\\n"]}]}', ["signoff.roles[0].teams", "team"]),
    ("role id with a final newline", 'signoff: {roles: [{id: "cto\\n", title: CTO}]}', ["signoff.roles[0].id"]),
    ("owner with a final newline", 'action_items: {owners: {Dave: "dave\\n"}}', ["action_items.owners", "not a GitHub login"]),
    ("empty incident_label", 'incident_label: ""', ["incident_label", '""', "empty"]),
    ("blank incident_label", 'incident_label: "   "', ["incident_label", "empty"]),
    ("empty postmortem_label", 'postmortem_label: ""', ["postmortem_label", "empty"]),
    ("empty action-item label", 'action_items: {label: ""}', ["action_items.label", "empty"]),
    ("newline in a label", 'incident_label: "inci\\ndent"', ["incident_label", "control"]),
    ("label longer than GitHub allows", "incident_label: " + "x" * 51, ["incident_label", "50"]),
    ("control character in a title", 'signoff: {roles: [{id: cto, title: "C\\u202ETO"}]}', ["signoff.roles[0].title", "bidi"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_rejected_with_key_value_and_fix(text: str, expected: list[str]) -> None:
    message = _error(text)
    for part in expected:
        assert part in message, message
    assert "\n" not in message and "\u202e" not in message  # the message itself is one safe line


def test_the_error_names_the_fix_for_directory() -> None:
    message = _error('directory: "post\\nmortems"')
    assert "e.g. postmortems" in message


def test_a_valid_config_still_parses() -> None:
    config = parse_config("directory: docs/post-mortems\nincident_label: sev\nbot_login: '@octo-bot'\n")
    assert (config.directory, config.incident_label, config.bot_login) == (
        "docs/post-mortems",
        "sev",
        "octo-bot",
    )


def _laughs(levels: int, width: int = 9, key: str = "directory") -> str:
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels + 1):
        items = ", ".join(f"*a{level - 1}" for _ in range(width))
        lines.append(f"a{level}: &a{level} [{items}]")
    lines.append(f"{key}: *a{levels}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("key", ["directory", "signoff", "a_typo"])
def test_billion_laughs_fails_fast_with_a_bounded_message(key: str) -> None:
    started = time.process_time()
    message = _error(_laughs(8, key=key))
    assert time.process_time() - started < 5  # a generous bound: the unbounded message took 24 s
    assert len(message) < 1000
    assert "alias" in message


def test_a_few_aliases_are_still_fine() -> None:
    text = (
        "signoff:\n  roles:\n"
        "    - {id: cto, title: CTO, users: &people [alice, bob]}\n"
        "    - {id: lead, title: Lead, users: *people}\n"
    )
    config = parse_config(text)
    assert config.signoff.roles[1].users == ["alice", "bob"]


def test_a_long_bad_value_is_truncated() -> None:
    message = _error("directory: [" + ", ".join(["x" * 50] * 200) + "]")
    assert len(message) < 600 and "..." in message


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_directory_is_accepted_clean_or_rejected_with_a_config_error(value: str) -> None:
    message = ""
    try:
        config = parse_config(json.dumps({"directory": value}))
    except ConfigError as error:
        message = str(error)
    if message:
        assert message.startswith(".github/postmortem.yml is invalid: directory = ")
        return
    assert all(ch.isprintable() for ch in config.directory)
    assert config.directory.strip() == config.directory


def test_schema_marks_labels_non_empty() -> None:
    properties = config_json_schema()["properties"]
    assert properties["incident_label"]["minLength"] == 1
    assert properties["incident_label"]["maxLength"] == 50
