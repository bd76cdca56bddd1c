"""`postmortem lint` prints messages that quote the document: in a CI log (pre-commit on a pull request) no line
may read as a workflow command, neither ``::cmd::`` at its start nor the old ``##[cmd]`` form anywhere in it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from postmortem.cli import main


@pytest.mark.parametrize("hostile", ["##[error]forged annotation", "##[set-output name=x;]y"])
def test_a_quoted_severity_cannot_start_a_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile: str
) -> None:
    (tmp_path / "pm.md").write_text(
        f"---\nseverity: '{hostile}'\n---\n# Post-Mortem: x\n\n**Severity**: {hostile}\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    main(["lint", "pm.md"], env={}, out=out, pace=False)
    lines = out.getvalue().splitlines()
    assert any("severity" in line for line in lines)
    for line in lines:
        assert "##[" not in line
        assert not line.lstrip().startswith("::")
