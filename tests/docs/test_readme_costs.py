"""The README's request table is what bench/requests.py measures (it runs against the fake, in about a second)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_the_readme_request_table_is_the_measured_one() -> None:
    measured = subprocess.run(
        [sys.executable, "-m", "bench.requests"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    table = [line for line in measured.splitlines() if line.startswith("|")]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = readme.split("<!-- requests:begin -->", 1)[1].split("<!-- requests:end -->", 1)[0]
    assert [line for line in documented.splitlines() if line.startswith("|")] == table, (
        "update README.md from `python -m bench.requests`"
    )
