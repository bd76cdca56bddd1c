"""`postmortem parse` and answers_json: typed answers of real rendered issue bodies, and the incident fields."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.cli import main
from postmortem.incident.answers import answers, answers_json, parse_result, strip_html_comments
from postmortem.incident.form import FormDefinition, default_form, parse_form_definition
from tests.material import material

ROOT = Path(__file__).parents[2]
FORMS = ROOT / "tests" / "fixtures" / "issue_forms"
SAMPLE = ROOT / "src" / "postmortem" / "defaults" / "sample-issue.md"


def read(name: str) -> str:
    # Through material(): rendered issue bodies carry no licence, so they are read from ../shared and the
    # test skips without it.
    return material("issue_forms", name).read_text(encoding="utf-8")


def form(name: str) -> FormDefinition:
    return parse_form_definition(read(name), name)


def test_github_issue_parser_example_every_field_type() -> None:
    result = answers(
        form("github__issue-parser__fixtures-example__template.yml"),
        read("github__issue-parser__fixtures-example__issue.md"),
    )
    assert result == {
        "name": "this-thing",
        "nickname": "thing",
        "color": "blue",
        "shape": "square",
        "sounds": ["re", "mi"],
        "topics": None,
        "description": "This is a description.\n\nIt has multiple lines!",
        "notes": "- Note\n- Another note\n- Lots of notes",
        "code": "const thing = new Thing()\nthing.doThing()",
        "code-string": "thing.toString()",
        "is-thing": ["Yes"],
        "is-thing-useful": ["Sometimes"],
        "read-team": "IssueOps-Demo-Readers",
        "write-team": "IssueOps-Demo-Writers",
    }


def test_missing_answers_and_none_are_null() -> None:
    result = answers(
        form("github__issue-parser__fixtures-missing__template.yml"),
        read("github__issue-parser__fixtures-missing__issue.md"),
    )
    assert result["name"] is None and result["code"] is None and result["license"] is None
    assert result["description"] == "who's molecule is this? (we don't know)"


def test_checkboxes_without_a_box_or_in_capitals() -> None:
    result = answers(
        form("stefanbuck__github-issue-parser__fixtures-full-example__form.yml"),
        read("stefanbuck__github-issue-parser__fixtures-full-example__issue-body.md"),
    )
    assert result["anything_else"] == ["Never give up"]
    assert result["second_anything_else"] == ["Hot Dog is a Sandwich", "Another item"]
    assert result["checkbox_without_an_id"] == []
    assert result["browsers"] == "Chrome, Safari"  # an input: the text as written


@pytest.mark.parametrize(
    ("body", "systems"),
    [
        ("IssueBody.md", ["macOS", "Windows"]),
        ("IssueBodyWithMangledCheckbox.md", ["Windows"]),
        ("IssueBodyWithOutOfOrderH3Headers.md", ["macOS", "Windows"]),
    ],
)
def test_edumserrano_bodies(body: str, systems: list[str]) -> None:
    result = answers(
        form("edumserrano__github-issue-forms-parser__TestFiles__Template.yml"),
        read(f"edumserrano__github-issue-forms-parser__TestFiles__{body}"),
    )
    assert result["operating-systems"] == systems
    assert result["push-nuget"] is None  # an optional dropdown left at "None"
    assert result["auto-generate-release-notes"] == "Yes"
    assert isinstance(result["custom-release-notes"], str)
    assert result["custom-release-notes"].startswith("## Custom release notes\n\nTest 123")


def test_real_outage_and_support_bodies() -> None:
    schemastore = answers(
        form("SchemaStore__schemastore__bug_report.d7eacc4d2.yml"),
        read("SchemaStore__schemastore__issue-3769.body.md"),
    )
    assert schemastore["ide_or_code_editor"] is None
    assert schemastore["actual_behavior"] == "service is returning a 503 error - service unavailable"
    hachyderm = answers(
        form("hachyderm__community__1.Reporting-Service-Issue.0f17a23.yml"),
        read("hachyderm__community__issue-279.body.md"),
    )
    assert hachyderm["how_long_have_you_noticed_this_issue"] == "15 min"
    assert hachyderm["is_there_anything_else_that_we_should_know"] is None
    ticket = answers(
        form("2i2c-org__infrastructure__06_freshdesk-ticket.40c3a5a0.yaml"),
        read("2i2c-org__infrastructure__issue-4172.body.md"),
    )
    assert ticket["ticket_impact"] == "🟩 Low"
    assert ticket["results"] is None


def test_bot_comments_are_not_part_of_an_answer() -> None:
    name = "github__issue-parser__fixtures-example__template.yml"
    body = read("github__issue-parser__fixtures-example__issue.md")
    body = body.replace("this-thing\n", "this-thing <!-- id:1 -->\n", 1)
    body = body.replace("_No response_", '_No response_\n<!-- triage-bot: {"seen": true}\n-->')
    body += "\n<!-- bot metadata\n### The Nickname of the Thing\nforged\n-->\n"
    result = answers(form(name), body)
    assert result["name"] == "this-thing"
    assert result["topics"] is None
    assert result["write-team"] == "IssueOps-Demo-Writers"
    assert result["nickname"] == "thing"


def test_comments_inside_code_fences_are_text() -> None:
    text = "a <!-- x --> b\n```\n<!-- kept -->\n```\n<!-- open\nstill hidden"
    assert strip_html_comments(text) == "a  b\n```\n<!-- kept -->\n```"


def test_multiple_dropdown_options_with_commas_are_kept_whole() -> None:
    yaml_text = (
        "name: f\ndescription: d\nbody:\n  - type: dropdown\n    id: regions\n    attributes:\n      label: Regions\n"
        "      multiple: true\n      options: ['EU, West', 'US', 'EU']\n"
    )
    result = answers(parse_form_definition(yaml_text), "### Regions\n\nEU, West, US\n")
    assert result == {"regions": ["EU, West", "US"]}


def test_parse_result_holds_the_normalised_incident() -> None:
    result = parse_result(default_form(), SAMPLE.read_text(encoding="utf-8"))
    assert set(result) == {"answers", "incident"}
    incident = result["incident"]
    assert incident["severity"] == "P1"
    assert incident["started_at"] == "2026-03-14T10:12:00Z"
    assert incident["resolved_at"] == "2026-03-14T11:02:00Z"
    assert incident["duration_minutes"] == 50
    assert incident["timeline"][0] == {
        "at": "2026-03-14T10:05:00Z",
        "time": "10:05",
        "text": "Deploy of v3.19.0 started; migration 0042_order_notes ran first",
    }
    assert incident["problems"] == []
    assert (
        result["answers"]["severity"]
        == "P1 - Major: a core feature unusable or badly degraded for many users"
    )


def test_problems_are_reported_with_their_field() -> None:
    body = SAMPLE.read_text(encoding="utf-8").replace("2026-03-14 11:02", "2026-03-14 09:00")
    problems = parse_result(default_form(), body)["incident"]["problems"]
    assert [p["field"] for p in problems] == ["resolved_at"]
    assert "before" in problems[0]["message"]


def test_answers_json_is_one_line() -> None:
    text = answers_json(default_form(), SAMPLE.read_text(encoding="utf-8"))
    assert "\n" not in text
    assert json.loads(text)["incident_commander"] == "@mona"


def test_cli_parse_from_a_file_and_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    args = ["parse", "--form", str(FORMS / "github__issue-parser__fixtures-example__template.yml")]
    assert (
        main([*args, "--issue", str(FORMS / "github__issue-parser__fixtures-example__issue.md")], out=out)
        == 0
    )
    printed = json.loads(out.getvalue())
    assert printed["answers"]["sounds"] == ["re", "mi"]
    assert printed["incident"]["severity"] is None
    monkeypatch.setattr("sys.stdin", io.StringIO(SAMPLE.read_text(encoding="utf-8")))
    out = io.StringIO()
    assert main(["parse", "--issue", "-"], out=out) == 0
    assert json.loads(out.getvalue())["incident"]["duration_minutes"] == 50


def test_cli_parse_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--issue", "nope.md"], out=io.StringIO()) == 1
    assert "--issue nope.md cannot be read" in capsys.readouterr().err


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_never_raises(body: str) -> None:
    result = parse_result(default_form(), body)
    assert set(result["answers"]) == {field.id for field in default_form().fields}
    json.dumps(result)
