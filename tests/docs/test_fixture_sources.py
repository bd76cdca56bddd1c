"""The real material in tests/fixtures is what its SOURCES.md says: unmodified copies, each with its origin and
licence, and nothing that the licence list keeps out."""

from __future__ import annotations

import pytest

from tests.material import FIXTURES, UNLICENSED, recorded_sha256, sha256

SOURCES = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
COPIED_FOLDERS = ("postmortems", "issue_forms", "schemas", "rest", "seed")


def _copies() -> list[str]:
    files = [f"{folder}/{p.name}" for folder in COPIED_FOLDERS for p in sorted((FIXTURES / folder).iterdir())]
    webhooks = sorted((FIXTURES / "webhooks").glob("*.json"))
    return files + [f"webhooks/{p.name}" for p in webhooks]


@pytest.mark.parametrize("path", _copies())
def test_every_copy_is_recorded_and_unmodified(path: str) -> None:
    assert sha256(FIXTURES / path) == recorded_sha256()[path], f"{path} differs from the published file"


def test_every_recorded_copy_is_there() -> None:
    assert sorted(recorded_sha256()) == sorted(_copies())


@pytest.mark.parametrize("path", [p for p in _copies() if p.split("/")[0] in ("postmortems", "issue_forms")])
def test_every_copied_file_names_its_origin_and_licence(path: str) -> None:
    name = path.split("/", 1)[1]
    owner_repo = "__".join(name.split("__")[:2])
    last = name.split("__")[-1]
    rows = [
        line
        for line in SOURCES.splitlines()
        if line.startswith(f"| `{owner_repo}__") and (name in line or last in line or "…" in line)
    ]
    assert rows, f"{path} has no row in tests/fixtures/SOURCES.md"
    licences = ("MIT", "BSD-3-Clause", "Apache-2.0", "CC0-1.0", "CC BY-SA")
    assert any(licence in row for row in rows for licence in licences), rows


def test_unlicensed_material_is_not_in_the_repository() -> None:
    assert not [key for key in UNLICENSED if (FIXTURES / key).exists()]
    for key in UNLICENSED:
        assert f"`{key}`" in SOURCES, f"{key} is not listed as not copied in tests/fixtures/SOURCES.md"
