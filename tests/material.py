"""Real published material the tests read: GitHub's webhook examples and schema, its REST description,
SchemaStore's schemas, real issue forms and rendered bodies, published post-mortems, the seed template.

Everything whose licence lets us redistribute it is copied, unmodified, into ``tests/fixtures/`` (origin,
licence and attribution in ``tests/fixtures/SOURCES.md``; each copy's SHA-256 in ``tests/fixtures/SHA256SUMS``).
The few files without such a licence (:data:`UNLICENSED`) stay outside the repository: they are read from
``../shared/real`` when that folder is next to the clone, and the tests that need them skip otherwise, naming
the file and why it is not here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_REAL = ROOT.parent / "shared" / "real"
_SHARED_FOLDER = {"issue_forms": "issue-forms"}

_NO_LICENCE = "its repository states no licence"
_ISSUE_TEXT = "text of a GitHub issue, which carries no licence"
UNLICENSED: dict[str, str] = {
    "postmortems/yuankunzhang__working-guides__postmortem.md": (
        "its repository states no licence, and the text (the Google SRE book's example post-mortem) is "
        "CC BY-NC-ND 4.0, which forbids the commercial use this repository's MIT licence allows"
    ),
    "postmortems/cosmos__incidents__action_items.md": _NO_LICENCE,
    "postmortems/cosmos__incidents__0414_upgrade.md": _NO_LICENCE,
    "postmortems/cosmos__incidents__0409_galaxy.md": _NO_LICENCE,
    "postmortems/persistenceOne__incident-reports__07-Sept-2022_V3_upgrade_halt.md": _NO_LICENCE,
    "postmortems/persistenceOne__incident-reports__20-Sept-2023_v9.1.1_chain_halt.md": _NO_LICENCE,
    "postmortems/portswigger-cloud__postmortems__saas-outage.md": _NO_LICENCE,
    "postmortems/ilv78__Art-World-Hub__2026-03-13-issue-8-direct-push-to-main.md": _NO_LICENCE,
    "postmortems/mlafeldt__gist-6e02ea0c__deployer-api-outage-postmortem.md": "a gist with no licence",
    "issue_forms/portefaix__portefaix-postmortems__postmortem.yml": _NO_LICENCE,
    "issue_forms/SchemaStore__schemastore__issue-3769.body.md": _ISSUE_TEXT,
    "issue_forms/hachyderm__community__issue-275.body.md": _ISSUE_TEXT,
    "issue_forms/hachyderm__community__issue-279.body.md": _ISSUE_TEXT,
    "issue_forms/hachyderm__community__issue-512.body.md": _ISSUE_TEXT,
    "issue_forms/hachyderm__community__issue-667.body.md": _ISSUE_TEXT,
    "issue_forms/2i2c-org__infrastructure__issue-4172.body.md": _ISSUE_TEXT,
}
"""``<folder>/<name>`` → why the file is not in the repository."""


def fixture(*parts: str) -> Path:
    """``tests/fixtures/<parts>``: a copy that must be there (a missing copy fails the test, never skips it)."""
    path = FIXTURES.joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"{path.relative_to(ROOT)} is missing from the repository")
    return path


def material(folder: str, name: str) -> Path:
    """The real file ``<folder>/<name>``: its copy in ``tests/fixtures``, or, for :data:`UNLICENSED` material,
    ``../shared/real``, skipping the calling test when that is absent."""
    key = f"{folder}/{name}"
    if key not in UNLICENSED:
        return fixture(folder, name)
    path = SHARED_REAL / _SHARED_FOLDER.get(folder, folder) / name
    if not path.is_file():
        pytest.skip(
            f"unlicensed material: {key} is not in the repository ({UNLICENSED[key]}); put ../shared next to the clone to run this"
        )
    return path


def names(folder: str, suffix: str) -> set[str]:
    """Every real file of ``folder`` ending in ``suffix``: the copies and the unlicensed ones."""
    copied = {p.name for p in (FIXTURES / folder).glob(f"*{suffix}")}
    return copied | {
        key.split("/", 1)[1] for key in UNLICENSED if key.startswith(f"{folder}/") and key.endswith(suffix)
    }


def recorded_sha256() -> dict[str, str]:
    """``tests/fixtures/SHA256SUMS``: path below tests/fixtures → SHA-256 of the upstream file it copies."""
    sums = {}
    for line in (FIXTURES / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, _, path = line.partition("  ")
        sums[path] = digest
    return sums


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
