"""The test database is vacuumed between tests (tests/conftest.py), so the rows that tests
insert and roll back do not pile up in the tables for later tests to read through."""

import pytest
from django.db import connection, transaction

from footprint.models import Company
from tests import conftest


def _pages(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
        return cursor.fetchone()[0]


def test_rows_rolled_back_are_vacuumed_away_within_a_few_dozen_tests(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite removes rolled-back rows itself")
    table = Company._meta.db_table
    with transaction.atomic():  # what a test does: write, then roll back
        Company.objects.bulk_create(Company(name=f"Company {n}") for n in range(3000))
        transaction.set_rollback(True)
    grown = _pages(table)
    assert grown > 10
    conftest._vacuum["tests since"] = 0
    for _ in range(conftest._VACUUM_EVERY - 1):
        conftest._vacuumed_now_and_then()
    assert _pages(table) == grown, "vacuumed before the count was reached"
    conftest._vacuumed_now_and_then()
    assert _pages(table) < grown  # the dead rows' pages at the end of the table are gone
