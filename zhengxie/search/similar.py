"""Similar records: the ten closest by TF-IDF cosine among an organisation's records of this and earlier
years, with the words they share.

Each process keeps, per organisation, a sparse matrix of the records' full TF-IDF vectors (every word,
weighed with the word counts of the last `zhengxie reindex`): a base built from the entries' words at the
first query (or read from the snapshot a process saved in settings.SIMILAR_SNAPSHOTS), and a small delta of
the entries written since, found through (organization, source, updated_at). A query searches each in two stages (`vectors.Matrix.best`: the rows sharing its heaviest
words, then those scored exactly); a record in the delta hides its older row in the base, and the base is
built again when the delta grows past DELTA_LIMIT or the word counts change. Cutting the stored vectors to
their heaviest words was measured first and found only 75 % of the exact ten at 100,000 proposals, so
nothing is cut; the two stages find 99.6 % (search.evaluation.similar). The matrices of the organisations
used least recently are dropped when all of them together pass MAX_WEIGHTS (memory).
"""

import hashlib
import json
import os
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django_scopes import scopes_disabled
from scipy import sparse

from . import vectors
from .models import Entry, Term
from .text import index_words

DELTA_LIMIT = 2000
LATE_COMMIT = timedelta(seconds=60)
LIMIT = 10
# ~8 bytes a weight, each held twice (by column and by row): a city of 100,000 proposals is ~48 million
# (~400 MB); 64 million hold it and the proposals of several districts at once.
MAX_WEIGHTS = 64_000_000


@dataclass
class OrgIndex:
    base: vectors.Matrix
    base_rows: dict[int, int]  # object id -> row in base
    settled: datetime  # entries written up to this moment are all in the index
    recent: dict[int, datetime]  # updated_at of the entries held that were written after `settled`
    counts_stamp: object  # the word counts it was weighed with
    delta: vectors.Matrix
    delta_rows: dict[int, tuple[int, str, str, str]] = field(default_factory=dict)  # year, state, words
    hidden: np.ndarray | None = None  # base rows superseded by the delta
    built_s: float = 0.0


_indexes: "OrderedDict[tuple[int, str], OrgIndex]" = OrderedDict()
_counts: dict[str, object] = {}
_lock = threading.Lock()


def _rows(organization_id: int, source: str, pks: list[int] | None = None):
    rows = Entry.objects.filter(organization_id=organization_id, source=source)
    if pks is not None:
        rows = rows.filter(object_id__in=pks)
    return rows.values_list("object_id", "year", "state", "title_words", "words", "updated_at").iterator(
        chunk_size=2000
    )


def _stamps(organization_id: int, source: str, since: datetime) -> list[tuple[int, datetime]]:
    """(object id, updated_at) of the entries written after `since`: the index alone, no words."""
    return list(
        Entry.objects.filter(
            organization_id=organization_id, source=source, updated_at__gt=since
        ).values_list("object_id", "updated_at")
    )


def _build(
    organization_id: int, source: str, df: dict[str, int], docs: int, counts_stamp, *, fresh: bool = False
) -> OrgIndex:
    """The organisation's base matrix: unless `fresh`, the snapshot another process (or an earlier run)
    saved for these word counts; else built from the entries, and saved."""
    loaded = None if fresh else _load(organization_id, source, counts_stamp)
    if loaded is not None:
        return loaded
    started = time.perf_counter()
    settled = timezone.now() - LATE_COMMIT
    recent: dict[int, datetime] = {}

    def rows():
        for object_id, year, state, title_words, words, updated_at in _rows(organization_id, source):
            if updated_at > settled:
                recent[object_id] = updated_at
            yield object_id, year, state, title_words, words

    index = _index(vectors.Matrix.from_texts(rows(), df, docs), settled, recent, counts_stamp)
    index.built_s = time.perf_counter() - started
    _save(organization_id, source, index)
    return index


def _index(base: vectors.Matrix, settled: datetime, recent: dict[int, datetime], counts_stamp) -> OrgIndex:
    return OrgIndex(
        base=base,
        base_rows={int(pk): i for i, pk in enumerate(base.ids)},
        settled=settled,
        recent=recent,
        counts_stamp=counts_stamp,
        delta=vectors.Matrix.from_texts([], {}, 0),
        hidden=np.zeros(len(base), dtype=bool),
    )


# Snapshots: a base matrix in files, one folder per (organisation, source, word counts, moment), its arrays
# memory-mapped when loaded, so the server's processes on one machine share one copy in the page cache and a
# process that starts reads it in a second instead of building it for tens of seconds.
ARRAYS = ("ids", "years", "states", "data", "indices", "indptr", "cdata", "cindices", "cindptr")


