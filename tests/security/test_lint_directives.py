"""Text from the incident issue cannot turn the completeness check off.

``<!-- postmortem-lint disable=… -->`` is a directive for the people who edit the document. An incident issue is
written by anyone, and its answers become the draft: as text they stay visible (``&lt;!--``), and a directive
counts only on a line of its own outside code, where no answer can put one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortem.completeness import check
from postmortem.config import CompletenessConfig
from postmortem.incident.render import block, cell, inline

COMPLETE = (Path(__file__).parents[1] / "fixtures" / "completeness" / "complete.md").read_text(
    encoding="utf-8"
)
DIRECTIVE = "<!-- postmortem-lint disable=placeholder -->"


def problems(text: str) -> list[str]:
    return [p.rule for p in check(text, template=None, config=CompletenessConfig(), path="x.md")]


def unfinished() -> str:
    old = "**Reviewers**: @hubot, @octocat"
    assert old in COMPLETE
    return COMPLETE.replace(old, "**Reviewers**: [Names]", 1)


@pytest.mark.parametrize("escape", [block, inline, cell])
def test_user_text_cannot_hold_an_html_comment(escape: object) -> None:
    assert callable(escape)
    written = escape(f"see below\n{DIRECTIVE}\n<!--\nhidden from reviewers\n-->")
    assert "<!--" not in written


@pytest.mark.parametrize(
    "placed",
    [
        f"```\n{DIRECTIVE}\n```",  # an answer kept as a code block
        f"`{DIRECTIVE}`",  # a code span
        f"Impact: {DIRECTIVE} none",  # inside a line of text
    ],
)
def test_a_directive_counts_only_on_its_own_line_outside_code(placed: str) -> None:
    text = unfinished()
    assert problems(text) == ["placeholder"]
    assert problems(text + f"\n{placed}\n") == ["placeholder"]
    assert problems(text + f"\n{DIRECTIVE}\n") == []
