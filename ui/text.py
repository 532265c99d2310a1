"""Showing user-supplied text (file names, job titles, messages quoting cells) safely."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def md_escape(text: object) -> str:
    """Escape Markdown (and HTML-looking) characters so text renders literally in st.markdown.

    Titles such as ``[x](http://evil)`` or ``<img onerror=...>`` must show as typed, never
    as a link, an image fetched from elsewhere, or markup.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
