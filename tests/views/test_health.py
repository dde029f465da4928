"""`/healthz/`: 200 when the database answers and is migrated, 503 (and why) otherwise."""

import pytest
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db


def test_a_migrated_database_is_healthy_without_login(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_pending_migrations_make_the_instance_unhealthy(client, monkeypatch):
    monkeypatch.setattr("footprint.views.health._migrated", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("m", False)] * 2)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy", "database": "ok", "migrations": "2 pending"}


def test_an_unreachable_database_is_reported(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper
    from django.db.utils import OperationalError

    def refuse(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"


def test_migrations_are_checked_until_none_are_pending_then_never_again(client, monkeypatch):
    """The balancer asks every few seconds: after one "no pending migrations", only SELECT 1."""
    monkeypatch.setattr("footprint.views.health._migrated", False)
    plans = []
    real = MigrationExecutor.migration_plan

    def counting(self, targets):
        plans.append(1)
        return real(self, targets)

    monkeypatch.setattr(MigrationExecutor, "migration_plan", counting)
    for _ in range(3):
        assert client.get("/healthz/").status_code == 200
    assert len(plans) == 1
