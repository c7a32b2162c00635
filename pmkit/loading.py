"""``pmkit.load``: many postmortem files in, one :class:`~pmkit.Postmortems` out."""

from __future__ import annotations

import glob
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pandas as pd

from pmkit import schema
from pmkit.classify import Vocabulary
from pmkit.collection import Postmortems
from pmkit.errors import ParseError, UsageError
from pmkit.io import MARKDOWN_SUFFIXES, READERS, Options, Reader
from pmkit.io.confidence import rate_milestones
from pmkit.io.merge import merge_sources
from pmkit.io.rows import Parsed
from pmkit.progress import Progress

__all__ = ["NOT_POSTMORTEMS", "find_files", "load", "not_postmortem"]

#: File names skipped inside folders: project files, not postmortems. A file
#: passed by its own path is always read.
NOT_POSTMORTEMS = frozenset(
    {
        "readme.md",
        "source.md",
        "license.md",
        "changelog.md",
        "contributing.md",
        "code_of_conduct.md",
        "security.md",
        "_index.md",
        "summary.md",
    }
)
#: Documents larger than this are reported and skipped, not read whole.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: The same for platform and table exports (.json, .csv, .parquet, ...), which
#: are legitimately large: a year of incidents with their log entries.
DEFAULT_MAX_EXPORT_BYTES = 256 * 1024 * 1024
#: Below this many files a process pool costs more than it saves.
_PARALLEL_MIN = 4000
_CHUNK = 2000
_STRICT_CHUNK = 100

ProgressCallback = Callable[[int, int], None]


