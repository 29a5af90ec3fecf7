"""One database's benchmark in its own process, so that settings read this run's DATABASE_URL."""

import argparse
import json
import os
import sqlite3
import sys
import warnings
from pathlib import Path


def log(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengxie.settings")
    # WhiteNoise warns that STATIC_ROOT is not collected; the roster page serves no static files here.
    warnings.filterwarnings("ignore", message="No directory at")
    load_before = os.getloadavg()[0]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from . import data, roster, roster_import

    call_command("migrate", interactive=False, verbosity=0)
    data_note = data.ensure(log, rebuild=args.rebuild)
    log(f"  data: {data_note}")
    terms = data.search_terms()
    rows = roster.measure(terms=terms, requests=args.requests, log=log)
    imported = roster_import.measure(log=log)
    if connection.vendor == "postgresql":
        major, rest = divmod(connection.pg_version, 10000)
        version = f"PostgreSQL {major}.{rest}"
    else:
        version = f"SQLite {sqlite3.sqlite_version}"
    args.out.write_text(
        json.dumps(
            {
                "vendor": connection.vendor,
                "version": version,
                "data": data_note,
                "terms": terms,
                "roster": rows,
                "import": imported,
                "load": [load_before, os.getloadavg()[0]],
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    sys.exit(main())
