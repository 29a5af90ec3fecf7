"""Search data for the benchmark (issue 4): what `zhengxie reindex` and `zhengxie learn-units` make for the
million proposals of bench/proposal_data.py — a search entry per submitted proposal, the word counts, every
proposal's vector, each organisation's unit profiles — written in bulk.

The words are exactly what `search.text.index_words` gives (a test checks it on generated texts): the text
is cut into blocks at punctuation and white space, which the segmenter never joins across, and each
distinct block is segmented once. Generated proposals repeat their sentences, so this takes minutes, not
the hour segmenting a million 2,000-character texts one by one would take.
"""

import importlib
import re
import time
from collections import Counter
from functools import lru_cache

from django.db import connection, transaction
from django_scopes import scopes_disabled

from zhengxie.core.models import Organization
from zhengxie.proposals import suggest
from zhengxie.proposals.models import Proposal
from zhengxie.search import index, similar, vectors
from zhengxie.search.models import Entry, Term
from zhengxie.search.text import index_words, normalize

from . import proposal_data

MARKER = f"bench-search-v1-{proposal_data.MARKER}"
BATCH = 5000
SEPARATORS = re.compile(r"[,。、;:!?()\[\]{}<>\"'“”‘’《》【】\s]+")


@lru_cache(maxsize=500_000)
def _block(block: str) -> tuple[str, ...]:
    return tuple(index_words(block))


def words_of(text: str) -> list[str]:
    """`index_words(text)`, one distinct block at a time."""
    out: list[str] = []
    for block in SEPARATORS.split(normalize(text)):
        if block:
            out.extend(_block(block))
    return out


def _organizations() -> list[Organization]:
    return list(Organization.objects.filter(slug__in=[s.slug for s in proposal_data.SPECS]).order_by("pk"))


def _proposals(orgs: list[Organization]):
    """Every submitted proposal of the bench organisations, in id order, a batch at a time."""
    rows = (
        Proposal.objects.filter(organization__in=orgs)
        .exclude(state=Proposal.State.DRAFT)
        .order_by("pk")
        .values_list(
            "pk", "organization_id", "session__year", "kind", "state", "title", "reason", "suggestions"
        )
    )
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:BATCH])
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def _is_built(orgs: list[Organization]) -> bool:
    city = next((o for o in orgs if o.slug == proposal_data.LARGE.slug), None)
    if city is None or city.settings.get("bench_search") != MARKER:
        return False
    expected = Proposal.objects.filter(organization__in=orgs).exclude(state=Proposal.State.DRAFT).count()
    return Entry.objects.filter(organization__in=orgs, source="proposal").count() == expected


def _count_words(orgs, log, started) -> tuple[Counter, int]:
    """Pass 1: in how many proposals each word occurs (the platform's learn_terms, from the same words)."""
    df: Counter = Counter()
    docs = 0
    for chunk in _proposals(orgs):
        for _, _, _, _, _, title, reason, suggestions in chunk:
            df.update(set(vectors.key_terms(words_of(title), words_of(f"{reason}\n{suggestions}"))))
        docs += len(chunk)
    log(f"  search data: {len(df):,} words over {docs:,} proposals ({time.perf_counter() - started:.0f} s)")
    with transaction.atomic():
        Term.objects.all().delete()
        Term.objects.bulk_create(
            [Term(word="", df=docs), *(Term(word=w, df=n) for w, n in df.items() if len(w) <= 100)],
            batch_size=5000,
        )
    return df, docs


def _fts_statements():
    return importlib.import_module("zhengxie.search.migrations.0001_initial")


def _index_off() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS search_entry_vector")
        else:
            for name in ("search_entry_ai", "search_entry_ad", "search_entry_au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _index_on() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("CREATE INDEX search_entry_vector ON search_entry USING gin (vector)")
            cursor.execute("ANALYZE search_entry")
            return
        for statement in _fts_statements().SQLITE[1:]:  # the triggers, as migration 0001 makes them
            cursor.execute(statement)
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")


@scopes_disabled()
def ensure(log, *, rebuild: bool = False) -> str:
    orgs = _organizations()
    if not rebuild and _is_built(orgs):
        return "reused"
    started = time.perf_counter()
    log("  search data: removing old entries")
    # The full-text index is built once, after the rows: PostgreSQL's GIN index, SQLite's FTS5 table (its
    # triggers would index row by row, ten times slower, and unindex every row removed here).
    _index_off()
    Entry.objects.filter(organization__in=orgs).delete()
    expected = Proposal.objects.filter(organization__in=orgs).exclude(state=Proposal.State.DRAFT).count()
    df, docs = similar.word_counts()  # the platform's own reading of the word counts
    if docs != expected:  # counted by an earlier, interrupted build otherwise
        df, docs = _count_words(orgs, log, started)
    # Pass 2: the entries, with their vectors.
    written = 0
    for chunk in _proposals(orgs):
        entries = []
        for pk, org_id, year, kind, state, title, reason, suggestions in chunk:
            title_words, words = words_of(title), words_of(f"{reason}\n{suggestions}")
            entries.append(
                Entry(
                    organization_id=org_id,
                    source="proposal",
                    object_id=pk,
                    year=year,
                    kind=kind,
                    state=state,
                    title=title,
                    title_words=" ".join(title_words),
                    words=" ".join(words),
                    facets=" ".join(index.facet_tokens(org_id, "proposal", year, kind, state)),
                    keywords=vectors.encode(vectors.weigh(vectors.key_terms(title_words, words), df, docs)),
                )
            )
        with transaction.atomic():
            Entry.objects.bulk_create(entries, batch_size=1000)
        written += len(entries)
        if written % (BATCH * 40) == 0:
            log(f"  search data: {written:,} entries ({time.perf_counter() - started:.0f} s)")
    log(f"  search data: {written:,} entries ({time.perf_counter() - started:.0f} s); full-text index")
    _index_on()
    log(f"  search data: {written:,} entries ({time.perf_counter() - started:.0f} s); learning units")
    for org in orgs:
        suggest.learn(org)
    city = next(o for o in orgs if o.slug == proposal_data.LARGE.slug)
    city.settings = {**city.settings, "bench_search": MARKER}
    city.save(update_fields=["settings"])
    return f"built in {time.perf_counter() - started:.0f} s ({written:,} entries, {len(df):,} words)"
