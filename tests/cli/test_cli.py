"""`postmortem run|preview|schema` as the workflow and a user call them: environment in, log/outputs/exit out."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from postmortem.cli import main
from tests.adopter import (
    EVERY_VARIABLE_AND_FILTER,
    ROOT,
    cli_env,
    one_clear_error,
    open_incident,
    readme_yaml,
    run_cli,
)
from tests.adopter import (
    cli_env as _env,
)
from tests.fake_github import FakeGitHub
from tests.harness import issue_body, issue_payload, pull_request_payload

TITLE = "[Incident]: Umbrella API outage after migration"


def _run(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, env=env, out=out, pace=False)
    return code, out.getvalue()


@pytest.fixture
def opened(fake: FakeGitHub) -> dict[str, object]:
    fake.set_permission("mona", "write")
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    return issue_payload(fake, item.number)


def test_run_opens_the_pull_request_and_sets_outputs(
    tmp_path: Path, fake: FakeGitHub, opened: dict[str, object]
) -> None:
    code, log = _run(["run"], _env(tmp_path, fake, "issues", opened))

    assert code == 0, log
    (pull,) = fake.pulls()
    outputs = (tmp_path / "output").read_text(encoding="utf-8")
    assert f"pull-request-number={pull.number}\n" in outputs
    assert f"pull-request-url=https://github.com/{fake.repository}/pull/{pull.number}\n" in outputs
    assert "document-path=postmortems/2025-11-17-umbrella-api-outage-after-migration.md\n" in outputs
    summary = (tmp_path / "summary").read_text(encoding="utf-8")
    assert "Applied 6 write(s)" in summary
    assert "::group::Applied 6 write(s)" in log


def test_dry_run_prints_the_plan_and_writes_nothing(
    tmp_path: Path, fake: FakeGitHub, opened: dict[str, object]
) -> None:
    code, log = _run(["run", "--dry-run"], _env(tmp_path, fake, "issues", opened))

    assert code == 0
    assert fake.writes == []
    assert "Would apply 5 write(s)" in log
    assert "1. create branch postmortem/incident-1" in log
    assert "open draft pull request postmortem/incident-1 → main" in log


def test_dry_run_input_through_the_environment(
    tmp_path: Path, fake: FakeGitHub, opened: dict[str, object]
) -> None:
    code, _ = _run(["run"], _env(tmp_path, fake, "issues", opened, POSTMORTEM_DRY_RUN="true"))
    assert code == 0 and fake.writes == []


def test_a_bad_config_fails_with_the_key_the_value_and_the_fix(
    tmp_path: Path, fake: FakeGitHub, opened: dict[str, object]
) -> None:
    fake.add_file(
        "main", ".github/postmortem.yml", "signoff:\n  roles:\n    - {id: IC, title: Incident Commander}\n"
    )
    code, log = _run(["run"], _env(tmp_path, fake, "issues", opened))

    assert code == 1
    (error,) = [
        line
        for line in log.splitlines()
        if line.startswith("::error") and not line.startswith("::error file=")
    ]
    assert "signoff.roles[0].id" in error and '"IC"' in error and "lowercase" in error
    assert fake.writes == []
    assert "failed" in (tmp_path / "summary").read_text(encoding="utf-8")


def test_the_config_input_names_another_file(
    tmp_path: Path, fake: FakeGitHub, opened: dict[str, object]
) -> None:
    fake.add_file("main", "ops/pm.yml", "directory: docs/incidents\n")
    code, _ = _run(["run"], _env(tmp_path, fake, "issues", opened, POSTMORTEM_CONFIG="ops/pm.yml"))
    assert code == 0
    assert any(path.startswith("docs/incidents/") for path in fake.files("postmortem/incident-1"))


def test_a_missing_scope_names_the_permission_to_add(
    tmp_path: Path, fake: FakeGitHub, opened: dict[str, object]
) -> None:
    fake.revoke("contents")
    code, log = _run(["run"], _env(tmp_path, fake, "issues", opened))
    assert code == 1
    assert "contents: write" in log


def test_an_event_the_action_does_not_handle_costs_no_request(tmp_path: Path, fake: FakeGitHub) -> None:
    code, log = _run(["run"], _env(tmp_path, fake, "star", {"action": "created", "repository": {}}))
    assert code == 0
    assert fake.count() == 0
    assert "Nothing to do" in log


@pytest.mark.parametrize("missing", ["GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_TOKEN"])
def test_missing_environment_is_explained(
    tmp_path: Path, fake: FakeGitHub, opened: dict[str, object], missing: str
) -> None:
    env = _env(tmp_path, fake, "issues", opened)
    del env[missing]
    code, log = _run(["run"], env)
    assert code == 1
    assert f"::error title=postmortem::{missing} is not set" in log


def test_untrusted_text_in_errors_cannot_inject_workflow_commands(tmp_path: Path, fake: FakeGitHub) -> None:
    env = _env(tmp_path, fake, "issues", {})
    Path(env["GITHUB_EVENT_PATH"]).write_text("not json\n::add-mask::x", encoding="utf-8")
    code, log = _run(["run"], env)
    assert code == 1
    assert not any(line.startswith("::add-mask") for line in log.splitlines())


def test_preview_renders_the_sample_and_the_plan() -> None:
    code, out = _run(["preview"], {})
    assert code == 0
    assert out.startswith("---\nincident: 42\n")
    assert "## Action Items" in out
    assert "1. create branch postmortem/incident-42" in out
    assert "open draft pull request" in out


def test_preview_of_a_bad_issue_file_is_a_clear_error(tmp_path: Path) -> None:
    code, out = _run(["preview", "--issue", str(tmp_path / "missing.md")], {})
    assert code == 1 and out.startswith("::error")


def test_schema_prints_the_config_schema() -> None:
    code, out = _run(["schema"], {})
    assert code == 0
    assert json.loads(out)["title"].startswith("postmortem-action configuration")


# ====================================================================================================
# An adopter's first run: README honesty, first-run failures, the example workflow, preview with own files


# --------------------------------------------------------------------------------------------------------------
# 2. First-run failure modes


def test_actions_may_not_create_pull_requests_names_the_setting(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.actions_can_create_pull_requests = False
    code, log = open_incident(fake, tmp_path)
    error = one_clear_error(code, log)
    assert "Allow GitHub Actions to create and approve pull requests" in error
    # once the setting is on, the rerun finishes the job without duplicates
    fake.actions_can_create_pull_requests = True
    code, log = run_cli(["run"], cli_env(tmp_path, fake, "issues", issue_payload(fake, 1)))
    assert code == 0, log
    assert len(fake.pulls()) == 1


@pytest.mark.parametrize("scope", ["contents", "pull-requests", "issues"])
def test_a_missing_scope_on_the_incident_flow_is_one_error_naming_it(
    tmp_path: Path, fake: FakeGitHub, scope: str
) -> None:
    fake.revoke(scope)
    code, log = open_incident(fake, tmp_path)
    error = one_clear_error(code, log)
    assert f"`{scope}: write`" in error


def test_a_missing_statuses_scope_is_one_error_naming_it(tmp_path: Path, fake: FakeGitHub) -> None:
    assert open_incident(fake, tmp_path)[0] == 0
    (pull,) = fake.pulls()
    pull.draft = False
    fake.revoke("statuses")
    payload = pull_request_payload(fake, pull.number, action="ready_for_review")
    code, log = run_cli(["run"], cli_env(tmp_path, fake, "pull_request", payload))
    error = one_clear_error(code, log)
    assert "`statuses: write`" in error


# --------------------------------------------------------------------------------------------------------------
# 4. postmortem preview with the user's own files


def test_preview_with_the_users_form_config_and_template(tmp_path: Path) -> None:
    form = tmp_path / "incident.yml"
    form.write_text((ROOT / "templates" / "incident.yml").read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp_path / "postmortem.yml"
    config.write_text(readme_yaml("### Configuration"), encoding="utf-8")
    template = tmp_path / "postmortem.md.j2"
    template.write_text(EVERY_VARIABLE_AND_FILTER, encoding="utf-8")
    issue = tmp_path / "issue.md"
    issue.write_text(issue_body("full.md"), encoding="utf-8")
    code, out = run_cli(
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
    code, out = run_cli(["preview", flag, str(path)])
    error = one_clear_error(code, out)
    assert must_say in error and str(path) in error


@pytest.mark.parametrize("flag", ["--form", "--config", "--template", "--issue"])
def test_preview_of_a_missing_user_file_is_one_error(tmp_path: Path, flag: str) -> None:
    code, out = run_cli(["preview", flag, str(tmp_path / "missing")])
    error = one_clear_error(code, out)
    assert "missing" in error


def test_preview_uses_the_template_the_config_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "postmortem.md.j2").write_text("CUSTOM {{ number }}\n", encoding="utf-8")
    (tmp_path / ".github" / "postmortem.yml").write_text(
        "template: .github/postmortem.md.j2\n", encoding="utf-8"
    )
    code, out = run_cli(["preview", "--config", ".github/postmortem.yml"])
    assert code == 0, out
    assert "CUSTOM 42" in out


@pytest.mark.parametrize("flag", ["--config", "--template"])
def test_preview_of_a_non_utf8_file_is_one_error(tmp_path: Path, flag: str) -> None:
    path = tmp_path / "latin1"
    path.write_bytes("directory: déjà\n".encode("latin-1"))
    try:
        code, out = run_cli(["preview", flag, str(path)])
    except UnicodeDecodeError as error:
        raise AssertionError(f"traceback: {error}") from error
    one_clear_error(code, out)