def find_files(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files a ``load`` of ``paths`` reads, in a stable order.

    ``paths`` may be a folder (searched recursively, following no symlinked
    folders twice), a file, a glob pattern, or a list of those.
    """
    return [Path(f) for f in _find(paths)]


def _find(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    skipped: list[str] | None = None,
) -> list[str]:
    """:func:`find_files` as path strings, normalised as ``str(Path(...))`` is.

    A load of 100k files spends most of its file search building ``Path``
    objects; strings are what the readers open. Files a folder search passes
    over as no postmortems (:func:`not_postmortem`) are added to ``skipped``.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    found: list[str] = []
    seen: set[str] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            # walked names join a normalised root, so equal files give equal strings
            for f in _walk(str(p), skipped):
                if f not in seen:
                    seen.add(f)
                    found.append(f)
        elif p.is_file():
            f = str(p)
            if f not in seen:
                seen.add(f)
                found.append(f)
        elif any(ch in str(p) for ch in "*?["):
            for g in sorted(glob.glob(str(p), recursive=True)):
                gp = str(Path(g))
                if os.path.isfile(gp) and gp not in seen:
                    seen.add(gp)
                    found.append(gp)
        else:
            raise ParseError(
                f"{p} does not exist; pass a folder, a file or a glob "
                "such as 'postmortems/**/*.md'",
                source=str(p),
                code="file.missing",
            )
    return found


def _suffixes() -> tuple[str, ...]:
    return tuple(sorted({s for r in READERS for s in r.suffixes}))


def not_postmortem(name: str) -> bool:
    """Whether a file found in a folder is a project file or a template, not a postmortem.

    Project files by name (:data:`NOT_POSTMORTEMS`: README.md, LICENSE.md,
    CONTRIBUTING.md, ...), and templates: a name with the word "template" and
    no year in it (``template-incident-report.md``, ``postmortem_template.md``;
    ``2024-05-01-template-rendering.md`` is a postmortem).

    >>> not_postmortem("README.md"), not_postmortem("template-incident-report.md")
    (True, True)
    >>> not_postmortem("2024-05-01-template-rendering.md"), not_postmortem("index.md")
    (False, False)
    """
    low = name.lower()
    if low in NOT_POSTMORTEMS:
        return True
    return "template" in low and _TEMPLATE.search(low) is not None and not _YEAR.search(low)


_TEMPLATE = re.compile(r"(?:^|[^a-z])templates?(?:[^a-z]|$)")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _walk(root: str, skipped: list[str] | None = None) -> list[str]:
    out: list[str] = []
    visited: set[tuple[int, int]] = set()
    suffixes = _suffixes()
    cut = 2 if root == "." else 0  # "./a.md" is "a.md", as Path(".") / "a.md" is
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError:  # vanished or unreadable since os.walk listed it
            dirnames[:] = []
            continue
        key = (st.st_dev, st.st_ino)
        if key in visited:  # a symlink loop: stop descending
            dirnames[:] = []
            continue
        visited.add(key)
        if "pmkit.json" in filenames:  # a Parquet snapshot, not postmortems
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            low = name.lower()
            if not low.endswith(suffixes):
                continue
            if not_postmortem(low):
                if skipped is not None:
                    skipped.append(os.path.join(dirpath, name)[cut:])
                continue
            out.append(os.path.join(dirpath, name)[cut:])
    return out


def _decode(data: bytes) -> tuple[str | None, tuple[str, str, str] | None]:
    """Text of a file, plus a problem (level, code, message) when it needed help."""
    if not data.strip():
        return None, ("error", "file.empty", "file is empty; nothing to read")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            return data.decode("utf-32"), None
        except UnicodeDecodeError:
            pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        return None, (
            "error",
            "file.binary",
            "file holds binary data (NUL bytes), not Markdown text; remove it from the folder",
        )
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        return data.decode("latin-1"), (
            "warning",
            "file.encoding",
            f"file is not UTF-8 (byte {err.start}); read as Latin-1, check accented characters "
            "and save it as UTF-8",
        )


_SNIFF_BYTES = 65536


def _pick(name: str, data: bytes, fmt: str | None) -> Reader | None:
    if fmt is not None:
        return next(r for r in READERS if r.name == fmt)
    low = name.lower()
    candidates = [r for r in READERS if low.endswith(r.suffixes)]
    if len(candidates) == 1:
        return candidates[0]
    head = data[:_SNIFF_BYTES].decode("utf-8", errors="replace")
    return next((r for r in candidates if r.sniff(name, "" if r.binary else head)), None)


def _safe_name(path: str) -> str:
    """``path`` as text that can be stored and shown: bytes of a file name that are not
    UTF-8 (``\\xff`` on an old share) are written as ``\\xff`` escapes."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


def _read_one(
    source: str, out: Parsed, options: Options, fmt: str | None, max_bytes: int | None
) -> None:
    safe = _safe_name(source)
    if safe == source:
        _read_file(source, out, options, fmt, max_bytes)
        return
    # A file name that is not UTF-8: the file is read, and every text its rows take
    # from the name (source, id, title) is the escaped name
    marks = {name: len(next(iter(cols.values()))) for name, cols in out.tables.items()}
    _read_file(source, out, options, fmt, max_bytes)
    for name, cols in out.tables.items():
        for values in cols.values():
            for i in range(marks[name], len(values)):
                v = values[i]
                if isinstance(v, str):
                    values[i] = _safe_name(v)
    out.problem(
        safe,
        None,
        "warning",
        "file.name_encoding",
        "the file name is not valid UTF-8 (an old share's encoding?); it is shown with "
        "\\x escapes for the bytes that are not: rename the file to keep its name readable",
    )


def _read_file(
    source: str, out: Parsed, options: Options, fmt: str | None, max_bytes: int | None
) -> None:
    name = os.path.basename(source)
    try:
        st = os.stat(source)
        if not stat.S_ISREG(st.st_mode):
            # a FIFO or device named *.md would block or never end
            out.problem(
                source,
                None,
                "error",
                "file.unreadable",
                "not a regular file (a pipe, socket or device); remove it from the folder",
            )
            return
        size = st.st_size
        if max_bytes is None:
            document = name.lower().endswith(MARKDOWN_SUFFIXES)
            max_bytes = DEFAULT_MAX_BYTES if document else DEFAULT_MAX_EXPORT_BYTES
        if size > max_bytes:
            out.problem(
                source,
                None,
                "error",
                "file.too_large",
                f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; "
                "raise max_bytes= in pmkit.load to read it",
            )
            return
        with open(source, "rb") as f:
            data = f.read()
    except OSError as err:
        out.problem(
            source, None, "error", "file.unreadable", f"cannot read file: {err.strerror or err}"
        )
        return
    try:
        reader = _pick(name, data, fmt)
    except Exception as err:  # a reader's sniff must not end the load either
        out.problem(source, None, "error", "reader.failed", _failure("recognising the format", err))
        return
    if reader is None:
        out.problem(
            source,
            None,
            "error",
            "file.unknown_format",
            "no pmkit reader recognises this file; pass format= to pmkit.load "
            f"(one of {', '.join(r.name for r in READERS)})",
        )
        return
    text = ""
    if not reader.binary:
        decoded, issue = _decode(data)
        if issue is not None:
            out.problem(source, None, *issue)
        if decoded is None:
            return
        text = decoded
    del data
    marks = {name: len(next(iter(cols.values()))) for name, cols in out.tables.items()}
    try:
        reader.read(Path(source), text, out, options)
    except Exception as err:  # one bad file must not end a load of thousands
        # Take back whatever the reader appended for this file: half a document
        # would be rows without their incident.
        for name, cols in out.tables.items():
            for values in cols.values():
                del values[marks[name] :]
        out.problem(
            source, None, "error", "reader.failed", _failure(f"the {reader.name} reader", err)
        )


def _failure(step: str, err: BaseException) -> str:
    what = str(err).splitlines()[0][:200] if str(err) else ""
    return (
        f"{step} failed on this file ({type(err).__name__}: {what}); the file is "
        "skipped. This is a pmkit bug: please report it with the file"
    )


def _frames(parsed: Parsed) -> dict[str, pd.DataFrame]:
    # Raises on a value that does not fit its column: _parse_chunk then looks
    # for the file that holds it.
    return {name: schema.from_lists(parsed.tables[name], name) for name in schema.TABLES}


def _parse_chunk(
    paths: Sequence[str], options: Options, fmt: str | None, max_bytes: int | None
) -> dict[str, pd.DataFrame]:
    parsed = Parsed()
    for p in paths:
        _read_one(p, parsed, options, fmt, max_bytes)
    try:
        return _frames(parsed)
    except Exception:  # find the file whose rows do not fit the schema
        pass
    parts: list[dict[str, pd.DataFrame]] = []
    for p in paths:
        one = Parsed()
        _read_one(p, one, options, fmt, max_bytes)
        try:
            parts.append(_frames(one))
        except Exception as err:
            failed = Parsed()
            failed.problem(
                str(p), None, "error", "reader.failed", _failure("checking the rows read", err)
            )
            parts.append(_frames(failed))
    return {name: schema.concat([x[name] for x in parts], name) for name in schema.TABLES}


def load(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    strict: bool = False,
    tz: str | None = None,
    progress: bool | ProgressCallback | None = None,
    vocabulary: Vocabulary | None = None,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    max_bytes: int | None = None,
    workers: int | None = None,
) -> Postmortems:
    """Read postmortem documents into a :class:`~pmkit.Postmortems` collection.

    Parameters
    ----------
    paths : path, glob or list of them
        Folders are searched recursively for files a reader knows (``*.md``,
        ``*.json``, ``*.csv``, ...; Parquet snapshot folders and project files such
        as README.md are skipped, see :data:`NOT_POSTMORTEMS`).
    strict : bool, default False
        Raise :class:`~pmkit.ParseError` for the first error-level problem
        (in file order) instead of recording it in ``problems``. Reading stops
        within 100 files of it, so a check of a large folder fails fast.
    tz : str, optional
        Time zone (IANA name or offset) for timeline times in documents that
        state none. Without it such times are a ``time.no_zone`` problem, never
        a guess.
    progress : bool or callable, optional
        ``True`` draws a progress bar (in Jupyter, or on stderr in a terminal);
        a callable gets ``(done, total)``. ``None`` shows one for more than
        2,000 files; ``False`` never does.
    vocabulary : Vocabulary, optional
        Extended event/heading vocabulary, see :meth:`pmkit.classify.Vocabulary.extend`.
    format : str, optional
        Read every file with this reader (``"markdown"``, or another registered
        in :data:`pmkit.io.READERS`) instead of recognising each by its content.
    columns : mapping, optional
        Column renames for generic tables, e.g. ``{"Incident ID": "incident_id"}``.
    max_bytes : int, optional
        Larger files are reported (``file.too_large``) and skipped, never read
        whole. Default: 20 MiB for Markdown documents, 256 MiB for exports.
    workers : int, optional
        Processes to parse with; by default one per core for 4,000+ files.

    Returns
    -------
    Postmortems
        One incident per readable document; every file or line that could not
        be read is a row in ``problems``.

    Examples
    --------
    >>> import pmkit, pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "2024-05-01-api.md").write_text(
    ...     "# API outage\\n\\n## Timeline\\n\\nAll times UTC.\\n\\n"
    ...     "- 10:00 [start] errors begin\\n- 10:07 alert fired\\n- 10:30 rolled back\\n")
    >>> pm = pmkit.load(d)
    >>> pm.incidents[["incident_id", "started_at", "detected_at"]].iloc[0].tolist()
    ['2024-05-01-api', Timestamp('2024-05-01 10:00:00+0000', tz='UTC'),
     Timestamp('2024-05-01 10:07:00+0000', tz='UTC')]
    """
    if format is not None and format not in {r.name for r in READERS}:
        raise UsageError(
            f"unknown format {format!r}; pmkit reads {', '.join(r.name for r in READERS)}"
        )
    options = Options(tz=tz, vocabulary=vocabulary, columns=dict(columns or {}))
    skipped: list[str] = []
    files = _find(paths, skipped)
    total = len(files)
    report: ProgressCallback | None
    if callable(progress):
        report = progress
    elif progress or (progress is None and total > 2000):
        # a bar in Jupyter, a redrawn line in a terminal, one line in a log
        report = Progress(total=total, desc="pmkit: reading", unit="files")
    else:
        report = None
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    # strict stops at the first chunk with an error: small chunks stop sooner
    size = _STRICT_CHUNK if strict else _CHUNK
    chunks = [files[i : i + size] for i in range(0, total, size)] or [[]]
    parts: list[dict[str, pd.DataFrame]] = []
    done = 0
    pending = list(chunks)
    if n_workers > 1 and total >= _PARALLEL_MIN and len(chunks) > 1:
        try:
            with ProcessPoolExecutor(max_workers=n_workers) as pool:
                futures = [pool.submit(_parse_chunk, c, options, format, max_bytes) for c in chunks]
                for c, fut in zip(chunks, futures, strict=True):
                    parts.append(fut.result())
                    pending.remove(c)
                    done += len(c)
                    if report:
                        report(done, total)
                    if strict and _has_error(parts[-1]["problems"]):
                        pool.shutdown(wait=False, cancel_futures=True)
                        _raise_first_error(parts[-1]["problems"])
        except BrokenProcessPool:
            # A worker died (killed for memory, or crashed): finish the chunks it
            # did not return here, one process, rather than lose the whole load.
            crashed = Parsed()
            crashed.problem(
                None,
                None,
                "warning",
                "load.worker_died",
                f"a parsing process died; the {sum(len(c) for c in pending):,} files it had "
                "not returned were read again in the main process",
            )
            parts.append(_frames(crashed))
    for c in pending:
        parts.append(_parse_chunk(c, options, format, max_bytes))
        done += len(c)
        if report and c:
            report(done, total)
        if strict:
            _raise_first_error(parts[-1]["problems"])
    tables = {name: schema.concat([p[name] for p in parts], name) for name in schema.TABLES}
    tables = rate_milestones(merge_sources(tables))
    if skipped:
        tables["problems"] = schema.concat([_skipped_rows(skipped), tables["problems"]], "problems")
    tables["problems"] = _duplicates(tables["incidents"], tables["problems"])
    if strict:
        _raise_first_error(tables["problems"])
    return Postmortems(**tables, inputs=[_safe_name(f) for f in files])


def _skipped_rows(skipped: list[str]) -> pd.DataFrame:
    """One ``file.not_postmortem`` info row per file a folder search passed over."""
    rows = Parsed()
    for f in map(_safe_name, skipped):
        what = "a template" if "template" in os.path.basename(f).lower() else "a project file"
        rows.problem(
            f,
            None,
            "info",
            "file.not_postmortem",
            f"{os.path.basename(f)} is {what}, not a postmortem: skipped (pass its path "
            "on its own to pmkit.load to read it)",
        )
    return _frames(rows)["problems"]


def _has_error(problems: pd.DataFrame) -> bool:
    return bool((problems["level"] == "error").any())


def _raise_first_error(problems: pd.DataFrame) -> None:
    """``strict=True``: the first error-level problem, in file order, as a ParseError."""
    errors = problems[problems["level"] == "error"]
    if not len(errors):
        return
    first = errors.iloc[0]
    line = None if pd.isna(first["line"]) else int(first["line"])
    raise ParseError(
        f"{first['message']} [{first['code']}]",
        source=None if pd.isna(first["source"]) else str(first["source"]),
        line=line,
        code=str(first["code"]),
    )


def _duplicates(incidents: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    dup = incidents[incidents["incident_id"].duplicated(keep=False)]
    if dup.empty:
        return problems
    rows: dict[str, list[Any]] = {
        c: [] for c in ("source", "line", "incident_id", "level", "code", "message")
    }
    for iid, group in dup.groupby("incident_id", sort=True):
        files = list(group["source"])
        for f in files:
            others = ", ".join(o for o in files if o != f)
            rows["source"].append(f)
            rows["line"].append(None)
            rows["incident_id"].append(iid)
            rows["level"].append("warning")
            rows["code"].append("id.duplicate")
            rows["message"].append(
                f"incident id {iid!r} is also used by {others}; both are kept, give each "
                "postmortem its own id"
            )
    return schema.concat([problems, schema.conform(rows, "problems")], "problems")
