"""The prompt-injection model: a logistic regression over hashed n-grams of every view.

A prompt is cut into overlapping windows, and a longer one also into packs of a few
sentences (the training prompts are short, and an injection buried in a long document
would be diluted in one vector); each piece is read in each view (``normalise.views``) and
the most suspicious reading of the most suspicious piece decides. Text longer than
``cap`` is scored on its head and tail only; callers that must not let the middle pass
unscanned (the gateway detector) refuse such text themselves.

Weights (and, from format 2, the per-bucket IDF) are a float16 ``.npz`` read with
``allow_pickle=False`` and a JSON file of metadata (feature settings, training data,
operating threshold, measured numbers).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from aisec.injection.features import FeatureSettings, bucket_of, featurise, hashed, ngrams
from aisec.injection.normalise import View, views

NAME = "prompt-injection"
FORMAT_VERSION = 2
# Format 1 had no IDF (every bucket weighted 1): still readable.
READABLE_FORMATS = (1, 2)
DEFAULT_CAP = 20_000
DEFAULT_WINDOW = 2_000
# Windows overlap by 500 characters: a sentence cut by one is whole in the next.
DEFAULT_STRIDE = 1_500
# Text longer than PACK_ABOVE is also read in packs of whole sentences of about
# DEFAULT_SENTENCE_PACK characters: an injection of one sentence in a long document is
# drowned in any wide window. Prompt-sized text is not: reading a multi-sentence benign
# prompt sentence by sentence costs false positives (measured: 0.90 -> 0.80 detection at
# 1% FPR on the validation splits when packing everything over 300 characters).
DEFAULT_SENTENCE_PACK = 300
PACK_ABOVE = 1_000
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")


@dataclass(frozen=True)
class Signal:
    """Why a text scored as it did: the deciding window's view and its heaviest n-grams."""

    probability: float
    view: str
    ngrams: tuple[str, ...]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def windows(text: str, cap: int, window: int, stride: int) -> list[str]:
    """Overlapping windows covering ``text``, or its head and tail when longer than ``cap``."""
    if len(text) > cap:
        half = cap // 2
        return windows(text[:half], cap, window, stride) + windows(
            text[-(cap - half) :], cap, window, stride
        )
    if len(text) <= window:
        return [text]
    starts = [*range(0, len(text) - window, stride), len(text) - window]
    return [text[s : s + window] for s in starts]


def sentence_packs(text: str, size: int) -> list[str]:
    """Consecutive sentences of ``text`` packed into pieces of at most ``size`` characters
    (a longer sentence is a piece of its own)."""
    packs: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        if not sentence.strip():
            continue
        if current and len(current) + 1 + len(sentence) > size:
            packs.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        packs.append(current)
    return packs


