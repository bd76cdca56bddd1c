"""Issue form → FormDefinition; rendered bodies (real GitHub ones and our own) → answers → Incident + problems."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import frontmatter
import pytest
import yaml

from postmortem.errors import FormError
from postmortem.incident.form import (
    PROBLEMS_MARKER,
    FormDefinition,
    checked_options,
    default_form,
    parse_form_definition,
    parse_incident,
    parse_issue_body,
    parse_severity,
    parse_time,
    parse_timeline,
    problems_comment,
    slugify_label,
)
from postmortem.incident.model import Incident
from tests.incident.answers import REF, assert_document_is_sound, incident, render, team_form, timeline_rows
from tests.material import fixture as fixture_path
from tests.material import material

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "issue_bodies"
FORM_COPIES = [
    ROOT / ".github" / "ISSUE_TEMPLATE" / "incident.yml",
    ROOT / "templates" / "incident.yml",
    ROOT / "src" / "postmortem" / "defaults" / "incident.yml",
]
CREATED = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def real(name: str) -> str:
    """A real issue form or rendered body (tests/fixtures/issue_forms, or ../shared when unlicensed)."""
    return material("issue_forms", name).read_text(encoding="utf-8")


def incident_from(
    body: str | None, form: FormDefinition | None = None, title: str = "[Incident]: x"
) -> Incident:
    return parse_incident(number=7, title=title, body=body, created_at=CREATED, form=form or default_form())


def problem_fields(incident: Incident) -> list[str]:
    return [p.field_id for p in incident.problems]


# ---------------------------------------------------------------------------------------------------------------
# Our issue form


def test_the_three_copies_of_the_form_are_byte_identical() -> None:
    contents = {path.relative_to(ROOT).as_posix(): path.read_bytes() for path in FORM_COPIES}
    assert len(set(contents.values())) == 1, f"copies differ: {sorted(contents)}"


def test_default_form_has_the_ids_the_action_reads() -> None:
    form = default_form()
    ids = [f.id for f in form.fields]
    for wanted in (
        "severity",
        "started_at",
        "detected_at",
        "resolved_at",
        "summary",
        "users_affected",
        "services_impacted",
        "user_experience",
        "data_loss",
        "timeline",
        "root_cause",
        "resolution",
    ):
        assert wanted in ids
    assert form.labels == ["incident"]
    assert form.title == "[Incident]: "
    severity = form.field("severity")
    assert severity is not None
    assert severity.type == "dropdown"
    assert severity.required
    assert [parse_severity(o) for o in severity.options] == ["P0", "P1", "P2"]
    data_loss = form.field("data_loss")
    assert data_loss is not None
    assert data_loss.options == [
        "No",
        "Yes - recovered",
        "Yes - permanent",
        "Unknown",
    ]
    root_cause = form.field("root_cause")
    assert root_cause is not None
    assert not root_cause.required


def test_default_form_validates_against_schemastore_schema() -> None:
    schema_path = fixture_path("schemas", "github-issue-forms.json")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for path in FORM_COPIES:
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


def test_default_form_passes_check_jsonschema_builtin_schema() -> None:
    exe = Path(sys.executable).with_name("check-jsonschema")
    command = [str(exe)] if exe.exists() else [shutil.which("check-jsonschema") or "check-jsonschema"]
    if not exe.exists() and shutil.which("check-jsonschema") is None:
        pytest.skip("check-jsonschema is not installed")
    result = subprocess.run(
        [*command, "--builtin-schema", "vendor.github-issue-forms", *map(str, FORM_COPIES)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_form_time_placeholders_parse() -> None:
    text = FORM_COPIES[0].read_text(encoding="utf-8")
    data = yaml.safe_load(text.replace("placeholder: ", "placeholder: !!str "))
    for element in data["body"]:
        if element.get("id") in ("started_at", "detected_at", "resolved_at"):
            parse_time(str(element["attributes"]["placeholder"]))


# ---------------------------------------------------------------------------------------------------------------
# parse_form_definition


def test_fields_without_id_get_a_slug_of_their_label_and_markdown_is_skipped() -> None:
    form = parse_form_definition(fixture("custom-form.yml"))
    assert [f.id for f in form.fields] == [
        "severity",
        "started_at",
        "resolved_at",
        "summary",
        "regions",
        "customer_tickets",
        "follow_ups",
        "logs",
        "anything_else",
    ]
    assert form.name == "🚨 Incident"
    assert form.labels == ["incident", "sre"]
    summary = form.field("summary")
    assert summary is not None
    assert summary.label == "Summary"
    follow_ups = form.field("follow_ups")
    assert follow_ups is not None
    assert follow_ups.options == [
        "Status page updated",
        "Customers notified",
        "Yes",
    ]
    regions = form.field("regions")
    assert regions is not None
    assert regions.multiple
    logs = form.field("logs")
    assert logs is not None
    assert logs.render == "shell"


@pytest.mark.parametrize(
    ("label", "slug"),
    [
        ("✔️ Expected Behavior", "expected_behavior"),
        ("Please describe the issue you are seeing.\n", "please_describe_the_issue_you_are_seeing"),
        ("(Optional) Investigation results", "optional_investigation_results"),
        ("Résumé — détails", "resume_details"),
        ("🔥", ""),
    ],
)
def test_slugify_label(label: str, slug: str) -> None:
    assert slugify_label(label) == slug


def test_derived_ids_do_not_collide() -> None:
    form = parse_form_definition(
        """
name: x
description: y
body:
  - type: input
    id: summary
    attributes: {label: Short summary}
  - type: input
    attributes: {label: "Summary!"}
  - type: input
    attributes: {label: "Summary?"}
  - type: input
    attributes: {label: "🔥"}
"""
    )
    assert [f.id for f in form.fields] == ["summary", "summary_2", "summary_3", "field_4"]


def test_yaml_scalars_stay_text() -> None:
    form = parse_form_definition(
        """
name: x
description: y
labels: bug
body:
  - type: dropdown
    id: 2024
    attributes:
      label: Answer
      options: [Yes, No, 1.10, 2026-03-14]
    validations:
      required: true
"""
    )
    field = form.fields[0]
    assert field.id == "2024"
    assert field.options == ["Yes", "No", "1.10", "2026-03-14"]
    assert field.required is True
    assert form.labels == ["bug"]


def test_yaml_anchors_and_merge_keys_work() -> None:
    form = parse_form_definition(
        """
