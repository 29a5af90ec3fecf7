"""Similar records: the ten closest by TF-IDF cosine among an organisation's records of this and earlier
years, with the words they share.

Two stages. Candidates: each process keeps, per organisation, a matrix of the records' stored vectors
(Entry.keywords, cut to the heaviest words): a base built once, and a small delta of the entries written
since, found through (organization, source, updated_at). One sparse product over each gives the
CANDIDATES best; a record in the delta hides its older row in the base, and the base is built again when
the delta grows past DELTA_LIMIT. Ranking: the candidates' full TF-IDF vectors, weighed from their words
with the process's copy of the word counts, give the exact cosine; the ten best are returned. How often
this finds the exact ten is measured (`search.evaluation.similar`).
"""

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.db.models import Max
from django_scopes import scopes_disabled

from . import vectors
from .models import Entry, Term
from .text import index_words

DELTA_LIMIT = 2000
LATE_COMMIT = timedelta(seconds=60)
LIMIT = 10
CANDIDATES = 100


@dataclass
class OrgIndex:
    base: vectors.Matrix
    base_rows: dict[int, int]  # object id -> row in base
    stamp: datetime | None  # the newest updated_at the index holds
    delta: vectors.Matrix
    delta_rows: dict[int, tuple[int, str, dict[str, float]]] = field(default_factory=dict)
    hidden: np.ndarray | None = None  # base rows superseded by the delta
    built_s: float = 0.0


_indexes: dict[tuple[int, str], OrgIndex] = {}
_counts: dict[str, object] = {}
_lock = threading.Lock()


def _rows(organization_id: int, source: str, since: datetime | None = None):
    rows = Entry.objects.filter(organization_id=organization_id, source=source).exclude(keywords="")
    if since is not None:
        rows = rows.filter(updated_at__gt=since)
    return rows.values_list("object_id", "year", "state", "keywords", "updated_at").iterator(chunk_size=5000)


def _build(organization_id: int, source: str) -> OrgIndex:
    started = time.perf_counter()
    rows, stamp = [], None
    for object_id, year, state, keywords, updated_at in _rows(organization_id, source):
        rows.append((object_id, year, state, vectors.decode(keywords)))
        stamp = updated_at if stamp is None or updated_at > stamp else stamp
    base = vectors.Matrix.build(rows)
    return OrgIndex(
        base=base,
        base_rows={int(pk): i for i, pk in enumerate(base.ids)},
        stamp=stamp,
        delta=vectors.Matrix.build([]),
        hidden=np.zeros(len(base), dtype=bool),
        built_s=time.perf_counter() - started,
    )


def _current(organization_id: int, source: str) -> OrgIndex:
    """The organisation's index, brought up to date with what was written since it was built.

    Entries are re-read from a minute before the newest one held: a transaction that wrote earlier but
    committed later is still picked up (one small range read of the (organisation, source, updated_at)
    index per query)."""
    key = (organization_id, source)
    with _lock:
        index = _indexes.get(key)
        if index is None:
            index = _indexes[key] = _build(organization_id, source)
            return index
        since = index.stamp - LATE_COMMIT if index.stamp else None
        changed = False
        for object_id, year, state, keywords, updated_at in _rows(organization_id, source, since):
            values = (year, state, vectors.decode(keywords))
            if index.delta_rows.get(object_id) != values:
                index.delta_rows[object_id] = values
                changed = True
            index.stamp = max(index.stamp, updated_at) if index.stamp else updated_at
            row = index.base_rows.get(object_id)
            if row is not None:
                index.hidden[row] = True
        if len(index.delta_rows) > DELTA_LIMIT:
            index = _indexes[key] = _build(organization_id, source)
        elif changed:
            index.delta = vectors.Matrix.build([(pk, *values) for pk, values in index.delta_rows.items()])
        return index


def forget() -> None:
    """Drop every cached index and the word counts (tests, and after `zhengxie reindex`)."""
    with _lock:
        _indexes.clear()
        _counts.clear()


