"""Parquet snapshot of the five tables: written atomically, read back with dtypes intact."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import shutil
import sys
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pmkit import schema
from pmkit.errors import ParseError, PmkitError

__all__ = ["read_tables", "write_tables"]

_MANIFEST = "pmkit.json"
_FORMAT = 1
#: Columns newer than the snapshot format: a snapshot written before them reads
#: with them empty (the milestones' evidence lines and confidence).
_ADDED_LATER: dict[str, tuple[str, ...]] = {
    "incidents": tuple(
        f(m) for f in (schema.line_column, schema.confidence_column) for m in schema.MILESTONES
    )
}


def _arrow(df: pd.DataFrame, name: str) -> pa.Table:
    # Cast timestamps to the schema's unit explicitly: Parquet would otherwise
    # be free to store seconds-resolution data as milliseconds.
    df = schema.validate(df, name)
    return pa.Table.from_pandas(df, preserve_index=False)


def write_tables(
    tables: dict[str, pd.DataFrame],
    directory: str | os.PathLike[str],
    *,
    meta: dict[str, object] | None = None,
) -> Path:
    """Write every table to ``directory/<table>.parquet`` atomically.

    The files are written (and flushed to disk) into a temporary sibling
    folder which then trades places with ``directory`` in one atomic
    ``renameat2(RENAME_EXCHANGE)`` on Linux, so a process killed mid-write
    leaves the previous snapshot in place, never half of one. Where that call
    is missing the old folder is first renamed aside; a kill between the two
    renames leaves it there, and the next :func:`read_tables` or
    :func:`write_tables` of ``directory`` puts it back. Temporary folders of
    writers that were killed are removed by the next write.

    Only a pmkit snapshot (a folder with ``pmkit.json``), an empty folder or a
    missing path is replaced: anything else is refused with a
    :class:`~pmkit.PmkitError`, so a mistyped path never deletes a folder of
    postmortems. A symlink to a snapshot is followed (the snapshot it points to
    is replaced, the link stays). Writers of the same snapshot take turns (a lock
    on the folder that holds it); the last one wins. Files get the user's usual permissions.
    The manifest records each table file's size and CRC-32, which
    :func:`read_tables` checks.
    """
    target = _resolve_target(Path(directory))
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock(target):
        _recover(target)
        _refuse_non_snapshot(target)
        _sweep(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
        try:
            files: dict[str, dict[str, int]] = {}
            for name in schema.TABLES:
                path = tmp / f"{name}.parquet"
                pq.write_table(_arrow(tables[name], name), path, compression="zstd")
                data = path.read_bytes()
                files[f"{name}.parquet"] = {"bytes": len(data), "crc32": zlib.crc32(data)}
            manifest = {
                "format": _FORMAT,
                "tables": {k: len(v) for k, v in tables.items()},
                "files": files,
                "meta": meta or {},
            }
            (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            _usual_permissions(tmp)
            _fsync_tree(tmp)
            if not target.exists():
                tmp.rename(target)
            elif _exchange(tmp, target):
                shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous snapshot
            else:
                old = target.with_name(f".{target.name}.old-{os.getpid()}")
                target.rename(old)
                tmp.rename(target)
                shutil.rmtree(old, ignore_errors=True)
            _fsync_dir(target.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return Path(directory)


def _resolve_target(path: Path) -> Path:
    """The folder a write replaces: a symlink to a snapshot is followed."""
    if path.is_symlink():
        real = path.resolve()
        if (real / _MANIFEST).is_file() or not real.exists():
            return real
        raise PmkitError(
            f"{path} is a symlink to {real}, which is not a pmkit snapshot; refusing to "
            "replace it. Write the snapshot to a new folder"
        )
    return path


def _refuse_non_snapshot(target: Path) -> None:
    """Raise unless ``target`` is missing, an empty folder or a pmkit snapshot."""
    if not target.exists() and not target.is_symlink():
        return
    if not target.is_dir():
        raise PmkitError(
            f"{target} exists and is not a folder; a snapshot is a folder. Refusing to "
            "replace it: write the snapshot to a new folder"
        )
    if (target / _MANIFEST).is_file():
        return
    try:
        entries = [e.name for e in os.scandir(target)]
    except OSError as err:
        raise PmkitError(f"{target} cannot be listed ({err.strerror}); not replaced") from err
    if entries:
        shown = ", ".join(sorted(entries)[:3]) + (" ..." if len(entries) > 3 else "")
        raise PmkitError(
            f"{target} holds {len(entries)} entries ({shown}) and is not a pmkit snapshot "
            "(no pmkit.json); refusing to replace it. Write the snapshot to a new folder, "
            "e.g. snapshot/"
        )


@contextlib.contextmanager
def _lock(target: Path) -> Iterator[None]:
    """Hold a lock on the snapshot's parent folder while replacing it (POSIX ``flock``
    on the folder itself: nothing is left beside the snapshot)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: one writer at a time is the user's
        yield
        return
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _usual_permissions(folder: Path) -> None:
    """Give a snapshot the permissions new files get (``mkdtemp`` makes it 0700)."""
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)
    for f in folder.iterdir():
        os.chmod(f, 0o666 & ~mask)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
        return False  # old kernel or a file system without exchange: rename aside instead
    raise OSError(err, os.strerror(err), str(b))


def _recover(target: Path) -> None:
    """Put back a snapshot left renamed aside by a writer killed between two renames."""
    if (target / _MANIFEST).is_file():
        return
    for old in sorted(target.parent.glob(f".{target.name}.old-*")):
        if (old / _MANIFEST).is_file() and not target.exists():
            old.rename(target)
            return