def segments(text: str, cap: int, window: int, stride: int, pack: int) -> list[str]:
    """What the model reads of ``text``: its windows, and its sentence packs when longer
    than ``PACK_ABOVE``; only the head and tail of text longer than ``cap``."""
    parts = windows(text, cap, window, stride)
    if len(text) <= max(pack, PACK_ABOVE):
        return parts
    readable = [text] if len(text) <= cap else [text[: cap // 2], text[-(cap - cap // 2) :]]
    return parts + [p for part in readable for p in sentence_packs(part, pack)]


class InjectionModel:
    def __init__(
        self,
        weights: npt.NDArray[np.floating[Any]],
        bias: float,
        *,
        settings: FeatureSettings,
        threshold: float,
        metadata: dict[str, Any] | None = None,
        cap: int = DEFAULT_CAP,
        window: int = DEFAULT_WINDOW,
        stride: int = DEFAULT_STRIDE,
        pack: int = DEFAULT_SENTENCE_PACK,
        idf: npt.NDArray[np.floating[Any]] | None = None,
    ) -> None:
        if weights.shape != (settings.buckets,):
            raise ValueError(f"{weights.shape[0]} weights for {settings.buckets} buckets")
        if idf is not None and idf.shape != (settings.buckets,):
            raise ValueError(f"{idf.shape[0]} IDF values for {settings.buckets} buckets")
        if not 0 < stride <= window <= cap:
            raise ValueError("need 0 < stride <= window <= cap")
        self.weights = np.asarray(weights, dtype=np.float64)
        self.idf = None if idf is None else np.asarray(idf, dtype=np.float64)
        self.bias = float(bias)
        self.settings = settings
        self.threshold = float(threshold)
        self.metadata = dict(metadata or {})
        self.cap, self.window, self.stride, self.pack = cap, window, stride, pack
        self.digest = ""  # SHA-256 of the weights file it was loaded from, for reports

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", ""))

    # -- loading and saving -------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> InjectionModel:
        """The shipped model, or the one at ``path`` (the ``.npz``; its ``.json`` beside it)."""
        if path is None:
            data = resources.files("aisec.injection").joinpath("data")
            raw = data.joinpath(f"{NAME}.npz").read_bytes()
            meta_text = data.joinpath(f"{NAME}.json").read_text(encoding="utf-8")
        else:
            npz = Path(path).with_suffix(".npz")
            raw = npz.read_bytes()
            meta_text = npz.with_suffix(".json").read_text(encoding="utf-8")
        meta = json.loads(meta_text)
        if meta.get("format_version") not in READABLE_FORMATS:
            raise ValueError(f"model format {meta.get('format_version')!r} is not supported")
        with np.load(io.BytesIO(raw), allow_pickle=False) as arrays:
            weights = arrays["weights"]
            bias = float(arrays["bias"][0])
            idf = arrays["idf"] if "idf" in arrays.files else None
        scoring = meta.get("scoring", {})
        model = cls(
            weights,
            bias,
            settings=FeatureSettings.from_json(meta["features"]),
            threshold=float(meta["threshold"]),
            metadata=meta,
            cap=int(scoring.get("cap", DEFAULT_CAP)),
            window=int(scoring.get("window", DEFAULT_WINDOW)),
            stride=int(scoring.get("stride", DEFAULT_STRIDE)),
            pack=int(scoring.get("sentence_pack", DEFAULT_SENTENCE_PACK)),
            idf=idf,
        )
        model.digest = hashlib.sha256(raw).hexdigest()
        return model

    def save(self, path: str | Path) -> tuple[Path, Path]:
        """Write ``path``.npz (float16 weights and IDF) and ``path``.json (the metadata)."""
        npz = Path(path).with_suffix(".npz")
        npz.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        weights = self.weights.astype(np.float16)
        bias = np.array([self.bias], dtype=np.float64)
        if self.idf is None:
            np.savez_compressed(buffer, weights=weights, bias=bias)
        else:
            np.savez_compressed(buffer, weights=weights, bias=bias, idf=self.idf.astype(np.float16))
        npz.write_bytes(buffer.getvalue())
        meta = {
            **self.metadata,
            "format_version": FORMAT_VERSION,
            "features": {**self.settings.as_json(), **(
                {} if self.idf is None else
                {"idf": "1 + ln((1 + n) / (1 + df)) per bucket seen in training, 0 for a "
                        "bucket never seen; float16 in the .npz"})},
            "threshold": self.threshold,
            "scoring": {"cap": self.cap, "window": self.window, "stride": self.stride,
                        "sentence_pack": self.pack, "sentence_packs_above": PACK_ABOVE,
                        "combine": "max over windows, sentence packs and views"},
        }  # fmt: skip
        meta_path = npz.with_suffix(".json")
        meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return npz, meta_path

    # -- scoring --------------------------------------------------------------------------

    def logit(self, view_text: str) -> float:
        idx, vals = featurise(view_text, self.settings, self.idf)
        return float(self.weights[idx] @ vals) + self.bias

    def _best(self, text: str) -> tuple[float, View]:
        best: tuple[float, View] | None = None
        for part in segments(text, self.cap, self.window, self.stride, self.pack):
            for view in views(part):
                z = self.logit(view.text)
                if best is None or z > best[0]:
                    best = (z, view)
        assert best is not None  # windows() always yields one window, views() one view
        return best

    def score(self, text: str) -> float:
        """Probability that ``text`` is a prompt injection (0..1)."""
        return _sigmoid(self._best(str(text))[0])

    def score_many(self, texts: Iterable[str]) -> npt.NDArray[np.float64]:
        return np.fromiter((self.score(t) for t in texts), dtype=np.float64)

    def explain(self, text: str, top: int = 3) -> Signal:
        """The deciding view and the n-grams that pushed its score up most."""
        z, view = self._best(str(text))
        grams = ngrams(view.text, self.settings)
        idx, vals = hashed(grams, self.settings, self.idf)
        contribution = dict(zip(idx.tolist(), (self.weights[idx] * vals).tolist(), strict=True))
        by_bucket: dict[int, str] = {}
        for gram in grams:
            if gram.startswith("w:"):  # words read better than character fragments
                by_bucket.setdefault(bucket_of(gram, self.settings), gram)
        ranked = sorted(
            ((c, by_bucket[b]) for b, c in contribution.items() if b in by_bucket and c > 0),
            reverse=True,
        )
        return Signal(_sigmoid(z), view.kind, tuple(g[2:] for _, g in ranked[:top]))