@dataclass
class Match:
    object_id: int
    score: float
    shared: list[str]
    year: int
    state: str


def word_counts() -> tuple[dict[str, int], int]:
    """The word counts of the last `zhengxie reindex`, read once per process and again after the next."""
    with scopes_disabled():
        stamp = Term.objects.aggregate(last=Max("id"))["last"]
        with _lock:
            if _counts.get("stamp") == stamp and "df" in _counts:
                return _counts["df"], _counts["docs"]
        df = dict(Term.objects.values_list("word", "df"))
    docs = df.pop("", 0)
    with _lock:
        _counts.update(stamp=stamp, df=df, docs=docs)
    return df, docs


@dataclass
class Query:
    terms: list[str]
    cut: dict[str, float]  # what the candidates are found with
    full: dict[str, float]  # what they are ranked with


def query_for(title: str, body: str) -> Query:
    terms = vectors.key_terms(index_words(title), index_words(body))
    df, docs = word_counts()
    return Query(terms, vectors.weigh(terms, df, docs), vectors.weigh(terms, df, docs, top=None))


def query_vector(title: str, body: str) -> dict[str, float]:
    """The cut vector of a text being written, weighed like the stored ones."""
    return query_for(title, body).cut


def nearest(
    organization_id: int,
    source: str,
    query: Query,
    *,
    year: int | None = None,
    exclude: set[int] = frozenset(),
    states: set[str] | None = None,
    also: set[int] = frozenset(),
    limit: int = LIMIT,
) -> list[Match]:
    """The closest records to the query: of `year` and before when given; with `states`, only records in
    those states or among `also` (e.g. the person's own)."""
    with scopes_disabled():
        return _nearest(organization_id, source, query, year, exclude, states, also, limit)


def _candidates(index: OrgIndex, query: Query, year, exclude, states, also) -> dict[int, tuple[int, str]]:
    """object id -> (year, state) of the CANDIDATES best by the cut vectors, base and delta together."""
    scored: list[tuple[float, int, int, str]] = []
    for matrix, hidden in ((index.base, index.hidden), (index.delta, None)):
        if not len(matrix):
            continue
        scores = matrix.scores(query.cut)
        mask = np.ones(len(matrix), dtype=bool)
        if hidden is not None:
            mask &= ~hidden
        if year is not None:
            mask &= matrix.years <= year
        if states is not None:
            mask &= matrix.state_mask(states) | np.isin(matrix.ids, list(also))
        if exclude:
            mask &= ~np.isin(matrix.ids, list(exclude))
        for i in vectors.top(scores, CANDIDATES, mask):
            state = matrix.state_names[matrix.states[i]]
            scored.append((float(scores[i]), int(matrix.ids[i]), int(matrix.years[i]), state))
    scored.sort(reverse=True)
    return {pk: (year_, state) for _, pk, year_, state in scored[:CANDIDATES]}


def _nearest(organization_id, source, query: Query, year, exclude, states, also, limit) -> list[Match]:
    index = _current(organization_id, source)
    candidates = _candidates(index, query, year, exclude, states, also)
    if not candidates:
        return []
    df, docs = word_counts()
    rows = Entry.objects.filter(source=source, object_id__in=list(candidates)).values_list(
        "object_id", "title_words", "words"
    )
    ranked = []
    for object_id, title_words, words in rows:
        full = vectors.weigh(vectors.key_terms(title_words.split(), words.split()), df, docs, top=None)
        score = vectors.cosine(query.full, full)
        if score > 0:
            ranked.append((score, object_id, full))
    ranked.sort(key=lambda item: (-item[0], -item[1]))
    return [
        Match(
            object_id=object_id,
            score=min(1.0, score),
            shared=vectors.shared(query.full, full),
            year=candidates[object_id][0],
            state=candidates[object_id][1],
        )
        for score, object_id, full in ranked[:limit]
    ]
