"""The catalogue in real runs on the fake GitHub: publications, a protected branch, reruns, people's pushes.

Every commit the action makes under the post-mortem directory on the default branch carries the refreshed
``postmortems/README.md`` in the same commit (or the same fallback pull request); a person's push to the
directory refreshes it; a new draft lists related incidents from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import responses

from postmortem.catalogue import read_catalogue
from postmortem.markdown.frontmatter import split_frontmatter
from tests.fake_github import FakeGitHub
from tests.harness import issue_body, issue_payload, merge_pull, pull_payload, push_payload, run
from tests.scenario import CONFIG, PATH, TITLE, approve, people, pull_of, ready

README = "postmortems/README.md"
SECOND_TITLE = "[Incident]: Umbrella API outage after a second migration"
SECOND_PATH = "postmortems/2025-12-02-umbrella-api-outage-after-a-second-migration.md"
HAND_WRITTEN = "postmortems/2019-outage.md"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    gh = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        gh.register(mock)
        yield gh


def second_body() -> str:
    """The same services and root cause two weeks later: a related incident of the first."""
    return issue_body("full.md").replace("2025-11-17", "2025-12-02")


def draft(fake: FakeGitHub, title: str = TITLE, body: str | None = None) -> tuple[int, int]:
    """An incident issue run into its draft pull request: (incident, pull request)."""
    item = fake.add_issue(
        title, issue_body("full.md") if body is None else body, labels=["incident"], user="mona"
    )
    run(fake, "issues", issue_payload(fake, item.number))
    return item.number, pull_of(fake, item.number).number


def publish(fake: FakeGitHub, pr: int) -> dict[str, Any]:
    """Ready, both roles approve, merged by a person: the merge event's payload (not run yet)."""
    ready(fake, pr)
    approve(fake, "alice", "bob", pr=pr)
    merge_pull(fake, pr)
    return pull_payload(fake, pr, action="closed")


def table_row(readme: str, path: str) -> str:
    name = path.rsplit("/", 1)[1]
    (row,) = [line for line in readme.splitlines() if line.startswith("|") and f"]({name})" in line]
    return row


def recorded_paths(readme: str) -> list[str]:
    recorded = read_catalogue(readme)
    assert recorded is not None
    return sorted(entry.path for entry in recorded.entries)


def test_two_publications_each_commit_carries_the_catalogue(fake: FakeGitHub) -> None:
    people(fake)
    _, first = draft(fake)
    run(fake, "pull_request", publish(fake, first))
    log = fake.commit_log("main")
    assert set(log[0].tree) >= {PATH, README} and log[0].message.startswith("Publish the post-mortem")
    assert log[1].message == f"Merge pull request #{first}", "the publication and the catalogue: one commit"
    readme = fake.file_text("main", README) or ""
    assert recorded_paths(readme) == [PATH]

    # the second draft lists the first as related (same services, same root cause, earlier)
    incident, second = draft(fake, SECOND_TITLE, second_body())
    drafted = fake.file_text(f"postmortem/incident-{incident}", SECOND_PATH) or ""
    related = drafted.split("### Related Incidents", 1)[1].split("###", 1)[0]
    assert "- 2025-11-17 — [Umbrella API outage after migration]" in related, related
    assert "(2025-11-17-umbrella-api-outage-after-migration.md)" in related

    payload = publish(fake, second)
    before = len(fake.commit_log("main"))
    fake.reset_counts()
    run(fake, "pull_request", payload)
    assert (fake.count(), len(fake.writes)) == (14, 2), "the budget with a README to read: ≤ 14 and ≤ 5"
    log = fake.commit_log("main")
    assert len(log) == before + 1, "after the merge, ONE commit: the publication with the catalogue"
    assert log[1].message == f"Merge pull request #{second}"
    readme = fake.file_text("main", README) or ""
    assert log[0].tree[README].decode() == readme
    assert recorded_paths(readme) == [PATH, SECOND_PATH]
    newer, older = table_row(readme, SECOND_PATH), table_row(readme, PATH)
    assert readme.index(newer) < readme.index(older), "newest first"
    for row in (newer, older):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[2] == "P0" and cells[4] == "Published" and cells[5] == "2/2", row
    assert split_frontmatter(fake.file_text("main", SECOND_PATH) or "")[0]["status"] == "Published"


