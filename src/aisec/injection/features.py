"""Hashed n-gram features of one normalised view, numpy only.

Character n-grams of space-padded words catch a word however it is split or misspelt;
word uni- and bigrams catch phrasing ("ignore previous"). Each n-gram is hashed with
CRC-32 (stable across processes and Python versions, unlike the salted ``hash()``) into
``2**bits`` buckets; the top bit of the hash picks a sign so collisions cancel out on
average instead of adding up. Counts are damped (1 + log tf), weighted by the bucket's
inverse document frequency on the training prompts when the model has one, and the vector
L2-normalised, so a long text does not score higher just for being long.

Why IDF: without it the frequent character n-grams of any English sentence (" th", "the",
"ing ") carry most of a vector's norm, so a short prompt's few telling n-grams are
drowned, and which n-grams are "frequent" is learnt from the style of one corpus. Measured
cross-dataset (trained on one corpus, tested on the other at 1% FPR) it is what lifted the
detector over the TF-IDF baseline in both directions (bench/results/prompt-injection.md).
"""

from __future__ import annotations

import functools
import math
import re
import zlib
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"\w+|[^\w\s]+")
FloatVector = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FeatureSettings:
    bits: int = 18
    char_min: int = 3
    char_max: int = 5
    word_max: int = 2  # word n-grams up to this length
    max_words: int = 4_000  # per view: the model scores long text in windows anyway

    @property
    def buckets(self) -> int:
        return 1 << self.bits

    def as_json(self) -> dict[str, Any]:
        return {"hash": "crc32", "sign": "bit 31", "tf": "1+log", "norm": "l2", **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeatureSettings:
        return cls(**{k: int(data[k]) for k in ("bits", "char_min", "char_max", "word_max",
                                                "max_words") if k in data})  # fmt: skip


def ngrams(text: str, settings: FeatureSettings) -> list[str]:
    """The n-grams of ``text``, char ones prefixed ``c:`` and word ones ``w:`` so the two
    kinds never share a hash by construction."""
    words = _WORD.findall(text)[: settings.max_words]
    out: list[str] = []
    for word in words:
        padded = f" {word} "
        size = len(padded)
        for n in range(settings.char_min, settings.char_max + 1):
            if n > size:
                break
            out.extend("c:" + padded[i : i + n] for i in range(size - n + 1))
    for n in range(1, settings.word_max + 1):
        out.extend("w:" + " ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return out


def hashed(
    grams: list[str], settings: FeatureSettings, idf: FloatVector | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Bucket indices and values (signed, damped, IDF-weighted, L2-normalised) of ``grams``."""
    counts: dict[int, float] = defaultdict(float)
    mask = settings.buckets - 1
    for gram in grams:
        h = zlib.crc32(gram.encode("utf-8", "surrogatepass"))
        counts[h & mask] += -1.0 if h >> 31 else 1.0
    idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    raw = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    return _weighted(idx, raw, idf)


def _weighted(
    idx: npt.NDArray[np.int64], raw: npt.NDArray[np.float64], idf: FloatVector | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Signed counts per bucket to features: empty buckets dropped, 1 + log tf (sign
    kept), times the bucket's IDF when given, L2-normalised."""
    keep = raw != 0
    idx, raw = idx[keep], raw[keep]
    vals = np.sign(raw) * (1.0 + np.log(np.abs(raw)))
    if idf is not None:
        vals *= idf[idx]
    norm = math.sqrt(float(vals @ vals))
    if norm > 0:
        vals /= norm
    return idx, vals


CACHED_WORD = 40  # longer "words" (encoded blobs, run-together text) are rare: not kept


def _word_hashes(word: str, char_min: int, char_max: int) -> tuple[int, ...]:
    if len(word) <= CACHED_WORD:
        return _cached_word_hashes(word, char_min, char_max)
    return _hash_word(word, char_min, char_max)


@functools.lru_cache(maxsize=1 << 16)
def _cached_word_hashes(word: str, char_min: int, char_max: int) -> tuple[int, ...]:
    # Words repeat across prompts far more than they vary: hashing each word's character
    # n-grams once is most of the work saved at inference. Only short words are kept, so
    # the cache is bounded in bytes as well as entries (a hostile prompt of one long
    # "word" after another would otherwise fill memory).
    return _hash_word(word, char_min, char_max)


def _hash_word(word: str, char_min: int, char_max: int) -> tuple[int, ...]:
    padded = f" {word} "
    size = len(padded)
    return tuple(
        zlib.crc32(("c:" + padded[i : i + n]).encode("utf-8", "surrogatepass"))
        for n in range(char_min, min(char_max, size) + 1)
        for i in range(size - n + 1)
    )


def featurise(
    text: str, settings: FeatureSettings, idf: FloatVector | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """``hashed(ngrams(text), idf)``, computed faster (cached per word, summed with numpy)."""
    words = _WORD.findall(text)[: settings.max_words]
    hashes: list[int] = []
    for word in words:
        hashes.extend(_word_hashes(word, settings.char_min, settings.char_max))
    for n in range(1, settings.word_max + 1):
        hashes.extend(
            zlib.crc32(("w:" + " ".join(words[i : i + n])).encode("utf-8", "surrogatepass"))
            for i in range(len(words) - n + 1)
        )
    if not hashes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    h = np.asarray(hashes, dtype=np.int64)
    buckets, inverse = np.unique(h & (settings.buckets - 1), return_inverse=True)
    raw = np.bincount(inverse, weights=np.where(h >> 31, -1.0, 1.0)).astype(np.float64)
    return _weighted(buckets, raw, idf)


def smooth_idf(doc_freq: npt.NDArray[np.int64], documents: int) -> FloatVector:
    """``1 + ln((1 + n) / (1 + df))`` per bucket seen in training (at least 1, so an n-gram
    of every training prompt still counts a little), and 0 for a bucket never seen.

    The model has no weight for an unseen bucket, so all counting it would do is dilute
    the norm of the n-grams it does know, and as the rarest of all it would dilute most:
    measured, the gibberish around a partly decoded rot13 or leetspeak prompt then
    outweighed the instruction inside it (evasion 0.12 -> 0.39 for rot13). A fixed
    vocabulary (scikit-learn's TF-IDF) drops unseen terms the same way."""
    df = doc_freq.astype(np.float64)
    return np.where(df > 0, 1.0 + np.log((1.0 + documents) / (1.0 + df)), 0.0)


def bucket_of(gram: str, settings: FeatureSettings) -> int:
    return zlib.crc32(gram.encode("utf-8", "surrogatepass")) & (settings.buckets - 1)
