"""Keeping the index: an entry per record, written in the same transaction as the record.

The database keeps the index proper (SQLite FTS5 by triggers, PostgreSQL by a generated column), so
writing, updating or deleting the entry row is all there is; a search sees a record the moment its
transaction commits. `rebuild` is what `zhengxie reindex` runs.
"""

import re
import time

from django.db import transaction
from django_scopes import scopes_disabled

from . import registry
from .models import Entry
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


def _fields(source: registry.Source, record, doc=None) -> dict | None:
    doc = doc or source.document(record)
    if doc is None:
        return None
    return {
        "organization_id": doc.organization_id,
        "year": doc.year,
        "kind": doc.kind,
        "state": doc.state,
        "title": doc.title[:300],
        "title_words": " ".join(index_words(doc.title)),
        "words": " ".join(index_words(doc.body)),
        "facets": " ".join(facet_tokens(doc.organization_id, source.name, doc.year, doc.kind, doc.state)),
    }


def entry(source: registry.Source, record) -> Entry | None:
    fields = _fields(source, record)
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
            if rows.update(year=doc.year, kind=doc.kind, state=doc.state, facets=facets):
                return
        fields = _fields(source, record, doc)
        if not rows.update(**fields):
            Entry.objects.create(source=source.name, object_id=record.pk, **fields)


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
                    entries = [e for e in (entry(source, r) for r in chunk) if e is not None]
                    Entry.objects.bulk_create(entries)
                done += len(entries)
                last = chunk[-1].pk
                if log and (last // batch) % 50 == 0:
                    log(f"  {source.label}: {done:,} ({time.perf_counter() - started:.0f} s)")
        counts[source.name] = done
        if log:
            log(f"  {source.label}: {done:,} entries in {time.perf_counter() - started:.1f} s")
    return counts
