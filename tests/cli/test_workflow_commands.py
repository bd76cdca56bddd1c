"""Workflow commands (::error:: and friends): escaping of untrusted text, and step outputs."""

from __future__ import annotations

import pytest

from postmortem.workflow_commands import command, escape_data, output_lines, plain_lines


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("plain", "::error::plain"),
        ("50% done", "::error::50%25 done"),
        ("line\n::set-output name=x::y", "::error::line%0A::set-output name=x::y"),
        ("cr\r\nlf", "::error::cr%0D%0Alf"),
    ],
)
def test_error_messages_cannot_start_a_new_command(message: str, expected: str) -> None:
    assert command("error", message) == expected
    assert escape_data(message).count("\n") == 0


def test_command_properties_are_escaped() -> None:
    assert command("warning", "m", title="a: b, c") == "::warning title=a%3A b%2C c::m"


def test_untrusted_log_lines_cannot_read_as_commands() -> None:
    assert plain_lines("ok\n::add-mask::x\n  ::error::y\na ##[x]") == [
        "ok",
        "› ::add-mask::x",
        "›   ::error::y",
        "a ## [x]",
    ]


def test_outputs_single_and_multi_line() -> None:
    text = output_lines({"a": "1", "b": "x\ny"})
    assert text.startswith("a=1\nb<<EOF_")
    delimiter = text.splitlines()[1].split("<<", 1)[1]
    assert text.endswith(f"x\ny\n{delimiter}\n")
