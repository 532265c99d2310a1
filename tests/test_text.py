"""ui.text.md_escape: user text renders literally in Markdown."""

import re

from ui.text import md_escape


def _unescaped(text: str, char: str) -> bool:
    """True if `char` occurs in `text` without a preceding backslash."""
    return re.search(rf"(?<!\\){re.escape(char)}", text) is not None


def test_link_syntax_is_escaped():
    out = md_escape("[click](http://evil.example)")
    assert not _unescaped(out, "[") and not _unescaped(out, "(")


def test_image_and_html_are_escaped():
    out = md_escape("![x](http://evil.example/a.png) <img src=x onerror=alert(1)>")
    assert not _unescaped(out, "!") and not _unescaped(out, "<")


def test_plain_text_keeps_its_letters():
    assert md_escape("Senior Data Scientist").replace("\\", "") == "Senior Data Scientist"


def test_newlines_cannot_start_a_new_markdown_block():
    assert "\n" not in md_escape("Data Scientist\n# Heading")
