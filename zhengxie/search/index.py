"""Keeping the index: an entry per record, written in the same transaction as the record.

The database keeps the index proper (SQLite FTS5 by triggers, PostgreSQL by a generated column), so
writing, updating or deleting the entry row is all there is; a search sees a record the moment its
transaction commits. `rebuild` is what `zhengxie reindex` runs.
"""

import re
import time
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from . import registry, vectors
from .models import Entry, Term
from .text import index_words

_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def facet_tokens(
    organization_id: int, source: str, year: int | None = None, kind: str = "", state: str = ""
) -> list[str]:
    """The filter tokens of an entry, or of a search's filters (the ones it sets)."""
    tokens = [f"o{organization_id}", f"t{_NOT_ALNUM.sub('', source)}"]
    if year:
        tokens.append(f"y{year}")
    if kind:
        tokens.append(f"k{_NOT_ALNUM.sub('', kind.lower())}")
    if state:
        tokens.append(f"s{_NOT_ALNUM.sub('', state.lower())}")
    return tokens


def load_df(words: set[str]) -> tuple[dict[str, int], int]:
    """Document frequencies of these words and the number of records they were counted over."""
    found = dict(Term.objects.filter(word__in=[*words, ""]).values_list("word", "df"))
    return found, found.pop("", 0)


def keywords(title_words: list[str], words: list[str]) -> str:
    terms = vectors.key_terms(title_words, words)
    df, docs = load_df(set(terms))
    return vectors.encode(vectors.weigh(terms, df, docs))


def _fields(source: registry.Source, record, doc=None) -> dict | None:
    doc = doc or source.document(record)
    if doc is None:
        return None
    title_words, words = index_words(doc.title), index_words(doc.body)
    return {
        "organization_id": doc.organization_id,
        "year": doc.year,
        "kind": doc.kind,
        "state": doc.state,
        "title": doc.title[:300],
        "title_words": " ".join(title_words),
        "words": " ".join(words),
        "keywords": keywords(title_words, words) if source.similar else "",
        "facets": " ".join(facet_tokens(doc.organization_id, source.name, doc.year, doc.kind, doc.state)),
    }


def entry(source: registry.Source, record, *, with_keywords: bool = True) -> Entry | None:
    fields = _fields(source, record)
    if fields is not None and not with_keywords:
        fields["keywords"] = ""
    return None if fields is None else Entry(source=source.name, object_id=record.pk, **fields)


def write(source: registry.Source, record, update_fields=None) -> None:
    """Add or refresh the record's entry; when only non-text fields were saved, only the facets change."""
    with scopes_disabled():
        rows = Entry.objects.filter(source=source.name, object_id=record.pk)
        doc = source.document(record)
        if doc is None:
            rows.delete()
            return
        if update_fields is not None and not (set(update_fields) & source.text_fields):
            facets = " ".join(facet_tokens(doc.organization_id, source.name, doc.year, doc.kind, doc.state))
            changed = {"year": doc.year, "kind": doc.kind, "state": doc.state, "facets": facets}
            if rows.update(**changed, updated_at=timezone.now()):
                return
        fields = _fields(source, record, doc)
        if not rows.update(**fields, updated_at=timezone.now()):
            Entry.objects.create(source=source.name, object_id=record.pk, **fields)


def add_records(model: type, pks: list[int], *, batch: int = 2000) -> int:
    """The entries of records written in bulk (an import), which no save signal announced; returns how many."""
    source = registry.for_model(model)
    if source is None:
        return 0
    written = 0
    with scopes_disabled():
        for start in range(0, len(pks), batch):
            chunk = list(source.all_rows().filter(pk__in=pks[start : start + batch]))
            entries = [e for e in (entry(source, r) for r in chunk) if e]
            Entry.objects.bulk_create(entries)
            written += len(entries)
    return written


def remove(source: registry.Source, pk: int) -> None:
    with scopes_disabled():
        Entry.objects.filter(source=source.name, object_id=pk).delete()


