"""The config file: defaults, validation messages that name the key, the value and the fix; schema in sync."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from postmortem.config import DEFAULT_ROLES, Config, config_json_schema, parse_config
from postmortem.errors import ConfigError
from tests.adopter import one_clear_error, open_incident, readme_yaml
from tests.fake_github import FakeGitHub

ROOT = Path(__file__).parents[2]

FULL = """
directory: docs/postmortems
incident_label: incident
template: .github/postmortem.md.j2
signoff:
  roles:
    - {id: incident-commander, title: Incident Commander, users: [alice], teams: [org/sre]}
    - {id: cto, title: CTO, users: ["@bob"]}
  required: [incident-commander, cto]
action_items:
  owners: {"Engineer A": carol}
"""


def test_no_file_gives_the_seed_roles_and_no_required_role() -> None:
    config = parse_config(None)
    assert config.directory == "postmortems"
    assert [r.title for r in config.signoff.roles] == [r.title for r in DEFAULT_ROLES]
    assert config.signoff.required == []
    assert parse_config("") == parse_config("# only a comment\n") == config


def test_the_documented_example_parses() -> None:
    config = parse_config(FULL)
    assert config.directory == "docs/postmortems"
    assert config.signoff.roles[0].teams == ["org/sre"]
    assert config.signoff.roles[1].users == ["bob"]
    assert config.action_items.owners == {"Engineer A": "carol"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("signof: {}", ["signof", "unknown key", "signoff"]),
        ("directory: ../elsewhere", ["directory", '"../elsewhere"', "relative folder"]),
        ("directory: ''", ["directory", "relative folder"]),
        ("signoff: {roles: [{id: Incident Commander, title: IC}]}", ["signoff.roles[0].id", "lowercase"]),
        ("signoff: {roles: [{id: ic, title: IC, user: [a]}]}", ["signoff.roles[0].user", "users"]),
        ("signoff: {roles: [{id: ic, title: IC}], required: [cto]}", ["signoff", "cto", "ic"]),
        ("signoff: {roles: [{id: ic, title: IC, teams: [sre]}]}", ["teams", "org/team-slug"]),
        ("action_items: {owners: {Bob: 'not a login!'}}", ["owners", "Bob"]),
        ("close_incident_on_publish: maybe", ["close_incident_on_publish", "maybe"]),
        ("directory: [", ["not valid YAML", "line 1"]),
        ("- just\n- a list\n", ["must be a mapping"]),
    ],
)
def test_a_bad_file_names_the_key_the_value_and_the_fix(text: str, expected: list[str]) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, ".github/postmortem.yml")
    message = str(raised.value)
    assert message.startswith(".github/postmortem.yml")
    for fragment in expected:
        assert fragment in message


def test_the_shipped_schema_is_generated_from_the_models() -> None:
    shipped = json.loads((ROOT / "schema" / "postmortem-config.schema.json").read_text(encoding="utf-8"))
    assert shipped == config_json_schema(), (
        "regenerate with: postmortem schema > schema/postmortem-config.schema.json"
    )


def test_the_schema_accepts_the_example_and_rejects_typos() -> None:
    jsonschema = pytest.importorskip("jsonschema")

    validator = jsonschema.Draft202012Validator(config_json_schema())
    assert not list(validator.iter_errors(yaml.safe_load(FULL)))
    assert list(validator.iter_errors({"signof": {}}))
    assert isinstance(Config.model_validate(yaml.safe_load(FULL)), Config)


# ====================================================================================================
# An adopter's first run: README honesty, first-run failures, the example workflow, preview with own files


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
    code, log = open_incident(fake, tmp_path)
    error = one_clear_error(code, log)
    assert must_name in error and ".github/postmortem.yml" in error
    assert fake.writes == []


# --------------------------------------------------------------------------------------------------------------
# More first-run surprises


def test_a_non_utf8_config_in_the_repository_is_one_error(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/postmortem.yml", "directory: déjà\n".encode("latin-1"))
    code, log = open_incident(fake, tmp_path)
    error = one_clear_error(code, log)
    assert ".github/postmortem.yml" in error


def test_the_readme_config_copied_verbatim_works_without_a_template(tmp_path: Path, fake: FakeGitHub) -> None:
    """The Configuration example leaves `template:` commented out: copied as it is, without committing a
    template, the run opens the draft."""
    fake.add_file("main", ".github/postmortem.yml", readme_yaml("### Configuration"))
    code, log = open_incident(fake, tmp_path)
    assert code == 0, log
    assert len(fake.pulls()) == 1


def test_the_committed_schema_is_the_generated_one() -> None:
    from postmortem.config import config_json_schema

    committed = json.loads((ROOT / "schema" / "postmortem-config.schema.json").read_text(encoding="utf-8"))
    assert committed == config_json_schema()


def test_a_config_input_naming_a_missing_file_is_reported(tmp_path: Path, fake: FakeGitHub) -> None:
    _code, log = open_incident(fake, tmp_path, POSTMORTEM_CONFIG="ops/postmortem.yml")
    assert any(
        line.startswith(("::warning", "::error")) and "ops/postmortem.yml" in line
        for line in log.splitlines()
    )
