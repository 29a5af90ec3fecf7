"""Searching: the person's words against the index of their organisation, ranked, filtered, highlighted,
paginated, and limited to what the person may open. Bad input never reaches the index as syntax: every
word is quoted (FTS5) or parsed as plain text (PostgreSQL)."""

import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_scopes import scopes_disabled

from zhengxie.core.permissions import Actor

from . import registry
from .index import facet_tokens
from .text import MAX_QUERY_CHARS, normalize, query_words

PER_PAGE = 20
MAX_PAGES = 50  # deeper than the 1,000th hit a person narrows the search instead
COUNT_LIMIT = PER_PAGE * MAX_PAGES
# Past COUNT_LIMIT matches (a common word in a city's hundred thousand records) only the newest are ranked —
# on SQLite the newest RANK_POOL, on PostgreSQL those of the newest years holding at least RANK_POOL — not
# every match: ranking costs each match a few microseconds, and a search must answer in 100 ms.
RANK_POOL = 2000
OLDEST_YEAR = 1990  # PostgreSQL's pool looks back year by year this far at most
# A person who may open only a few records (their own proposals) searches those directly.
SMALL_REACH = 500
MAX_WORDS = 8
SNIPPET_CHARS = 120


@dataclass
class Hit:
    source: registry.Source
    record: object
    title: SafeString
    snippet: SafeString
    url: str
    year: int | None
    kind: str
    state: str


@dataclass
class Results:
    query: str
    words: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    message: str = ""

    @property
    def more(self) -> bool:
        """More matches than the pages show (the total is then a lower bound)."""
        return self.total > COUNT_LIMIT

    @property
    def shown(self) -> int:
        return min(self.total, COUNT_LIMIT)

    @property
    def pool(self) -> int:
        return RANK_POOL

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _restrictions(
    actor: Actor, sources: list[registry.Source]
) -> tuple[list[str], list[tuple[str, str, list]]]:
    """(sources the actor may search whole, [(source, SQL of the ids they may open, its parameters)])."""
    whole, limited = [], []
    for source in sources:
        visible = source.visible(actor)
        if visible is None:
            continue
        if visible is registry.ALL:
            whole.append(source.name)
        else:
            sql, sub = visible.values("pk").query.sql_with_params()
            limited.append((source.name, sql, list(sub)))
    return whole, limited


def _visibility(whole: list[str], limited: list[tuple[str, str, list]]) -> tuple[str, list]:
    """SQL limiting entries to the records this actor may open."""
    parts, params = [], []
    for name in whole:
        parts.append("e.source = %s")
        params.append(name)
    for name, sql, sub in limited:
        parts.append(f"(e.source = %s AND e.object_id IN ({sql}))")
        params += [name, *sub]
    if not parts:
        return "1 = 0", []
    return "(" + " OR ".join(parts) + ")", params


def _fts5_match(facets: list[str], words: list[str]) -> str:
    quoted = " ".join('"' + w.replace('"', '""') + '"' for w in words)
    return f"facets : ({' '.join(facets)}) AND {{title_words words}} : ({quoted})"


def _sql(org: int, where: str, params: list, words, facets) -> tuple[str, str, list, list]:
    """(FROM/WHERE part, rank expression (lower ranks first), its parameters, the rank's parameters).
    SQLite's matches come from FTS5 in rowid order (= e.id): newest first needs no sort there."""
    if connection.vendor == "sqlite":
        base = (
            "FROM search_fts JOIN search_entry e ON e.id = search_fts.rowid"
            f" WHERE search_fts MATCH %s AND e.organization_id = %s AND {where}"
        )
        return base, "bm25(search_fts, 10.0, 1.0, 0.0)", [_fts5_match(facets, words), org, *params], []
    base = (
        "FROM search_entry e"
        " WHERE e.vector @@ (plainto_tsquery('simple', %s) && plainto_tsquery('simple', %s))"
        f" AND e.organization_id = %s AND {where}"
    )
    # The small in-line vector of title and key words (migration 0002), not the whole one of each match.
    rank = "-ts_rank(e.rank_vector, plainto_tsquery('simple', %s))"
    text = " ".join(words)
    return base, rank, [text, " ".join(facets), org, *params], [text]