def test_a_rerun_of_the_publication_writes_nothing(fake: FakeGitHub) -> None:
    people(fake)
    _, pr = draft(fake)
    payload = publish(fake, pr)
    run(fake, "pull_request", payload)
    fake.reset_counts()
    run(fake, "pull_request", payload)
    assert fake.writes == []
    assert fake.count("GET", r"/git/trees/") == 0, "nothing committed under the directory: no listing"


def test_a_protected_default_branch_gets_the_catalogue_in_the_fallback_pull_request(fake: FakeGitHub) -> None:
    people(fake)
    _, pr = draft(fake)
    payload = publish(fake, pr)
    main_before = fake.branches["main"]
    fake.protect("main")
    fake.reset_counts()
    report = run(fake, "pull_request", payload)
    # the refused GraphQL commit, the branch, the same commit there (one write), the pull request, the comment;
    # the README read though the merge commit's tree has none (one made since the merge is not overwritten)
    assert (fake.count(), len(fake.writes)) == (17, 5)
    assert fake.branches["main"] == main_before, "nothing on the protected branch"
    (fallback,) = [p for p in fake.pulls() if p.head == "postmortem/publish-incident-1"]
    assert fallback.base == "main" and fallback.state == "open"
    files = fake.files("postmortem/publish-incident-1")
    assert split_frontmatter(files[PATH])[0]["status"] == "Published"
    assert recorded_paths(files[README]) == [PATH], "the catalogue rides in the same pull request"
    assert len(fake.commit_log("postmortem/publish-incident-1")) == len(fake.commit_log("main")) + 1
    assert any("proposed in pull request" in m.text for m in report.messages)
    fake.reset_counts()
    run(fake, "pull_request", payload)
    assert fake.writes == [], "the rerun finds the publication waiting in the pull request"


def test_a_persons_push_of_a_changed_document_refreshes_it(fake: FakeGitHub) -> None:
    people(fake)
    _, pr = draft(fake)
    run(fake, "pull_request", publish(fake, pr))
    text = fake.file_text("main", PATH) or ""
    fake.add_file(
        "main",
        PATH,
        text.replace("P0", "P1", 1).replace("severity: P0", "severity: P1"),
        message="Human edit",
    )
    fake.reset_counts()
    run(fake, "push", push_payload(fake, modified=[PATH]))
    log = fake.commit_log("main")
    assert [c.message for c in log[:2]] == ["Refresh the post-mortem catalogue", "Human edit"]
    assert log[0].tree[PATH] == log[1].tree[PATH], "the person's document is left as it is"
    assert "| P1 |" in table_row(fake.file_text("main", README) or "", PATH)
    # the refresh's own requests: the listing, the README, the document (shared with the sync), one commit
    refresh = (
        fake.count("GET", r"/git/trees/") + fake.count("GET", r"/contents/postmortems/") + len(fake.writes)
    )
    assert refresh <= 6 and len(fake.writes) == 1, fake.log
    fake.reset_counts()
    run(fake, "push", push_payload(fake, modified=[PATH]))
    assert fake.writes == [], "README unchanged: no commit"


def test_a_push_outside_the_directory_reads_no_listing(fake: FakeGitHub) -> None:
    people(fake)
    fake.add_file("main", "src/app.py", "print('hi')\n")
    fake.reset_counts()
    run(fake, "push", push_payload(fake, modified=["src/app.py"]))
    assert fake.count("GET", r"/git/trees/") == 0 and fake.count("GET", r"README") == 0
    assert fake.writes == []


def test_text_above_and_below_the_region_survives(fake: FakeGitHub) -> None:
    people(fake)
    above = "# Our post-mortems\n\nRead these before on-call.\n\n"
    below = "\n\n## Contributing\n\nAsk #sre.\n"
    fake.add_file(
        "main",
        README,
        f"{above}<!-- postmortem:catalogue-begin -->\nold\n<!-- postmortem:catalogue-end -->{below}",
    )
    _, pr = draft(fake)
    run(fake, "pull_request", publish(fake, pr))
    readme = fake.file_text("main", README) or ""
    assert readme.startswith(above) and readme.endswith(below)
    assert "\nold\n" not in readme and recorded_paths(readme) == [PATH]


