"""Set up Django for a benchmark script on its own database (SQLite file unless DATABASE_URL)."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(default_db: str = "bench.sqlite3") -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "False"  # no query logging overhead; CaptureQueriesContext still counts
    if "DATABASE_URL" not in os.environ:
        (ROOT / "var").mkdir(exist_ok=True)
        db = ROOT / "var" / default_db
        db.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    _create_postgres_database(os.environ["DATABASE_URL"])
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference_data", verbosity=0)


def median_time(fn, repeat: int) -> float:
    """Median wall time of `repeat` calls of `fn`, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _create_postgres_database(url: str) -> None:
    """A benchmark names its own PostgreSQL database; create it on first use."""
    from urllib.parse import urlparse

    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg2
    from psycopg2 import sql

    name = parts.path.lstrip("/")
    maintenance = psycopg2.connect(host=parts.hostname, port=parts.port or 5432,
                                   user=parts.username, password=parts.password, dbname="postgres")
    maintenance.autocommit = True
    with maintenance.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    maintenance.close()
