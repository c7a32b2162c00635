"""Plain text from the HTML that boards and platforms put in their text fields.

Miro sticky notes, incident.io summaries and Statuspage update bodies hold small
HTML fragments. :func:`html_to_text` reads them with the standard library's
:class:`html.parser.HTMLParser` (never with regular expressions): tags are
dropped, the content of ``<script>``, ``<style>`` and similar elements is
dropped with them, entities are unescaped, block elements and ``<br>`` become
line breaks and runs of spaces collapse.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text"]

_SKIP = frozenset({"script", "style", "template", "noscript", "head", "title", "iframe", "object"})
_BLOCK = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "hr",
        "section",
        "article",
    }
)
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "area", "base", "col"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skipping.append(tag)
            return
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag in self.skipping:
                # close everything opened inside the skipped element too
                del self.skipping[self.skipping.index(tag) :]
            return
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")


def html_to_text(html: str | None) -> str:
    """The visible text of an HTML fragment, one line per paragraph.

    Parameters
    ----------
    html : str or None
        A fragment such as ``"<p>Alert <b>fired</b> &amp; paged</p>"``. Text
        without tags is returned tidied; None gives ``""``.

    Returns
    -------
    str
        Text with tags removed, ``<script>``/``<style>`` content dropped,
        entities unescaped, one line per block element and single spaces.

    Examples
    --------
    >>> html_to_text("<p>10:02 Alert <b>fired</b> &amp; paged</p><p>on-call ack</p>")
    '10:02 Alert fired & paged\\non-call ack'
    >>> html_to_text("<script>alert('x')</script><p>safe&nbsp;text</p>")
    'safe text'
    """
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return _tidy(html)
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = _tidy("".join(parser.parts))
    # "&lt;script&gt;" decodes to a tag opener, and the parser keeps a trailing
    # unclosed tag as text: no text column may hold "<letter", so split it.
    return _TAG_OPEN.sub("< ", text) if "<" in text else text


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\xa0", " ").splitlines())
    return "\n".join(line for line in lines if line)
