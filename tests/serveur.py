"""gunicorn started on production settings in a subprocess, for the tests that need a real server."""

import os
import socket
import time


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environnement_de_production(*, port: int, base_sqlite, static_root, **reglages) -> dict:
    """The environment of a production start (DEBUG off) on a throwaway SQLite file, plus ``reglages``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return env | {
        "SECRET_KEY": "une-cle-de-production-longue-et-aleatoire-0123456789-abcdefghijklmnop",
        "CLE_CHIFFREMENT": "un-sel-de-production-long-et-aleatoire-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{base_sqlite}",
        "STATIC_ROOT": str(static_root),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    } | reglages


def attendre_le_port(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.1)
