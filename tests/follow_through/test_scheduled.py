"""A whole scheduled run over 200 open items across 20 post-mortems, day after day, applied to an in-memory
GitHub: what it writes, and that a second run the same day writes nothing."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

from postmortem.config import Config
from postmortem.follow_through.digest import DIGEST_LABEL
from postmortem.follow_through.follow_up import FOLLOW_UP_LABEL, Publication, publication_from_document
from postmortem.follow_through.reminders import Mentions
from postmortem.follow_through.scheduled import decide_scheduled, follow_up_needs_closed_items, tracked_items
from postmortem.github.models import Issue
from postmortem.markdown.frontmatter import split_frontmatter
from postmortem.plan import (
    AddLabels,
    CreateComment,
    CreateIssue,
    CreateLabel,
    DeleteComment,
    RemoveLabel,
    UpdateIssue,
    Write,
    resolve_new_comment,
)
from tests.follow_through.follow_through_builders import tracking_issue

START = date(2026, 4, 1)
CONFIG = Config()


class Repo:
    """Just enough GitHub state for the writes this run makes."""

    def __init__(self) -> None:
        self.issues: dict[int, Issue] = {}
        self.labels: set[str] = {"action-item"}
        self.comments: dict[int, int] = {}  # comment id → issue
        self.next = 1000
        self.next_issue = 5000

    def apply(self, writes: list[Write]) -> None:
        created: dict[int, int] = {}
        for write in writes:
            write = resolve_new_comment(write, created)
            if isinstance(write, CreateLabel):
                assert write.name not in self.labels
                self.labels.add(write.name)
            elif isinstance(write, CreateComment):
                self.next += 1
                self.comments[self.next] = write.number
                created[write.number] = self.next
            elif isinstance(write, DeleteComment):
                del self.comments[write.comment_id]
            elif isinstance(write, UpdateIssue):
                self.issues[write.number] = self.issues[write.number].model_copy(update={"body": write.body})
            elif isinstance(write, AddLabels):
                issue = self.issues[write.number]
                self.issues[write.number] = issue.model_copy(
                    update={"labels": (*issue.labels, *write.labels)}
                )
            elif isinstance(write, RemoveLabel):
                issue = self.issues[write.number]
                kept = tuple(label for label in issue.labels if label != write.label)
                self.issues[write.number] = issue.model_copy(update={"labels": kept})
            elif isinstance(write, CreateIssue):
                self.next_issue += 1
                self.issues[self.next_issue] = Issue(
                    number=self.next_issue,
                    html_url=f"u/{self.next_issue}",
                    title=write.title,
                    body=write.body,
                    labels=write.labels,
                    assignees=write.assignees,
                )
            else:
                raise AssertionError(write)

    def labelled(self, label: str) -> list[Issue]:
        return [issue for issue in self.issues.values() if label in issue.labels]


def build() -> tuple[Repo, list[Publication]]:
    repo = Repo()
    publications = []
    for doc_index in range(20):
        doc = f"postmortems/2026-03-{doc_index + 1:02d}-incident.md"
        publications.append(
            Publication(
                doc=doc,
                title=f"Incident {doc_index}",
                published=date(2026, 3, doc_index + 1),
                services=("api",),
            )
        )
        for row in range(10):
            number = 100 + doc_index * 10 + row
            repo.issues[number] = tracking_issue(
                number,
                doc=doc,
                deadline=START + timedelta(days=doc_index + row - 5),
                assignees=("carol",) if row % 3 else (),
            )
    return repo, publications


def run(repo: Repo, publications: list[Publication], today: date) -> list[Write]:
    plan = decide_scheduled(
        tracking_issues=repo.labelled("action-item"),
        digest_issues=repo.labelled(DIGEST_LABEL),
        follow_up_issues=repo.labelled(FOLLOW_UP_LABEL),
        publications=publications,
        today=today,
        config=CONFIG,
        mentions=Mentions(commanders=("ic",)),
        follow_up_assignees={p.doc: ("ic",) for p in publications},
        repository_labels=repo.labels,
    )
    repo.apply(plan.writes)
    return plan.writes


def test_two_hundred_items_day_after_day() -> None:
    repo, publications = build()
    assert len(tracked_items(repo.labelled("action-item"))) == 200
    assert math.ceil(200 / 100) == 2  # the listing: two pages of 100
    per_day: list[int] = []
    for offset in range(0, 45):
        today = START + timedelta(days=offset)
        per_day.append(len(run(repo, publications, today)))
        assert run(repo, publications, today) == [], f"second run on {today} wrote"
        # each issue keeps at most one reminder comment
        per_issue = [n for n in repo.comments.values()]
        assert len(per_issue) == len(set(per_issue))
    # exactly one digest and one follow-up issue per post-mortem, whatever the days
    assert len(repo.labelled(DIGEST_LABEL)) == 1
    assert len(repo.labelled(FOLLOW_UP_LABEL)) == 20
    assert {"overdue", DIGEST_LABEL, FOLLOW_UP_LABEL} <= repo.labels
    # writes grow with what changed: the first day's burst, then a handful a day
    assert per_day[0] > 0 and max(per_day[10:]) < per_day[0] + 80


def test_closed_items_are_listed_only_when_a_follow_up_needs_them() -> None:
    _, publications = build()
    assert not follow_up_needs_closed_items(publications, [], date(2026, 3, 25), CONFIG)
    assert follow_up_needs_closed_items(publications, [], date(2026, 3, 31), CONFIG)


def test_a_published_document_becomes_a_publication() -> None:
    golden = (Path(__file__).parents[1] / "incident" / "golden" / "full.md").read_text(encoding="utf-8")
    meta, body = split_frontmatter(golden)
    assert publication_from_document("p.md", meta, body) is None  # a draft
    meta = {**meta, "published": "2026-03-20", "follow_up": "2026-04-19"}
    found = publication_from_document("p.md", meta, body, pull_request=13, labels=("incident-db",))
    assert found is not None
    assert (found.published, found.follow_up, found.incident) == (
        date(2026, 3, 20),
        date(2026, 4, 19),
        meta["incident"],
    )
    assert found.services == ("Checkout API", "Order confirmation emails") and found.labels == (
        "incident-db",
    )
