"""Mentions GitHub still sees where the scanner thought there were none.

GitHub's mention rule (html-pipeline's ``(?:^|\\W)@login``) counts only ASCII letters, digits and ``_`` as a
word character before the ``@``: ``é@org/team`` notifies the team. A backtick only protects a mention inside a
closed code span; an unmatched one is plain text, so ``\\`@org/team`` notifies too. Made inert either way (a
zero-width space after the ``@`` of text in a code span changes nothing a reader sees).
"""

from __future__ import annotations

import pytest

from postmortem.markdown.mentions import BREAK, inert_mentions


@pytest.mark.parametrize(
    "text",
    ["café@acme/everyone", "naïveÜ@alice", "日本@acme/sre", "`@acme/everyone (unclosed code span)", "x`@bob"],
)
def test_mentions_after_non_ascii_letters_or_a_backtick_are_made_inert(text: str) -> None:
    inert = inert_mentions(text)
    assert "@" + BREAK in inert
    assert inert.replace(BREAK, "") == text


def test_an_email_address_is_still_left_alone() -> None:
    assert inert_mentions("mail me@example.com") == "mail me@example.com"
