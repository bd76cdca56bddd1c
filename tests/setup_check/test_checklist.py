"""The set-up check's pure core: SetupFacts in → Checklist (and the labels to create) out, on real files."""

from __future__ import annotations

from typing import Any

import pytest

from postmortem.config import Config, parse_config
from postmortem.github.models import Label, WorkflowSettings
from postmortem.plan import CreateLabel
from postmortem.setup_check.check import decide
from postmortem.setup_check.model import ConfigFacts, FileFacts, SetupFacts, WorkflowFacts
from postmortem.setup_check.render import render_checklist
from tests.material import ROOT, material

EXAMPLE = (ROOT / "examples/workflows/postmortem.yml").read_text(encoding="utf-8")
OWN = (ROOT / ".github/workflows/postmortem.yml").read_text(encoding="utf-8")
CI = (ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8")
FORM = (ROOT / "templates/incident.yml").read_text(encoding="utf-8")
TEMPLATE = (ROOT / "templates/postmortem.md.j2").read_text(encoding="utf-8")
FORM_PATH = ".github/ISSUE_TEMPLATE/incident.yml"
ALL_LABELS = (Label(name="incident"), Label(name="postmortem"), Label(name="action-item"))
TASK_INPUT = """  workflow_dispatch:
    inputs:
      task:
        type: choice
        default: reconcile
        options: [reconcile, remind, check]
  issue_comment:
    types: [created, edited, deleted]
"""
COMPLETE = EXAMPLE.replace("  workflow_dispatch:\n", TASK_INPUT)
"""The example with the triggers issue #10 adds (the `task` input, `issue_comment`), whatever its current state."""


def facts(
    workflow: str | None = COMPLETE,
    *,
    config: Config | None = None,
    config_file: ConfigFacts | None = None,
    labels: tuple[Label, ...] = ALL_LABELS,
    form: str | None = FORM,
    template: FileFacts | None = None,
    actions: WorkflowSettings | None = None,
    problem: str | None = None,
) -> SetupFacts:
    return SetupFacts(
        repository="acme/shop",
        default_branch="main",
        config=config or Config(),
        config_file=config_file or ConfigFacts(path=".github/postmortem.yml", exists=False),
        labels=labels,
        form=FileFacts(path=(config or Config()).form, text=form),
        template=template,
        workflow=WorkflowFacts(
            path=".github/workflows/postmortem.yml", ref="refs/heads/main", text=workflow, problem=problem
        ),
        actions=actions,
    )


def states(checklist: Any) -> dict[str, str]:
    return {item.key: item.state for item in checklist.items}


# ---------------------------------------------------------------------------------------------- whole files


def test_the_complete_example_passes_everything_it_can_know() -> None:
    checklist = decide(facts())
    assert checklist.problems == ()
    assert checklist.writes == ()
    assert {k: s for k, s in states(checklist).items() if s != "ok"} == {"pull-request-setting": "unknown"}


def test_the_example_as_shipped_fails_at_most_on_the_triggers_issue_10_adds() -> None:
    # The adopter's half of #10 adds the `task` input and `issue_comment` to the example; until both are merged,
    # these two (and only these) may fail.
    failing = {item.key for item in decide(facts(EXAMPLE)).problems}
    assert failing <= {"trigger:workflow_dispatch", "trigger:issue_comment"}


def test_this_repositorys_own_workflow_uses_the_action_as_dollar_slash() -> None:
    item = decide(facts(OWN)).item("permissions")
    assert item.state == "ok"
    assert "`postmortem`" in item.detail


def test_the_ci_smoke_test_job_has_read_only_contents() -> None:
    # ci.yml runs the action (`uses: $/`, dry run) in a job with `contents: read` only: a real run there would fail.
    item = decide(facts(CI)).item("permissions")
    assert item.state == "failed"
    for scope in ("contents", "pull-requests", "issues", "statuses"):
        assert f"`{scope}: write`" in item.detail
    assert "job `action`" in item.fix


# ---------------------------------------------------------------------------------------------- permissions

JOB_PERMISSIONS = """    permissions:
      contents: write # create the postmortem/incident-N branch and commit the document
      pull-requests: write # open the draft pull request, label it, request reviewers, update its body
      issues: write # comment on the incident, create labels, open and update action-item issues
      statuses: write # the sign-off commit status on the pull request's head commit
"""


def _without_job_permissions(text: str) -> str:
    assert JOB_PERMISSIONS in text
    return text.replace(JOB_PERMISSIONS, "")


PERMISSION_CASES = [
    # (name, workflow text, settings, expected state, words in detail)
    (
        "statuses dropped",
        COMPLETE.replace(
            "      statuses: write # the sign-off commit status on the pull request's head commit\n", ""
        ),
        None,
        "failed",
        ["`statuses: write`", "sign-off commit status"],
    ),
    (
        "statuses read",
        COMPLETE.replace("      statuses: write", "      statuses: read"),
        None,
        "failed",
        ["`statuses: write`"],
    ),
    (
        "job read-all",
        COMPLETE.replace(JOB_PERMISSIONS, "    permissions: read-all\n"),
        None,
        "failed",
        ["`contents: write`", "`issues: write`"],
    ),
    (
        "workflow write-all, none on the job",
        _without_job_permissions(COMPLETE).replace("permissions: {}", "permissions: write-all"),
        None,
        "ok",
        [],
    ),
    (
        "workflow {} and none on the job",
        _without_job_permissions(COMPLETE),
        None,
        "failed",
        ["the workflow (used by job `postmortem`)", "`contents: write`"],
    ),
    (
        "none anywhere, default unknown",
        _without_job_permissions(COMPLETE).replace("permissions: {}\n", ""),
        None,
        "unknown",
        ["Administration: read"],
    ),
    (
        "none anywhere, default write",
        _without_job_permissions(COMPLETE).replace("permissions: {}\n", ""),
        WorkflowSettings(default_workflow_permissions="write", can_approve_pull_request_reviews=True),
        "ok",
        [],
    ),
    (
        "none anywhere, default read",
        _without_job_permissions(COMPLETE).replace("permissions: {}\n", ""),
        WorkflowSettings(default_workflow_permissions="read", can_approve_pull_request_reviews=True),
        "failed",
        ["read-only"],
    ),
    (
        "a reusable workflow runs the action",
        "on: workflow_dispatch\njobs:\n  pm:\n    uses: acme/infra/.github/workflows/postmortem.yml@v1\n",
        None,
        "unknown",
        ["No step"],
    ),
    (
        "a fork of the action under the same name",
        COMPLETE.replace("your-org/postmortem-action@", "acme-forks/postmortem-action@"),
        None,
        "ok",
        [],
    ),
]


@pytest.mark.parametrize(
    ("text", "settings", "state", "words"),
    [case[1:] for case in PERMISSION_CASES],
    ids=[case[0] for case in PERMISSION_CASES],
)
def test_job_permissions(text: str, settings: WorkflowSettings | None, state: str, words: list[str]) -> None:
    item = decide(facts(text, actions=settings)).item("permissions")
    assert item.state == state, item
    for word in words:
        assert word in item.detail
    if state != "ok":
        assert item.fix


def test_the_fix_lists_exactly_the_missing_scopes_as_yaml() -> None:
    text = COMPLETE.replace("      issues: write", "      issues: read").replace(
        "      statuses: write", "      statuses: none"
    )
    fix = decide(facts(text)).item("permissions").fix
    assert "```yaml\nissues: write\nstatuses: write\n```" in fix
    assert "contents: write" not in fix


def test_an_unreadable_workflow_leaves_permissions_and_triggers_unknown() -> None:
    checklist = decide(
        facts(None, problem="`.github/workflows/postmortem.yml` was not found at refs/heads/main")
    )
    assert states(checklist)["permissions"] == "unknown"
    assert states(checklist)["triggers"] == "unknown"
    assert "not found" in checklist.item("triggers").detail
    assert checklist.problems == ()


def test_a_workflow_that_is_not_yaml_is_unknown_not_a_crash() -> None:
    checklist = decide(facts("on: [push\njobs: {"))
    assert checklist.item("permissions").state == "unknown"
    assert "not valid YAML" in checklist.item("permissions").detail


# ---------------------------------------------------------------------------------------------- triggers

TRIGGER_CASES = [
    # (name, workflow text, config, key, expected state, words in detail)
    (
        "pull_request without types runs only for opened, synchronize, reopened",
        COMPLETE.replace(
            "  pull_request:\n    types: [opened, ready_for_review, synchronize, closed, reopened, converted_to_draft]\n",
            "  pull_request:\n",
        ),
        None,
        "trigger:pull_request",
        "failed",
        ["ready_for_review, closed, converted_to_draft"],
    ),
    (
        "issues without labeled",
        COMPLETE.replace("types: [opened, edited, labeled, closed, reopened]", "types: [opened, edited]"),
        None,
        "trigger:issues",
        "failed",
        ["labeled, closed, reopened"],
    ),
    (
        "issues without types runs for every type",
        COMPLETE.replace(
            "  issues:\n    types: [opened, edited, labeled, closed, reopened]\n", "  issues:\n"
        ),
        None,
        "trigger:issues",
        "ok",
        [],
    ),
    (
        "review trigger missing",
        COMPLETE.replace("  pull_request_review:\n    types: [submitted, dismissed]\n", ""),
        None,
        "trigger:pull_request_review",
        "failed",
        ["does not run on `pull_request_review`", "sign-off"],
    ),
    (
        "push on master only while the default branch is main",
        COMPLETE.replace("branches: [main]", "branches: [master]"),
        None,
        "trigger:push",
        "failed",
        ["leaves out the default branch main"],
    ),
    (
        "push on every branch",
        COMPLETE.replace("    branches: [main] # your default branch\n", ""),
        None,
        "trigger:push",
        "ok",
        [],
    ),
    (
        "push on a glob that covers main",
        COMPLETE.replace("branches: [main]", "branches: ['**']"),
        None,
        "trigger:push",
        "ok",
        [],
    ),
    (
        "push with main excluded again",
        COMPLETE.replace("branches: [main]", "branches: ['*', '!main']"),
        None,
        "trigger:push",
        "failed",
        ["leaves out the default branch"],
    ),
    (
        "push paths not following a changed directory",
        COMPLETE,
        parse_config("directory: docs/incidents\n"),
        "trigger:push",
        "failed",
        ["`paths:` filter leaves out `docs/incidents/`"],
    ),
    (
        "push paths following the directory",
        COMPLETE.replace('paths: ["postmortems/**"]', 'paths: ["docs/incidents/*.md"]'),
        parse_config("directory: docs/incidents\n"),
        "trigger:push",
        "ok",
        [],
    ),
    (
        "push ignoring the post-mortems",
        COMPLETE.replace('paths: ["postmortems/**"]', 'paths-ignore: ["**.md"]'),
        None,
        "trigger:push",
        "failed",
        ["`paths-ignore:`"],
    ),
    (
        "schedule without a cron",
        COMPLETE.replace('  schedule:\n    - cron: "17 6 * * *" # daily catch-up\n', "  schedule:\n"),
        None,
        "trigger:schedule",
        "failed",
        ["no `cron:`"],
    ),
    (
        "workflow_dispatch without the task input",
        COMPLETE.replace(TASK_INPUT, "  workflow_dispatch:\n  issue_comment:\n"),
        None,
        "trigger:workflow_dispatch",
        "failed",
        ["lacks reconcile, remind, check"],
    ),
    (
        "on as a list",
        "on: [issues, pull_request, workflow_dispatch]\njobs: {}\n",
        None,
        "trigger:pull_request",
        "failed",
        ["runs only for opened, synchronize, reopened"],
    ),
    (
        "on as one string",
        "on: workflow_dispatch\njobs: {}\n",
        None,
        "trigger:issues",
        "failed",
        ["does not run on `issues`"],
    ),
]


@pytest.mark.parametrize(
    ("text", "config", "key", "state", "words"),
    [case[1:] for case in TRIGGER_CASES],
    ids=[case[0] for case in TRIGGER_CASES],
)
def test_triggers(text: str, config: Config | None, key: str, state: str, words: list[str]) -> None:
    item = decide(facts(text, config=config)).item(key)
    assert item.state == state, item
    for word in words:
        assert word in item.detail
    if state == "failed":
        assert "examples/workflows/postmortem.yml" in item.fix


def test_a_missing_trigger_gets_the_yaml_to_add() -> None:
    text = COMPLETE.replace("  issue_comment:\n    types: [created, edited, deleted]\n", "")
    item = decide(facts(text)).item("trigger:issue_comment")
    assert item.state == "failed"
    assert "issue_comment:\n    types: [created, edited, deleted]" in item.fix


# ---------------------------------------------------------------------------------------------- labels


def test_missing_labels_are_created_with_colours_and_count_as_fixed() -> None:
    checklist = decide(facts(labels=(Label(name="Incident"),)))  # GitHub's names are case-insensitive
    assert checklist.writes == (
        CreateLabel(name="postmortem", color="5319e7", description="A post-mortem pull request"),
        CreateLabel(name="action-item", color="0e8a16", description="Tracks an action item of a post-mortem"),
    )
    item = checklist.item("labels")
    assert item.state == "failed" and item.fixed_by_this_run
    assert checklist.problems == ()


def test_renamed_labels_and_the_forms_other_labels_are_checked() -> None:
    config = parse_config("incident_label: sev\npostmortem_label: pm\naction_items:\n  label: follow-up\n")
    form = FORM.replace("labels: [incident]", "labels: [sev, triage]")
    checklist = decide(facts(config=config, form=form, labels=(Label(name="sev"),)))
    assert [(w.name, w.color) for w in checklist.writes] == [
        ("pm", "5319e7"),
        ("follow-up", "0e8a16"),
        ("triage", "ededed"),
    ]


def test_all_labels_present_means_no_write() -> None:
    item = decide(facts()).item("labels")
    assert item.state == "ok" and "`incident`, `postmortem`, `action-item` exist" in item.detail


# ---------------------------------------------------------------------------------------------- form


def test_the_shipped_form_is_complete() -> None:
    assert decide(facts()).item("form").state == "ok"


def test_no_form_says_where_to_copy_it_from() -> None:
    item = decide(facts(form=None)).item("form")
    assert item.state == "failed"
    assert "templates/incident.yml" in item.fix and FORM_PATH in item.fix
    assert "`form:`" not in item.fix


def test_a_form_path_in_the_config_that_does_not_exist_mentions_the_key() -> None:
    item = decide(facts(config=parse_config("form: .github/ISSUE_TEMPLATE/pm.yml\n"), form=None)).item("form")
    assert ".github/ISSUE_TEMPLATE/pm.yml" in item.detail and "`form:`" in item.fix


def test_a_form_without_the_incident_label_starts_nothing() -> None:
    item = decide(facts(form=FORM.replace("labels: [incident]\n", ""))).item("form")
    assert item.state == "failed"
    assert "does not apply the `incident` label" in item.detail
    assert "`labels: [incident]`" in item.fix


def test_a_real_postmortem_form_lacks_the_known_ids() -> None:
    text = material("issue_forms", "portefaix__portefaix-postmortems__postmortem.yml").read_text()
    item = decide(facts(form=text, config=parse_config("incident_label: kind/postmortem\n"))).item("form")
    assert item.state == "failed"
    for field_id in ("`severity`", "`started_at`", "`resolved_at`", "`timeline`"):
        assert field_id in item.detail


def test_an_optional_id_left_out_is_only_noted() -> None:
    text = FORM.replace("id: root_cause", "id: why")
    item = decide(facts(form=text)).item("form")
    assert item.state == "ok" and "`root_cause`" in item.detail


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name: x\nbody: [\n", "not valid YAML"),
        ("name: Incident\nbody: []\n", "has no body"),
        ("- a\n- b\n", "must be a mapping"),
    ],
)
def test_a_broken_form_is_reported_with_the_readers_message(text: str, words: str) -> None:
    item = decide(facts(form=text)).item("form")
    assert item.state == "failed" and words in item.detail


