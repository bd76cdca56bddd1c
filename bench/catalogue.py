"""Catalogue cost over 500 generated post-mortems: a first build and a one-document refresh.

Run from the repository root: ``.venv/bin/python -m bench.catalogue`` (prints a Markdown table);
``--example`` prints the catalogue shown in the README instead.
Requests are counted as the runner would spend them (see the README's Catalogue section): one directory
listing, one README read, one read per document in ``plan.read``, then the commit (tree with inline content + commit + ref
through the Git Data API, only when the README changed; the documents' own blobs are in the same commit).
"""

from __future__ import annotations

import hashlib
import random
import time
from datetime import UTC, date, datetime, timedelta

from postmortem.catalogue import (
    entry_from_document,
    plan_refresh,
    read_catalogue,
    refreshed_entries,
    render_catalogue,
)
from postmortem.catalogue.render import render_region
from postmortem.config import Config
from postmortem.incident.model import Incident
from postmortem.incident.render import render_document
from postmortem.markdown.frontmatter import update_frontmatter

COUNT = 500
SERVICES = ["checkout", "payments", "search", "auth", "api", "billing", "cdn", "db", "queue", "mobile"]
CAUSES = ["connection pool exhausted", "expired certificate", "bad deploy config", "disk full", "dns timeout"]
COMMIT_WRITES = 1  # one commit: GraphQL createCommitOnBranch, or the contents API when the README is alone


def generate(number: int, rng: random.Random) -> tuple[str, str]:
    started = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(0, 24 * 700))
    incident = Incident(
        number=number,
        title=f"Incident {number}: {rng.choice(CAUSES)}",
        created_at=started,
        severity=rng.choice(["P0", "P1", "P1", "P2", "P2", "P2"]),  # type: ignore[arg-type]
        started_at=started,
        detected_at=started + timedelta(minutes=rng.randrange(1, 90)),
        resolved_at=started + timedelta(minutes=rng.randrange(30, 900)),
        services_impacted=", ".join(rng.sample(SERVICES, 2)),
        root_cause=rng.choice(CAUSES),
    )
    text = render_document(incident, Config())
    rows = "\n".join(
        f"| {i} | Fix {i} | @a | 2026-01-01 | P{rng.randrange(3)} | {rng.choice(['🟢 Done', '🔴 Not Started'])} | |"
        for i in range(1, 4)
    )
    text = text.replace("| 1 | | | | | 🔴 Not Started | |", rows)
    published = (started + timedelta(days=3)).date()
    text = update_frontmatter(text, {"status": "Published", "published": published.isoformat()})
    return f"postmortems/{started:%Y-%m-%d}-incident-{number}.md", text


def example() -> str:
    """The README's example: four post-mortems (three published by the action, one hand-written)."""

    def doc(number: int, title: str, day: str, severity: str, detect: int, resolve: int, services: str,
            rows: list[tuple[str, str]], signed: int) -> str:  # fmt: skip
        started = datetime.fromisoformat(day).replace(hour=10, tzinfo=UTC)
        incident = Incident(
            number=number, title=title, created_at=started, severity=severity,  # type: ignore[arg-type]
            started_at=started, detected_at=started + timedelta(minutes=detect),
            resolved_at=started + timedelta(minutes=resolve), services_impacted=services,
        )  # fmt: skip
        text = render_document(incident, Config()).replace(
            "| 1 | | | | | 🔴 Not Started | |",
            "\n".join(
                f"| {i} | {what} | @a | 2026-04-01 | {state} | |" for i, (what, state) in enumerate(rows, 1)
            ),
        )
        published = started.date() + timedelta(days=3)
        roles = ["incident-commander", "cto", "lead-engineer", "devops-lead"][:signed]
        return update_frontmatter(
            text,
            {
                "status": "Published",
                "published": published.isoformat(),
                "signoff": {role: {"login": "a", "date": published.isoformat()} for role in roles},
                "follow_up": (published + timedelta(days=30)).isoformat(),
            },
        )

    docs = {
        "postmortems/2026-03-02-checkout-down.md": doc(
            41, "Checkout down", "2026-03-02", "P0", 10, 95, "checkout, payments",
            [("Alert on pool saturation", "P0 | 🟢 Done"), ("Cap retries", "P1 | 🔴 Not Started")], 4,
        ),
        "postmortems/2026-02-11-search-slow.md": doc(37, "Search slow", "2026-02-11", "P2", 10, 240, "search", [], 3),
        "postmortems/2026-01-20-login-errors.md": doc(
            30, "Login errors", "2026-01-20", "P1", 25, 130, "auth, checkout",
            [("Rotate certificates automatically", "P1 | 🟢 Done")], 4,
        ),
        "postmortems/2019-outage.md": "# 2019 outage\n\nA hand-written report.\n",
    }  # fmt: skip
    entries = [entry_from_document(path, sha(text), text) for path, text in docs.items()]
    lines = render_region(entries).splitlines()
    # the hidden record is one long line; the README shows what GitHub renders
    return "\n".join(line for line in lines if not line.startswith("<!-- postmortem:catalogue"))


def sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def main() -> None:
    rng = random.Random(9)
    docs = dict(generate(n, rng) for n in range(1, COUNT + 1))
    listing = [(path, sha(text)) for path, text in docs.items()]

    start = time.perf_counter()
    plan = plan_refresh(listing, None)
    entries = refreshed_entries(plan, {p: (s, docs[p]) for p, s in listing if p in plan.read})
    readme = render_catalogue(entries, None)
    first = time.perf_counter() - start
    first_reads = len(plan.read)

    changed = next(iter(docs))
    docs[changed] = docs[changed].replace(
        "Fix 1 | @a | 2026-01-01 | P0 | 🔴 Not Started", "Fix 1 | @a | 2026-01-01 | P0 | 🟢 Done"
    )
    docs[changed] += "\nEdited.\n"
    listing = [(path, sha(text)) for path, text in docs.items()]
    start = time.perf_counter()
    plan2 = plan_refresh(listing, read_catalogue(readme))
    entries2 = refreshed_entries(plan2, {p: (s, docs[p]) for p, s in listing if p in plan2.read})
    readme2 = render_catalogue(entries2, readme)
    refresh = time.perf_counter() - start

    start = time.perf_counter()
    plan3 = plan_refresh(listing, read_catalogue(readme2))
    readme3 = render_catalogue(refreshed_entries(plan3, {}), readme2)
    rerun = time.perf_counter() - start

    def requests(reads: int, changed_readme: bool) -> int:
        return 2 + reads + (COMMIT_WRITES if changed_readme else 0)

    print(f"{COUNT} generated post-mortems; README {len(readme2.encode()) / 1024:.0f} KiB "
          f"(record {len(readme2.splitlines()[3].encode()) / 1024:.0f} KiB); {date.today():%Y-%m-%d}")  # fmt: skip
    print()
    print("| scenario | documents re-read | requests | writes | time (pure core) |")
    print("|---|---|---|---|---|")
    print(
        f"| first build | {first_reads} | {requests(first_reads, True)} | {COMMIT_WRITES} | {first * 1000:.0f} ms |"
    )
    print(f"| one document changed | {len(plan2.read)} | {requests(len(plan2.read), readme2 != readme)} | "
          f"{COMMIT_WRITES if readme2 != readme else 0} | {refresh * 1000:.0f} ms |")  # fmt: skip
    print(f"| nothing changed (rerun) | {len(plan3.read)} | {requests(len(plan3.read), readme3 != readme2)} | "
          f"{COMMIT_WRITES if readme3 != readme2 else 0} | {rerun * 1000:.0f} ms |")  # fmt: skip


if __name__ == "__main__":
    import sys

    print(example()) if "--example" in sys.argv else main()
