"""`make bench`: build (or reuse) the benchmark databases, measure each in its own process, print the table.

    .venv/bin/python -m bench.run [--database sqlite|postgresql]
                                  [--only roster|proposals|figures|burst|wrk|search|quality|opinions]
                                  [--requests 200] [--wrk-seconds 20] [--rebuild]

`--only` (repeatable) runs some parts: roster (list, search, import), proposals (the proposal pages
in process), figures (dashboards and annual reports of last year: the city, the smallest district, and a
province above the hundred organisations), burst (500 members submitting against gunicorn), wrk (public portal throughput), search
(search, similar proposals and suggested units at a million proposals, their requests/s and memory, and
the quality of similar proposals on a 100,000-proposal corpus), opinions (the public-opinion editor's
inbox, issue compilation, quarterly analysis and last year's statistics at 300,000 reports).
Without it every part runs. PostgreSQL is measured when a server answers at BENCH_POSTGRES_URL
(default postgres://postgres@127.0.0.1:5432/zhengxie_bench); the database is created when missing.
The opinions part has databases of its own, so that it needs neither the million proposals nor touches
them: var/bench/opinions.sqlite3 and BENCH_OPINIONS_POSTGRES_URL
(default postgres://postgres@127.0.0.1:5432/zhengxie_bench_opinions).
The first run builds the data (a million proposals and their search entries: 45 to 60 minutes per database;
the opinion data a few minutes); later runs reuse it.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import django

from .report import table
from .worker import OWN_DATABASE, PARTS

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
SQLITE_PATH = BENCH_DIR / "bench.sqlite3"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/zhengxie_bench")
OPINIONS_SQLITE_PATH = BENCH_DIR / "opinions.sqlite3"
OPINIONS_POSTGRES_URL = os.environ.get(
    "BENCH_OPINIONS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/zhengxie_bench_opinions"
)
# Building the proposal data takes most of it; measuring everything takes about ten minutes.
WORKER_TIMEOUT_S = 2 * 60 * 60


def log(message: str) -> None:
    print(message, flush=True)


def prepare_postgres(url: str) -> str | None:
    """Create the benchmark database if the server answers and it is missing; None when no server answers."""
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    params = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"] or "postgres",
        "password": config["PASSWORD"] or None,
        "connect_timeout": 3,
    }
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
                log(f"  created database {config['NAME']}")
    except psycopg.OperationalError as error:
        reason = str(error).splitlines()[0]
        return f"PostgreSQL: no server answers at {params['host']}:{params['port']} ({reason}); skipped."
    return None


def run_worker(name: str, url: str, args: argparse.Namespace, parts: list[str], tag: str = "") -> dict:
    out = BENCH_DIR / f"{name.lower()}{tag}.json"
    out.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "zhengxie.settings",
        # Production-like: no per-query debug log, cached templates.
        "ZHENGXIE_DEBUG": "0",
    }
    command = [sys.executable, "-m", "bench.worker", "--out", str(out), "--requests", str(args.requests)]
    command += ["--wrk-seconds", str(args.wrk_seconds)]
    if args.rebuild:
        command.append("--rebuild")
    for part in parts:
        command += ["--only", part]
    subprocess.run(command, env=env, cwd=BASE_DIR, check=True, timeout=WORKER_TIMEOUT_S)
    return json.loads(out.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--rebuild", action="store_true", help="build the data of the chosen parts again")
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
    parser.add_argument("--wrk-seconds", type=int, default=20, help="duration of each wrk run (default 20)")
    args = parser.parse_args(argv)
    wanted = args.database or ["sqlite", "postgresql"]
    parts = args.only or list(PARTS)
    shared = [p for p in parts if p not in OWN_DATABASE]
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, dict] = {}
    notes: list[str] = []
    # (database, where, its URL, the parts measured there, the worker's output file tag)
    runs = []
    if "sqlite" in wanted:
        if shared:
            runs.append(("SQLite", SQLITE_PATH.relative_to(BASE_DIR), f"sqlite:///{SQLITE_PATH}", shared, ""))
        if "opinions" in parts:
            where = OPINIONS_SQLITE_PATH.relative_to(BASE_DIR)
            runs.append(("SQLite", where, f"sqlite:///{OPINIONS_SQLITE_PATH}", ["opinions"], "-opinions"))
    if "postgresql" in wanted:
        if shared:
            runs.append(("PostgreSQL", POSTGRES_URL, POSTGRES_URL, shared, ""))
        if "opinions" in parts:
            runs.append(
                ("PostgreSQL", OPINIONS_POSTGRES_URL, OPINIONS_POSTGRES_URL, ["opinions"], "-opinions")
            )
    for name, where, url, run_parts, tag in runs:
        log(f"== {name}: {where} ({', '.join(run_parts)})")
        if name == "PostgreSQL":
            skipped = prepare_postgres(url)
            if skipped:
                log(f"  {skipped}")
                notes.append(skipped)
                continue
        result = run_worker(name, url, args, run_parts, tag)
        if name in results:
            # The opinions part's own database: its figures join the same rows, its load its own note.
            result["opinions_load"] = result.pop("load")
            result["parts"] = results[name]["parts"] + result["parts"]
            results[name].update(result)
        else:
            results[name] = result
    for name, result in results.items():
        before, after = result.get("load") or result["opinions_load"]
        facts = [result["version"]]
        if "data" in result:
            terms = result["terms"]
            facts.append(
                f"roster data {result['data']}, search terms from it: name '{terms['name']}',"
                f" mobile '{terms['mobile_short']}' and '{terms['mobile_long']}'"
            )
        if "proposal_data" in result:
            facts.append(f"proposal data {result['proposal_data']}")
        if "opinion_data" in result:
            facts.append(f"opinion data (own database) {result['opinion_data']}")
        facts.append(f"load average {before:.1f} -> {after:.1f}")
        notes.append(f"{name}: " + "; ".join(facts) + ".")
    notes.append(
        f"Python {platform.python_version()}, Django {django.get_version()}, {os.cpu_count()} CPUs;"
        f" import timing excludes only its final COMMIT (rolled back to keep the data);"
        f" total {time.perf_counter() - started:.0f} s."
    )
    text = table(results, notes)
    print()
    print(text)
    (BENCH_DIR / "results.txt").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
