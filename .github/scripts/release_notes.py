"""Print the CHANGELOG.md section of a release tag, for the release workflow's notes.

    python3 .github/scripts/release_notes.py v1.2.3 [CHANGELOG.md]

Exits 1 with a ``::error::`` line when the tag is not ``vMAJOR.MINOR.PATCH`` or the changelog has no
non-empty ``## [MAJOR.MINOR.PATCH]`` section (Keep a Changelog): a release is never published without its
notes. Standard library only: the workflow runs it with the runner's python3.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

TAG = re.compile(r"v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


class ReleaseError(Exception):
    """What is wrong with the tag or the changelog, as one sentence with the fix."""


def version_of(tag: str) -> str:
    """``v1.2.3`` → ``1.2.3``; anything else is refused."""
    if not TAG.fullmatch(tag):
        raise ReleaseError(
            f"The tag {tag!r} is not vMAJOR.MINOR.PATCH (e.g. v1.2.3): delete it and push one that is."
        )
    return tag[1:]


def major_tag(tag: str) -> str:
    """``v1.2.3`` → ``v1``: the tag users pin to move along a major version."""
    return "v" + version_of(tag).split(".")[0]


def section(changelog: str, version: str) -> str:
    """The body of the ``## [version]`` section (up to the next ``## `` heading), stripped."""
    lines = changelog.splitlines()
    heading = re.compile(r"## \[" + re.escape(version) + r"\](?:\s.*)?")
    start = next((i for i, line in enumerate(lines) if heading.fullmatch(line.rstrip())), None)
    if start is None:
        raise ReleaseError(
            f"CHANGELOG.md has no section for {version}: add `## [{version}] - YYYY-MM-DD` (move the "
            "Unreleased entries under it), commit, and tag that commit."
        )
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    body = "\n".join(line for line in lines[start + 1 : end] if not re.match(r"\[[^\]]+\]: ", line)).strip()
    if not body:
        raise ReleaseError(f"The CHANGELOG.md section for {version} is empty: say what changed.")
    return body + "\n"


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: release_notes.py vX.Y.Z [CHANGELOG.md]", file=sys.stderr)
        return 2
    path = Path(argv[1] if len(argv) == 2 else "CHANGELOG.md")
    try:
        notes = section(path.read_text(encoding="utf-8"), version_of(argv[0]))
    except (ReleaseError, OSError) as error:
        print(f"::error title=release::{error}")
        return 1
    sys.stdout.write(notes)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
