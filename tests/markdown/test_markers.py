"""Hidden markers: `<!-- postmortem:kind {json} -->` written and read back."""

from __future__ import annotations

from postmortem.markdown.markers import has_marker, marker, read_marker


def test_marker_round_trips_data() -> None:
    text = "Some prose\n" + marker("document", path="postmortems/a.md", sha="abc", incident=5) + "\nmore"
    assert read_marker(text, "document") == {"path": "postmortems/a.md", "sha": "abc", "incident": 5}
    assert has_marker(text, "document")
    assert not has_marker(text, "signoff")
    assert read_marker(None, "document") is None


def test_marker_data_cannot_close_the_html_comment() -> None:
    text = marker("x", note="evil --> <script>")
    assert text.count("-->") == 1
    assert read_marker(text, "x") == {"note": "evil --> <script>"}


def test_bare_marker() -> None:
    assert marker("signoff") == "<!-- postmortem:signoff -->"
    assert read_marker("<!-- postmortem:signoff -->\nbody", "signoff") == {}
