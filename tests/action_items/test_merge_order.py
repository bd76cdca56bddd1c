"""Issue #10 item 4: a merge sends ``pull_request`` closed and ``push`` in no guaranteed order.

The ``closed`` run owns the publication (and the action items of the published document); a ``push`` that arrives
first reads the document, sees it is merged but not yet Published, says so in one line and writes nothing.
"""

from __future__ import annotations

from postmortem.markdown.frontmatter import split_frontmatter
from tests.fake_github import FakeGitHub
from tests.harness import merge_pull, pull_payload, push_payload, run
from tests.scenario import (
    BRANCH,
    PATH,
    PR,
    edit_doc,
    open_incident,
    people,
    ready,
    texts,
    tracking,
    with_rows,
)

NEW_ROW = "| 3 | Page the database team on replication lag | @carol | 2025-12-15 | P2 | 🔴 Not Started | |"


def _merged_before_publication(fake: FakeGitHub) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake)
    ready(fake, PR)
    text = fake.file_text(BRANCH, PATH) or ""
    row = next(line for line in text.splitlines() if line.startswith("| 2 | Add a pre-deployment"))
    edit_doc(fake, row, row + "\n" + NEW_ROW)  # a row added after the last sync: no issue yet
    merge_pull(fake, PR)


def test_a_push_before_the_closed_run_costs_almost_nothing_and_writes_nothing(fake: FakeGitHub) -> None:
    _merged_before_publication(fake)
    issues_before = len(tracking(fake))
    fake.reset_counts()
    report = run(fake, "push", push_payload(fake, modified=[PATH]))
    assert fake.writes == []
    assert fake.count() <= 2, [f"{e.method} {e.path}" for e in fake.log]  # the config and the document
    said = [m for m in report.messages if PATH in m.text]
    assert len(said) == 1 and "not Published yet" in said[0].text, texts(report)
    assert len(tracking(fake)) == issues_before

    closed = run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    published = fake.file_text("main", PATH) or ""
    assert split_frontmatter(published)[0]["status"] == "Published", texts(closed)
    assert len(tracking(fake)) == issues_before + 1, "the closed run syncs the published document"


def test_a_push_after_the_publication_syncs_as_before(fake: FakeGitHub) -> None:
    _merged_before_publication(fake)
    run(fake, "pull_request", pull_payload(fake, PR, action="closed"))
    fake.reset_counts()
    report = run(fake, "push", push_payload(fake, modified=[PATH]))
    assert fake.writes == [], texts(report)
    assert any("in sync" in m.text for m in report.messages), texts(report)
