"""Sticky comments: one comment per purpose, found again by its hidden marker and edited in place."""

from __future__ import annotations

from collections.abc import Sequence

from postmortem.github.models import Comment
from postmortem.markdown.markers import has_marker
from postmortem.plan import CreateComment, Plan, UpdateComment


def find_comment(comments: Sequence[Comment], kind: str) -> Comment | None:
    """The first comment carrying the marker ``kind``, or None."""
    return next((comment for comment in comments if has_marker(comment.body, kind)), None)


def upsert_comment(plan: Plan, comments: Sequence[Comment], number: int, kind: str, body: str) -> None:
    """Plan the comment marked ``kind`` on ``number``: create it, or edit it only when its text changed.

    ``body`` must carry the marker ``kind`` itself, so that the next run finds the comment again.
    """
    existing = find_comment(comments, kind)
    if existing is None:
        plan.add(CreateComment(number=number, body=body))
    elif existing.body.strip() != body.strip():
        plan.add(UpdateComment(comment_id=existing.id, number=number, body=body))