# ---------------------------------------------------------------------------------------------- config, template


def test_an_invalid_config_is_a_problem_with_the_validators_message() -> None:
    error = (
        '.github/postmortem.yml is invalid: directory = "..": use a relative folder inside the repository.'
    )
    item = decide(
        facts(config_file=ConfigFacts(path=".github/postmortem.yml", exists=True, error=error))
    ).item("config")
    assert item.state == "failed" and item.detail == error and "used the defaults" in item.fix


def test_a_valid_config_file() -> None:
    item = decide(facts(config_file=ConfigFacts(path="ops/pm.yml", exists=True))).item("config")
    assert item.state == "ok" and "`ops/pm.yml` is valid" in item.detail


@pytest.mark.parametrize(
    ("template", "state", "words"),
    [
        (None, "ok", "built-in"),
        (FileFacts(path=".github/pm.md.j2", text=TEMPLATE), "ok", "renders the sample incident"),
        (FileFacts(path=".github/pm.md.j2"), "failed", "no such file"),
        (FileFacts(path=".github/pm.md.j2", text="# {{ incident.nope }}\n"), "failed", ".github/pm.md.j2"),
        (FileFacts(path=".github/pm.md.j2", text="{% for x in %}\n"), "failed", "line 1"),
        (FileFacts(path=".github/pm.md.j2", error="not UTF-8 text"), "failed", "not UTF-8"),
    ],
)
def test_template(template: FileFacts | None, state: str, words: str) -> None:
    item = decide(facts(template=template)).item("template")
    assert item.state == state, item
    assert words in item.detail


