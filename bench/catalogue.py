"""Catalogue cost over 500 generated post-mortems: a first build and a one-document refresh.

Run from the repository root: ``.venv/bin/python bench/catalogue.py`` (prints a Markdown table).
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
    plan_refresh,
    read_catalogue,
    refreshed_entries,
    render_catalogue,
)
from postmortem.config import Config
from postmortem.incident.model import Incident
from postmortem.incident.render import render_document, update_frontmatter

COUNT = 500
SERVICES = ["checkout", "payments", "search", "auth", "api", "billing", "cdn", "db", "queue", "mobile"]
CAUSES = ["connection pool exhausted", "expired certificate", "bad deploy config", "disk full", "dns timeout"]
COMMIT_WRITES = 3  # tree (README content inline), commit, ref update


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
    main()