name: x
description: y
body:
  - &time
    type: input
    id: started_at
    attributes: {label: Started at}
    validations: {required: true}
  - <<: *time
    id: resolved_at
    attributes: {label: Resolved at}
"""
    )
    assert [(f.id, f.label, f.required) for f in form.fields] == [
        ("started_at", "Started at", True),
        ("resolved_at", "Resolved at", True),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: [unclosed", "not valid YAML at line"),
        ("- just a list", "must be a mapping"),
        ("name: x\ndescription: y\n", "has no body"),
        ("name: x\nbody: []\n", "has no body"),
        (
            "body:\n  - type: markdown\n    attributes: {value: hi}\n",
            "no input, textarea, dropdown or checkboxes",
        ),
        ("body:\n  - type: select\n    attributes: {label: A}\n", "type 'select'"),
        ("body:\n  - type: input\n    id: a\n", "has no attributes"),
        ("body:\n  - type: input\n    attributes: {description: d}\n", "has no label"),
        ("body:\n  - type: dropdown\n    attributes: {label: A}\n", "has no options"),
        (
            "body:\n  - {type: input, id: a, attributes: {label: A}}\n  - {type: input, id: a, attributes: {label: B}}\n",
            "repeats the id 'a'",
        ),
        (
            "body:\n  - {type: input, id: a, attributes: {label: Same}}\n  - {type: input, id: b, attributes: {label: same}}\n",
            "two fields labelled",
        ),
        ("body:\n  - just text\n", "is not a mapping"),
    ],
)
def test_bad_forms_raise_form_error_naming_the_file(text: str, expected: str) -> None:
    with pytest.raises(FormError, match=r"x/form\.yml") as caught:
        parse_form_definition(text, "x/form.yml")
    assert expected in str(caught.value)


# ---------------------------------------------------------------------------------------------------------------
# Real forms and bodies (tests/fixtures/issue_forms; the unlicensed few from ../shared)

REAL_FORMS = [
    "2i2c-org__infrastructure__06_freshdesk-ticket.40c3a5a0.yaml",
    "2i2c-org__infrastructure__08_freshdesk-ticket.yaml",
    "2i2c-org__infrastructure__10_incident-action-item.yaml",
    "SchemaStore__schemastore__bug_report.d7eacc4d2.yml",
    "SchemaStore__schemastore__bug_report.yml",
    "edumserrano__github-issue-forms-parser__TestFiles__Template.yml",
    "github__issue-parser__fixtures-example__template.yml",
    "github__issue-parser__fixtures-missing__template.yml",
    "hachyderm__community__1.Reporting-Service-Issue.0f17a23.yml",
    "hachyderm__community__1.Reporting-Service-Issue.yml",
    "kubernetes__kubernetes__failing-test.yaml",
    "louislam__uptime-kuma__bug_report.yaml",
    "portefaix__portefaix-postmortems__postmortem.yml",
    "stefanbuck__github-issue-parser__fixtures-full-example__form.yml",
]


@pytest.mark.parametrize("name", REAL_FORMS)
def test_real_forms_parse(name: str) -> None:
    form = parse_form_definition(real(name), name)
    assert form.fields
    assert len({f.id for f in form.fields}) == len(form.fields)
    assert all(f.label == f.label.strip() and "\n" not in f.label for f in form.fields)


def test_real_form_details() -> None:
    kuma = parse_form_definition(real("louislam__uptime-kuma__bug_report.yaml"))
    first = kuma.fields[0]
    assert first.type == "checkboxes"
    assert first.required is False
    assert (
        first.label
        == "I have read and understand that unnecessary pings to maintainers will not be tolerated."
    )
    assert kuma.field("security_policy") is not None  # "🛡️ Security Policy" without id
    logs = kuma.field("logs")
    assert logs is not None
    assert logs.render == "shell"
    assert kuma.labels == ["bug", "P2: moderate"]
    k8s = parse_form_definition(real("kubernetes__kubernetes__failing-test.yaml"))
    assert k8s.labels == ["kind/failing-test"]
    impact = parse_form_definition(real("2i2c-org__infrastructure__08_freshdesk-ticket.yaml")).field(
        "ticket_impact"
    )
    assert impact is not None
    assert impact.options == ["🟩 Low", "🟨 Medium", "🟧 High", "🟥 Critical"]


# (body, form, expected answers; None = not checked)
REAL_BODIES: list[tuple[str, str, dict[str, str]]] = [
    (
        "SchemaStore__schemastore__issue-3769.body.md",
        "SchemaStore__schemastore__bug_report.d7eacc4d2.yml",
        {
            "area_with_issue": "JSON Schema",
            "expected_behavior": "Service to be up and running",
            "actual_behavior": "service is returning a 503 error - service unavailable",
            "yaml_or_json_file_that_does_not_work": "No response from service",
            "ide_or_code_editor": "",  # "None": unselected optional dropdown
            "are_you_making_a_pr_for_this": "No, someone else must create the PR.",
        },
    ),
    (
        "hachyderm__community__issue-279.body.md",
        "hachyderm__community__1.Reporting-Service-Issue.0f17a23.yml",
        {
            "please_describe_the_issue_you_are_seeing": (
                "Just no response, no error. Checked grafana. CPU of fritz is at 100%."
            ),
            "how_long_have_you_noticed_this_issue": "15 min",
            "what_geographic_region_are_you_accessing_hachyderm_from": "West Europe",
            "is_there_anything_else_that_we_should_know": "",  # section dropped by the index (see SOURCES.md)
        },
    ),
    (
        "hachyderm__community__issue-512.body.md",
        "hachyderm__community__1.Reporting-Service-Issue.yml",
        {
            "how_long_have_you_noticed_this_issue": "20 minutes",  # trailing space trimmed
            "what_geographic_region_are_you_accessing_hachyderm_from": "Northwest USA",
            "is_there_anything_else_that_we_should_know": "",
        },
    ),
    (
        "hachyderm__community__issue-667.body.md",
        "hachyderm__community__1.Reporting-Service-Issue.yml",
        {
            "how_long_have_you_noticed_this_issue": "<24 hours",
            "what_geographic_region_are_you_accessing_hachyderm_from": "US, PNW",
        },
    ),
    (
        "2i2c-org__infrastructure__issue-4172.body.md",
        "2i2c-org__infrastructure__06_freshdesk-ticket.40c3a5a0.yaml",
        {
            "ticket_id": "https://2i2c.freshdesk.com/a/tickets/1596",
            "ticket_type": "Technical questions",
            "ticket_impact": "🟩 Low",
            "description": (
                "https://2i2c.freshdesk.com/a/tickets/1596 has some questions that I had answered, "
                "but some that were not. We should answer them."
            ),
            "results": "",
        },
    ),
    (
        "github__issue-parser__fixtures-example__issue.md",
        "github__issue-parser__fixtures-example__template.yml",
        {
            "name": "this-thing",
            "nickname": "thing",
            "color": "blue",
            "shape": "square",
            "sounds": "re, mi",
            "topics": "",
            "description": "This is a description.\n\nIt has multiple lines!",
            "notes": "- Note\n- Another note\n- Lots of notes",
            "code": "const thing = new Thing()\nthing.doThing()",
            "code-string": "thing.toString()",
            "is-thing": "- [x] Yes\n- [ ] No",
            "is-thing-useful": "- [ ] Yes\n- [x] Sometimes\n- [ ] No",
            "read-team": "IssueOps-Demo-Readers",
            "write-team": "IssueOps-Demo-Writers",
        },
    ),
    (
        "github__issue-parser__fixtures-missing__issue.md",
        "github__issue-parser__fixtures-missing__template.yml",
        {
            "name": "",  # heading directly followed by the next heading
            "description": "who's molecule is this? (we don't know)",
            "id": "",
            "publication": "The following link is just an example:\n\n`www.example.com`",
            "code": "",
            "license": "",  # last heading, nothing after it
        },
    ),
    (
        "stefanbuck__github-issue-parser__fixtures-full-example__issue-body.md",
        "stefanbuck__github-issue-parser__fixtures-full-example__form.yml",
        {
            "contact": "me@me.com",
            "what_happened": "A bug happened!",
            "version": "1.0.0",
            "browsers": "Chrome, Safari",
            "anything_else": "- [x] Never give up\n- [ ] Hot Dog is a Sandwich",
            "second_anything_else": "- [ ] Never give up\n- [x] Hot Dog is a Sandwich\n- [x] Another item",
            "checkbox_without_an_id": "- [ ] IDs are great\n- [ ] IDs are bad",
        },
    ),
    (
        "edumserrano__github-issue-forms-parser__TestFiles__IssueBody.md",
        "edumserrano__github-issue-forms-parser__TestFiles__Template.yml",
        {
            "nuget-id": "dotnet-sdk-extensions",
            "nuget-version": "1.0.13-alpha",
            "auto-generate-release-notes": "Yes",
            "push-nuget": "",
            "custom-release-notes": (
                '## Custom release notes\n\nTest 123\n"line with double quotes"\n\n'
                "Another line:\n- point 1\n- point 2\n- point 3"
            ),
            "operating-systems": "- [x] macOS\n- [x] Windows\n- [ ] Linux\n- [ ] I don't know",
        },
    ),
    (
        "edumserrano__github-issue-forms-parser__TestFiles__IssueBodyWithMangledCheckbox.md",
        "edumserrano__github-issue-forms-parser__TestFiles__Template.yml",
        {
            "custom-release-notes": (
                "## Custom release notes\n\nTest 123\n\nAnother line:\n- point 1\n- point 2\n- point 3"
            ),
            "operating-systems": "- macOS\n- [x] Windows\n- [ ] Linux\n- [ ] I don't know",
        },
    ),
    (
        "edumserrano__github-issue-forms-parser__TestFiles__IssueBodyWithOutOfOrderH3Headers.md",
        "edumserrano__github-issue-forms-parser__TestFiles__Template.yml",
        {
            "nuget-id": "dotnet-sdk-extensions",
            "nuget-version": "1.0.13-alpha",
            "auto-generate-release-notes": "Yes",
            "push-nuget": "",
            "operating-systems": "- [x] macOS\n- [x] Windows\n- [ ] Linux\n- [ ] I don't know",
        },
    ),
]


@pytest.mark.parametrize(
    ("body_name", "form_name", "expected"), REAL_BODIES, ids=[b for b, _, _ in REAL_BODIES]
)
def test_real_bodies_parse(body_name: str, form_name: str, expected: dict[str, str]) -> None:
    form = parse_form_definition(real(form_name), form_name)
    answers = parse_issue_body(real(body_name), form)
    assert set(answers) == {f.id for f in form.fields}
    for field_id, value in expected.items():
        assert answers[field_id] == value, field_id


def test_real_body_with_prefilled_value_keeps_it_verbatim() -> None:
    form = parse_form_definition(real("hachyderm__community__1.Reporting-Service-Issue.0f17a23.yml"))
    answers = parse_issue_body(real("hachyderm__community__issue-275.body.md"), form)
    description = answers["please_describe_the_issue_you_are_seeing"]
    assert description.startswith(
        "A couple questions to help you get started:\n1. Are you seeing error codes?"
    )
    assert "   For example, only for uploading certain file sizes" in description  # indentation kept
    assert answers["is_there_anything_else_that_we_should_know"] == (
        "Status dashboard and Discord bot show full outage status."
    )


def test_real_body_with_dropped_no_response_section_still_gives_every_id() -> None:
    form = parse_form_definition(real("hachyderm__community__1.Reporting-Service-Issue.yml"))
    with_section = real("hachyderm__community__issue-512.body.md") + (
        "\n\n### Is there anything else that we should know?\n\n_No response_"
    )
    assert parse_issue_body(with_section, form) == parse_issue_body(
        real("hachyderm__community__issue-512.body.md"), form
    )


def test_checked_options_of_real_checkboxes() -> None:
    form = parse_form_definition(real("stefanbuck__github-issue-parser__fixtures-full-example__form.yml"))
    answers = parse_issue_body(
        real("stefanbuck__github-issue-parser__fixtures-full-example__issue-body.md"), form
    )
    assert checked_options(answers["anything_else"]) == ["Never give up"]
    assert checked_options(answers["second_anything_else"]) == ["Hot Dog is a Sandwich", "Another item"]
    assert checked_options(answers["checkbox_without_an_id"]) == []


# ---------------------------------------------------------------------------------------------------------------
# Our fixtures, default form


def test_full_incident() -> None:
    incident = incident_from(fixture("full.md"), title="[Incident]: Umbrella API outage")
    assert incident.problems == []
    assert incident.title == "Umbrella API outage"
    assert incident.severity == "P0"
    assert incident.severity_text == "P0 - Critical: complete outage or data loss"
    assert incident.started_at == utc("2025-11-17 10:15")
    assert incident.detected_at == utc("2025-11-17 10:17")
    assert incident.resolved_at == utc("2025-11-17 11:02")
    assert incident.duration_minutes == 47
    assert incident.users_affected == "100% of users (~15,000 active users)"
    assert incident.services_impacted.splitlines()[0] == "- User authentication (unable to log in)"
    assert incident.data_loss == "No"
    assert incident.root_cause.startswith("Lack of deployment orchestration")
    assert incident.answers["incident_commander"] == "@octocat"
    assert incident.answers["links"] == ""
    assert [(e.time_text, e.text) for e in incident.timeline][2] == ("10:17", "On-call engineer paged")
    assert [e.at for e in incident.timeline][-1] == utc("2025-11-17 11:02")
    assert len(incident.timeline) == 6


@pytest.mark.parametrize("name", ["crlf.md", "bom.md"])
def test_crlf_and_bom_bodies_parse_like_the_plain_one(name: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    assert b"\r\n" in raw  # the fixture kept its line endings
    plain = parse_issue_body(fixture("full.md"), default_form())
    answers = parse_issue_body(fixture(name), default_form())
    assert {k: v for k, v in answers.items() if k != "severity"} == {
        k: v for k, v in plain.items() if k != "severity"
    }
    assert incident_from(fixture(name)).problems == []


def test_crlf_bom_and_lone_cr_built_in_memory() -> None:
    plain = parse_issue_body(fixture("full.md"), default_form())
    for variant in (
        "\ufeff" + fixture("full.md"),
        fixture("full.md").replace("\n", "\r\n"),
        fixture("full.md").replace("\n", "\r"),
    ):
        assert parse_issue_body(variant, default_form()) == plain


def test_reordered_sections() -> None:
    incident = incident_from(fixture("reordered.md"))
    assert incident.problems == []
    assert incident.severity == "P2"
    assert incident.started_at == utc("2026-01-05 14:30")
    assert incident.resolved_at == utc("2026-01-05 16:40")
    assert incident.summary.startswith("Search returned stale results")
    assert incident.root_cause == ""


def test_missing_sections_are_empty_and_reported() -> None:
    incident = incident_from(fixture("missing-sections.md"))
    assert incident.answers["resolved_at"] == ""
    assert incident.answers["users_affected"] == ""  # heading followed directly by the next heading
    assert incident.data_loss == ""  # "None" from the dropdown
    assert incident.resolved_at is None
    assert incident.duration_minutes is None
    assert problem_fields(incident) == [
        "detected_at",
        "resolved_at",
        "users_affected",
        "services_impacted",
        "user_experience",
        "data_loss",
    ]
    messages = {p.field_id: p.message for p in incident.problems}
    assert "### Resolved at (UTC) is missing" in messages["resolved_at"]
    assert "Detected at (UTC) is empty" in messages["detected_at"]
    assert "choose one of its options" in messages["data_loss"]


def test_user_headings_inside_answers_stay_in_the_answer() -> None:
    incident = incident_from(fixture("user-headings.md"))
    assert incident.problems == []
    assert incident.summary == (
        "## What happened\n\nThe login service rejected every token signed with the rotated key.\n\n"
        "### Details\n\n#### Why the cache mattered\n\nThe JWKS cache kept the old key for 45 minutes."
    )
    assert incident.root_cause == (
        "### Root Cause Analysis\n\nThe rotation runbook does not flush the JWKS cache."
    )
    assert incident.users_affected == "All users signing in during the window"


def test_fenced_code_with_heading_lines_is_not_split() -> None:
    incident = incident_from(fixture("fence-with-headings.md"))
    assert incident.problems == []
    assert "```markdown\n### Resolution\n\n### Timeline (UTC)\n\n10:00 this is not a timeline event\n```" in (
        incident.summary
    )
    assert incident.summary.endswith("~~~~\n### Severity\nP0\n~~~~")
    assert incident.severity == "P2"
    assert incident.resolution == "Re-sent the report."
    assert [e.text for e in incident.timeline] == ["Report sent", "Corrected report sent"]


def test_unclosed_fence_does_not_swallow_the_rest() -> None:
    incident = incident_from(fixture("unclosed-fence.md"))
    assert incident.problems == []
    assert incident.summary == "The log showed:\n\n```\nERROR pool exhausted"
    assert incident.resolution == "Raised the pool size."


def test_hand_edited_body() -> None:
    incident = incident_from(fixture("hand-edited.md"))
    assert incident.severity == "P0"
    assert incident.started_at == utc("2026-05-20 23:40")
    assert incident.detected_at == utc("2026-05-20 23:55")  # 01:55+02:00
    assert incident.resolved_at == utc("2026-05-21 00:45")
    assert incident.summary == "The CDN served 404s for all static assets after a purge."
    assert incident.users_affected == ""  # whitespace only
    assert problem_fields(incident) == ["users_affected"]
    assert [(e.at, e.time_text, e.text) for e in incident.timeline] == [
        (utc("2026-05-20 23:40"), "23:40", "Purge of `/*` issued"),
        (utc("2026-05-20 23:50"), "23:50", "First 404 alerts"),
        (utc("2026-05-21 00:10"), "00:10", "Origin shield bypassed"),
        (utc("2026-05-21 00:45"), "00:45", "Cache warm, 404s gone"),
        (None, "", "Follow-up: add purge guard"),
    ]


def test_invalid_severity_and_times_become_problems() -> None:
    incident = incident_from(fixture("invalid-values.md"))
    assert incident.severity is None
    assert incident.severity_text == "Sev1"
    assert incident.started_at is None
    assert incident.detected_at is None
    assert incident.resolved_at == utc("2026-03-14 11:02")
    assert incident.answers["started_at"] == "yesterday around 10"
    assert problem_fields(incident) == ["severity", "started_at", "detected_at", "timeline"]
    messages = [p.message for p in incident.problems]
    assert messages[0] == (
        "Severity `Sev1` is not one of P0, P1, P2: edit the issue and pick one from the dropdown."
    )
    assert "`yesterday around 10`" in messages[1]
    assert "YYYY-MM-DD HH:MM" in messages[1]
    assert "Started at (UTC)" in messages[1]
    assert "`2026-13-40 10:00`" in messages[2]
    assert "`29:99 Typo in the time`" in messages[3]
    assert incident.problems[1].value == "yesterday around 10"
    assert incident.timeline[1].at is None
    assert incident.timeline[1].time_text == "29:99"


def test_resolved_and_detected_before_started() -> None:
    incident = incident_from(fixture("resolved-before-started.md"))
    assert problem_fields(incident) == ["detected_at", "resolved_at"]
    assert incident.duration_minutes is None
    assert incident.problems[1].message == (
        "Resolved at (UTC) is 2026-03-14 10:30, before Started at (UTC), 2026-03-14 11:00 (UTC): "
        "edit the issue and correct one of them."
    )


def test_resolved_before_detected() -> None:
    body = fixture("full.md").replace("2025-11-17 10:17", "2025-11-17 11:30")
    incident = incident_from(body)
    assert problem_fields(incident) == ["resolved_at"]
    assert "before Detected at (UTC)" in incident.problems[0].message


@pytest.mark.parametrize("body", [None, "", "   \n\n  "])
def test_empty_body(body: str | None) -> None:
    incident = incident_from(body)
    assert set(incident.answers) == {f.id for f in default_form().fields}
    assert all(v == "" for v in incident.answers.values())
    assert problem_fields(incident) == ["body"]
    assert "no description" in incident.problems[0].message
    assert parse_issue_body(body, default_form()) == incident.answers


def test_body_from_another_template() -> None:
    incident = incident_from(fixture("wrong-template.md"))
    assert problem_fields(incident) == ["body"]
    assert "None of the incident form's sections" in incident.problems[0].message
    assert "### Severity" in incident.problems[0].message


def test_title_prefix() -> None:
    assert incident_from(fixture("full.md"), title="[incident]:   DNS down ").title == "DNS down"
    assert incident_from(fixture("full.md"), title="DNS down").title == "DNS down"
    only_prefix = incident_from(fixture("full.md"), title="[Incident]: ")
    assert only_prefix.title == "[Incident]:"
    assert problem_fields(only_prefix) == ["title"]


def test_customised_form_with_extra_fields() -> None:
    form = parse_form_definition(fixture("custom-form.yml"), ".github/ISSUE_TEMPLATE/incident.yml")
    incident = incident_from(fixture("custom-form.md"), form, title="[INC] Payments timing out")
    assert incident.title == "Payments timing out"
    assert incident.problems == []  # resolved_at is optional in this form
    assert incident.severity == "P1"
    assert incident.started_at == utc("2026-07-04 18:20")
    assert incident.summary == "Payments in two regions timed out."
    assert incident.answers["regions"] == "eu-west-1, us-east-1"
    assert incident.answers["customer_tickets"] == "SUP-1182, SUP-1190"
    assert incident.answers["follow_ups"] == "- [x] Status page updated\n- [ ] Customers notified\n- [ ] Yes"
    assert checked_options(incident.answers["follow_ups"]) == ["Status page updated"]
    assert (
        incident.answers["logs"] == "### not a heading\nERROR upstream timeout after 30s"
    )  # fence unwrapped
    assert incident.answers["anything_else"] == "None"  # textarea: "None" is what the user typed
    assert incident.data_loss == ""
    assert "data_loss" not in incident.answers


def test_heading_matching_is_forgiving_but_not_greedy() -> None:
    form = default_form()
    body = "###Severity\n\nP2\n\n### summary:\n\nshort\n\n###   RESOLUTION   ##\n\ndone\n\n#### Timeline (UTC)\n\nx"
    answers = parse_issue_body(body, form)
    assert answers["severity"] == "P2"
    assert answers["summary"] == "short"
    assert answers["resolution"] == "done\n\n#### Timeline (UTC)\n\nx"  # a level-4 heading is never a field
    assert answers["timeline"] == ""


def test_repeated_label_heading_stays_in_the_answer() -> None:
    body = "### Summary\n\nfirst\n\n### Summary\n\nsecond"
    assert parse_issue_body(body, default_form())["summary"] == "first\n\n### Summary\n\nsecond"


def test_indented_heading_is_code_not_a_field() -> None:
    body = "### Summary\n\ntext\n\n    ### Resolution\n\nmore"
    answers = parse_issue_body(body, default_form())
    assert answers["summary"] == "text\n\n    ### Resolution\n\nmore"
    assert answers["resolution"] == ""


def test_sample_issue_parses_cleanly() -> None:
    from importlib.resources import files

    defaults = files("postmortem").joinpath("defaults")
    meta = json.loads(defaults.joinpath("sample-issue.json").read_text(encoding="utf-8"))
    assert set(meta) == {"number", "title", "created_at", "user", "html_url"}
    assert meta["number"] == 42
    body = defaults.joinpath("sample-issue.md").read_text(encoding="utf-8")
    incident = parse_incident(
        number=meta["number"],
        title=meta["title"],
        body=body,
        created_at=datetime.fromisoformat(meta["created_at"]),
        form=default_form(),
        author=meta["user"],
    )
    assert incident.problems == []
    assert all(incident.answers.values()), [k for k, v in incident.answers.items() if not v]
    assert incident.severity == "P1"
    assert incident.duration_minutes == 50
    assert all(e.at is not None for e in incident.timeline)
    assert not body.endswith("\n")  # as GitHub stores a form body
    # the sample is what GitHub renders from our form: every label, in form order
    headings = [line[4:] for line in body.split("\n") if line.startswith("### ")]
    assert headings == [f.label for f in default_form().fields]


# ---------------------------------------------------------------------------------------------------------------
# Severity, times, timeline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P0 - Critical: complete outage or data loss", "P0"),
        ("P1 - Major: a core feature unusable", "P1"),
        ("P2", "P2"),
        ("p1", "P1"),
        ("  P2:minor", "P2"),
        ("P1 (major)", "P1"),
        ("🔴 P0 (critical)", "P0"),
        ("**P1**", "P1"),
        ("Sev1", None),
        ("SEV-0", None),
        ("P3 - Low", None),
        ("P10", None),
        ("P1x", None),
        ("Critical", None),
        ("", None),
    ],
)
def test_parse_severity(text: str, expected: str | None) -> None:
    assert parse_severity(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-14 10:15", "2026-03-14 10:15"),
        ("2026-03-14T10:15", "2026-03-14 10:15"),
        ("2026-03-14T10:15:30Z", "2026-03-14 10:15:30"),
        ("2026-03-14T10:15Z", "2026-03-14 10:15"),
        ("2026-03-14 10:15 UTC", "2026-03-14 10:15"),
        ("2026-03-14 10:15 utc", "2026-03-14 10:15"),
        ("2026-03-14 10:15 GMT", "2026-03-14 10:15"),
        ("2026-03-14 12:15+02:00", "2026-03-14 10:15"),
        ("2026-03-14T05:15-05:00", "2026-03-14 10:15"),
        ("2026-03-14 01:15+0530", "2026-03-13 19:45"),
        ("2026-03-14  9:05", "2026-03-14 09:05"),
        ("  `2026-03-14 10:15`  ", "2026-03-14 10:15"),
        ("2026-3-4 10:15", "2026-03-04 10:15"),
        ("2026-03-14T10:15:30.123Z", "2026-03-14 10:15:30"),
    ],
)
def test_parse_time(text: str, expected: str) -> None:
    parsed = parse_time(text)
    assert parsed == utc(expected)
    assert parsed.tzinfo == UTC


@pytest.mark.parametrize(
    "text",
    [
        "",
        "10:15",
        "2026-03-14",
        "14/03/2026 10:15",
        "yesterday",
        "2026-13-01 10:00",
        "2026-02-30 10:00",
        "2026-03-14 24:00",
        "2026-03-14 10:60",
        "2026-03-14 10:15 CET",
        "2026-03-14 10:15+25:00",
        "2026-03-14 10:15 tomorrow",
        "0001-01-01 00:00+02:00",
        "9999-12-31 23:59-05:00",
    ],
)
def test_parse_time_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        parse_time(text)


START = utc("2026-03-14 10:00")


@pytest.mark.parametrize(
    ("line", "at", "time_text", "text"),
    [
        ("10:15 Alert fired", "2026-03-14 10:15", "10:15", "Alert fired"),
        ("10:15 - Alert fired", "2026-03-14 10:15", "10:15", "Alert fired"),
        ("10:15 – Alert fired", "2026-03-14 10:15", "10:15", "Alert fired"),
        ("10:15: Alert fired", "2026-03-14 10:15", "10:15", "Alert fired"),
        ("10:15 | Alert fired", "2026-03-14 10:15", "10:15", "Alert fired"),
        ("- 10:15 Alert fired", "2026-03-14 10:15", "10:15", "Alert fired"),
        ("* 10:15 Alert fired", "2026-03-14 10:15", "10:15", "Alert fired"),
        ("- [x] 10:15 Alert fired", "2026-03-14 10:15", "10:15", "Alert fired"),
        ("9:05 Early", "2026-03-14 09:05", "9:05", "Early"),
        ("10:15:30 Seconds", "2026-03-14 10:15:30", "10:15:30", "Seconds"),
        ("10:15 UTC Alert", "2026-03-14 10:15", "10:15 UTC", "Alert"),
        ("10:15 AM Alert", "2026-03-14 10:15", "10:15 AM", "Alert"),
        ("2:30 pm Alert", "2026-03-14 14:30", "2:30 pm", "Alert"),
        ("12:10 AM Alert", "2026-03-14 00:10", "12:10 AM", "Alert"),
        ("2026-03-15 08:00 Next day", "2026-03-15 08:00", "2026-03-15 08:00", "Next day"),
        ("2026-03-15T08:00Z - Next day", "2026-03-15 08:00", "2026-03-15T08:00Z", "Next day"),
        ("2026-03-15 10:00+02:00 Offset", "2026-03-15 08:00", "2026-03-15 10:00+02:00", "Offset"),
        ("10:15", "2026-03-14 10:15", "10:15", ""),
        ("Follow-up: write runbook", None, "", "Follow-up: write runbook"),
        ("v10:15 not a time", None, "", "v10:15 not a time"),
        ("10:15am", "2026-03-14 10:15", "10:15am", ""),
    ],
)
def test_parse_timeline_line(line: str, at: str | None, time_text: str, text: str) -> None:
    events, invalid = parse_timeline(line, START)
    assert invalid == []
    assert len(events) == 1
    event = events[0]
    assert (event.at, event.time_text, event.text) == (utc(at) if at else None, time_text, text)


@pytest.mark.parametrize(
    ("lines", "reference", "expected"),
    [
        # chronological across midnight
        (
            ["23:50 a", "00:10 b", "01:00 c"],
            "2026-03-14 23:40",
            ["2026-03-14 23:50", "2026-03-15 00:10", "2026-03-15 01:00"],
        ),
        # reverse chronological across midnight
        (
            ["01:00 c", "00:10 b", "23:50 a"],
            "2026-03-15 01:00",
            ["2026-03-15 01:00", "2026-03-15 00:10", "2026-03-14 23:50"],
        ),
        # an event shortly before the start (cause before impact)
        (["09:50 deploy", "10:05 errors"], "2026-03-14 10:00", ["2026-03-14 09:50", "2026-03-14 10:05"]),
        # start just after midnight, cause just before
        (["23:55 deploy", "00:05 errors"], "2026-03-15 00:02", ["2026-03-14 23:55", "2026-03-15 00:05"]),
        # a dated line moves the reference for later bare times
        (
            ["10:00 a", "2026-03-16 09:00 b", "09:30 c"],
            "2026-03-14 10:00",
            ["2026-03-14 10:00", "2026-03-16 09:00", "2026-03-16 09:30"],
        ),
        # no reference: bare times have no date until a dated line
        (["10:00 a", "2026-03-16 09:00 b", "09:30 c"], None, [None, "2026-03-16 09:00", "2026-03-16 09:30"]),
    ],
)
def test_parse_timeline_dates(lines: list[str], reference: str | None, expected: list[str | None]) -> None:
    events, invalid = parse_timeline("\n".join(lines), utc(reference) if reference else None)
    assert invalid == []
    assert [e.at for e in events] == [utc(x) if x else None for x in expected]


def test_parse_timeline_skips_blank_and_fence_lines_and_reports_impossible_times() -> None:
    text = "```\n10:00 a\n\n   \n25:00 b\n2026-02-30 10:00 c\n```\n- \n12:61 d"
    events, invalid = parse_timeline(text, START)
    assert [(e.time_text, e.text) for e in events] == [
        ("10:00", "a"),
        ("25:00", "b"),
        ("2026-02-30 10:00", "c"),
        ("12:61", "d"),
    ]
    assert [e.at for e in events] == [START, None, None, None]
    assert invalid == ["25:00 b", "2026-02-30 10:00 c", "12:61 d"]


def test_parse_timeline_bare_time_with_offset() -> None:
    events, _ = parse_timeline("12:15+02:00 alert", START)
    assert events[0].at == utc("2026-03-14 10:15")
    aware = datetime(2026, 3, 14, 10, 0, tzinfo=timezone(timedelta(hours=-5)))
    events, _ = parse_timeline("10:30 x", aware)
    assert events[0].at == utc("2026-03-14 10:30")  # bare times are UTC; nearest to 15:00 UTC is the same day


# ---------------------------------------------------------------------------------------------------------------
# The problems comment


def test_problems_comment_lists_every_problem_once_with_the_marker_first() -> None:
    incident = incident_from(fixture("invalid-values.md"))
    comment = problems_comment(incident)
    assert comment.splitlines()[0] == PROBLEMS_MARKER == "<!-- postmortem:form-problems -->"
    assert "4 answers" in comment
    for problem in incident.problems:
        assert comment.count(f"- {problem.message}") == 1
    assert "Edit the issue" in comment


def test_problems_comment_quotes_user_text_safely() -> None:
    body = fixture("full.md").replace(
        "P0 - Critical: complete outage or data loss",
        "@everyone `P9` [link](https://evil.example) " + "x" * 200,
    )
    incident = incident_from(body)
    comment = problems_comment(incident)
    assert problem_fields(incident) == ["severity"]
    line = next(line for line in comment.splitlines() if line.startswith("- "))
    assert "``@everyone `P9` [link](https://evil.example)" in line  # inside a code span: no mention, no link
    assert "…``" in line
    assert len(line) < 250


def test_problems_comment_when_everything_is_fixed() -> None:
    comment = problems_comment(incident_from(fixture("full.md")))
    assert comment.startswith(PROBLEMS_MARKER + "\n")
    assert "complete" in comment
    assert "\n- " not in comment


def test_never_raises_on_odd_bodies() -> None:
    odd = [
        "###",
        "### \n\n### ",
        "```\n### Severity\n",
        "### Severity\n\n```",
        "### Timeline (UTC)\n\n" + "\n".join(f"{h:02d}:{m:02d} e" for h in range(24) for m in (0, 30)),
        "### Started at (UTC)\n\n9999-99-99 99:99",
        "### Started at (UTC)\n\n2026-03-14 10:15-99:99",
        "\x00\ufeff\u2028### Severity\u2029P1",
        "### Timeline (UTC)\n\n12:00 AM\n13:00 PM\n00:00 am",
        "### Started at (UTC)\n\n0001-01-01 00:05\n\n### Timeline (UTC)\n\n23:59 x\n0001-01-01 00:30+02:00 y",
        "### Started at (UTC)\n\n9999-12-31 23:55\n\n### Timeline (UTC)\n\n00:10 x",
    ]
    for body in odd:
        incident_from(body)


# ====================================================================================================
# Forms and documents as teams really fill them in (times, timelines, severities, team forms)


# ---------------------------------------------------------------------------------------------------------------
# Times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-14 10:15 UTC", "2026-03-14T10:15:00+00:00"),
        ("2026-03-14T10:15:00+02:00", "2026-03-14T08:15:00+00:00"),
        ("2026-03-14 10:15Z", "2026-03-14T10:15:00+00:00"),
        ("`2026-03-14 10:15`", "2026-03-14T10:15:00+00:00"),
        # Europe/Berlin, 2026-10-25: 02:30 happens twice; the offset decides which one.
        ("2026-10-25 02:30 +02:00", "2026-10-25T00:30:00+00:00"),
        ("2026-10-25 02:30 +01:00", "2026-10-25T01:30:00+00:00"),
    ],
)
def test_time_answers_that_parse(text: str, expected: str) -> None:
    assert parse_time(text).isoformat() == expected


@pytest.mark.parametrize("text", ["14/03/2026 10:15", "10:15", "2026-03-14 24:00", "2026-03-14 10:15 CET"])
def test_unusable_time_is_a_problem_and_the_document_still_renders(text: str) -> None:
    inc = incident(started_at=text)
    assert inc.started_at is None
    assert inc.duration_minutes is None
    messages = [p.message for p in inc.problems if p.field_id == "started_at"]
    assert len(messages) == 1 and "YYYY-MM-DD HH:MM" in messages[0]
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert frontmatter.loads(doc)["date"] == "2026-03-14"  # falls back to the issue's creation date


def test_dst_ambiguous_times_with_offsets_give_the_right_duration() -> None:
    inc = incident(
        started_at="2026-10-25 02:30 +02:00",
        detected_at="2026-10-25 02:45 +01:00",
        resolved_at="2026-10-25T03:10:00+01:00",
        timeline="00:30 start\n01:45 alert",
    )
    assert inc.problems == []
    assert inc.duration_minutes == 100
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert frontmatter.loads(doc)["started_at"] == "2026-10-25T00:30:00Z"


def test_resolved_on_the_next_day() -> None:
    inc = incident(
        started_at="2026-03-14 23:30",
        detected_at="2026-03-14 23:40",
        resolved_at="2026-03-15 01:15",
        timeline="23:30 deploy\n23:55 alert\n00:10 rollback\n01:15 resolved",
    )
    assert inc.problems == []
    assert inc.duration_minutes == 105
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert "**Duration**: 1 hour 45 minutes" in doc
    assert [row[0] for row in timeline_rows(doc)] == [
        "23:30",
        "23:55",
        "2026-03-15 00:10",
        "2026-03-15 01:15",
    ]


def test_resolved_before_detected_is_one_problem_and_duration_still_counts_from_start() -> None:
    inc = incident(detected_at="2026-03-14 10:40", resolved_at="2026-03-14 10:30")
    assert [p.field_id for p in inc.problems] == ["resolved_at"]
    assert inc.duration_minutes == 30
    assert_document_is_sound(render(inc), inc)


def test_resolved_before_started_gives_null_duration() -> None:
    inc = incident(resolved_at="2026-03-14 09:30")
    assert "resolved_at" in [p.field_id for p in inc.problems]
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert frontmatter.loads(doc)["duration_minutes"] is None


# ---------------------------------------------------------------------------------------------------------------
# Timeline lines


@pytest.mark.parametrize(
    ("line", "at", "text"),
    [
        ("10:15 - text", "2026-03-14T10:15:00+00:00", "text"),
        ("10:15: text", "2026-03-14T10:15:00+00:00", "text"),
        ("* 10:15 text", "2026-03-14T10:15:00+00:00", "text"),
        ("- [ ] 10:15 text", "2026-03-14T10:15:00+00:00", "text"),
        ("10:15 AM text", "2026-03-14T10:15:00+00:00", "text"),
        ("10:15 – text", "2026-03-14T10:15:00+00:00", "text"),
        ("10:15 | text", "2026-03-14T10:15:00+00:00", "text"),
        ("2026-03-14 10:15 UTC - text", "2026-03-14T10:15:00+00:00", "text"),
        ("10:15", "2026-03-14T10:15:00+00:00", ""),
    ],
)
def test_timeline_line_formats(line: str, at: str, text: str) -> None:
    events, invalid = parse_timeline(line, REF)
    assert invalid == []
    assert len(events) == 1
    assert events[0].at is not None and events[0].at.isoformat() == at
    assert events[0].text == text


@pytest.mark.parametrize("lines", [["23:50 a", "00:10 b"], ["00:10 b", "23:50 a"]])
def test_timeline_crosses_midnight_in_either_order(lines: list[str]) -> None:
    events, _ = parse_timeline("\n".join(lines), datetime(2026, 3, 14, 23, 40, tzinfo=UTC))
    at = {e.text: e.at for e in events}
    assert at["a"] == datetime(2026, 3, 14, 23, 50, tzinfo=UTC)
    assert at["b"] == datetime(2026, 3, 15, 0, 10, tzinfo=UTC)


def test_timeline_cell_with_pipes_stays_one_cell() -> None:
    doc = render(incident(timeline="10:15 grep 'a|b' | wc -l\n10:20 ok"))
    rows = timeline_rows(doc)
    assert len(rows) == 2
    assert all(len(row) == 4 for row in rows)
    assert rows[0][:2] == ["10:15", "grep 'a|b' | wc -l"]


def test_line_with_only_a_time_renders_an_empty_event_cell() -> None:
    inc = incident(timeline="10:15")
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert timeline_rows(doc) == [["10:15", "", "", ""]]


def test_timeline_pasted_as_markdown_table() -> None:
    pasted = (
        "| Time (UTC) | Event | Action Taken | By Whom |\n"
        "|------------|-------|--------------|---------|\n"
        "| 10:15 | Alert fired | Acknowledged | Engineer A |\n"
        "| 10:32 | Rollback started | `rollback` | Engineer A |"
    )
    events, _ = parse_timeline(pasted, REF)
    assert not any(set(e.text) <= set("|-: ") for e in events), "the delimiter row became an event"
    placed = [(e.at, e.text.split("|")[0].strip()) for e in events if e.at is not None]
    assert placed == [
        (datetime(2026, 3, 14, 10, 15, tzinfo=UTC), "Alert fired"),
        (datetime(2026, 3, 14, 10, 32, tzinfo=UTC), "Rollback started"),
    ]


def test_timeline_numbered_list_keeps_its_times() -> None:
    events, _ = parse_timeline("1. 10:15 Alert fired\n2. 10:32 Rollback", REF)
    assert [(e.time_text, e.text) for e in events] == [("10:15", "Alert fired"), ("10:32", "Rollback")]


def test_timeline_bracketed_chat_log_times() -> None:
    events, _ = parse_timeline("[10:15] Alert fired\n[10:32] Rollback", REF)
    assert [(e.time_text, e.text) for e in events] == [("10:15", "Alert fired"), ("10:32", "Rollback")]


def test_timeline_text_starting_with_a_signed_number_is_text() -> None:
    events, invalid = parse_timeline("10:15 -12 pods evicted", REF)
    assert invalid == []
    assert events[0].at == datetime(2026, 3, 14, 10, 15, tzinfo=UTC)
    assert events[0].text.endswith("12 pods evicted")  # the "-" may be read as the separator


# ---------------------------------------------------------------------------------------------------------------
# Severity and team forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [("🔴 P0 — Critical", "P0"), ("P1 (Major)", "P1"), ("🟥 P0", "P0"), ("p2", "P2"), ("Sev-1", None)],
)
def test_reworded_severity_options(text: str, expected: str | None) -> None:
    assert parse_severity(text) == expected


def test_team_form_with_multiselect_checkboxes_and_render_shell() -> None:
    form = team_form()
    inc = incident(
        form=form,
        severity="🟠 P1 (Major)",
        services_impacted="API, Login",
        comms="- [X] Status page\n- [ ] Email",
        commands="```shell\nkubectl rollout undo deploy/api\n```",
    )
    assert inc.problems == []
    assert inc.severity == "P1"
    assert inc.services_impacted == "API, Login"
    assert checked_options(inc.answers["comms"]) == ["Status page"]
    assert inc.answers["commands"] == "kubectl rollout undo deploy/api"
    assert_document_is_sound(render(inc), inc)


def test_team_extra_severity_option_is_a_problem_with_null_severity() -> None:
    inc = incident(form=team_form(), severity="⚪ P3 — Cosmetic", services_impacted="API")
    assert inc.severity is None
    assert [p.field_id for p in inc.problems] == ["severity"]
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert frontmatter.loads(doc)["severity"] is None
    assert "**Severity**: ⚪ P3 — Cosmetic" in doc


def test_dropdown_option_named_none_is_an_answer() -> None:
    inc = incident(
        form=team_form(data_loss=["None", "Partial", "Total"]), data_loss="None", services_impacted="API"
    )
    assert inc.data_loss == "None"
    assert [p.field_id for p in inc.problems] == []


def test_github_empty_forms_are_empty() -> None:
    inc = incident(root_cause="_No response_", links="_No response_", data_loss="None")
    assert inc.root_cause == "" and inc.answers["links"] == "" and inc.data_loss == ""
    assert [p.field_id for p in inc.problems] == ["data_loss"]
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert "_No response_" not in doc
