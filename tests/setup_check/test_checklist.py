"""The set-up check's pure core: SetupFacts in → Checklist (and the labels to create) out, on real files."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from postmortem.config import Config, parse_config
from postmortem.events import WORKFLOW_TRIGGERS
from postmortem.github.models import Label, WorkflowSettings
from postmortem.plan import CreateLabel
from postmortem.setup_check.check import decide
from postmortem.setup_check.model import ConfigFacts, FileFacts, SetupFacts, WorkflowFacts
from postmortem.setup_check.render import render_checklist
from postmortem.setup_check.workflow import load_workflow
from tests.material import ROOT, material

EXAMPLE = (ROOT / "examples/workflows/postmortem.yml").read_text(encoding="utf-8")
OWN = (ROOT / ".github/workflows/postmortem.yml").read_text(encoding="utf-8")
SELF_TEST = (ROOT / ".github/workflows/self-test.yml").read_text(encoding="utf-8")
FORM = (ROOT / "templates/incident.yml").read_text(encoding="utf-8")
TEMPLATE = (ROOT / "templates/postmortem.md.j2").read_text(encoding="utf-8")
FORM_PATH = ".github/ISSUE_TEMPLATE/incident.yml"
ALL_LABELS = (Label(name="incident"), Label(name="postmortem"), Label(name="action-item"))


def edit(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must occur exactly once) replaced: a variant that silently stays the
    example, after the example changed, would test nothing."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def facts(
    workflow: str | None = EXAMPLE,
    *,
    default_branch: str = "main",
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
        default_branch=default_branch,
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


@pytest.mark.parametrize("branch", ["main", "master", "trunk"])
def test_the_example_passes_everything_it_can_know(branch: str) -> None:
    # Whatever the default branch is called: the example has no `branches:` filter (issue #10, item 3).
    checklist = decide(facts(default_branch=branch))
    assert checklist.problems == ()
    assert checklist.writes == ()
    assert {k: s for k, s in states(checklist).items() if s != "ok"} == {"pull-request-setting": "unknown"}


def test_the_triggers_checked_are_the_ones_the_package_declares() -> None:
    keys = {item.key for item in decide(facts()).items if item.key.startswith("trigger:")}
    assert keys == {f"trigger:{event}" for event in WORKFLOW_TRIGGERS}


def test_this_repositorys_own_workflow_uses_the_action_as_dollar_slash() -> None:
    checklist = decide(facts(OWN))
    assert checklist.item("permissions").state == "ok"
    assert "`postmortem`" in checklist.item("permissions").detail
    assert checklist.problems == ()


def test_the_self_test_dry_run_job_is_read_only() -> None:
    # self-test.yml runs the action (`uses: ./`, after a checkout) with `dry-run: true` in a job that may only
    # read: run from there, the check finds the local action and says, scope by scope, that a real run would fail.
    item = decide(facts(SELF_TEST)).item("permissions")
    assert item.state == "failed"
    for scope in ("contents", "pull-requests", "issues", "statuses"):
        assert f"`{scope}: write`" in item.detail
    assert "job `dry-run`" in item.fix


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
        edit(
            EXAMPLE,
            "      statuses: write # the sign-off commit status on the pull request's head commit\n",
            "",
        ),
        None,
        "failed",
        ["`statuses: write`", "sign-off commit status"],
    ),
    (
        "statuses read",
        edit(EXAMPLE, "      statuses: write", "      statuses: read"),
        None,
        "failed",
        ["`statuses: write`"],
    ),
    (
        "job read-all",
        edit(EXAMPLE, JOB_PERMISSIONS, "    permissions: read-all\n"),
        None,
        "failed",
        ["`contents: write`", "`issues: write`"],
    ),
    (
        "workflow write-all, none on the job",
        edit(_without_job_permissions(EXAMPLE), "permissions: {}", "permissions: write-all"),
        None,
        "ok",
        [],
    ),
    (
        "workflow {} and none on the job",
        _without_job_permissions(EXAMPLE),
        None,
        "failed",
        ["the workflow (used by job `postmortem`)", "`contents: write`"],
    ),
    (
        "none anywhere, default unknown",
        edit(_without_job_permissions(EXAMPLE), "permissions: {}\n", ""),
        None,
        "unknown",
        ["Administration: read"],
    ),
    (
        "none anywhere, default write",
        edit(_without_job_permissions(EXAMPLE), "permissions: {}\n", ""),
        WorkflowSettings(default_workflow_permissions="write", can_approve_pull_request_reviews=True),
        "ok",
        [],
    ),
    (
        "none anywhere, default read",
        edit(_without_job_permissions(EXAMPLE), "permissions: {}\n", ""),
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
        edit(EXAMPLE, "your-org/postmortem-action@", "acme-forks/postmortem-action@"),
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
    text = edit(
        edit(EXAMPLE, "      issues: write", "      issues: read"),
        "      statuses: write",
        "      statuses: none",
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

PUSH = '  push:\n    paths: ["postmortems/**"]'
SCHEDULE = '  schedule:\n    - cron: "17 6 * * *" # daily catch-up and follow-through reminders\n'
TASK_OPTIONS = "        options: [reconcile, remind, check]\n"
DISPATCH_INPUTS = (
    "    inputs:\n      task:\n"
    '        description: "reconcile: sync every post-mortem (the daily run); remind: the follow-through '
    'reminders; check: check this installation and report a checklist"\n'
    f"        type: choice\n{TASK_OPTIONS}        default: reconcile\n"
)
ISSUE_COMMENT = (
    "  issue_comment: # zizmor: ignore[dangerous-triggers]\n    types: [created, edited, deleted]\n"
)

TRIGGER_CASES = [
    # (name, workflow text, config, default branch, key, expected state, words in detail)
    (
        "pull_request without types runs only for opened, synchronize, reopened",
        edit(
            EXAMPLE,
            "  pull_request:\n    types: [opened, ready_for_review, synchronize, closed, reopened, converted_to_draft]\n",
            "  pull_request:\n",
        ),
        None,
        "main",
        "trigger:pull_request",
        "failed",
        ["ready_for_review, closed, converted_to_draft"],
    ),
    (
        "issues without labeled",
        edit(EXAMPLE, "types: [opened, edited, labeled, closed, reopened]", "types: [opened, edited]"),
        None,
        "main",
        "trigger:issues",
        "failed",
        ["labeled, closed, reopened"],
    ),
    (
        "issues without types runs for every type",
        edit(EXAMPLE, "  issues:\n    types: [opened, edited, labeled, closed, reopened]\n", "  issues:\n"),
        None,
        "main",
        "trigger:issues",
        "ok",
        [],
    ),
    (
        "issue_comment without deleted",
        edit(EXAMPLE, ISSUE_COMMENT, "  issue_comment:\n    types: [created, edited]\n"),
        None,
        "main",
        "trigger:issue_comment",
        "failed",
        ["not for deleted", "timeline"],
    ),
    (
        "review trigger missing",
        edit(EXAMPLE, "  pull_request_review:\n    types: [submitted, dismissed]\n", ""),
        None,
        "main",
        "trigger:pull_request_review",
        "failed",
        ["does not run on `pull_request_review`", "sign-off"],
    ),
    ("push as shipped on a default branch named master", EXAMPLE, None, "master", "trigger:push", "ok", []),
    (
        "push on main only while the default branch is master",
        edit(EXAMPLE, PUSH, "  push:\n    branches: [main]\n" + PUSH[len("  push:\n") :]),
        None,
        "master",
        "trigger:push",
        "failed",
        ["leaves out the default branch master"],
    ),
    (
        "push on main while the default branch is main",
        edit(EXAMPLE, PUSH, "  push:\n    branches: [main]\n" + PUSH[len("  push:\n") :]),
        None,
        "main",
        "trigger:push",
        "ok",
        [],
    ),
    (
        "push on a glob that covers main",
        edit(EXAMPLE, PUSH, "  push:\n    branches: ['**']\n" + PUSH[len("  push:\n") :]),
        None,
        "main",
        "trigger:push",
        "ok",
        [],
    ),
    (
        "push with main excluded again",
        edit(EXAMPLE, PUSH, "  push:\n    branches: ['*', '!main']\n" + PUSH[len("  push:\n") :]),
        None,
        "main",
        "trigger:push",
        "failed",
        ["`branches:` filter leaves out the default branch main"],
    ),
    (
        "push ignoring the default branch",
        edit(EXAMPLE, PUSH, "  push:\n    branches-ignore: [master]\n" + PUSH[len("  push:\n") :]),
        None,
        "master",
        "trigger:push",
        "failed",
        ["`branches-ignore:` filter leaves out the default branch master"],
    ),
    (
        "push filtering only tags runs for no branch",
        edit(EXAMPLE, PUSH, "  push:\n    tags: ['v*']\n" + PUSH[len("  push:\n") :]),
        None,
        "main",
        "trigger:push",
        "failed",
        ["filters only tags", "not even to main"],
    ),
    (
        "push filtering tags and branches",
        edit(EXAMPLE, PUSH, "  push:\n    tags: ['v*']\n    branches: ['**']\n" + PUSH[len("  push:\n") :]),
        None,
        "main",
        "trigger:push",
        "ok",
        [],
    ),
    (
        "push paths not following a changed directory",
        EXAMPLE,
        parse_config("directory: docs/incidents\n"),
        "main",
        "trigger:push",
        "failed",
        ["`paths:` filter leaves out `docs/incidents/`"],
    ),
    (
        "push paths following the directory",
        edit(EXAMPLE, 'paths: ["postmortems/**"]', 'paths: ["docs/incidents/*.md"]'),
        parse_config("directory: docs/incidents\n"),
        "main",
        "trigger:push",
        "ok",
        [],
    ),
    (
        "push ignoring the post-mortems",
        edit(EXAMPLE, 'paths: ["postmortems/**"]', 'paths-ignore: ["**.md"]'),
        None,
        "main",
        "trigger:push",
        "failed",
        ["`paths-ignore:`"],
    ),
    # GitHub's parser accepts each of these schedules and runs none of them: only `- cron:` entries are scheduled.
    (
        "schedule with no value",
        edit(EXAMPLE, SCHEDULE, "  schedule:\n"),
        None,
        "main",
        "trigger:schedule",
        "failed",
        ["no `cron:`", "never schedules"],
    ),
    (
        "schedule as an empty list",
        edit(EXAMPLE, SCHEDULE, "  schedule: []\n"),
        None,
        "main",
        "trigger:schedule",
        "failed",
        ["no `cron:`"],
    ),
    (
        "schedule with an empty cron",
        edit(EXAMPLE, SCHEDULE, '  schedule:\n    - cron: ""\n'),
        None,
        "main",
        "trigger:schedule",
        "failed",
        ["no `cron:`"],
    ),
    (
        "schedule named in a list of events",
        "on: [schedule]\njobs: {}\n",
        None,
        "main",
        "trigger:schedule",
        "failed",
        ["no `cron:`"],
    ),
    (
        "schedule with two crons",
        edit(EXAMPLE, SCHEDULE, '  schedule:\n    - cron: "0 6 * * 1"\n    - cron: "0 6 * * 4"\n'),
        None,
        "main",
        "trigger:schedule",
        "ok",
        [],
    ),
    (
        "workflow_dispatch without the task input",
        edit(EXAMPLE, DISPATCH_INPUTS, ""),
        None,
        "main",
        "trigger:workflow_dispatch",
        "failed",
        ["lacks reconcile, remind, check"],
    ),
    (
        "a task input without check",
        edit(EXAMPLE, TASK_OPTIONS, "        options: [reconcile, remind]\n"),
        None,
        "main",
        "trigger:workflow_dispatch",
        "failed",
        ["lacks check"],
    ),
    (
        "on as a list",
        "on: [issues, pull_request, workflow_dispatch]\njobs: {}\n",
        None,
        "main",
        "trigger:pull_request",
        "failed",
        ["runs only for opened, synchronize, reopened"],
    ),
    (
        "on as one string",
        "on: workflow_dispatch\njobs: {}\n",
        None,
        "main",
        "trigger:issues",
        "failed",
        ["does not run on `issues`"],
    ),
]


@pytest.mark.parametrize(
    ("text", "config", "branch", "key", "state", "words"),
    [case[1:] for case in TRIGGER_CASES],
    ids=[case[0] for case in TRIGGER_CASES],
)
def test_triggers(
    text: str, config: Config | None, branch: str, key: str, state: str, words: list[str]
) -> None:
    item = decide(facts(text, config=config, default_branch=branch)).item(key)
    assert item.state == state, item
    for word in words:
        assert word in item.detail
    if state == "failed":
        assert "examples/workflows/postmortem.yml" in item.fix


def test_a_missing_trigger_gets_the_yaml_to_add() -> None:
    item = decide(facts(edit(EXAMPLE, ISSUE_COMMENT, ""))).item("trigger:issue_comment")
    assert item.state == "failed"
    assert "issue_comment:\n    types: [created, edited, deleted]" in item.fix


@pytest.mark.parametrize("event", list(WORKFLOW_TRIGGERS))
@pytest.mark.parametrize("directory", ["postmortems", "docs/incidents"])
def test_the_yaml_a_missing_trigger_gets_is_what_the_check_wants(event: str, directory: str) -> None:
    # Each trigger dropped from the example, then the fix's YAML pasted under `on:`: the trigger passes.
    config = parse_config(f"directory: {directory}\n")
    workflow = load_workflow(EXAMPLE)
    workflow["on"]["push"]["paths"] = [f"{directory}/**"]  # as the example's comment says to
    del workflow["on"][event]
    item = decide(facts(yaml.safe_dump(workflow), config=config)).item(f"trigger:{event}")
    assert item.state == "failed"
    snippet = item.fix.split("```yaml\n", 1)[1].split("```", 1)[0]
    workflow["on"].update(yaml.safe_load(snippet))
    fixed = decide(facts(yaml.safe_dump(workflow), config=config))
    assert fixed.item(f"trigger:{event}").state == "ok", fixed.item(f"trigger:{event}")
    assert fixed.problems == ()


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
    text = edit(EXAMPLE, "      statuses: write", "      statuses: read")
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
