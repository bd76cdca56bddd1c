"""Hostile issue bodies: does `postmortem preview`'s path (form parse + render) stay linear?

Each family is a 65 KB incident issue body that any issue author could send. It is parsed by the default
issue form and rendered with the default template, exactly as ``postmortem preview`` does, and timed against a
plain body of the same size. A second table times reading and editing an action-items table of 250 … 2,000
rows. Run from the repository root:

    .venv/bin/python -m bench.hostile            # prints both markdown tables
    .venv/bin/python -m bench.hostile --size 131072 --timeout 60
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from types import FrameType

# bench/requests.py would shadow the requests package that postmortem.github imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from postmortem.action_items.table import CellEdit, read_action_items, set_cells  # noqa: E402
from postmortem.config import parse_config  # noqa: E402
from postmortem.incident.form import default_form  # noqa: E402
from postmortem.incident.handler import incident_from_payload  # noqa: E402
from postmortem.incident.render import render_document  # noqa: E402
from postmortem.markdown.escaping import block  # noqa: E402
from postmortem.markdown.fences import block_tokens  # noqa: E402

SIZE = 65 * 1024


def _sample() -> tuple[dict[str, object], str]:
    folder = resources.files("postmortem").joinpath("defaults")
    meta = json.loads(folder.joinpath("sample-issue.json").read_text(encoding="utf-8"))
    body = folder.joinpath("sample-issue.md").read_text(encoding="utf-8")
    return meta, body


def _fill(unit: str, size: int, prefix: str = "") -> str:
    return (prefix + unit * (size // len(unit) + 1))[:size]


# Paragraphs of five 80-character lines: what a long, ordinary Summary looks like.
_PROSE = (
    "\n".join(["For 50 minutes the checkout API returned 500 errors for about 40% of requests after the"] * 5)
    + "\n\n"
)

FAMILIES: dict[str, Callable[[int], str]] = {
    "plain prose (baseline)": lambda n: _fill(_PROSE, n),
    "plain short lines": lambda n: _fill("a line\n", n),
    "one long line": lambda n: _fill("The checkout API returned errors after the migration. ", n),
    "`<` then backticks": lambda n: _fill("`", n, prefix="<"),
    "`[` flood": lambda n: _fill("[", n),
    "`](` flood": lambda n: _fill("](", n),
    "`<!--` flood": lambda n: _fill("<!--", n),
    "setext `=` underlines": lambda n: _fill("a\n=\n", n),
    "setext `-` underlines": lambda n: _fill("a\n-\n", n),
    "ATX headings": lambda n: _fill("# h\n", n),
    "quoted headings": lambda n: _fill("> # h\n", n),
    "nested quoted headings": lambda n: _fill("> > - # h\n", n),
    "`<h2>` tags": lambda n: _fill("<h2>x</h2>\n", n),
    "unclosed fences": lambda n: _fill("```\n~~~\n", n),
    "pipes and backslashes": lambda n: _fill("\\|", n),
    "emphasis flood": lambda n: _fill("*_", n),
    "CR line endings": lambda n: _fill("# h\r", n),
    "`###` heading then spaces": lambda n: "### Summary" + " " * n + "x",
    "`[@` owner-link flood": lambda n: _fill("[@a", n),
}


def _body(payload: str) -> str:
    """The sample issue with its Summary replaced by ``payload`` (so every other field still parses)."""
    _, body = _sample()
    head, _, rest = body.partition("### Summary\n\n")
    _, _, tail = rest.partition("\n\n###")
    return f"{head}### Summary\n\n{payload}\n\n###{tail}"


class _Timeout(BaseException):  # not an Exception: render_document must not wrap it
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


def preview_path(body: str) -> str:
    """What ``postmortem preview --issue`` computes: the Incident from the body, then the document."""
    block.cache_clear()  # every repetition pays for its own escaping and parsing, as one run does
    block_tokens.cache_clear()
    meta, _ = _sample()
    issue = {
        "number": meta["number"],
        "title": meta["title"],
        "body": body,
        "created_at": "2026-03-14T12:00:00Z",
        "html_url": "",
        "user": {"login": "mona"},
    }
    incident = incident_from_payload(issue, default_form())
    return render_document(incident, parse_config(None))


def _time(action: Callable[[], object], reps: int, timeout: float) -> float | None:
    times = []
    for _ in range(reps):
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
        except _Timeout:
            return None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    # The best of the repetitions: on a shared machine the others measure the neighbours' load.
    return min(times)


def _cli(body: str, timeout: float) -> float | None:
    """Seconds for ``postmortem preview --issue FILE`` in a new process (start-up included), as a user runs it."""
    with tempfile.NamedTemporaryFile("w", suffix=".md", encoding="utf-8", delete=False) as handle:
        handle.write(body)
    command = [sys.executable, "-m", "postmortem.cli", "preview", "--issue", handle.name]
    try:
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, timeout=timeout, check=True)
        return time.perf_counter() - start
    except subprocess.TimeoutExpired:
        return None
    finally:
        Path(handle.name).unlink()


def hostile_table(size: int, reps: int, timeout: float, cli: bool) -> list[str]:
    rows = [
        "| family | body (bytes) | parse + render (s) | × plain | `postmortem preview` process (s) | × plain |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    plain: float | None = None
    plain_cli: float | None = None
    for name, make in FAMILIES.items():
        body = _body(make(size))
        seconds = _time(lambda: preview_path(body), reps, timeout)  # noqa: B023
        whole = min((_cli(body, timeout) or timeout for _ in range(reps)), default=None) if cli else None
        if plain is None:
            plain, plain_cli = seconds, whole
        rows.append(
            f"| {name} | {len(body.encode())} | {_fmt(seconds, timeout)} | {_ratio(seconds, plain)} "
            f"| {_fmt(whole, timeout) if cli else '—'} | {_ratio(whole, plain_cli)} |"
        )
    return rows


def _fmt(seconds: float | None, timeout: float) -> str:
    return f"{seconds:.3f}" if seconds is not None else f"> {timeout:.0f}"


def _ratio(seconds: float | None, plain: float | None) -> str:
    return f"{seconds / plain:.2f}" if seconds is not None and plain else "—"


def _document(rows: int) -> str:
    lines = [
        "---",
        "status: Draft",
        "---",
        "",
        "## Action Items",
        "",
        "| # | Action | Owner | Due | Issue | Status |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for index in range(1, rows + 1):
        lines.append(
            f"| {index} | Fix thing number {index} \\| part | @mona | 2026-04-{index % 28 + 1:02d} |  | Open |"
        )
    lines += ["", "## Lessons", "", "Text."]
    return "\n".join(lines) + "\n"


def table_table(reps: int, timeout: float) -> list[str]:
    out = [
        "| rows | document (bytes) | read (s) | edit every Issue cell (s) | read per row (µs) | edit per row (µs) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for rows in (250, 500, 1000, 2000):
        text = _document(rows)
        report = read_action_items(text)
        assert len(report.items) == rows, len(report.items)
        edits = [
            CellEdit(line=item.line, column="issue", value=f"#{1000 + item.number}") for item in report.items
        ]
        read = _time(lambda: (block_tokens.cache_clear(), read_action_items(text)), reps, timeout)  # noqa: B023
        edit = _time(lambda: (block_tokens.cache_clear(), set_cells(text, edits)), reps, timeout)  # noqa: B023
        out.append(
            f"| {rows} | {len(text.encode())} | {_fmt(read, timeout)} | {_fmt(edit, timeout)} "
            f"| {_per(read, rows)} | {_per(edit, rows)} |"
        )
    return out


def _per(seconds: float | None, rows: int) -> str:
    return f"{seconds / rows * 1e6:.0f}" if seconds is not None else "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=SIZE, help="bytes of hostile text per body")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a case counts as hung")
    parser.add_argument("--only", choices=("hostile", "table"), default=None)
    parser.add_argument(
        "--no-cli", action="store_true", help="skip the new-process `postmortem preview` column"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    preview_path(_body("warm-up"))
    if args.only != "table":
        print("\n".join(hostile_table(args.size, args.reps, args.timeout, not args.no_cli)))
        print()
    if args.only != "hostile":
        print("\n".join(table_table(args.reps, args.timeout)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