@contextmanager
def _index_scans_only():
    """PostgreSQL: read matches through the GIN index. Its planner does not count the cost of unpacking each
    row's vector and may otherwise check a common word row by row over the whole table (seconds)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        yield
        # Inside a longer transaction the settings would outlive the search (an error rolls them back).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = on")
            cursor.execute("SET LOCAL enable_indexscan = on")


def _count(base: str, args: list) -> int:
    """Matches, counted up to one past what the pages can show: a common word's hundred thousand hits are
    not counted one by one."""
    with connection.cursor() as cursor:
        # `base` is built from constants and Django's compiled SQL; every value is a parameter.
        sql = f"SELECT count(*) FROM (SELECT 1 {base} LIMIT %s) AS hits"  # noqa: S608
        cursor.execute(sql, [*args, COUNT_LIMIT + 1])
        return cursor.fetchone()[0]


def _ranked(
    base: str, rank: str, args: list, rank_args: list, offset: int, pool: bool
) -> list[tuple[str, int]]:
    """One page of matches, best first; with `pool`, of the newest matches only (see RANK_POOL)."""
    with connection.cursor() as cursor:
        if pool and connection.vendor == "postgresql":
            return _ranked_by_years(cursor, base, rank, args, rank_args, offset)
        if pool:
            sql = (
                f"SELECT source, object_id FROM (SELECT e.id, e.source, e.object_id, {rank} AS r {base}"  # noqa: S608
                " ORDER BY search_fts.rowid DESC LIMIT %s) AS pool ORDER BY r, id DESC LIMIT %s OFFSET %s"
            )
            cursor.execute(sql, [*rank_args, *args, RANK_POOL, PER_PAGE, offset])
        else:
            sql = f"SELECT e.source, e.object_id {base} ORDER BY {rank}, e.id DESC LIMIT %s OFFSET %s"  # noqa: S608
            cursor.execute(sql, [*args, *rank_args, PER_PAGE, offset])
        return [(row[0], row[1]) for row in cursor.fetchall()]


def _ranked_by_years(cursor, base: str, rank: str, args: list, rank_args: list, offset: int):
    """PostgreSQL's pool: the matches of the newest years that hold at least RANK_POOL of them. Its index
    yields matches in no order, so "the newest 2,000" would visit every match; a year is a word of the index
    (facet y2026), so the matches of a few years are found directly. This and next year first, then as many more as their share of matches says."""
    newest = timezone.localdate().year + 1  # a session may be numbered by the coming year
    span = 2
    while True:
        oldest = newest - span + 1
        if oldest < OLDEST_YEAR:  # few matches spread over many years: all of them
            years, year_args = "", []
        else:
            tokens = " | ".join(f"y{year}" for year in range(oldest, newest + 1))
            years, year_args = " AND e.vector @@ to_tsquery('simple', %s)", [tokens]
        cursor.execute(
            f"SELECT source, object_id, count(*) OVER () FROM (SELECT e.id, e.source, e.object_id, {rank} AS r"  # noqa: S608
            f" {base}{years}) AS pool ORDER BY r, id DESC LIMIT %s OFFSET %s",
            [*rank_args, *args, *year_args, PER_PAGE, offset],
        )
        rows = cursor.fetchall()
        found = rows[0][2] if rows else 0
        if not years or found >= RANK_POOL:
            return [(row[0], row[1]) for row in rows]
        # As many more years as the matches so far say are needed (a quarter more), or four times as many.
        span = max(span + 1, math.ceil(span * RANK_POOL * 1.25 / found)) if found else span * 4


def _reach(org: int, whole, limited) -> list[int] | None:
    """The entry ids a person with a narrow view may open (their own proposals, say), when there are at most
    SMALL_REACH of them; None otherwise. One select per record type, each found through (source, object id):
    an OR of them would read every entry of the organisation."""
    if whole or not limited:
        return None
    parts, params = [], []
    for name, sql, sub in limited:
        # `sql` is Django's compiled query; every value is a parameter.
        part = f"SELECT e.id FROM search_entry e WHERE e.source = %s AND e.object_id IN ({sql})"  # noqa: S608
        parts.append(part + " AND e.organization_id = %s")
        params += [name, *sub, org]
    with connection.cursor() as cursor:
        cursor.execute(f"{' UNION ALL '.join(parts)} LIMIT %s", [*params, SMALL_REACH + 1])  # noqa: S608
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= SMALL_REACH else None


def _within(ids: list[int], words: list[str], filters: dict) -> list[tuple[str, int]]:
    """Every entry among `ids` holding all the words (and the filters), those with more of them in the title
    first, then the newest: a few hundred rows read directly instead of every match of the organisation."""
    if not ids:
        return []
    find = "instr" if connection.vendor == "sqlite" else "strpos"
    holds, params = [], []
    for word in words:
        holds.append(f"{find}(' ' || e.title_words || ' ' || e.words || ' ', %s) > 0")
        params.append(f" {word} ")
    in_title = " + ".join(
        f"(CASE WHEN {find}(' ' || e.title_words || ' ', %s) > 0 THEN 1 ELSE 0 END)" for _ in words
    )
    title_params = [f" {word} " for word in words]
    for column, value in filters.items():
        holds.append(f"e.{column} = %s")
        params.append(value)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.source, e.object_id FROM search_entry e WHERE e.id IN ({marks})"  # noqa: S608
            f" AND {' AND '.join(holds)} ORDER BY {in_title} DESC, e.id DESC",
            [*ids, *params, *title_params],
        )
        return [(row[0], row[1]) for row in cursor.fetchall()]


def highlight(text: str, words: list[str], limit: int | None = None) -> SafeString:
    """The text (or its passage around the first word found, about `limit` characters), escaped, with
    every query word marked."""
    text = text or ""
    if limit is not None and len(text) > limit:
        lowered = normalize(text)
        found = [i for i in (lowered.find(w) for w in words) if i >= 0]
        start = max(0, min(found) - limit // 3) if found else 0
        text = (
            ("…" if start else "") + text[start : start + limit] + ("…" if start + limit < len(text) else "")
        )
    if not words:
        return mark_safe(escape(text))  # noqa: S308 - escaped just now
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out += [escape(text[last : m.start()]), "<mark>", escape(m.group(0)), "</mark>"]
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def search(
    actor: Actor,
    q: str,
    *,
    source: str = "",
    year: int | None = None,
    kind: str = "",
    state: str = "",
    page: int = 1,
) -> Results:
    """One page of hits; a query with nothing to look for answers a message instead of an error."""
    q = (q or "").strip()
    results = Results(query=q[:MAX_QUERY_CHARS])
    if not q:
        results.message = "请输入检索词。"
        return results
    words = query_words(q)
    if not words:
        results.message = "检索词只含标点或符号，请输入文字。"
        return results
    notes = []
    if len(q) > MAX_QUERY_CHARS:
        notes.append(f"检索词过长，只按前{MAX_QUERY_CHARS}个字检索。")
    if len(words) > MAX_WORDS:
        words = words[:MAX_WORDS]
        notes.append(f"只按前{MAX_WORDS}个词检索。")
    if len(q) == 1:
        notes.append("单字只能找到单独成词的字，输入词语可以找到更多。")
    results.words = words
    chosen = [registry.get(source)] if source in {s.name for s in registry.sources()} else registry.sources()
    org = actor.organization.pk
    whole, limited = _restrictions(actor, chosen)
    reach = _reach(org, whole, limited)
    if reach is not None:
        filters = {"source": chosen[0].name} if len(chosen) == 1 else {}
        filters.update({k: v for k, v in (("year", year), ("kind", kind), ("state", state)) if v})
        found = _within(reach, words, filters)
        results.total = len(found)
        results.pages = math.ceil(len(found) / PER_PAGE)
        results.page = page = max(1, min(page, results.pages))
        ranked = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    else:
        facets = facet_tokens(org, chosen[0].name if len(chosen) == 1 else "", year, kind, state)
        if len(chosen) != 1:
            facets = [t for t in facets if not t.startswith("t")]
        where, params = _visibility(whole, limited)
        base, rank, args, rank_args = _sql(org, where, params, words, facets)
        with _index_scans_only():
            results.total = total = _count(base, args)
            results.pages = min(MAX_PAGES, math.ceil(total / PER_PAGE))
            results.page = page = max(1, min(page, results.pages))
            ranked = (
                _ranked(base, rank, args, rank_args, (page - 1) * PER_PAGE, pool=results.more)
                if total
                else []
            )
    if results.total:
        results.hits = _hits(ranked, words)
    else:
        notes.append("没有找到相关记录，可以减少检索词或换个说法。")
    results.message = "".join(notes)
    return results


def _hits(ranked: list[tuple[str, int]], words: list[str]) -> list[Hit]:
    by_source: dict[str, list[int]] = {}
    for name, pk in ranked:
        by_source.setdefault(name, []).append(pk)
    records = {}
    with scopes_disabled():
        for name, pks in by_source.items():
            source = registry.get(name)
            for record in source.all_rows().filter(pk__in=pks):
                records[(name, record.pk)] = record
    hits = []
    for name, pk in ranked:
        record = records.get((name, pk))
        if record is None:
            continue
        source = registry.get(name)
        doc = source.document(record)
        hits.append(
            Hit(
                source=source,
                record=record,
                title=highlight(doc.title, words),
                snippet=highlight(" ".join(doc.body.split()), words, SNIPPET_CHARS),
                url=source.url(record),
                year=doc.year,
                kind=source.kinds.get(doc.kind, ""),
                state=source.states.get(doc.state, ""),
            )
        )
    return hits
