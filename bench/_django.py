"""Set up Django for a benchmark script on its own database (SQLite file unless DATABASE_URL)."""

import os
import sys
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
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference_data", verbosity=0)
