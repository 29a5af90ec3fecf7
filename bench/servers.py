"""The production server for the HTTP benchmarks, started the way `zhengxie serve --prod` starts it.

`python -m zhengxie.cli serve --prod` collects the static files and replaces itself with gunicorn
(`zhengxie.wsgi`, sync workers, access log), here with ZHENGXIE_ENV=production, a fresh random
SECRET_KEY and ALLOWED_HOSTS=127.0.0.1, bound to a free port on 127.0.0.1. The client plays the
TLS-terminating reverse proxy production runs behind: it sends `X-Forwarded-Proto: https`, which
SECURE_PROXY_SSL_HEADER trusts, so there is no HTTPS redirect and secure cookies and CSRF work as
in a browser. The server runs in its own process group and is stopped, then killed if need be,
when the block ends — also on errors.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER_DIR = BASE_DIR / "var" / "bench" / "server"
HOST = "127.0.0.1"
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 15


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(
    database_url: str, settings_module: str = "zhengxie.settings", secret_key: str | None = None
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ZHENGXIE_") and key != "REDIS_URL"
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "ZHENGXIE_ENV": "production",
            "SECRET_KEY": secret_key or secrets.token_urlsafe(60),
            "ZHENGXIE_ALLOWED_HOSTS": HOST,
            # Static files and uploads of the benchmark server stay under var/bench/server.
            "ZHENGXIE_VAR_DIR": str(SERVER_DIR),
            "PYTHONPATH": str(BASE_DIR),
        }
    )
    return env


def _answers(url: str) -> bool:
    request = urllib.request.Request(url, headers=PROXY_HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def production_server(
    database_url: str,
    *,
    workers: int,
    name: str,
    log,
    settings_module: str = "zhengxie.settings",
    secret_key: str | None = None,
) -> Iterator[str]:
    """Yield the base URL of a running production server; stop it afterwards whatever happened. With
    `secret_key` (this process's), sessions made here are valid there."""
    SERVER_DIR.mkdir(parents=True, exist_ok=True)
    port = free_port()
    logfile = SERVER_DIR / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "zhengxie.cli",
        "serve",
        "--prod",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
    ]
    base = f"http://{HOST}:{port}"
    started = time.perf_counter()
    with open(logfile, "w", encoding="utf-8") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            command,
            cwd=BASE_DIR,
            env=production_env(database_url, settings_module, secret_key),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while not _answers(f"{base}/accounts/login/"):
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited with {process.returncode}; see {logfile}")
                if time.perf_counter() - started > START_TIMEOUT_S:
                    raise RuntimeError(f"the server did not answer within {START_TIMEOUT_S} s; see {logfile}")
                time.sleep(0.3)
            log(
                f"  server {name}: gunicorn, {workers} workers, {base} (ready in {time.perf_counter() - started:.0f} s)"
            )
            yield base
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group (gunicorn and its workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_S)
    except ProcessLookupError:
        pass
