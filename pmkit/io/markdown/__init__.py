"""Read one Markdown postmortem into rows of the five tables.

Two flavours matter: pmkit's own canvas template (``pmkit/templates/postmortem.md``,
YAML front matter and the eight canvas sections) and postmortems as teams really
write them (TOML or no front matter, headings with many names, timelines as
bullets, tables or prose, times in a dozen formats). Whatever cannot be
understood becomes a ``problems`` row with the file and line.

The reader works on one document at a time and returns plain column lists
(:class:`Parsed`); :func:`pmkit.load` turns many of them into DataFrames at once.
"""

from __future__ import annotations

from pmkit import timeparse
from pmkit.classify import Vocabulary
from pmkit.io.markdown._doc import _Doc
from pmkit.io.markdown._text import _COMMENT, _STRUCK
from pmkit.io.rows import Parsed

__all__ = ["read_markdown"]


def read_markdown(
    text: str,
    *,
    source: str,
    tz: str | None = None,
    vocabulary: Vocabulary | None = None,
    out: Parsed | None = None,
) -> Parsed:
    """Read one Markdown postmortem into column lists.

    Parameters
    ----------
    text : str
        The document.
    source : str
        Its path, used for ``source`` columns, problems and the default id.
    tz : str, optional
        Zone for timeline times when the document states none.
    vocabulary : Vocabulary, optional
        Event and heading vocabulary (default :data:`pmkit.classify.DEFAULT_VOCABULARY`).
    out : Parsed, optional
        Accumulator to append to (many documents, one set of lists).

    Returns
    -------
    Parsed
        Column lists for the five tables; timestamps are integer microseconds UTC.

    Examples
    --------
    >>> p = read_markdown("# Outage\\n\\n## Timeline\\n\\nAll times UTC.\\n\\n"
    ...                   "- 2024-05-01 10:00 [start] errors begin\\n- 10:07 alert fired\\n",
    ...                   source="x.md")
    >>> p.tables["events"]["kind"]
    ['impact_start', 'detected']
    """
    out = Parsed() if out is None else out
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<!--" in text:
        # a comment goes, its line breaks stay: line numbers still name the file's lines
        text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    if "~~" in text or "</" in text:
        # keep the line count: struck lines keep their line breaks
        text = _STRUCK.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    doc = _Doc(text, source, tz, vocabulary, out)
    # numeric dates that could be read both ways are read as the document decides
    token = timeparse.day_first(doc.date_order_now)
    try:
        doc.run()
        doc.finish()
    finally:
        timeparse.reset_day_first(token)
    return out
