"""The `zhengxie` console script: the project's own commands, plus every Django management command.

zhengxie serve [--prod] [--bind 127.0.0.1:8000] [--workers 2]
zhengxie worker                 background tasks (django-tasks database backend)
zhengxie demo [--scale N]       demo organisations, people and accounts (idempotent)
zhengxie accounts               list the demo accounts
zhengxie import-roster --org SLUG FILE.xlsx
zhengxie orgs                   organisations and their slugs
zhengxie report --org SLUG --year YYYY [--format json|text|docx|xlsx] [--total]
zhengxie import-history --org SLUG [--by USERNAME] FILE.xlsx   past years' proposals and reports
zhengxie reindex                rebuild the search index, word counts and similarity vectors
zhengxie learn-units            learn suggested lead units from past assignments (--evaluate to measure)
zhengxie <any manage.py command>
"""

import os
import sys


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengxie.settings")


def _serve(args: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="zhengxie serve")
    parser.add_argument("--prod", action="store_true", help="gunicorn instead of the development server")
    parser.add_argument("--bind", default=os.environ.get("ZHENGXIE_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("ZHENGXIE_WORKERS", "2")))
    options = parser.parse_args(args)
    from django.core.management import call_command, execute_from_command_line

    if not options.prod:
        execute_from_command_line(["zhengxie", "runserver", options.bind, "--noreload"])
        return 0
    import django

    django.setup()
    call_command("collectstatic", "--noinput", verbosity=0)
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    os.execv(  # noqa: S606 - replaces this process with the venv's gunicorn, fixed arguments
        gunicorn,
        [
            gunicorn,
            "zhengxie.wsgi",
            "--bind",
            options.bind,
            "--workers",
            str(options.workers),
            # An import of ten thousand past proposals or a session's Word book takes longer than the default 30 s.
            "--timeout",
            os.environ.get("ZHENGXIE_TIMEOUT", "120"),
            "--access-logfile",
            "-",
        ],
    )
    return 0


ALIASES = {"worker": ["db_worker"]}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    _django_setup()
    args = argv[1:]
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = args[0], args[1:]
    if command == "serve":
        return _serve(rest)
    from django.core.management import execute_from_command_line

    resolved = ALIASES.get(command, [command.replace("-", "_")])
    execute_from_command_line(["zhengxie", *resolved, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
