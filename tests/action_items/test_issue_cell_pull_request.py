"""Issue #10 item 11: an Issue cell naming a pull request gets the same warning as one linking another
repository's issue, instead of being ignored silently."""

from __future__ import annotations

import pytest

from tests.fake_github import FakeGitHub
from tests.scenario import PATH, PR, ROWS, open_incident, people, ready, texts, with_rows

OTHER_REPO = "https://github.com/acme/other/issues/5"


def _row2_issue(cell: str) -> tuple[str, ...]:
    return (ROWS[0], ROWS[1].removesuffix("| |") + f"| {cell} |")


@pytest.mark.parametrize("cell", ["#2", "https://github.com/Codertocat/Hello-World/pull/2", OTHER_REPO])
def test_an_issue_cell_that_is_not_an_issue_of_this_repository_is_warned_about(
    fake: FakeGitHub, cell: str
) -> None:
    people(fake)
    open_incident(fake)
    with_rows(fake, _row2_issue(cell))
    report = ready(fake, PR)
    warned = [m for m in report.messages if m.level == "warning" and cell in m.text]
    assert len(warned) == 1, texts(report)
    assert PATH in warned[0].text
    (comment,) = [c for c in fake.comments_on(PR) if "need attention" in c.body]
    assert cell in comment.body
    tracked = [i for i in fake.issues_only() if "Add a pre-deployment migration check" in i.title]
    assert tracked == [], "the row names something else than an issue: none is created for it"
