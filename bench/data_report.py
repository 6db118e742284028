"""Tables of bench/data_pii.py: per-entity F1 (precision/recall) for each PII tool, per-format
recall and exact offsets for the secret scanners, throughput with ratios, and aisec's misses
shown by shape (digits as 9, letters as a/A) so no value is printed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from data_meta import NOTES
from data_tools import DATAFOG_ENTITIES, PRESIDIO_ENTITIES
from pii_corpus import Corpus, Span
from pii_corpus_score import Found, Score, exact_and_merged, negative_kind, score, shape
from pii_corpus_secret_shapes import SECRET_SHAPES

PII_TOOLS = {  # column title, result key, entities the tool claims to detect
    "aisec": ("aisec-pii", None),
    "Presidio (threshold 0)": ("presidio", set(PRESIDIO_ENTITIES.values())),
    "Presidio (0.5)": ("presidio@0.5", set(PRESIDIO_ENTITIES.values())),
    "datafog": ("datafog", set(DATAFOG_ENTITIES.values())),
}
SECRET_TOOLS = {"aisec": "aisec-secrets", "detect-secrets": "detect-secrets"}


def _cell(result: Score, supported: set[str] | None, entity: str) -> str:
    if supported is not None and entity not in supported:
        return "–"
    return f"{result.f1:.2f} ({result.precision:.2f}/{result.recall:.2f})"


def _secret_rows(corpus: Corpus, results: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    gold = corpus.gold("secret")
    rows, record = [], {}
    for title, key in SECRET_TOOLS.items():
        if "found" not in results.get(key, {}):
            continue
        found: list[Found] = results[key]["found"]
        as_secret = [Span(s.doc_id, s.start, s.end, "SECRET", "secret") for s in gold]
        total = score(as_secret, found, ["SECRET"])["SECRET"]
        per_shape = score(
            gold,
            [
                Found(f.doc_id, f.start, f.end, s.label)
                for f in found
                for s in gold
                if s.doc_id == f.doc_id and s.start < f.end and f.start < s.end
            ],
            [x.label for x in SECRET_SHAPES],
        )
        bounds = exact_and_merged(gold, found)
        offsets = {(f.doc_id, f.start, f.end) for f in found}
        exact = Counter(s.label for s in gold if (s.doc_id, s.start, s.end) in offsets)
        record[title] = {
            "found": total.found,
            "gold": total.gold,
            "exact": bounds.exact,
            "merged": len(bounds.merged),
            "false": len(total.false),
            "per_shape": {k: [v.found, v.gold, exact[k]] for k, v in per_shape.items()},
        }
        rows.append(title)
    return rows, record


def render(
    corpus: Corpus, results: dict[str, Any], meta: dict[str, Any], entities: Sequence[str]
) -> tuple[str, dict[str, Any]]:
    gold = corpus.gold("pii")
    size_mb = corpus.size_bytes() / 1e6
    counts = Counter(s.label for s in gold)
    lines = [
        "# Data security: aisec vs Presidio, datafog, detect-secrets",
        "",
        f"Written by `bench/data_pii.py` on {meta['date']}: {meta['machine']}, Python "
        f"{meta['python']}, 1-min load {meta['load_average_1min'][0]} before, "
        f"{meta['load_average_1min'][1]} after. Versions: "
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
        + f" (aisec at {meta['aisec_commit']}).",
        "",
        f"Corpus: seed {meta['seed']}, {len(corpus.documents)} documents in 7 locales, "
        f"{size_mb:.2f} MB; {len(gold)} planted PII values, {len(corpus.gold('secret'))} "
        f"secrets, {len(corpus.gold('negative'))} hard negatives. "
        f"Median of {meta['repeat']} passes.",
        "",
        "## PII: F1 (precision/recall) per entity",
        "",
        "| entity | planted | " + " | ".join(PII_TOOLS) + " |",
        "|---|---:|" + "---|" * len(PII_TOOLS),
    ]
    scores = {
        title: score(gold, results[key]["found"], entities)
        for title, (key, _) in PII_TOOLS.items()
        if "found" in results.get(key, {})
    }
    for entity in entities:
        cells = [
            _cell(scores[t][entity], PII_TOOLS[t][1], entity) if t in scores else "n/a"
            for t in PII_TOOLS
        ]
        lines.append(f"| {entity} | {counts[entity]} | " + " | ".join(cells) + " |")
    negatives = corpus.gold("negative")
    lines += [
        "",
        "Findings on hard negatives (version, order, uuid, hash, price, timestamp, "
        "epoch, non-birth date), per tool:",
        "",
    ]
    for title, (key, supported) in PII_TOOLS.items():
        if title in scores:
            hits = Counter(
                f"{negative_kind(negatives, f)}→{f.label}"
                for f in results[key]["found"]
                if (supported is None or f.label in supported)
                and negative_kind(negatives, f) != "other"
            )
            detail = ", ".join(f"{k} {v}" for k, v in hits.most_common(8))
            lines.append(f"- {title}: {sum(hits.values())}" + (f" ({detail})" if hits else ""))
    secret_titles, secret_record = _secret_rows(corpus, results)
    lines += _secret_table(secret_titles, secret_record)
    lines += _throughput(results, size_mb)
    lines += _misses(corpus, scores.get("aisec"))
    lines += ["", "## How it was measured", "", *NOTES]
    record = {
        "meta": meta,
        "size_mb": size_mb,
        "secrets": secret_record,
        "pii": {
            t: {e: [s[e].precision, s[e].recall, s[e].f1] for e in entities}
            for t, s in scores.items()
        },
        "times": {k: v.get("times") for k, v in results.items() if "times" in v},
        "errors": {k: v["error"] for k, v in results.items() if "error" in v},
        "presidio_recognizers": results.get("presidio", {}).get("recognizers"),
    }
    return "\n".join(lines) + "\n", record


def _secret_table(titles: list[str], record: dict[str, Any]) -> list[str]:
    if not titles:
        return []
    lines = [
        "",
        "## Secrets: found / planted (exact offsets) per format",
        "",
        "| format | " + " | ".join(titles) + " |",
        "|---|" + "---|" * len(titles),
    ]
    for shape_ in SECRET_SHAPES:
        cells = []
        for title in titles:
            found, planted, exact = record[title]["per_shape"][shape_.label]
            cells.append(f"{found}/{planted} ({exact})")
        lines.append(f"| {shape_.label} | " + " | ".join(cells) + " |")
    for what in ("found", "exact", "merged", "false"):
        values = [
            str(record[t][what]) + (f"/{record[t]['gold']}" if what in ("found", "exact") else "")
            for t in titles
        ]
        lines.append(f"| **{what}** | " + " | ".join(values) + " |")
    return lines


def _throughput(results: dict[str, Any], size_mb: float) -> list[str]:
    lines = [
        "",
        "## Throughput",
        "",
        "| tool | median s | MB/s | setup s |",
        "|---|---:|---:|---:|",
    ]
    rate = {k: size_mb / v["median_s"] for k, v in results.items() if "median_s" in v}
    for key, value in results.items():
        if "median_s" in value:
            lines.append(
                f"| {key} | {value['median_s']:.3f} | {rate[key]:.2f} | {value['setup_s']:.2f} |"
            )
        elif "error" in value:
            lines.append(f"| {key} | did not run: {value['error'][:80]} | | |")
    cli = results.get("detect-secrets-cli")
    if cli:
        lines.append(
            f"| detect-secrets CLI (one fresh process; {cli['findings']} findings) "
            f"| {cli['seconds']:.3f} | "
            f"{size_mb / cli['seconds']:.2f} | |"
        )
    lines.append("")
    for ours, peer in (
        ("aisec-pii", "presidio"),
        ("aisec-pii", "datafog"),
        ("aisec-secrets", "detect-secrets"),
    ):
        if ours in rate and peer in rate:
            lines.append(f"- **{ours} / {peer}: {rate[ours] / rate[peer]:.1f}x** the MB/s")
    return lines


def _misses(corpus: Corpus, scores: dict[str, Score] | None) -> list[str]:
    if scores is None:
        return []
    lines = ["", "## aisec misses (shapes: digits 9, letters a/A, ⏎ a line break)", ""]
    for entity, result in scores.items():
        parts = []
        if result.missed:
            missed = Counter(f"{s.doc_id[-5:]} `{shape(corpus.value(s))}`" for s in result.missed)
            examples = "; ".join(k for k, _ in missed.most_common(4))
            parts.append(f"{len(result.missed)} missed, e.g. {examples}")
        if result.false:
            false = Counter(
                f"{f.doc_id[-5:]} `{shape(corpus.text_of(f.doc_id)[f.start : f.end])}`"
                for f in result.false
            )
            examples = "; ".join(k for k, _ in false.most_common(4))
            parts.append(f"{len(result.false)} false, e.g. {examples}")
        if parts:
            lines.append(f"- {entity}: " + ". ".join(parts))
    return lines
