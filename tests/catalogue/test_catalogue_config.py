"""catalogue: {enabled, path} in .github/postmortem.yml and in the shipped JSON schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postmortem.config import catalogue_path, config_json_schema, parse_config
from postmortem.errors import ConfigError

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    ("text", "enabled", "path"),
    [
        ("", True, "postmortems/README.md"),
        ("directory: docs/pm\n", True, "docs/pm/README.md"),
        ("catalogue: {enabled: false}\n", False, "postmortems/README.md"),
        ("catalogue: {path: /docs/INDEX.md}\n", True, "docs/INDEX.md"),
    ],
)
def test_catalogue_config(text: str, enabled: bool, path: str) -> None:
    config = parse_config(text)
    assert (config.catalogue.enabled, catalogue_path(config)) == (enabled, path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("catalogue: {path: ../README.md}\n", "catalogue.path"),
        ("catalogue: {path: index.html}\n", "use a Markdown file"),
        ("catalogue: {enable: true}\n", "use one of: enabled, path"),
    ],
)
def test_bad_catalogue_config(text: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        parse_config(text)


def test_the_shipped_schema_has_the_catalogue() -> None:
    shipped = json.loads((ROOT / "schema" / "postmortem-config.schema.json").read_text(encoding="utf-8"))
    assert shipped == config_json_schema()
    assert set(shipped["$defs"]["CatalogueConfig"]["properties"]) == {"enabled", "path"}
