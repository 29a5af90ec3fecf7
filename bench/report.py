"""The one table of figures, with each figure that misses its target marked."""

import unicodedata

P95_TARGET_MS = 50.0
IMPORT_TARGET_S = 30.0
MISS = " !"


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int, *, right: bool = False) -> str:
    fill = " " * (size - width(text))
    return fill + text if right else text + fill


def _rows(name: str, result: dict) -> tuple[list[list[str]], int]:
    """Table rows of one database and how many of its figures miss their targets."""
    rows, misses = [], 0
    by_key = {(r["scenario"], r["members"]): r for r in result["roster"]}
    sizes = sorted({r["members"] for r in result["roster"]})
    smallest = sizes[0]
    for r in result["roster"]:
        p95 = f"{r['p95_ms']:.1f}"
        if r["p95_ms"] > P95_TARGET_MS:
            p95 += MISS
            misses += 1
        queries = str(r["queries"])
        if r["queries"] != by_key[(r["scenario"], smallest)]["queries"]:
            queries += MISS
            misses += 1
        rows.append(
            [
                name,
                r["label"],
                f"{r['members']:,}",
                f"{r['matches']:,}",
                str(r["requests"]),
                f"{r['p50_ms']:.1f}",
                p95,
                queries,
            ]
        )
    imported = result["import"]
    seconds = f"{imported['seconds']:.1f} s"
    if imported["seconds"] > IMPORT_TARGET_S:
        seconds += MISS
        misses += 1
    rows.append(
        [name, f"import .xlsx, {imported['rows']:,} rows", f"{max(sizes):,}", "-", "1", "-", seconds, "-"]
    )
    return rows, misses


def table(results: dict[str, dict], notes: list[str]) -> str:
    header = ["database", "measurement", "members", "rows", "requests", "p50 ms", "p95 ms", "queries"]
    numeric = {2, 3, 4, 5, 6, 7}
    rows: list[list[str]] = []
    misses = 0
    for name, result in results.items():
        db_rows, db_misses = _rows(name, result)
        rows.extend(db_rows)
        misses += db_misses
    widths = [max(width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return "  ".join(pad(c, widths[i], right=i in numeric) for i, c in enumerate(row)).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    previous = None
    for row in rows:
        if previous is not None and row[0] != previous:
            out.append("")
        out.append(line(row))
        previous = row[0]
    out.append("")
    out.append(
        f"targets: p95 ≤ {P95_TARGET_MS:.0f} ms per page; queries per page at 100,000 members = at 100;"
        f" import ≤ {IMPORT_TARGET_S:.0f} s.{MISS} marks a figure that misses its target."
    )
    if not rows:
        out.append("nothing was measured.")
    elif misses:
        out.append(f"{misses} figure(s) miss their target.")
    else:
        out.append("all figures meet their targets.")
    out.append(
        "rows: members the page counts; p50/p95: server time per request in process (django.test.Client,"
        " full middleware stack, signed in as the organisation's admin); queries: SQL per request."
    )
    out.extend(notes)
    return "\n".join(out)
