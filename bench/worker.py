"""One database's benchmark in its own process, so that settings read this run's DATABASE_URL."""

import argparse
import json
import os
import sqlite3
import sys
import warnings
from pathlib import Path

PARTS = ("roster", "proposals", "figures", "burst", "wrk", "search", "quality", "opinions")
# Parts whose data lives in a database of its own (bench/run.py gives the worker its URL): not run unasked.
OWN_DATABASE = ("opinions",)


def log(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", choices=PARTS, action="append")
    parser.add_argument("--wrk-seconds", type=int, default=20)
    args = parser.parse_args(argv)
    parts = args.only or [p for p in PARTS if p not in OWN_DATABASE]

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengxie.settings")
    # WhiteNoise warns that STATIC_ROOT is not collected; the measured pages serve no static files here.
    warnings.filterwarnings("ignore", message="No directory at")
    load_before = os.getloadavg()[0]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from zhengxie.core.upkeep import refresh_statistics

    from . import (
        burst,
        data,
        figures,
        opinion_data,
        opinions,
        proposal_data,
        proposals,
        roster,
        roster_import,
        search_data,
        search_pages,
        throughput,
    )
    from .servers import production_server

    database_url = os.environ["DATABASE_URL"]
    call_command("migrate", interactive=False, verbosity=0)
    out: dict = {"vendor": connection.vendor, "parts": parts}
    if "roster" in parts:
        out["data"] = data.ensure(log, rebuild=args.rebuild)
        log(f"  roster data: {out['data']}")
        out["terms"] = terms = data.search_terms()
        out["roster"] = roster.measure(terms=terms, requests=args.requests, log=log)
        out["import"] = roster_import.measure(log=log)
    if {"proposals", "figures", "wrk", "search"} & set(parts):
        out["proposal_data"] = proposal_data.ensure(log, rebuild=args.rebuild)
        log(f"  proposal data: {out['proposal_data']}")
    if "opinions" in parts:
        out["opinion_data"] = opinion_data.ensure(log, rebuild=args.rebuild)
        log(f"  opinion data: {out['opinion_data']}")
    # What the platform does after `migrate` and every day (core/upkeep.py): SQLite's planner statistics,
    # here also over data built since this process migrated. PostgreSQL keeps its own (VACUUM ANALYZE).
    refresh_statistics()
    if "proposals" in parts:
        out["proposals"] = proposals.measure(requests=args.requests, log=log)
    if "opinions" in parts:
        out["opinions"] = opinions.measure(requests=args.requests, log=log)
    if "figures" in parts:
        out["figures"] = figures.measure(requests=args.requests, log=log)
    if "search" in parts:
        out["search_data"] = search_data.ensure(log, rebuild=args.rebuild)
        log(f"  search data: {out['search_data']}")
        refresh_statistics()
        out["search"] = search_pages.measure(requests=args.requests, log=log)
        out["search"]["throughput"] = search_pages.throughput(
            database_url, out["search"]["rows"], log=log, duration=args.wrk_seconds
        )
    if "quality" in parts and connection.vendor == "sqlite":
        # The evaluation corpus lives in memory, the same whatever the database: measured once, here.
        from zhengxie.search.evaluation import similar as evaluation

        out["quality"] = evaluation.rounded(evaluation.evaluate(log=log))
        log(f"  similar quality: {out['quality']}")
    if "burst" in parts:
        org = burst.ensure(log)
        queries = burst.queries_in_process(org)
        try:
            with production_server(database_url, workers=2, name="burst", log=log) as base:
                out["burst"] = burst.measure(base, org, log=log)
                burst.reset(org)
                out["burst_signed_in"] = burst.measure(base, org, log=log, signed_in=True)
        finally:
            burst.reset(org)
        out["burst"]["queries"] = out["burst_signed_in"]["queries"] = queries
    if "wrk" in parts:
        out["throughput"] = throughput.measure(database_url, log=log, duration=args.wrk_seconds)
    if connection.vendor == "postgresql":
        major, rest = divmod(connection.pg_version, 10000)
        out["version"] = f"PostgreSQL {major}.{rest}"
    else:
        out["version"] = f"SQLite {sqlite3.sqlite_version}"
    out["load"] = [load_before, os.getloadavg()[0]]
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
