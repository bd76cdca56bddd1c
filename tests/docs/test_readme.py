"""The README tells the truth: every input, output, config key and template variable is documented."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import yaml
from pydantic import BaseModel

from postmortem.config import Config, parse_config
from postmortem.incident.model import Incident
from postmortem.incident.render import template_variables
from tests.adopter import (
    DOC,
    EVERY_VARIABLE_AND_FILTER,
    TITLE,
    cli_env,
    one_clear_error,
    open_incident,
    readme_section,
    readme_yaml,
    run_cli,
)
from tests.fake_github import FakeGitHub
from tests.harness import issue_body, issue_payload

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _keys(model: type[BaseModel]) -> set[str]:
    keys = set(model.model_fields)
    for field in model.model_fields.values():
        for candidate in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                keys |= _keys(candidate)
    return keys


def test_every_input_and_output_of_the_action_is_documented() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    for name in [*action["inputs"], *action["outputs"]]:
        assert f"| `{name}` |" in README, name


def test_every_config_key_is_in_the_documented_example() -> None:
    block = re.search(r"### Configuration.*?```yaml\n(.*?)```", README, re.DOTALL)
    assert block is not None
    example = block.group(1)
    for key in _keys(Config):
        assert re.search(rf"\b{key}\b", example), key
    assert isinstance(parse_config(example), Config), "the documented example is a valid config"


def test_every_template_variable_is_documented() -> None:
    incident = Incident(number=1, title="t", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    for name in template_variables(incident, Config()):
        assert f"`{name}`" in README, name


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", quick, re.DOTALL)
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)
    assert "postmortem preview" in commands[0]
    assert commands[1] == "bash .ci/run"
    assert "pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# ====================================================================================================
# An adopter's first run: README honesty, first-run failures, the example workflow, preview with own files


def test_readme_config_example_renders_a_working_run(tmp_path: Path, fake: FakeGitHub) -> None:
    """The Configuration example copied verbatim: valid, and a first run with it opens the draft PR."""
    config = readme_yaml("### Configuration")
    fake.add_file("main", ".github/postmortem.yml", config)
    fake.add_file("main", ".github/postmortem.md.j2", "# {{ title | inline }}\n")
    fake.set_permission("alice", "write")
    fake.set_permission("bob", "write")
    fake.add_team("org/sre", ["dave"], readable=False)
    code, log = open_incident(fake, tmp_path)
    assert code == 0, log
    (pull,) = fake.pulls()
    assert pull.labels == ["postmortem"] and pull.draft
    assert set(pull.requested_reviewers) == {"alice", "bob"}


def test_readme_config_error_format_is_what_the_run_prints(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file(
        "main", ".github/postmortem.yml", 'signoff:\n  roles:\n    - {id: cto, title: CTO, user: ["x"]}\n'
    )
    code, log = open_incident(fake, tmp_path)
    error = one_clear_error(code, log)
    documented = re.search(r"\(`(signoff\.roles\[0\]\.user = .*?)`\)", README)
    assert documented is not None
    assert documented.group(1) in error
    assert fake.writes == []


def test_custom_template_with_every_documented_variable_and_filter(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/postmortem.yml", "template: .github/postmortem.md.j2\n")
    fake.add_file("main", ".github/postmortem.md.j2", EVERY_VARIABLE_AND_FILTER)
    code, log = open_incident(fake, tmp_path)
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

    table = readme_section("### Custom templates")
    for name in _VARIABLE_NAMES:
        assert f"`{name}`" in table, name
    for name in FILTERS:
        assert f"`{name}" in table, name


def test_documented_request_budget_of_the_incident_flow(tmp_path: Path, fake: FakeGitHub) -> None:
    """README Cost: 13 requests (7 reads with the catalogue README, 6 writes with the sign-off status); a rerun
    makes 5 reads and no write."""
    fake.set_permission("mona", "write")
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=["incident"], user="mona")
    env = cli_env(tmp_path, fake, "issues", issue_payload(fake, item.number))
    assert run_cli(["run"], env)[0] == 0
    assert (fake.count(), len(fake.writes)) == (13, 6)
    fake.reset_counts()
    assert run_cli(["run"], env)[0] == 0
    assert (fake.count(), len(fake.writes)) == (5, 0)


def test_inputs_and_outputs_in_the_readme_match_action_yml() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    table = readme_section("### Inputs and outputs")
    for name in [*action["inputs"], *action["outputs"]]:
        assert f"| `{name}` |" in table, name
    assert action["inputs"]["config"]["default"] == ".github/postmortem.yml"


def test_readme_copies_exist_and_match_what_the_action_embeds() -> None:
    for copy, embedded in (("incident.yml", "incident.yml"), ("postmortem.md.j2", "postmortem.md.j2")):
        assert (ROOT / "templates" / copy).read_text(encoding="utf-8") == (
            ROOT / "src" / "postmortem" / "defaults" / embedded
        ).read_text(encoding="utf-8")


def test_readme_set_up_says_to_create_the_incident_label() -> None:
    setup = readme_section("## Set up in a repository")
    assert re.search(r"(create|add)[^.]*`incident`[^.]*label|label[^.]*`incident`[^.]*(exist|create)", setup)
