"""Showing user-supplied text (file names, job titles, messages quoting cells) safely."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
# Streamlit's Markdown turns bare URLs, "www." names and e-mail addresses into links
# *after* escapes and entities are decoded, so neither stops them: an invisible word
# joiner inside "scheme:", "www." and before "@" does (the text still reads the same).
_WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)\\:|(?<![a-z0-9])www(?=\\\.)")
# Bidirectional controls reorder what is displayed ("LIVE" can show as "EVIL"): drop them
# from echoed text, with the zero-width marks that only matter next to them.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def md_escape(text: object) -> str:
    """Escape Markdown (and HTML-looking) characters so text renders literally in st.markdown.

    Titles such as ``[x](http://evil)`` or ``<img onerror=...>`` must show as typed, never
    as a link, an image fetched from elsewhere, or markup.
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", strip_bidi(str(text))).replace("\n", " ")
    unlinked = _AUTOLINK.sub(lambda m: m.group(0) + _WORD_JOINER, escaped)
    return unlinked.replace("@", _WORD_JOINER + "@")


def strip_bidi(text: str) -> str:
    """`text` without bidirectional control characters (they can reverse what is shown)."""
    return _BIDI.sub("", text)
