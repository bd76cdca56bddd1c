"""Adopting the action: what a maintainer copies from the README (form, workflow, config, template) and the
first-run failures they hit, run through ``postmortem run`` / ``postmortem preview`` as the workflow runs them.

Each test pins what an adopter meets; the problems this review found are fixed and pinned here too.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from fake_github import FakeGitHub
from harness import issue_body, issue_payload, pull_request_payload, push_payload

from postmortem.cli import main

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
WORKFLOW_TEXT = (ROOT / "examples" / "workflows" / "postmortem.yml").read_text(encoding="utf-8")
TITLE = "[Incident]: Umbrella API outage after migration"
DOC = "postmortems/2025-11-17-umbrella-api-outage-after-migration.md"


def _readme_section(heading: str) -> str:
    start = README.index(heading)
    following = re.search(r"^#{2,3} ", README[start + len(heading) :], re.MULTILINE)
    return README[start : start + len(heading) + (following.start() if following else len(README))]


def _readme_yaml(heading: str) -> str:
    match = re.search(r"```yaml\n(.*?)```", _readme_section(heading), re.DOTALL)
    assert match, heading
    return match.group(1)


def _env(
    tmp_path: Path, fake: FakeGitHub, name: str, payload: dict[str, Any], **extra: str
) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    for file in ("output", "summary"):
        (tmp_path / file).write_text("", encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": name,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_TOKEN": "test-token",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }
    env.update(extra)
    return env


def _run(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, env=env or {}, out=out, pace=False)
    return code, out.getvalue()


def _errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith("::error")]


def _one_clear_error(code: int, log: str) -> str:
    """Exit 1, exactly one ``::error::`` line, no traceback; returns that line."""
    assert code == 1, log
    assert "Traceback" not in log and "Unexpected error" not in log, log
    errors = _errors(log)
    assert len(errors) == 1, errors
    return errors[0]


def _open_incident(
    fake: FakeGitHub, tmp_path: Path, *, labels: tuple[str, ...] = ("incident",), **extra: str
) -> tuple[int, str]:
    fake.set_permission("mona", "write")
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=list(labels), user="mona")
    return _run(["run"], _env(tmp_path, fake, "issues", issue_payload(fake, item.number), **extra))


# --------------------------------------------------------------------------------------------------------------
# 1. README honesty


EVERY_VARIABLE_AND_FILTER = """\
N={{ number }} T={{ title | inline }} U={{ url }} A={{ author }} D={{ date }}
S={{ severity }} ST={{ severity_text | inline }} STATUS={{ status }}
STARTED={{ started }} DETECTED={{ detected }} RESOLVED={{ resolved }}
DUR={{ duration }} MIN={{ duration_minutes }}
{% for e in timeline %}TL {{ e.time | cell }} | {{ e.text | cell }} | {{ e.at | utc }}
{% endfor %}
{% for r in roles %}ROLE {{ r.id }} {{ r.title | inline }}
{% endfor %}
ANS={{ answers.summary | inline }}
FM={{ frontmatter.incident }} {{ frontmatter.status }}
I={{ incident.number }} {{ incident.title | inline }} {{ incident.url }} {{ incident.author }}
I.created={{ incident.created_at | utc }} I.sev={{ incident.severity }} {{ incident.severity_text | inline }}
I.times={{ incident.started_at | utc }} / {{ incident.detected_at | utc }} / {{ incident.resolved_at | utc }}
I.ua={{ incident.users_affected | nested("[users]") }}
I.si={{ incident.services_impacted | nested("[services]") }}
I.ux={{ incident.user_experience | inline }} I.dl={{ incident.data_loss | inline }}
{% for e in incident.timeline %}ITL {{ e.time_text | inline }} {{ e.text | cell }} {{ e.at | utc }}
{% endfor %}
I.rc:
{{ incident.root_cause | quote }}
I.res:
{{ incident.resolution | block }}
I.ans={{ incident.answers | length }} I.problems={{ incident.problems | length }}
I.dur={{ incident.duration_minutes | duration }}
"""


def test_readme_config_example_renders_a_working_run(tmp_path: Path, fake: FakeGitHub) -> None:
    """The Configuration example copied verbatim: valid, and a first run with it opens the draft PR."""
    config = _readme_yaml("### Configuration")
    fake.add_file("main", ".github/postmortem.yml", config)
    fake.add_file("main", ".github/postmortem.md.j2", "# {{ title | inline }}\n")
    fake.set_permission("alice", "write")
    fake.set_permission("bob", "write")
    fake.add_team("org/sre", ["dave"], readable=False)
    code, log = _open_incident(fake, tmp_path)
    assert code == 0, log
    (pull,) = fake.pulls()
    assert pull.labels == ["postmortem"] and pull.draft
    assert set(pull.requested_reviewers) == {"alice", "bob"}


def test_readme_config_error_format_is_what_the_run_prints(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file(
        "main", ".github/postmortem.yml", 'signoff:\n  roles:\n    - {id: cto, title: CTO, user: ["x"]}\n'
    )
    code, log = _open_incident(fake, tmp_path)
    error = _one_clear_error(code, log)
    documented = re.search(r"\(`(signoff\.roles\[0\]\.user = .*?)`\)", README)
    assert documented is not None
    assert documented.group(1) in error
    assert fake.writes == []


def test_custom_template_with_every_documented_variable_and_filter(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/postmortem.yml", "template: .github/postmortem.md.j2\n")
    fake.add_file("main", ".github/postmortem.md.j2", EVERY_VARIABLE_AND_FILTER)
    code, log = _open_incident(fake, tmp_path)
    assert code == 0, log
    text = fake.file_text("postmortem/incident-1", DOC)
    assert text is not None and text.startswith("---\nincident: 1\n")
    assert "T=Umbrella API outage after migration" in text  # the form's prefix is gone
    assert "STATUS=Draft" in text and "FM=1 Draft" in text
    assert "ROLE incident-commander Incident Commander" in text
    assert re.search(r"STARTED=\d{4}-\d\d-\d\d \d\d:\d\d UTC", text)
    assert "TL " in text and "ITL " in text


def test_readme_documents_every_variable_the_template_gets_and_vice_versa() -> None:
    from postmortem.incident.render import _VARIABLE_NAMES, FILTERS

    table = _readme_section("### Custom templates")
    for name in _VARIABLE_NAMES:
        assert f"`{name}`" in table, name
    for name in FILTERS:
        assert f"`{name}" in table, name


def test_user_text_is_data_not_template_source(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.set_permission("mona", "write")
    item = fake.add_issue("[Incident]: {{ 7*7 }}", issue_body("full.md"), labels=["incident"], user="mona")
    code, log = _run(["run"], _env(tmp_path, fake, "issues", issue_payload(fake, item.number)))
    assert code == 0, log
    (path,) = [p for p in fake.files("postmortem/incident-1") if p.startswith("postmortems/")]
    text = fake.file_text("postmortem/incident-1", path) or ""
    assert "# Post-Mortem: {{ 7*7 }}\n" in text and "49" not in text


def test_documented_request_budget_of_the_incident_flow(tmp_path: Path, fake: FakeGitHub) -> None:
    """README Cost: 15 requests (10 reads, 5 writes); a rerun makes 7 reads and no write."""
    fake.set_permission("mona", "write")
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    env = _env(tmp_path, fake, "issues", issue_payload(fake, item.number))
    assert _run(["run"], env)[0] == 0
    assert (fake.count(), len(fake.writes)) == (15, 5)
    fake.reset_counts()
    assert _run(["run"], env)[0] == 0
    assert (fake.count(), len(fake.writes)) == (7, 0)


def test_inputs_and_outputs_in_the_readme_match_action_yml() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    table = _readme_section("### Inputs and outputs")
    for name in [*action["inputs"], *action["outputs"]]:
        assert f"| `{name}` |" in table, name
    assert action["inputs"]["config"]["default"] == ".github/postmortem.yml"


def test_readme_copies_exist_and_match_what_the_action_embeds() -> None:
    for copy, embedded in (("incident.yml", "incident.yml"), ("postmortem.md.j2", "postmortem.md.j2")):
        assert (ROOT / "templates" / copy).read_text(encoding="utf-8") == (
            ROOT / "src" / "postmortem" / "defaults" / embedded
        ).read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------------------------
# 2. First-run failure modes


def test_actions_may_not_create_pull_requests_names_the_setting(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.actions_can_create_pull_requests = False
    code, log = _open_incident(fake, tmp_path)
    error = _one_clear_error(code, log)
    assert "Allow GitHub Actions to create and approve pull requests" in error
    # once the setting is on, the rerun finishes the job without duplicates
    fake.actions_can_create_pull_requests = True
    code, log = _run(["run"], _env(tmp_path, fake, "issues", issue_payload(fake, 1)))
    assert code == 0, log
    assert len(fake.pulls()) == 1


@pytest.mark.parametrize("scope", ["contents", "pull-requests", "issues"])
def test_a_missing_scope_on_the_incident_flow_is_one_error_naming_it(
    tmp_path: Path, fake: FakeGitHub, scope: str
) -> None:
    fake.revoke(scope)
    code, log = _open_incident(fake, tmp_path)
    error = _one_clear_error(code, log)
    assert f"`{scope}: write`" in error


def test_a_missing_statuses_scope_is_one_error_naming_it(tmp_path: Path, fake: FakeGitHub) -> None:
    assert _open_incident(fake, tmp_path)[0] == 0
    (pull,) = fake.pulls()
    pull.draft = False
    fake.revoke("statuses")
    payload = pull_request_payload(fake, pull.number, action="ready_for_review")
    code, log = _run(["run"], _env(tmp_path, fake, "pull_request", payload))
    error = _one_clear_error(code, log)
    assert "`statuses: write`" in error


def test_no_form_file_in_the_repository_falls_back_to_the_built_in_form(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    code, log = _open_incident(fake, tmp_path)
    assert code == 0, log
    text = fake.file_text("postmortem/incident-1", DOC) or ""
    assert "## Executive Summary" in text and "*2-3 sentence summary" not in text


def test_a_broken_form_file_warns_and_falls_back(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/ISSUE_TEMPLATE/incident.yml", "name: Incident\nbody: [\n")
    code, log = _open_incident(fake, tmp_path)
    assert code == 0, log
    assert any(line.startswith("::warning") and "incident.yml" in line for line in log.splitlines())


@pytest.mark.parametrize(
    ("text", "must_name"),
    [
        ("directory: postmortems\n\tincident_label: incident\n", "line 2"),
        ("incident_lable: sev\n", "incident_lable"),
        ("signoff:\n  required: cto\n", "signoff.required"),
        ("signoff:\n  roles:\n    - {id: cto, title: CTO, users: bob}\n", "signoff.roles[0].users"),
        ("directory: [postmortems]\n", "directory"),
        ("close_incident_on_publish: sometimes\n", "close_incident_on_publish"),
        ("action_items:\n  owners: [carol]\n", "action_items.owners"),
        ("- directory: postmortems\n", "mapping"),
    ],
)
def test_a_bad_config_is_one_error_naming_the_key(
    tmp_path: Path, fake: FakeGitHub, text: str, must_name: str
) -> None:
    fake.add_file("main", ".github/postmortem.yml", text)
    code, log = _open_incident(fake, tmp_path)
    error = _one_clear_error(code, log)
    assert must_name in error and ".github/postmortem.yml" in error
    assert fake.writes == []


@pytest.mark.parametrize(
    ("template", "must_say"),
    [
        (None, "no such file on main"),
        ("# {{ title | inline }\n", "syntax error"),
        ("# {{ titel }}\n", "undefined variable"),
        ("{{ answers.nope }}\n", "undefined variable"),
        ("{{ title | shout }}\n", "shout"),
    ],
)
def test_a_broken_custom_template_is_one_error_naming_the_file(
    tmp_path: Path, fake: FakeGitHub, template: str | None, must_say: str
) -> None:
    fake.add_file("main", ".github/postmortem.yml", "template: .github/postmortem.md.j2\n")
    if template is not None:
        fake.add_file("main", ".github/postmortem.md.j2", template)
    code, log = _open_incident(fake, tmp_path)
    error = _one_clear_error(code, log)
    assert ".github/postmortem.md.j2" in error and must_say in error
    assert fake.writes == []


def test_a_default_branch_that_is_not_main(tmp_path: Path) -> None:
    import responses

    fake = FakeGitHub(default_branch="trunk")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.register(mock)
        code, log = _open_incident(fake, tmp_path)
        assert code == 0, log
        (pull,) = fake.pulls()
        assert pull.base == "trunk"


def test_a_default_branch_that_is_not_main_without_it_in_the_payload(tmp_path: Path) -> None:
    import responses

    fake = FakeGitHub(default_branch="trunk")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.register(mock)
        fake.set_permission("mona", "write")
        item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
        payload = issue_payload(fake, item.number)
        del payload["repository"]["default_branch"]
        code, log = _run(["run"], _env(tmp_path, fake, "issues", payload))
        assert code == 0, log
        assert fake.pulls()[0].base == "trunk"


def test_an_empty_repository_is_one_error_naming_the_fix(tmp_path: Path, fake: FakeGitHub) -> None:
    del fake.branches["main"]
    code, log = _open_incident(fake, tmp_path)
    error = _one_clear_error(code, log)
    assert "commit" in error and re.search(r"push|add|create", error.split("branch from")[-1], re.IGNORECASE)


def test_an_incident_label_with_other_case_drafts_the_post_mortem(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_label("Incident")
    code, log = _open_incident(fake, tmp_path, labels=("Incident",))
    assert code == 0, log
    assert len(fake.pulls()) == 1, log


def test_readme_set_up_says_to_create_the_incident_label() -> None:
    setup = _readme_section("## Set up in a repository")
    assert re.search(r"(create|add)[^.]*`incident`[^.]*label|label[^.]*`incident`[^.]*(exist|create)", setup)


# --------------------------------------------------------------------------------------------------------------
# 3. The example workflow


def _workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW_TEXT)
    return data


def test_the_workflow_triggers_cover_every_handled_event() -> None:
    on = _workflow()[True]  # YAML 1.1 reads `on` as True
    assert {"opened", "edited", "labeled", "reopened", "closed"} <= set(on["issues"]["types"])
    assert {"ready_for_review", "synchronize", "closed"} <= set(on["pull_request"]["types"])
    assert {"submitted", "dismissed"} <= set(on["pull_request_review"]["types"])
    assert "schedule" in on and "workflow_dispatch" in on
    condition = _workflow()["jobs"]["postmortem"]["if"]
    assert "'action-item'" in condition  # a tracking issue's closed / reopened reaches the job
    assert "github.event.action == 'dismissed'" in condition


def test_a_tracking_issue_closed_event_carries_the_label_the_if_tests(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    """The ``if:`` lets ``issues`` events through only with the incident or action-item label; the tracking
    issues the action creates carry ``action-item``."""
    fake.set_permission("mona", "write")
    body = (
        "| Action Item | Owner | Deadline | Priority | Status |\n|---|---|---|---|---|\n"
        "| Add a NOT NULL migration check | @mona | 2030-01-31 | P1 | 🔴 Not Started |\n"
    )
    fake.add_file("main", "postmortems/2025-11-17-x.md", "---\nincident: 9\n---\n## Action Items\n\n" + body)
    payload = push_payload(fake, added=["postmortems/2025-11-17-x.md"])
    code, log = _run(["run"], _env(tmp_path, fake, "push", payload))
    assert code == 0, log
    (tracking,) = fake.issues_only()
    assert "action-item" in tracking.labels


def test_workflow_or_readme_says_to_change_the_push_branch() -> None:
    branch_line = next(line for line in WORKFLOW_TEXT.splitlines() if "branches:" in line)
    setup = _readme_section("## Set up in a repository")
    assert "#" in branch_line or re.search(r"branches|default branch", setup)


def test_readme_says_directory_and_labels_must_also_change_in_the_workflow() -> None:
    section = _readme_section("### Configuration") + _readme_section("## Set up in a repository")
    assert re.search(r"paths", section) and re.search(r"`if:`[^.]*label|label[^.]*`if:`", section)


def test_a_push_outside_the_configured_directory_is_a_no_op(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/postmortem.yml", "directory: docs/postmortems\n")
    fake.add_file("main", "postmortems/2025-11-17-x.md", "---\nincident: 9\n---\n")
    code, log = _run(
        ["run"], _env(tmp_path, fake, "push", push_payload(fake, added=["postmortems/2025-11-17-x.md"]))
    )
    assert code == 0 and fake.writes == []
    assert "docs/postmortems/" in log


# --------------------------------------------------------------------------------------------------------------
# 4. postmortem preview with the user's own files


def test_preview_with_the_users_form_config_and_template(tmp_path: Path) -> None:
    form = tmp_path / "incident.yml"
    form.write_text((ROOT / "templates" / "incident.yml").read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp_path / "postmortem.yml"
    config.write_text(_readme_yaml("### Configuration"), encoding="utf-8")
    template = tmp_path / "postmortem.md.j2"
    template.write_text(EVERY_VARIABLE_AND_FILTER, encoding="utf-8")
    issue = tmp_path / "issue.md"
    issue.write_text(issue_body("full.md"), encoding="utf-8")
    code, out = _run(
        [
            "preview",
            "--form",
            str(form),
            "--config",
            str(config),
            "--template",
            str(template),
            "--issue",
            str(issue),
        ]
    )
    assert code == 0, out
    assert "ROLE incident-commander Incident Commander" in out and "ROLE cto CTO" in out
    assert "request review from" in out.lower() or "alice" in out


@pytest.mark.parametrize(
    ("flag", "text", "must_say"),
    [
        ("--config", "incident_lable: x\n", "incident_lable"),
        ("--config", "a:\n\tb: 1\n", "not valid YAML"),
        ("--template", "{{ titel }}\n", "undefined variable"),
        ("--template", "{% if %}\n", "syntax error"),
        ("--form", "name: x\n", "body"),
    ],
)
def test_preview_reports_a_bad_user_file_as_one_error(
    tmp_path: Path, flag: str, text: str, must_say: str
) -> None:
    path = tmp_path / "file"
    path.write_text(text, encoding="utf-8")
    code, out = _run(["preview", flag, str(path)])
    error = _one_clear_error(code, out)
    assert must_say in error and str(path) in error


@pytest.mark.parametrize("flag", ["--form", "--config", "--template", "--issue"])
def test_preview_of_a_missing_user_file_is_one_error(tmp_path: Path, flag: str) -> None:
    code, out = _run(["preview", flag, str(tmp_path / "missing")])
    error = _one_clear_error(code, out)
    assert "missing" in error


def test_preview_uses_the_template_the_config_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "postmortem.md.j2").write_text("CUSTOM {{ number }}\n", encoding="utf-8")
    (tmp_path / ".github" / "postmortem.yml").write_text(
        "template: .github/postmortem.md.j2\n", encoding="utf-8"
    )
    code, out = _run(["preview", "--config", ".github/postmortem.yml"])
    assert code == 0, out
    assert "CUSTOM 42" in out


@pytest.mark.parametrize("flag", ["--config", "--template"])
def test_preview_of_a_non_utf8_file_is_one_error(tmp_path: Path, flag: str) -> None:
    path = tmp_path / "latin1"
    path.write_bytes("directory: déjà\n".encode("latin-1"))
    try:
        code, out = _run(["preview", flag, str(path)])
    except UnicodeDecodeError as error:
        raise AssertionError(f"traceback: {error}") from error
    _one_clear_error(code, out)


# --------------------------------------------------------------------------------------------------------------
# More first-run surprises


def test_a_non_utf8_config_in_the_repository_is_one_error(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/postmortem.yml", "directory: déjà\n".encode("latin-1"))
    code, log = _open_incident(fake, tmp_path)
    error = _one_clear_error(code, log)
    assert ".github/postmortem.yml" in error


def test_the_readme_config_copied_verbatim_works_without_a_template(tmp_path: Path, fake: FakeGitHub) -> None:
    """The Configuration example leaves `template:` commented out: copied as it is, without committing a
    template, the run opens the draft."""
    fake.add_file("main", ".github/postmortem.yml", _readme_yaml("### Configuration"))
    code, log = _open_incident(fake, tmp_path)
    assert code == 0, log
    assert len(fake.pulls()) == 1


def test_the_committed_schema_is_the_generated_one() -> None:
    from postmortem.config import config_json_schema

    committed = json.loads((ROOT / "schema" / "postmortem-config.schema.json").read_text(encoding="utf-8"))
    assert committed == config_json_schema()


def test_a_config_input_naming_a_missing_file_is_reported(tmp_path: Path, fake: FakeGitHub) -> None:
    _code, log = _open_incident(fake, tmp_path, POSTMORTEM_CONFIG="ops/postmortem.yml")
    assert any(
        line.startswith(("::warning", "::error")) and "ops/postmortem.yml" in line
        for line in log.splitlines()
    )


def test_a_configured_form_path_that_does_not_exist_is_warned_about(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/postmortem.yml", "form: .github/ISSUE_TEMPLATE/incidnet.yml\n")
    code, log = _open_incident(fake, tmp_path)
    assert code == 0, log
    assert any(line.startswith("::warning") and "incidnet.yml" in line for line in log.splitlines())


def test_an_incident_filed_by_another_app_is_not_dropped_as_the_bots_own(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="alerts[bot]")
    payload = issue_payload(fake, item.number, sender="alerts[bot]")
    code, log = _run(["run"], _env(tmp_path, fake, "issues", payload))
    assert code == 0, log
    assert "the bot's own change" not in log
