"""How good are the similar-proposal results? Measured, not assumed.

1. Planted near-duplicates: a corpus of generated proposals (800–3,000 characters) holds `planted` copies
   of some of them — edited (sentences dropped, words swapped), reordered and partly rewritten (sentences
   replaced by others of the same subject). For each copy, the platform's top ten (its vectors cut to the
   48 heaviest words, scored by `vectors.Matrix`) is compared with the exact top ten by brute-force cosine
   over full TF-IDF vectors: recall@10 is the share of the exact ten the platform also returns.
2. Paraphrases: 200 hand-written pairs (`paraphrases.jsonl`), the same request in other words. Both sides go
   into the corpus; for each first side, is its partner among the platform's ten?
"""

import json
import math
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from random import Random

import numpy as np
from scipy import sparse

from .. import similar, vectors
from ..text import index_words

PARAPHRASES = Path(__file__).with_name("paraphrases.jsonl")
SYNONYMS = [
    ("加快", "加速"),
    ("推进", "推动"),
    ("建议", "提议"),
    ("群众", "居民"),
    ("完善", "健全"),
    ("加强", "强化"),
    ("问题", "短板"),
    ("资金", "经费"),
    ("部门", "单位"),
    ("提高", "提升"),
]


@dataclass
class Doc:
    title: str
    body: str


def split_sentences(text: str) -> list[str]:
    out, current = [], ""
    for ch in text:
        current += ch
        if ch in "。；！？\n":
            if current.strip():
                out.append(current)
            current = ""
    if current.strip():
        out.append(current)
    return out


def near_duplicate(rng: Random, doc: Doc, donor: Doc) -> Doc:
    """An edited, reordered, partly rewritten copy: what a member re-submitting last year's text writes."""
    sentences = split_sentences(doc.body)
    rng.shuffle(sentences)  # reordered
    kept = [s for s in sentences if rng.random() > 0.15] or sentences[:1]  # edited: some dropped
    others = split_sentences(donor.body)
    for i in range(len(kept)):  # partly rewritten: about a quarter replaced by the donor's sentences
        if others and rng.random() < 0.25:
            kept[i] = rng.choice(others)
    body = "".join(kept)
    for old, new in SYNONYMS:  # words swapped
        if rng.random() < 0.5:
            body = body.replace(old, new)
    title = doc.title
    for old, new in SYNONYMS:
        if rng.random() < 0.3:
            title = title.replace(old, new)
    return Doc(title, body)


def _terms(doc: Doc) -> list[str]:
    return vectors.key_terms(index_words(doc.title), index_words(doc.body))


class Corpus:
    def __init__(self, docs: list[Doc], log=print) -> None:
        started = time.perf_counter()
        self.docs = docs
        self.terms = []
        df: Counter = Counter()
        for i, doc in enumerate(docs):
            terms = _terms(doc)
            self.terms.append(terms)
            df.update(set(terms))
            if log and i and i % 20_000 == 0:
                log(f"    segmented {i:,} ({time.perf_counter() - started:.0f} s)")
        self.df = df
        self.n = len(docs)
        # The platform's vectors and matrix.
        self.cut = [vectors.weigh(t, df, self.n) for t in self.terms]
        self.matrix = vectors.Matrix.build([(i, 2026, "filed", v) for i, v in enumerate(self.cut)])
        # Exact full TF-IDF, rows unit length, for brute force.
        vocabulary = {t: j for j, t in enumerate(df)}
        rows, cols, vals = [], [], []
        for i, terms in enumerate(self.terms):
            for t, w in vectors.weigh(terms, df, self.n, top=None).items():
                rows.append(i)
                cols.append(vocabulary[t])
                vals.append(w)
        self.vocabulary = vocabulary
        self.full = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(self.n, len(vocabulary))
        )
        if log:
            log(
                f"    corpus of {self.n:,}: {time.perf_counter() - started:.0f} s, {self.full.nnz:,} full weights"
            )

    def platform_top(self, i: int, k: int = 10) -> list[int]:
        """What the platform returns (search.similar): candidates by the cut vectors, ranked exactly."""
        scores = self.matrix.scores(self.cut[i])
        scores[i] = 0
        candidates = vectors.top(scores, similar.CANDIDATES)
        query = vectors.weigh(self.terms[i], self.df, self.n, top=None)
        ranked = sorted(
            candidates,
            key=lambda j: (
                -vectors.cosine(query, vectors.weigh(self.terms[j], self.df, self.n, top=None)),
                -j,
            ),
        )
        return ranked[:k]

    def exact_top(self, i: int, k: int = 10) -> list[int]:
        scores = (self.full @ self.full[i].T).toarray().ravel()
        scores[i] = 0
        return vectors.top(scores, k)


def generate(n: int, rng: Random, log=print) -> list[Doc]:
    """n generated proposals of 800–3,000 characters (bench.proposal_text)."""
    from bench.proposal_text import Texts

    texts = Texts(rng, "示范市", section_chars=(400, 1500))
    docs = []
    for _ in range(n):
        topic = rng.randrange(len(texts.topics))
        docs.append(
            Doc(texts.title(rng, topic), texts.reason(rng, topic) + "\n" + texts.suggestions(rng, topic))
        )
    return docs


def paraphrase_pairs() -> list[tuple[Doc, Doc]]:
    pairs = []
    for line in PARAPHRASES.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        pairs.append((Doc(**item["a"]), Doc(**item["b"])))
    return pairs


def evaluate(size: int = 100_000, planted: int = 1_000, seed: int = 2026, log=print) -> dict:
    rng = Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    base = generate(size - planted, rng, log=log)
    originals = rng.sample(range(len(base)), planted)
    copies = [near_duplicate(rng, base[i], base[rng.randrange(len(base))]) for i in originals]
    pairs = paraphrase_pairs()
    docs = base + copies + [d for pair in pairs for d in pair]
    corpus = Corpus(docs, log=log)
    started = time.perf_counter()
    recall, found_original = [], 0
    for j, original in enumerate(originals):
        query = len(base) + j
        exact = set(corpus.exact_top(query))
        ours = corpus.platform_top(query)
        recall.append(len(exact & set(ours)) / max(1, len(exact)))
        found_original += original in ours
    offset = len(base) + len(copies)
    paraphrase_hits = 0
    for p in range(len(pairs)):
        a, b = offset + 2 * p, offset + 2 * p + 1
        paraphrase_hits += b in corpus.platform_top(a)
    return {
        "corpus": corpus.n,
        "planted": planted,
        "recall_at_10": sum(recall) / len(recall),
        "original_in_top_10": found_original / planted,
        "paraphrase_pairs": len(pairs),
        "paraphrase_recall_at_10": paraphrase_hits / len(pairs),
        "seconds": time.perf_counter() - started,
    }


def rounded(result: dict) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) and not math.isnan(v) else v) for k, v in result.items()}
