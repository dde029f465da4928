"""Migrates a new SQLite database and prints what it holds, for tests/test_migrations.py.

    python tests/migrated_database.py FILE [--old-chain]

--old-chain applies footprint's migrations 0001..0019 one by one, as on a database made before
they were squashed, then `migrate` as such a deployment runs it with today's code (the squashed
migration recorded as applied, and any made since applied). Printed
(JSON): sqlite_master, every table's rows by primary key (timestamps as "<TS>"), content types
and permissions by name rather than id, and the footprint migrations recorded as applied.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQUASHED = ("footprint", "0001_squashed_0019_background_job_preview")
OLD_LEAF = ("footprint", "0019_background_job_preview")


def _migrate(old_chain: bool) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.loader import MigrationLoader

    if old_chain:
        executor = MigrationExecutor(connection)
        # both the old chain and the squashed migration in the graph: target the old one's end
        # (a later migration of footprint follows the squashed one: today's `migrate` applies it)
        executor.loader = MigrationLoader(connection, replace_migrations=False)
        executor.migrate([key for key in executor.loader.graph.leaf_nodes() if key[0] != "footprint"] + [OLD_LEAF])
    call_command("migrate", verbosity=0, interactive=False)


def _contents() -> dict:
    import datetime

    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                       "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        out["sqlite_master"] = cursor.fetchall()
        cursor.execute("SELECT ct.app_label, ct.model, p.codename, p.name FROM django_content_type ct "
                       "LEFT JOIN auth_permission p ON p.content_type_id = ct.id ORDER BY 1, 2, 3")
        out["permissions"] = cursor.fetchall()
        cursor.execute("SELECT name FROM django_migrations WHERE app = 'footprint' ORDER BY name")
        out["footprint_migrations"] = [name for (name,) in cursor.fetchall()]
        introspection = connection.introspection
        for table in sorted(introspection.table_names(cursor)):
            if table in ("django_migrations", "django_content_type", "auth_permission"):
                continue
            pk = introspection.get_primary_key_column(cursor, table)
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY "{pk}"')
            out[table] = [["<TS>" if isinstance(value, datetime.datetime) else value for value in row]
                          for row in cursor.fetchall()]
    return out


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{sys.argv[1]}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    import django

    django.setup()
    _migrate(old_chain="--old-chain" in sys.argv[2:])
    json.dump(_contents(), sys.stdout, default=str, ensure_ascii=False)
