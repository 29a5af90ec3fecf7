"""How good are the similar-proposal results? Measured, not assumed.

1. Planted near-duplicates: a corpus of generated proposals (800–3,000 characters) holds `planted` copies
   of some of them — edited (sentences dropped, words swapped), reordered and partly rewritten (sentences
   replaced by others of the same subject). For each copy, the platform's top ten (`vectors.Matrix.best`:
   candidates found by the query's heaviest words, then scored exactly) is compared with the exact top ten
   by brute-force cosine over full TF-IDF vectors: recall@10 is the share of the exact ten the platform also
   returns.
2. Paraphrases: 200 hand-written pairs (`paraphrases.jsonl`), the same request in other words. Both sides go
   into the corpus; for each first side, is its partner among the platform's ten?
"""

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from random import Random

import numpy as np
from scipy import sparse

from .. import vectors
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
    """The corpus twice: as the platform holds it (`vectors.Matrix.from_terms`, searched by `Matrix.best`
    as `search.similar` does) and as an independent brute force (a full TF-IDF matrix
    multiplied by each query). Kept in compact arrays: a hundred thousand 2,000-character texts are ~100
    million words."""

    def __init__(self, docs: list[Doc], log=print) -> None:
        started = time.perf_counter()
        self.n = len(docs)
        vocabulary: dict[str, int] = {}
        self.term_ids: list[np.ndarray] = []
        for i, doc in enumerate(docs):
            terms = _terms(doc)
            self.term_ids.append(
                np.fromiter(
                    (vocabulary.setdefault(t, len(vocabulary)) for t in terms),
                    dtype=np.int32,
                    count=len(terms),
                )
            )
            if log and i and i % 20_000 == 0:
                log(f"    segmented {i:,} ({time.perf_counter() - started:.0f} s)")
        self.words = np.array(list(vocabulary), dtype=object)
        counted = [np.unique(ids, return_counts=True) for ids in self.term_ids]
        df_array = np.zeros(len(vocabulary), dtype=np.int64)
        for ids, _ in counted:
            df_array[ids] += 1
        self.df = dict(zip(self.words.tolist(), df_array.tolist(), strict=True))
        # Brute force, computed here with numpy alone.
        idf = np.log((1 + self.n) / (1 + df_array)) + 1
        indptr, indices, data = [0], [], []
        for ids, counts in counted:
            weights = (1 + np.log(counts)) * idf[ids]
            data.append((weights / (np.sqrt((weights**2).sum()) or 1.0)).astype(np.float32))
            indices.append(ids)
            indptr.append(indptr[-1] + len(ids))
        self.full = sparse.csr_matrix(
            (np.concatenate(data), np.concatenate(indices), np.asarray(indptr)),
            shape=(self.n, len(vocabulary)),
        )
        # The platform's matrix.
        self.matrix = vectors.Matrix.from_terms(
            ((i, 2026, "filed", self.terms(i)) for i in range(self.n)), self.df, self.n
        )
        if log:
            log(f"    corpus of {self.n:,}: {time.perf_counter() - started:.0f} s, {self.full.nnz:,} weights")

    def terms(self, i: int) -> list[str]:
        return self.words[self.term_ids[i]].tolist()

    def platform_top(self, i: int, k: int = 10) -> list[int]:
        """What search.similar returns for document i's text: its vector against every other row."""
        query = vectors.weigh(self.terms(i), self.df, self.n, top=None)
        mask = np.ones(self.n, dtype=bool)
        mask[i] = False
        return [row for row, _ in self.matrix.best(query, k, mask)]

    def exact_top(self, i: int, k: int = 10) -> list[int]:
        """Brute force: every document by exact cosine."""
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
