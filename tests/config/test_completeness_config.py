"""The `completeness:` section of the config: defaults, validation messages, and the rule ids in sync."""

from __future__ import annotations

import pytest

from postmortem.completeness import RULES
from postmortem.config import COMPLETENESS_RULE_IDS, parse_config
from postmortem.errors import ConfigError


def test_defaults_ask_p0_and_p1_for_an_action_item() -> None:
    config = parse_config(None).completeness
    assert config.ignore == []
    assert {k: v.min_action_items for k, v in config.severity_rules.items()} == {"P0": 1, "P1": 1, "P2": 0}


def test_a_full_section_parses() -> None:
    config = parse_config(
        "completeness:\n  ignore: [section-order, template-prompt]\n  severity_rules:\n"
        "    SEV1: {min_action_items: 2, ignore: []}\n    SEV2: {ignore: [five-whys]}\n"
    ).completeness
    assert config.ignore == ["section-order", "template-prompt"]
    assert config.severity_rules["SEV1"].min_action_items == 2
    assert config.severity_rules["SEV2"].ignore == ["five-whys"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "completeness:\n  ignore: [typo]\n",
            'completeness.ignore = ["typo"]: typo is not a rule id; use one of',
        ),
        ("completeness:\n  severity_rules: {}\n", "name at least one severity"),
        ("completeness:\n  severity_rules:\n    'P 1': {}\n", "'P 1' is not a severity"),
        ("completeness:\n  severity_rules:\n    P1: {min_action_items: -1}\n", "min_action_items = -1"),
        ("completeness:\n  severity_rules:\n    P1: {ignore: [nope]}\n", "nope is not a rule id"),
        (
            "completeness:\n  disable: [x]\n",
            'completeness.disable = ["x"]: unknown key; remove it or use one of: ignore, severity_rules',
        ),
    ],
)
def test_bad_values_name_the_key_and_the_fix(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text)
    assert message in str(error.value)


def test_rule_ids_are_the_checks_rules() -> None:
    assert tuple(rule.id for rule in RULES) == COMPLETENESS_RULE_IDS