def _sweep(target: Path) -> None:
    """Remove folders left by writers of ``target`` that no longer run.

    Their temporary folders, and a previous snapshot renamed aside by a writer
    killed after it had put the new one in place (only once ``target`` holds a
    whole snapshot: :func:`_recover` has run first).
    """
    whole = (target / _MANIFEST).is_file()
    for kind in ("tmp", "old"):
        if kind == "old" and not whole:
            continue
        for left in target.parent.glob(f".{target.name}.{kind}-*"):
            pid = left.name[len(target.name) + 6 :].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(left, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _fsync_tree(folder: Path) -> None:
    for f in folder.iterdir():
        fd = os.open(f, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _read_pool() -> Iterator[None]:
    """Read into pyarrow's jemalloc pool where it has one and nobody chose a pool.

    pyarrow's default mimalloc pool made the first read of a large snapshot in a
    process slow and erratic: 0.7-1.05 s for 100k incidents against 0.31-0.38 s
    with jemalloc, whose tables are the same (bench/bench_load.py measures both).
    Another pool the user chose (``ARROW_DEFAULT_MEMORY_POOL``, or
    ``pa.set_memory_pool`` with the system or jemalloc pool) is kept, and the
    default is restored after the read.
    """
    previous = pa.default_memory_pool()
    if "ARROW_DEFAULT_MEMORY_POOL" in os.environ or previous.backend_name != "mimalloc":
        yield
        return
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc (Windows)
        yield
        return
    pa.set_memory_pool(pool)
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def read_tables(
    directory: str | os.PathLike[str],
) -> tuple[dict[str, pd.DataFrame], dict[str, object]]:
    """Read a snapshot written by :func:`write_tables`: the tables and the ``meta`` stored.

    All files are read from one opened folder, so a snapshot replaced while it is
    read gives the one that was opened, never tables of two; each table's size and
    CRC-32 are checked against the manifest (snapshots written before it recorded
    them are read unchecked).
    """
    src = Path(directory)
    if not (src / _MANIFEST).is_file():
        _recover(src)
    if not (src / _MANIFEST).is_file():
        raise ParseError(
            f"{src} is not a pmkit snapshot (no {_MANIFEST}); write one with "
            "pm.to_parquet(dir) or `pmkit load PATHS -o dir`",
            source=str(src),
            code="snapshot.missing",
        )
    blobs = _read_whole(src)
    try:
        manifest = json.loads(blobs[_MANIFEST].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _damaged(src / _MANIFEST, str(err)) from err
    if not isinstance(manifest, dict) or not isinstance(manifest.get("meta", {}), dict):
        raise _damaged(src / _MANIFEST, "not the manifest pmkit writes")
    recorded = manifest.get("files")
    out: dict[str, pd.DataFrame] = {}
    with _read_pool():
        for name, cols in schema.TABLES.items():
            path = src / f"{name}.parquet"
            data = blobs[path.name]
            if isinstance(recorded, dict) and isinstance(recorded.get(path.name), dict):
                want = recorded[path.name]
                if want.get("bytes") != len(data) or want.get("crc32") != zlib.crc32(data):
                    raise _damaged(
                        path,
                        "its checksum does not match the manifest (the file was changed or "
                        "swapped after the snapshot was written)",
                    )
            try:
                table = pq.read_table(pa.BufferReader(data))
            except (OSError, pa.ArrowException) as err:
                raise _damaged(path, str(err).splitlines()[0] if str(err) else "") from err
            df = table.to_pandas(
                types_mapper={pa.string(): schema.STRING, pa.large_string(): schema.STRING}.get
            )
            for c in _ADDED_LATER.get(name, ()):
                if c not in df:  # a snapshot written before the column existed
                    df[c] = pd.array([None] * len(df), dtype=cols[c])
            missing = [c for c in cols if c not in df]
            if missing:
                raise _damaged(path, f"no column {', '.join(missing)}")
            try:
                for c, dtype in cols.items():
                    if df[c].dtype != dtype:
                        df[c] = df[c].astype(dtype)
            except (TypeError, ValueError) as err:
                raise _damaged(path, f"column {c}: {err}") from err
            out[name] = schema.validate(df, name)
    return out, dict(manifest.get("meta", {}))


#: how often a read starts again when a writer replaced the snapshot under it (a file
#: still missing after that is missing)
_READ_ATTEMPTS = 5


def _read_whole(src: Path) -> dict[str, bytes]:
    """The bytes of every file of the snapshot at ``src``, all from one folder.

    The folder is opened once and every file read through it: a writer swaps
    whole folders, so what is read is one snapshot. A file gone meanwhile (the
    writer removed the previous snapshot) starts the read again.
    """
    names = [_MANIFEST, *(f"{name}.parquet" for name in schema.TABLES)]
    last: OSError | None = None
    for _ in range(_READ_ATTEMPTS):
        try:
            if os.open in os.supports_dir_fd:
                dfd = os.open(src, os.O_RDONLY)
                try:
                    return {n: _read_at(dfd, n) for n in names}
                finally:
                    os.close(dfd)
            return {n: (src / n).read_bytes() for n in names}
        except FileNotFoundError as err:
            last = err
            continue
        except OSError as err:
            raise _damaged(src / str(err.filename or ""), err.strerror or str(err)) from err
    assert last is not None
    missing = Path(str(last.filename or "")).name
    raise _damaged(src / missing, "the file is missing")


def _read_at(dfd: int, name: str) -> bytes:
    fd = os.open(name, os.O_RDONLY, dir_fd=dfd)
    with os.fdopen(fd, "rb") as f:
        return f.read()


def _damaged(path: Path, why: str) -> ParseError:
    return ParseError(
        f"this snapshot file cannot be read ({why}); write the snapshot again with "
        "pm.to_parquet(dir) or `pmkit load PATHS -o dir`",
        source=str(path),
        code="snapshot.damaged",
    )