# ---------------------------------------------------------------------------------------------- PR setting, render


@pytest.mark.parametrize(
    ("settings", "state", "words"),
    [
        (None, "unknown", "Unknown (needs Administration: read"),
        (
            WorkflowSettings(default_workflow_permissions="read", can_approve_pull_request_reviews=True),
            "ok",
            "is on",
        ),
        (
            WorkflowSettings(default_workflow_permissions="read", can_approve_pull_request_reviews=False),
            "ok",
            "restricts only the workflow's GITHUB_TOKEN",
        ),
    ],
)
def test_pull_request_setting(settings: WorkflowSettings | None, state: str, words: str) -> None:
    item = decide(facts(actions=settings)).item("pull-request-setting")
    assert item.state == state and words in item.detail


def test_the_markdown_checklist_has_an_icon_and_a_fix_per_item() -> None:
    text = COMPLETE.replace("      statuses: write", "      statuses: read")
    markdown = render_checklist(decide(facts(text, labels=())), "acme/shop")
    assert markdown.startswith("### Post-mortem set-up check for acme/shop: 1 problem(s) to fix\n")
    assert "- ❌ **Job permissions**:" in markdown
    assert "- ❌ **Labels**: Missing: `incident`, `postmortem`, `action-item`." in markdown
    assert "- ❔ **GitHub Actions may create pull requests**" in markdown
    assert "- ✅ **Trigger `issues`**" in markdown
    assert markdown.count("**Fix:**") == 3
    bullets = [line for line in markdown.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(decide(facts()).items)


def test_a_complete_set_up_reads_as_such() -> None:
    settings = WorkflowSettings(default_workflow_permissions="read", can_approve_pull_request_reviews=True)
    assert (
        "everything is in place"
        in render_checklist(decide(facts(actions=settings)), "acme/shop").splitlines()[0]
    )


def test_the_readme_documents_every_item_of_the_checklist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Check your set-up", 1)[1].split("\n## ", 1)[0]
    for item in decide(facts()).items:
        title = "Triggers" if item.key.startswith("trigger:") else item.title
        assert f"| {title} |" in section, title
    for event in (
        "issues",
        "pull_request",
        "pull_request_review",
        "push",
        "schedule",
        "workflow_dispatch",
        "issue_comment",
    ):
        assert f"`{event}`" in section, event
