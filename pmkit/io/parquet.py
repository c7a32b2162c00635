"""Parquet snapshot of the five tables: written atomically, read back with dtypes intact."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pmkit import schema
from pmkit.errors import ParseError

__all__ = ["read_tables", "write_tables"]

_MANIFEST = "pmkit.json"
_FORMAT = 1


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

    The files are written into a temporary sibling folder which then replaces
    ``directory`` with a rename, so a crash mid-write leaves the previous
    snapshot (or nothing) in place, never half of one.
    """
    target = Path(directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name in schema.TABLES:
            pq.write_table(_arrow(tables[name], name), tmp / f"{name}.parquet", compression="zstd")
        manifest = {
            "format": _FORMAT,
            "tables": {k: len(v) for k, v in tables.items()},
            "meta": meta or {},
        }
        (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def read_tables(
    directory: str | os.PathLike[str],
) -> tuple[dict[str, pd.DataFrame], dict[str, object]]:
    """Read a snapshot written by :func:`write_tables`: the tables and the ``meta`` stored."""
    src = Path(directory)
    if not (src / _MANIFEST).is_file():
        raise ParseError(
            f"{src} is not a pmkit snapshot (no {_MANIFEST}); write one with "
            "pm.to_parquet(dir) or `pmkit load PATHS -o dir`",
            source=str(src),
            code="snapshot.missing",
        )
    out: dict[str, pd.DataFrame] = {}
    for name, cols in schema.TABLES.items():
        table = pq.read_table(src / f"{name}.parquet")
        df = table.to_pandas(
            types_mapper={pa.string(): schema.STRING, pa.large_string(): schema.STRING}.get
        )
        for c, dtype in cols.items():
            if df[c].dtype != dtype:
                df[c] = df[c].astype(dtype)
        out[name] = schema.validate(df, name)
    manifest = json.loads((src / _MANIFEST).read_text(encoding="utf-8"))
    return out, dict(manifest.get("meta", {}))
