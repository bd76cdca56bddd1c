"""keep_related_section: a regenerated draft keeps the Related Incidents list it was written with."""

from __future__ import annotations

import pytest

from postmortem.catalogue.related import keep_related_section

PROMPT = "## Appendix\n\n### Related Incidents\n\n*Links to earlier incidents with a similar cause or impact.*\n\n### References\n\nnew refs\n"
FILLED = "## Appendix\n\n### Related Incidents\n\n- 2025-11-17 — [Outage](a.md) (shared: API)\n\n### References\n\nold refs\n"
HUMAN = "## Appendix\n\n### Related Incidents\n\nSee also the 2019 outage.\n\n### References\n\nold refs\n"


@pytest.mark.parametrize(
    ("document", "previous", "expected"),
    [
        # the list moves into the regenerated draft; everything else is the new draft's
        (
            PROMPT,
            FILLED,
            PROMPT.replace(
                "*Links to earlier incidents with a similar cause or impact.*\n",
                "- 2025-11-17 — [Outage](a.md) (shared: API)\n",
            ),
        ),
        (PROMPT, PROMPT, PROMPT),  # nothing was listed
        (PROMPT, "no such section\n", PROMPT),
        (FILLED.replace("old refs", "new refs"), PROMPT, FILLED.replace("old refs", "new refs")),
        # whatever the previous draft held under the heading is kept (people's text: the draft was untouched)
        (
            PROMPT,
            HUMAN,
            PROMPT.replace(
                "*Links to earlier incidents with a similar cause or impact.*\n",
                "See also the 2019 outage.\n",
            ),
        ),
        ("no section\n", FILLED, "no section\n"),
        # a heading inside a fence is not the section
        ("```\n### Related Incidents\n```\n", FILLED, "```\n### Related Incidents\n```\n"),
    ],
)
def test_keep_related_section(document: str, previous: str, expected: str) -> None:
    assert keep_related_section(document, previous) == expected


def test_crlf_documents_keep_their_line_endings() -> None:
    document, previous = PROMPT.replace("\n", "\r\n"), FILLED.replace("\n", "\r\n")
    kept = keep_related_section(document, previous)
    assert "- 2025-11-17 — [Outage](a.md) (shared: API)\r\n" in kept
    assert "\n" not in kept.replace("\r\n", "")
