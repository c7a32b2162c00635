"""Readers and writers, one module per source, and the registry ``pmkit.load`` uses.

A reader claims a file by name and content (:attr:`Reader.sniff`) and appends
rows for it to a :class:`~pmkit.io.rows.Parsed` (:attr:`Reader.read`). Register
one with :func:`register`; ``pmkit.load(..., format=name)`` forces one.

Formats: ``"markdown"`` (:mod:`pmkit.io.markdown`), ``"miro"`` (Miro REST API v2
board items, :mod:`pmkit.io.miro`), ``"pagerduty"``, ``"incidentio"`` and
``"statuspage"`` (incident platform exports, :mod:`pmkit.io.platforms`) and
``"table"`` (CSV, JSON, JSONL, YAML or Parquet tables of incidents, events or
actions, :mod:`pmkit.io.tabular`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmkit.io.rows import Parsed

if TYPE_CHECKING:
    from pmkit.classify import Vocabulary

__all__ = ["MARKDOWN_SUFFIXES", "READERS", "Options", "Parsed", "Reader", "register"]


@dataclass(frozen=True)
class Options:
    """What every reader is told about the load it is part of."""

    tz: str | None = None
    vocabulary: Vocabulary | None = None
    #: column renames for generic tables: {"Incident ID": "incident_id", ...}
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reader:
    """One input format.

    Attributes
    ----------
    name : str
        What ``format=`` selects it by, e.g. ``"markdown"``, ``"miro"``.
    suffixes : tuple of str
        File name endings it may read (lower case, with the dot).
    sniff : callable
        ``sniff(name, head) -> bool``: does the file (its name and first 64 KiB of
        decoded text; empty for binary readers) look like this format?
    read : callable
        ``read(path, text, out, options)``: append the file's rows to ``out``;
        ``text`` is the decoded file (empty for binary readers, which read ``path``).
    binary : bool
        Read as bytes (e.g. Parquet) rather than decoded text.
    """

    name: str
    suffixes: tuple[str, ...]
    sniff: Callable[[str, str], bool]
    read: Callable[[Path, str, Parsed, Options], None]
    binary: bool = False


#: File endings of Markdown postmortems (the documents; everything else is an export):
#: Markdown, MDX, Quarto and R Markdown, and the ``.html.md.erb`` pages of Middleman
#: sites (the GOV.UK tech-docs template many teams keep their incident logs in).
MARKDOWN_SUFFIXES: tuple[str, ...] = (
    ".md",
    ".markdown",
    ".mdown",
    ".mdx",
    ".qmd",
    ".rmd",
    ".md.erb",
)

#: Registered readers, in the order their ``sniff`` is tried.
READERS: list[Reader] = []


def register(reader: Reader, *, first: bool = False) -> Reader:
    """Add ``reader`` (replacing one of the same name)."""
    READERS[:] = [r for r in READERS if r.name != reader.name]
    if first:
        READERS.insert(0, reader)
    else:
        READERS.append(reader)
    return reader


def _read_markdown(path: Path, text: str, out: Parsed, options: Options) -> None:
    from pmkit.io.markdown import read_markdown

    read_markdown(text, source=str(path), tz=options.tz, vocabulary=options.vocabulary, out=out)


register(
    Reader(
        name="markdown",
        suffixes=MARKDOWN_SUFFIXES,
        sniff=lambda name, head: True,
        read=_read_markdown,
    )
)

# Readers that register themselves on import, in the order their sniff is tried
# (the generic table reader last: it claims any JSON the others do not).
from pmkit.io import jira as _jira  # noqa: E402, F401
from pmkit.io import miro as _miro  # noqa: E402, F401
from pmkit.io import platforms as _platforms  # noqa: E402, F401
from pmkit.io import tabular as _tabular  # noqa: E402, F401