def on_save(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    source = registry.for_model(sender)
    if source is not None:
        write(source, instance, None if created else update_fields)


def on_delete(sender, instance, **kwargs):
    source = registry.for_model(sender)
    if source is not None:
        remove(source, instance.pk)


def rebuild(
    names: list[str] | None = None, *, organization_id: int | None = None, log=None, batch: int = 2000
):
    """Write every entry again from the records; returns {source: entries}. One transaction per batch."""
    counts = {}
    for source in registry.sources():
        if names and source.name not in names:
            continue
        started = time.perf_counter()
        with scopes_disabled():
            rows = source.all_rows()
            if organization_id is not None:
                rows = rows.filter(organization_id=organization_id)
            gone = Entry.objects.filter(source=source.name)
            if organization_id is not None:
                gone = gone.filter(organization_id=organization_id)
            with transaction.atomic():
                gone.delete()
            done = 0
            last = 0
            while True:
                chunk = list(rows.filter(pk__gt=last).order_by("pk")[:batch])
                if not chunk:
                    break
                with transaction.atomic():
                    entries = [e for e in (entry(source, r, with_keywords=False) for r in chunk) if e]
                    Entry.objects.bulk_create(entries)
                done += len(entries)
                last = chunk[-1].pk
                if log and (last // batch) % 50 == 0:
                    log(f"  {source.label}: {done:,} ({time.perf_counter() - started:.0f} s)")
        counts[source.name] = done
        if log:
            log(f"  {source.label}: {done:,} entries in {time.perf_counter() - started:.1f} s")
    similar = [s.name for s in registry.sources() if s.similar and (not names or s.name in names)]
    if similar:
        learn_terms(log=log)
        refresh_keywords(similar, organization_id=organization_id, log=log)
    return counts


def _entry_batches(names: list[str], organization_id: int | None, batch: int, fields: tuple[str, ...]):
    rows = Entry.objects.filter(source__in=names)
    if organization_id is not None:
        rows = rows.filter(organization_id=organization_id)
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:batch])
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def learn_terms(*, log=None, batch: int = 5000) -> int:
    """Count in how many records of the similarity sources each word occurs, over every organisation."""
    started = time.perf_counter()
    names = [s.name for s in registry.sources() if s.similar]
    df: Counter[str] = Counter()
    docs = 0
    with scopes_disabled():
        for chunk in _entry_batches(names, None, batch, ("title_words", "words")):
            for _, title_words, words in chunk:
                df.update(set(vectors.key_terms(title_words.split(), words.split())))
            docs += len(chunk)
        with transaction.atomic():
            Term.objects.all().delete()
            Term.objects.bulk_create(
                [Term(word="", df=docs), *(Term(word=w[:100], df=n) for w, n in df.items() if len(w) <= 100)],
                batch_size=5000,
            )
    if log:
        log(f"  词频：{len(df):,} 个词，{docs:,} 条记录（{time.perf_counter() - started:.1f} s）")
    return len(df)


def refresh_keywords(names: list[str], *, organization_id: int | None = None, log=None, batch: int = 2000):
    """Weigh every entry's vector again with the current document frequencies."""
    started = time.perf_counter()
    df = dict(Term.objects.values_list("word", "df"))
    docs = df.pop("", 0)
    update = "UPDATE search_entry SET keywords = %s, updated_at = %s WHERE id = %s"
    done = 0
    now = timezone.now()
    with scopes_disabled():
        for chunk in _entry_batches(names, organization_id, batch, ("title_words", "words")):
            params = [
                (vectors.encode(vectors.weigh(vectors.key_terms(t.split(), w.split()), df, docs)), now, pk)
                for pk, t, w in chunk
            ]
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(update, params)
            done += len(chunk)
    if log:
        log(f"  相似度向量：{done:,} 条（{time.perf_counter() - started:.1f} s）")
    return done


def demo_step(*, organizations=None, log=print, **kwargs) -> None:
    """After the demo records were written (each indexed as it was saved): count the words over all of
    them and weigh every vector again, as `zhengxie reindex` does."""
    learn_terms(log=log)
    refresh_keywords([s.name for s in registry.sources() if s.similar], log=log)
