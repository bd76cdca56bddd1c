"""@-mentions in text the action writes to issues, pull requests and comments.

GitHub notifies ``@login`` and ``@org/team`` wherever they appear in such a body. The action must never mention a
team, or a login it did not resolve (an assignee whose access it checked, a reviewer GitHub named), so user text
gets a zero-width space after the ``@`` of every other mention: it reads the same and notifies nobody.

GitHub's rule, as scanned here in one linear pass: an ``@`` not preceded by a letter, digit, ``_`` or ``` ` ```
(``me@example.com`` is no mention), followed by a login (letters, digits, hyphens) and, for a team, ``/slug``.
"""

from __future__ import annotations

from collections.abc import Iterable

BREAK = "\u200b"
"""Inserted after ``@``: GitHub no longer sees a mention, and a reader sees the same text."""


def _login_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "-")


def _slug_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "-_.")


def mentions(text: str) -> list[str]:
    """The mentions GitHub would see in ``text``: ``login`` or ``org/team``, in order."""
    return [name for _, _, name in _scan(text)]


def _scan(text: str, *, code_spans: bool = True) -> Iterable[tuple[int, int, str]]:
    """(start of ``@``, end, name) of each mention, left to right, each character looked at a bounded number of
    times. ``code_spans=False``: a backtick before the ``@`` does not protect it (it may open no closed span)."""
    index, size = 0, len(text)
    blocking = "_`" if code_spans else "_"
    while True:
        at = text.find("@", index)
        if at < 0:
            return
        end = at + 1
        before = text[at - 1] if at else ""
        # GitHub's word characters before an ``@`` are ASCII only: ``café@org/team`` notifies the team
        if before and before.isascii() and (before.isalnum() or before in blocking):
            index = end
            continue
        while end < size and _login_char(text[end]):
            end += 1
        if end == at + 1:
            index = end
            continue
        if end + 1 < size and text[end] == "/" and _slug_char(text[end + 1]):
            end += 1
            while end < size and _slug_char(text[end]):
                end += 1
        yield at, end, text[at + 1 : end]
        index = end


def inert_mentions(text: str, resolved: Iterable[str] = ()) -> str:
    """``text`` with every mention made inert except ``@login`` for the logins in ``resolved`` (case-insensitive).
    A team is never kept."""
    keep = {login.casefold() for login in resolved}
    parts: list[str] = []
    last = 0
    # a backtick protects a mention only inside a closed code span: made inert too, whatever the span
    for at, _end, name in _scan(text, code_spans=False):
        if "/" not in name and name.casefold() in keep:
            continue
        parts.append(text[last : at + 1])
        parts.append(BREAK)
        last = at + 1
    parts.append(text[last:])
    return "".join(parts)
