"""Tracking issues as the action-items feature really writes them, for the follow-through's tests."""

from __future__ import annotations

from datetime import date

from postmortem.action_items.table import ActionItem
from postmortem.action_items.tracking import IncidentContext, issue_body
from postmortem.follow_through.items import TrackedItem, tracked_item
from postmortem.github.models import Issue

DOC = "postmortems/2026-03-14-checkout-api-errors.md"
DOC_URL = f"https://github.com/acme/shop/blob/main/{DOC}"


def tracking_issue(
    number: int = 41,
    *,
    deadline: date | None = date(2026, 4, 1),
    deadline_text: str | None = None,
    owner: str = "@carol",
    owner_login: str | None = "carol",
    assignees: tuple[str, ...] = ("carol",),
    labels: tuple[str, ...] = ("action-item",),
    state: str = "open",
    state_reason: str | None = None,
    doc: str = DOC,
    text: str = "Add a canary stage to the deploy pipeline",
    extra_body: str = "",
    incident: int | None = 12,
) -> Issue:
    """A tracking issue whose body is written by ``action_items.tracking.issue_body``."""
    item = ActionItem(
        key=f"n{number}",
        number=number,
        text=text,
        owner=owner,
        owner_login=owner_login,
        deadline=deadline,
        deadline_text=deadline_text
        if deadline_text is not None
        else (deadline.isoformat() if deadline else ""),
        line=0,
        table=0,
        cells=[],
    )
    body = issue_body(
        item,
        path=doc,
        incident=IncidentContext(number=incident, title="Checkout API errors", severity="P1"),
        document_url=DOC_URL,
        pull_request=13,
    )
    return Issue(
        number=number,
        html_url=f"https://github.com/acme/shop/issues/{number}",
        title=text,
        body=body + extra_body,
        state=state,  # type: ignore[arg-type]
        state_reason=state_reason,
        assignees=assignees,
        labels=labels,
    )


def item(**kwargs: object) -> TrackedItem:
    found = tracked_item(tracking_issue(**kwargs))  # type: ignore[arg-type]
    assert found is not None
    return found


def applied(issue: Issue, body: str | None = None, labels: tuple[str, ...] | None = None) -> Issue:
    """``issue`` after the writes a run made (its body and labels)."""
    update: dict[str, object] = {}
    if body is not None:
        update["body"] = body
    if labels is not None:
        update["labels"] = labels
    return issue.model_copy(update=update)
