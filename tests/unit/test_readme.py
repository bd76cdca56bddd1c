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