def _snapshots() -> Path | None:
    """This database's folder of snapshots (several databases may share one machine)."""
    folder = getattr(settings, "SIMILAR_SNAPSHOTS", None)
    if not folder:
        return None
    db = connection.settings_dict
    where = f"{connection.vendor}:{db.get('HOST')}:{db.get('PORT')}:{db.get('NAME')}"
    return Path(folder) / hashlib.sha256(where.encode()).hexdigest()[:16]


def _prefix(organization_id: int, source: str, counts_stamp) -> str:
    return f"{organization_id}-{source}-{counts_stamp}-"


def _save(organization_id: int, source: str, index: OrgIndex) -> None:
    folder = _snapshots()
    if folder is None:
        return
    prefix = _prefix(organization_id, source, index.counts_stamp)
    final = folder / f"{prefix}{int(index.settled.timestamp() * 1e6)}"
    if final.exists():
        return
    staging = folder / f".{final.name}.{os.getpid()}.{threading.get_ident()}"
    base = index.base
    arrays = {
        "ids": base.ids,
        "years": base.years,
        "states": base.states,
        "data": base.rows.data,
        "indices": base.rows.indices,
        "indptr": base.rows.indptr,
        "cdata": base.columns.data,
        "cindices": base.columns.indices,
        "cindptr": base.columns.indptr,
    }
    meta = {
        "state_names": base.state_names,
        "words": list(base.vocabulary),
        "shape": list(base.rows.shape),
        "settled": index.settled.isoformat(),
        "recent": [[pk, at.isoformat()] for pk, at in index.recent.items()],
    }
    try:
        staging.mkdir(parents=True)
        for name, array in arrays.items():
            np.save(staging / f"{name}.npy", np.ascontiguousarray(array))
        (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        staging.rename(final)  # whole or not at all: readers never see a folder being written
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return
    # Older snapshots of this organisation go; a process still mapping one keeps reading it until it is done.
    for old in folder.glob(f"{organization_id}-{source}-*"):
        if old != final:
            shutil.rmtree(old, ignore_errors=True)


def _load(organization_id: int, source: str, counts_stamp) -> OrgIndex | None:
    folder = _snapshots()
    if folder is None or not folder.is_dir():
        return None
    found = sorted(
        folder.glob(_prefix(organization_id, source, counts_stamp) + "*"),
        key=lambda path: int(path.name.rsplit("-", 1)[1]),
    )
    if not found:
        return None
    started = time.perf_counter()
    try:
        arrays = {name: np.load(found[-1] / f"{name}.npy", mmap_mode="r") for name in ARRAYS}
        meta = json.loads((found[-1] / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # removed meanwhile, or damaged: built again
    shape = tuple(meta["shape"])
    base = vectors.Matrix(
        ids=arrays["ids"],
        years=arrays["years"],
        states=arrays["states"],
        state_names=meta["state_names"],
        vocabulary={word: i for i, word in enumerate(meta["words"])},
        columns=sparse.csc_matrix((arrays["cdata"], arrays["cindices"], arrays["cindptr"]), shape=shape),
        rows=sparse.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=shape),
    )
    recent = {int(pk): datetime.fromisoformat(at) for pk, at in meta["recent"]}
    settled = datetime.fromisoformat(meta["settled"])
    # Entries are added or rewritten (a later updated_at: the delta reads them), seldom deleted. If the count
    # now is not what the snapshot holds plus those added since, records were deleted or the data was made
    # anew since (a demo built again, a database restored): built again.
    held = set(base.ids.tolist())
    added = sum(1 for pk, _ in _stamps(organization_id, source, settled) if pk not in held)
    if Entry.objects.filter(organization_id=organization_id, source=source).count() != len(held) + added:
        return None
    index = _index(base, settled, recent, counts_stamp)
    index.built_s = time.perf_counter() - started
    return index


def _evict() -> None:
    """Drop the least recently used organisations' matrices while all of them pass MAX_WEIGHTS."""
    while len(_indexes) > 1 and sum(i.base.nnz + i.delta.nnz for i in _indexes.values()) > MAX_WEIGHTS:
        _indexes.popitem(last=False)


def _current(organization_id: int, source: str) -> OrgIndex:
    """The organisation's index, brought up to date with what was written since it was built.

    Every query reads the (object id, updated_at) of the entries written after `settled` from the
    (organisation, source, updated_at) index, and the words of those it does not hold yet. `settled` trails
    the clock by LATE_COMMIT: a transaction that wrote earlier but committed later is still picked up, and
    once a minute has passed nothing before it can change unseen, so an idle organisation reads nothing."""
    key = (organization_id, source)
    df, docs, counts_stamp = _word_counts()
    with _lock:
        index = _indexes.get(key)
        if index is None or index.counts_stamp != counts_stamp:
            index = _indexes[key] = _build(organization_id, source, df, docs, counts_stamp)
            _indexes.move_to_end(key)
            _evict()
        _indexes.move_to_end(key)
        now = timezone.now()
        new = [
            (pk, at)
            for pk, at in _stamps(organization_id, source, index.settled)
            if index.recent.get(pk) != at
        ]
        if len(index.delta_rows) + len(new) > DELTA_LIMIT:  # e.g. a snapshot saved days ago
            index = _indexes[key] = _build(organization_id, source, df, docs, counts_stamp, fresh=True)
            return index
        if new:
            for object_id, year, state, title_words, words, updated_at in _rows(
                organization_id, source, [pk for pk, _ in new]
            ):
                index.delta_rows[object_id] = (year, state, title_words, words)
                index.recent[object_id] = updated_at
                row = index.base_rows.get(object_id)
                if row is not None:
                    index.hidden[row] = True
            index.delta = vectors.Matrix.from_texts(
                [(pk, *values) for pk, values in index.delta_rows.items()], df, docs
            )
        index.settled = max(index.settled, now - LATE_COMMIT)
        index.recent = {pk: at for pk, at in index.recent.items() if at > index.settled}
        return index


def prepare(organization_id: int | None = None, *, log=None) -> int:
    """Build and save every organisation's matrices for the current word counts (after `zhengxie reindex`),
    so that no visitor waits for a build; returns how many were built."""
    from . import registry

    names = [s.name for s in registry.sources() if s.similar]
    with scopes_disabled():
        pairs = Entry.objects.filter(source__in=names)
        if organization_id is not None:
            pairs = pairs.filter(organization_id=organization_id)
        pairs = sorted(set(pairs.values_list("organization_id", "source").distinct()))
    for org, source in pairs:
        started = time.perf_counter()
        with scopes_disabled():
            index = _current(org, source)
        if log:
            log(
                f"  相似记录矩阵：组织 {org} {source} {len(index.base):,} 条（{time.perf_counter() - started:.1f} s）"
            )
        forget()
    return len(pairs)


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


def _word_counts() -> tuple[dict[str, int], int, object]:
    """The word counts of the last `zhengxie reindex`, read once per process and again after the next."""
    with scopes_disabled():
        stamp = Term.objects.aggregate(last=Max("id"))["last"]
        with _lock:
            if "df" in _counts and _counts.get("stamp") == stamp:
                return _counts["df"], _counts["docs"], stamp
        df = dict(Term.objects.values_list("word", "df"))
    docs = df.pop("", 0)
    with _lock:
        _counts.update(stamp=stamp, df=df, docs=docs)
    return df, docs, stamp


def word_counts() -> tuple[dict[str, int], int]:
    df, docs, _ = _word_counts()
    return df, docs


@dataclass
class Query:
    terms: list[str]
    cut: dict[str, float]  # the heaviest words only: what unit suggestions compare with their centroids
    full: dict[str, float]  # every word: what similar records are scored with


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


def _nearest(organization_id, source, query: Query, year, exclude, states, also, limit) -> list[Match]:
    index = _current(organization_id, source)
    found: list[tuple[float, int, vectors.Matrix, int]] = []
    for matrix, hidden in ((index.base, index.hidden), (index.delta, None)):
        if not len(matrix):
            continue
        mask = np.ones(len(matrix), dtype=bool)
        if hidden is not None:
            mask &= ~hidden
        if year is not None:
            mask &= matrix.years <= year
        if states is not None:
            mask &= matrix.state_mask(states) | np.isin(matrix.ids, list(also))
        if exclude:
            mask &= ~np.isin(matrix.ids, list(exclude))
        for i, score in matrix.best(query.full, limit, mask):
            found.append((score, int(matrix.ids[i]), matrix, i))
    found.sort(key=lambda item: (-item[0], -item[1]))
    return [
        Match(
            object_id=pk,
            score=min(1.0, score),
            shared=matrix.shared(query.full, i),
            year=int(matrix.years[i]),
            state=matrix.state_names[matrix.states[i]],
        )
        for score, pk, matrix, i in found[:limit]
    ]
