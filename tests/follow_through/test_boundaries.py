"""The follow-through imports only the shared layers, never another feature (incident, action_items, signoff)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "src" / "postmortem" / "follow_through"
SHARED = {
    "config",
    "errors",
    "events",
    "github",
    "markdown",
    "plan",
    "trust",
    "sticky",
    "context",
    "clock",
    "follow_through",
}


def test_only_shared_layers_are_imported() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                assert name != "github", f"{path.name} imports PyGithub"
                if name.startswith("postmortem."):
                    assert name.split(".")[1] in SHARED, f"{path.name} imports {name}"