def test_a_hand_written_document_is_listed_with_a_note(fake: FakeGitHub) -> None:
    people(fake)
    fake.add_file("main", HAND_WRITTEN, "# The 2019 outage\n\nThe disk filled up. We added alerts.\n")
    _, pr = draft(fake)
    run(fake, "pull_request", publish(fake, pr))
    readme = fake.file_text("main", README) or ""
    assert recorded_paths(readme) == [HAND_WRITTEN, PATH]
    assert "⚠️" in table_row(readme, HAND_WRITTEN)
    assert "- [The 2019 outage](2019-outage.md):" in readme


def test_catalogue_disabled_writes_and_reads_nothing_of_it(fake: FakeGitHub) -> None:
    people(fake, CONFIG + "catalogue:\n  enabled: false\n")
    fake.add_file("main", README, "# Ours\n")
    fake.reset_counts()
    _, pr = draft(fake)
    assert fake.count("GET", r"README") == 0, "no related incidents read"
    run(fake, "pull_request", publish(fake, pr))
    assert fake.file_text("main", README) == "# Ours\n"
    assert set(fake.commit_log("main")[0].tree) >= {PATH}
    assert fake.commit_log("main")[0].message.startswith("Publish the post-mortem")
    text = fake.file_text("main", PATH) or ""
    fake.add_file("main", PATH, text.replace("P0", "P1", 1), message="Human edit")
    fake.reset_counts()
    run(fake, "push", push_payload(fake, modified=[PATH]))
    assert fake.count("GET", r"/git/trees/") == 0 and fake.writes == []


def test_an_issue_edit_keeps_the_drafts_related_incidents(fake: FakeGitHub) -> None:
    people(fake)
    _, first = draft(fake)
    run(fake, "pull_request", publish(fake, first))
    item = fake.add_issue(SECOND_TITLE, second_body(), labels=["incident"], user="mona")
    run(fake, "issues", issue_payload(fake, item.number))
    branch = f"postmortem/incident-{item.number}"
    listed = (
        (fake.file_text(branch, SECOND_PATH) or "").split("### Related Incidents", 1)[1].split("###", 1)[0]
    )
    assert "2025-11-17-umbrella-api-outage-after-migration.md" in listed
    before = item.body or ""
    item.body = before.replace("~15,000 active users", "~16,500 active users")
    fake.reset_counts()
    run(fake, "issues", issue_payload(fake, item.number, action="edited", changes={"body": {"from": before}}))
    regenerated = fake.file_text(branch, SECOND_PATH) or ""
    assert "~16,500 active users" in regenerated, "the draft was regenerated"
    assert listed in regenerated, "with the related incidents it was written with"
    assert fake.count("GET", r"README") == 0, "kept from the draft, not read again"


def test_a_push_between_the_listing_and_the_commit_is_kept(fake: FakeGitHub) -> None:
    """The head moved after the listing (a person pushed elsewhere): GraphQL refuses the stale head, the commit
    is made again on the new head (read with its tree), and the person's file stays."""
    people(fake)
    _, pr = draft(fake)
    payload = publish(fake, pr)
    fake.on_request(
        "POST", r"^/graphql$", lambda n: n == 1 and fake.add_file("main", "docs/other.md", "mine\n")
    )
    fake.reset_counts()
    report = run(fake, "pull_request", payload)
    assert not report.errors, report.errors
    head = fake.commit_log("main")[0]
    assert head.tree["docs/other.md"] == b"mine\n"
    assert split_frontmatter(head.tree[PATH].decode())[0]["status"] == "Published"
    assert recorded_paths(head.tree[README].decode()) == [PATH]
    print(fake.log)
    assert fake.count("GET", r"/git/ref/heads/main$") == 1, "the head read again once"


def test_a_concurrent_edit_of_the_document_is_never_overwritten(fake: FakeGitHub) -> None:
    people(fake)
    _, pr = draft(fake)
    payload = publish(fake, pr)
    text = fake.file_text("main", PATH) or ""
    fake.on_request(
        "POST",
        r"^/graphql$",
        lambda n: n == 1 and fake.add_file("main", PATH, text + "\nA late human line.\n"),
    )
    report = run(fake, "pull_request", payload, raise_errors=False)
    assert any("nothing was overwritten" in str(e) for e in report.errors), report.errors
    assert (fake.file_text("main", PATH) or "").endswith("A late human line.\n")
    assert fake.file_text("main", README) is None
