"""@-mentions made inert in user text the action writes into bodies (issue #10 item 12)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postmortem.markdown.mentions import BREAK, inert_mentions, mentions


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("@alice and @acme/everyone", ["alice", "acme/everyone"]),
        ("mail me@example.com", []),
        ("`@code` (@paren) **@bold**", ["paren", "bold"]),
        ("@ alone, @-x, @@y", ["-x", "y"]),
        ("Dave from DBA", []),
        ("@org/", ["org"]),
    ],
)
def test_mentions_as_github_sees_them(text: str, found: list[str]) -> None:
    assert mentions(text) == found


def test_only_resolved_logins_stay_mentions_and_teams_never_do() -> None:
    text = "Owner @Alice, cc @bob and @acme/everyone, me@example.com"
    inert = inert_mentions(text, ["alice", "acme/everyone"])
    assert mentions(inert) == ["Alice"]
    assert inert.replace(BREAK, "") == text


@given(
    st.text(alphabet=st.sampled_from("@ab-/_.` \nx1"), max_size=60),
    st.sets(st.sampled_from(["a", "b", "ab"])),
)
def test_inert_text_mentions_only_the_resolved_and_reads_the_same(text: str, keep: set[str]) -> None:
    inert = inert_mentions(text, keep)
    assert all("/" not in name and name.casefold() in keep for name in mentions(inert)), inert
    assert inert.replace(BREAK, "") == text.replace(BREAK, "")
    assert inert_mentions(inert, keep) == inert
