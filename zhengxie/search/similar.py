"""Similar records: the ten closest by TF-IDF cosine among an organisation's records of this and earlier
years, with the words they share.

Each process keeps, per organisation, a matrix of the records' stored vectors (Entry.keywords): a base
built once, and a small delta of the entries written since, found through (organization, source,
updated_at). A query is one sparse product over the base and one over the delta; a record in the delta
hides its older row in the base. The base is built again when the delta grows past DELTA_LIMIT.
"""

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django_scopes import scopes_disabled

from . import vectors
from .index import load_df
from .models import Entry
from .text import index_words

DELTA_LIMIT = 2000
LATE_COMMIT = timedelta(seconds=60)
LIMIT = 10


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
    """Drop every cached index (tests, and after `zhengxie reindex`)."""
    with _lock:
        _indexes.clear()


@dataclass
class Match:
    object_id: int
    score: float
    shared: list[str]
    year: int
    state: str


def query_vector(title: str, body: str) -> dict[str, float]:
    """The vector of a text being written, weighed like the stored ones."""
    terms = vectors.key_terms(index_words(title), index_words(body))
    with scopes_disabled():
        df, docs = load_df(set(terms))
    return vectors.weigh(terms, df, docs)


def nearest(
    organization_id: int,
    source: str,
    query: dict[str, float],
    *,
    year: int | None = None,
    exclude: set[int] = frozenset(),
    states: set[str] | None = None,
    also: set[int] = frozenset(),
    limit: int = LIMIT,
) -> list[Match]:
    """The closest records to the query vector: of `year` and before when given; with `states`, only
    records in those states or among `also` (e.g. the person's own)."""
    with scopes_disabled():
        return _nearest(organization_id, source, query, year, exclude, states, also, limit)


def _nearest(organization_id, source, query, year, exclude, states, also, limit) -> list[Match]:
    index = _current(organization_id, source)
    found: list[Match] = []
    for matrix, hidden in ((index.base, index.hidden), (index.delta, None)):
        if not len(matrix):
            continue
        scores = matrix.scores(query)
        mask = np.ones(len(matrix), dtype=bool)
        if hidden is not None:
            mask &= ~hidden
        if year is not None:
            mask &= matrix.years <= year
        if states is not None:
            mask &= matrix.state_mask(states) | np.isin(matrix.ids, list(also))
        if exclude:
            mask &= ~np.isin(matrix.ids, list(exclude))
        for i in vectors.top(scores, limit, mask):
            found.append(
                Match(
                    object_id=int(matrix.ids[i]),
                    score=float(scores[i]),
                    shared=[],
                    year=int(matrix.years[i]),
                    state=matrix.state_names[matrix.states[i]],
                )
            )
    found.sort(key=lambda m: -m.score)
    found = found[:limit]
    if found:
        kept = dict(
            Entry.objects.filter(source=source, object_id__in=[m.object_id for m in found]).values_list(
                "object_id", "keywords"
            )
        )
        for match in found:
            match.shared = vectors.shared(query, vectors.decode(kept.get(match.object_id, "")))
    return found
