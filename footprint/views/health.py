"""`/healthz/` for load balancers and `docker compose`: is the database reachable and fully
migrated? No login, no data: only "ok" or what is wrong.

Cheap enough to be asked every few seconds by every balancer: one `SELECT 1` on the kept
connection. Whether migrations are pending is asked until the answer is "none", then never
again in this process (a running process's code does not gain migrations).
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

_migrated = False


def _pending_migrations(connection) -> int:
    global _migrated
    if _migrated:
        return 0
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrated = pending == 0
    return pending


# Outside ATOMIC_REQUESTS: opening the request's transaction would fail before the view runs
# when the database is down, and the answer would be the outage page instead of the diagnosis.
@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request):
    checks = {}
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        pending = _pending_migrations(connection)
        checks["migrations"] = "ok" if not pending else f"{pending} pending"
    except Exception as exc:  # any database failure makes the instance unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values()) and "migrations" in checks
    return JsonResponse({"status": "ok" if healthy else "unhealthy", **checks},
                        status=200 if healthy else 503)
