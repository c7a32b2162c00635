"""Coverage-guided fuzzing of pmkit's readers with atheris (see README.md here).

Each input is one file: its first byte picks the suffix (``.md``, ``.json``,
``.csv``), the rest is the file's bytes. It goes through what ``pmkit.load``
does for one file -- format sniffing, decoding, the reader -- but *without*
the load's safety net that turns a reader's exception into a ``reader.failed``
row, then through the schema check of the five tables. Anything raised but
:class:`~pmkit.ParseError` is a crash.

Run (atheris is in the ``fuzz`` extra, not a dependency)::

    .venv/bin/python tests/fuzz/fuzz_readers.py -atheris_runs=200000 -max_len=65536 \\
        -timeout=10 -rss_limit_mb=4096 /tmp/pmkit-fuzz-corpus
    .venv/bin/python tests/fuzz/fuzz_readers.py --replay /tmp/pmkit-fuzz-corpus

The corpus folder is seeded on the first run from ``../shared/corpora`` and
``tests/data`` (never committed). ``--replay`` reads every input in a folder
once and prints the slowest per MB.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = (ROOT.parent / "shared" / "corpora", ROOT / "tests" / "data")
SUFFIXES = (".md", ".json", ".csv")
_WORK = Path(tempfile.mkdtemp(prefix="pmkit-fuzz-"))


def seed(corpus: Path) -> int:
    """Copy the real and the nasty documents into ``corpus``, suffix byte first."""
    corpus.mkdir(parents=True, exist_ok=True)
    n = 0
    for root in SEEDS:
        for f in sorted(root.rglob("*")):
            if f.is_file() and f.suffix.lower() in SUFFIXES and f.stat().st_size < 1_000_000:
                tag = bytes([SUFFIXES.index(f.suffix.lower())])
                (corpus / f"seed-{n:04d}").write_bytes(tag + f.read_bytes())
                n += 1
    return n


def one_input(data: bytes) -> None:
    """Read one fuzzed file the way ``pmkit.load`` does, minus its safety net."""
    from pmkit.errors import ParseError
    from pmkit.io import Options, Parsed
    from pmkit.loading import _decode, _frames, _pick

    if not data:
        return
    suffix = SUFFIXES[data[0] % len(SUFFIXES)]
    body = data[1:]
    path = _WORK / f"2024-01-01-doc{suffix}"
    path.write_bytes(body)
    out = Parsed()
    try:
        reader = _pick(path, body, None)
        if reader is None:
            return
        text = ""
        if not reader.binary:
            decoded, _ = _decode(body)
            if decoded is None:
                return
            text = decoded
        reader.read(path, text, out, Options())
    except ParseError:
        return
    _frames(out)  # every row fits the schema


def replay(corpus: Path) -> None:
    """Time every input of ``corpus`` once; print the count, crashes and slowest per MB."""
    worst: list[tuple[float, str, int, float]] = []
    crashes = 0
    one_input(b"\x00# warm up: import pmkit before the clock starts\n")
    for f in sorted(corpus.iterdir()):
        data = f.read_bytes()
        t = time.perf_counter()
        try:
            one_input(data)
        except Exception as err:
            crashes += 1
            print(f"CRASH {f.name}: {type(err).__name__}: {err}")
        elapsed = time.perf_counter() - t
        worst.append((elapsed / max(len(data), 1) * 1e6, f.name, len(data), elapsed))
    print(f"{len(worst)} inputs, {crashes} crashes")
    slowest = max(worst, key=lambda w: w[3])
    print(f"slowest: {slowest[1]}: {slowest[2]:,} bytes in {slowest[3] * 1e3:.1f} ms")
    # per MB only for inputs of 4 KB or more: below that the fixed cost of
    # building five tables (~7 ms) is all there is to see
    worst = sorted((w for w in worst if w[2] >= 4096), reverse=True)
    for per_mb, name, size, elapsed in worst[:5]:
        print(f"  {name}: {size:,} bytes in {elapsed * 1e3:.1f} ms = {per_mb:.2f} s/MB")


def main(argv: list[str]) -> None:
    if len(argv) > 2 and argv[1] == "--replay":
        replay(Path(argv[2]))
        return
    try:
        import atheris
    except ImportError:
        sys.exit("atheris is not installed: pip install -e '.[fuzz]'")
    dirs = [Path(a) for a in argv[1:] if not a.startswith("-")]
    if dirs and not any(dirs[0].iterdir() if dirs[0].exists() else ()):
        print(f"seeded {seed(dirs[0])} inputs into {dirs[0]}", flush=True)
    with atheris.instrument_imports(include=["pmkit"]):
        import pmkit.loading
    assert pmkit.loading.load is not None
    atheris.Setup(argv, one_input)
    try:
        atheris.Fuzz()
    finally:
        shutil.rmtree(_WORK, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv)
