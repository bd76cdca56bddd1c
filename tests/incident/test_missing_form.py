"""Issue #10 item 10: a form missing at the default path is said once (on the run that opens the draft)."""

from __future__ import annotations

from tests.fake_github import FakeGitHub
from tests.harness import issue_body, issue_payload, run
from tests.scenario import TITLE, edit_issue, people, texts

FORM = ".github/ISSUE_TEMPLATE/incident.yml"


def test_the_built_in_form_is_announced_once(fake: FakeGitHub) -> None:
    people(fake)
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    first = run(fake, "issues", issue_payload(fake, item.number))
    notices = [m for m in first.messages if FORM in m.text]
    assert len(notices) == 1, texts(first)
    assert notices[0].level == "notice"
    assert "built-in" in notices[0].text and "templates/incident.yml" in notices[0].text
    edited = run(
        fake, "issues", edit_issue(fake, item.number, "~15,000 active users", "~16,000 active users")
    )
    assert not any(FORM in m.text for m in edited.messages), texts(edited)


def test_no_notice_when_the_form_exists(fake: FakeGitHub) -> None:
    people(fake)
    from importlib import resources

    form = (resources.files("postmortem") / "defaults" / "incident.yml").read_text(encoding="utf-8")
    fake.add_file("main", FORM, form)
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    report = run(fake, "issues", issue_payload(fake, item.number))
    assert not any("built-in" in m.text for m in report.messages), texts(report)
