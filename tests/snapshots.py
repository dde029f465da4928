"""Expensive fixtures built once per test run and replayed in every later test.

Loading the demo takes half a second and issuing the seed study (render, sign) five; some
400 tests ask for the one and 50 for the other. The first test that asks builds the data for
real and records what the build wrote: per table the rows it added, changed and removed, and
the files it wrote under MEDIA_ROOT. Every later test starts from the same database (its
transaction is rolled back after each test), so writing those rows and files again gives it
exactly the state the build would have given, without rendering or signing anything.

A recording is replayed only when the database is known to be where it was when it was
recorded: the same recordings replayed before it in this test and no other write (a wrapper
sees every statement), the same row count and highest key in every table it touches, the same
settings and language. Otherwise the fixture builds for real, as it always did. Tests that
commit (live_server) always build for real: their database is emptied between tests.
Under pytest-xdist a recording is shared with the run's other processes through a file
(tests/shared_run.py), keyed by its starting state: each is built once per run.
tests/test_snapshots.py compares a replay with a real build, row by row.
"""

from __future__ import annotations

import hashlib
import pickle
import weakref
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils.functional import LazyObject

from tests import shared_run

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "TRUNCATE")


@dataclass
class TableChange:
    columns: list[str]
    key: str
    delete: list  # keys of rows removed or changed by the build
    insert: list[tuple]  # rows added or changed by the build, as stored


@dataclass
class Recording:
    after: tuple[str, ...]  # the recordings replayed before this one was made
    context: str  # settings and language the build ran with
    fingerprint: dict[str, tuple]  # every table -> (row count, highest key) before the build
    tables: dict[str, TableChange]
    files: dict[str, bytes]  # MEDIA_ROOT-relative path -> content written by the build
    result: object


@dataclass
class Tracker:
    """What this test did to the database so far, as far as replaying is concerned."""

    applied: list[str] = field(default_factory=list)
    other_writes: bool = False
    quiet: bool = False  # set while the snapshot code itself writes

    def __call__(self, execute, sql, params, many, context):
        if not self.quiet and sql.lstrip().split(None, 1)[0].upper() in _WRITES:
            self.other_writes = True
        return execute(sql, params, many, context)


_recordings: dict[tuple, Recording | None] = {}  # None: this build cannot be replayed


# Files go to each test's own MEDIA_ROOT; SETTINGS_MODULE is None while a test overrides any
# setting (Django's UserSettingsHolder), which says nothing about the other settings.
_NOT_COMPARED = {"MEDIA_ROOT", "SETTINGS_MODULE"}


def _setting(name: str) -> str:
    value = getattr(settings, name)
    if name == "DATABASES":
        # Each test process has its own test database (name, file) of the run's one database:
        # a recording holds rows, not where they were written.
        return repr({alias: db["ENGINE"] for alias, db in value.items()})
    # a lazy value's repr changes once evaluated; its value does not
    return repr(str(value) if isinstance(value, LazyObject) else value)


def _context() -> str:
    from django.utils import translation

    values = sorted((name, _setting(name)) for name in dir(settings)
                    if name.isupper() and name not in _NOT_COMPARED)
    values.append(("language", translation.get_language()))
    return hashlib.sha256(repr(values).encode()).hexdigest()


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


_keys: dict[str, str | None] = {}


def _key_column(cursor, table: str) -> str | None:
    if table not in _keys:
        _keys[table] = connection.introspection.get_primary_key_column(cursor, table)
    return _keys[table]


def _dump() -> dict[str, tuple[str | None, list[str], dict]]:
    """Every row of every table, by primary key (by the whole row in a table without one)."""
    quote = connection.ops.quote_name
    out = {}
    with connection.cursor() as cursor:
        for table in _tables():
            key = _key_column(cursor, table)
            cursor.execute(f"SELECT * FROM {quote(table)}")
            columns = [c[0] for c in cursor.description]
            rows = [tuple(_plain(v) for v in row) for row in cursor.fetchall()]
            index = columns.index(key) if key else None
            out[table] = (key, columns, {(row if index is None else row[index]): row for row in rows})
    return out


def _mails() -> int:
    return len(getattr(mail, "outbox", []))


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def _fingerprint(tables) -> dict[str, tuple]:
    """Row count and highest key of each table, in one query."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        parts = []
        for table in tables:
            key = _key_column(cursor, table)
            highest = _highest(table, key, quote)
            name = "'" + table.replace("'", "''") + "'"
            parts.append(f"SELECT {name}, COUNT(*), {highest} FROM {quote(table)}")
        sql = " UNION ALL ".join(parts)
        if connection.vendor == "postgresql":
            cursor.execute(_prepared(cursor, sql))
        else:
            cursor.execute(sql)
        return {table: (count, highest) for table, count, highest in cursor.fetchall()}


# Planning the union of some 60 tables cost PostgreSQL 6 ms each time and running it half a
# millisecond (some 1,000 times a run): it is prepared once per connection (a prepared
# statement outlives the test's rolled-back transaction, and PostgreSQL plans it again itself
# when a table changes).
_prepared_statements: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _prepared(cursor, sql: str) -> str:
    """`EXECUTE` of `sql` prepared on this connection (PREPAREd first if it is not yet)."""
    name = "snapshot_" + hashlib.sha256(sql.encode()).hexdigest()[:16]
    prepared = _prepared_statements.setdefault(connection.connection, set())
    if name not in prepared:
        cursor.execute(f"PREPARE {name} AS {sql}")
        prepared.add(name)
    return f"EXECUTE {name}"


def _highest(table: str, key: str | None, quote) -> str:
    """SQL for the highest key of `table` as text: numeric keys by number; others (UUIDs, which
    PostgreSQL cannot MAX) by their text — with the row count, enough to see a change."""
    if not key:
        return "NULL"
    numeric = _numeric_keys().get(table, True)
    column = quote(key)
    return f"CAST(MAX({column}) AS TEXT)" if numeric else f"MAX(CAST({column} AS TEXT))"


@lru_cache(maxsize=1)
def _numeric_keys() -> dict[str, bool]:
    from django.apps import apps

    return {model._meta.db_table: model._meta.pk.get_internal_type() in
            ("AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField")
            for model in apps.get_models(include_auto_created=True)}


def _files(root) -> dict[str, bytes]:
    root = Path(root)
    if not root.is_dir():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _diff(before, after) -> dict[str, TableChange]:
    changes = {}
    for table, (key, columns, rows) in after.items():
        old = before.get(table, (key, columns, {}))[2]
        changed = [k for k, row in rows.items() if old.get(k) != row]
        removed = [k for k in old if k not in rows]
        if changed or removed:
            changes[table] = TableChange(columns, key, removed + [k for k in changed if k in old],
                                         [rows[k] for k in changed])
    return changes


def _replayable(recording: Recording, tracker: Tracker) -> bool:
    return (not tracker.other_writes and tuple(tracker.applied) == recording.after
            and recording.context == _context()
            and _fingerprint(recording.fingerprint) == recording.fingerprint)


def _replay(recording: Recording) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in _replay_sql(recording, cursor):
                cursor.execute(sql)
        else:  # SQLite runs one statement per call
            for sql, values in _statements(recording):
                cursor.execute(sql, values)
    if connection.vendor == "postgresql":
        _reset_sequences(recording.tables)
    root = Path(settings.MEDIA_ROOT)
    for name, content in recording.files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)


def _statements(recording: Recording) -> list[tuple[str, list]]:
    """(SQL, parameters) that write the recording's changes."""
    quote = connection.ops.quote_name
    statements: list[tuple[str, list]] = []
    # Foreign keys are checked at commit (Django declares them deferrable), so the order of
    # the tables does not matter; all deletions first keeps unique columns free.
    for table, change in recording.tables.items():
        for start in range(0, len(change.delete), 500):
            chunk = change.delete[start:start + 500]
            statements.append((f"DELETE FROM {quote(table)} WHERE {quote(change.key)} IN "
                               f"({', '.join(['%s'] * len(chunk))})", chunk))
    # One INSERT of many rows per table (and chunk): psycopg2's executemany is a round trip
    # per row, which made replaying the demo on PostgreSQL cost some 250 of them.
    limit = connection.features.max_query_params or 2 ** 16 - 1
    for table, change in recording.tables.items():
        width = len(change.columns)
        row = f"({', '.join(['%s'] * width)})"
        step = max(1, min(500, limit // width))
        for start in range(0, len(change.insert), step):
            chunk = change.insert[start:start + step]
            statements.append((
                f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in change.columns)}) "
                f"VALUES {', '.join([row] * len(chunk))}", [v for r in chunk for v in r]))
    return statements


# A recording's statements as PostgreSQL receives them, made once per recording: psycopg2 binds
# parameters on the client, so they are the same text every time, and quoting the demo's some
# 40,000 values took 4 ms of each of some 400 replays a run. Batched: one round trip for up to
# 50 statements (the demo's ~35 took 15 ms of a 40 ms replay one by one).
_replay_sql_of: dict[int, tuple[Recording, list[str]]] = {}


def _replay_sql(recording: Recording, cursor) -> list[str]:
    made = _replay_sql_of.get(id(recording))
    if made is None or made[0] is not recording:
        statements = _statements(recording)
        batches = [statements[start:start + 50] for start in range(0, len(statements), 50)]
        made = (recording, [cursor.mogrify(";\n".join(sql for sql, _ in batch),
                                           [v for _, values in batch for v in values]).decode()
                            for batch in batches])
        _replay_sql_of[id(recording)] = made
    return made[1]


def _reset_sequences(tables) -> None:
    from django.apps import apps
    from django.core.management.color import no_style

    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in tables]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            cursor.execute("\n".join(statements))  # one round trip for all (no parameters)


def replay_or_build(name: str, build, tracker: Tracker):
    """What `build()` returns, and the database (and MEDIA_ROOT) as `build()` leaves it:
    built for real the first time (and whenever replaying is not known to be exact),
    replayed from the recording afterwards. `build()` must return plain data (keys, not
    model instances). Under pytest-xdist the first process of the run to reach a given
    starting state records it for all (tests/shared_run.py): issuing the seed study is then
    rendered and signed once per run, not once per process."""
    key = (name, tuple(tracker.applied))  # the same build after other replays is another recording
    recording = _recordings.get(key)
    in_test_transaction = connection.in_atomic_block
    if recording is not None and in_test_transaction and _replayable(recording, tracker):
        return _replay_recording(name, recording, tracker)
    if key in _recordings or not in_test_transaction or tracker.other_writes:
        tracker.other_writes = True
        return build()
    after_applied, context, fingerprint = tuple(tracker.applied), _context(), _fingerprint(_tables())
    shared = _shared_path(name, after_applied, context, fingerprint)
    if shared is None:
        return _record(key, build, tracker, context, fingerprint)
    with shared_run.exclusive(shared) as held:
        if shared.exists():  # recorded by another process from this same state
            _recordings[key] = recording = pickle.loads(shared.read_bytes())
            if recording is not None and _replayable(recording, tracker):
                return _replay_recording(name, recording, tracker)
            tracker.other_writes = True
            return build()
        result = _record(key, build, tracker, context, fingerprint)
        if held:
            shared_run.write_atomically(shared, pickle.dumps(_recordings[key]))
        return result


def _shared_path(name: str, after: tuple, context: str, fingerprint: dict) -> Path | None:
    """Where the run's processes share the recording of `name` from this starting state."""
    folder = shared_run.folder()
    if folder is None:
        return None
    state = hashlib.sha256(repr((after, context, sorted(fingerprint.items()))).encode())
    return folder / f"recording-{name}-{state.hexdigest()[:24]}.pickle"


def _replay_recording(name: str, recording: Recording, tracker: Tracker):
    tracker.quiet = True
    try:
        _replay(recording)
    finally:
        tracker.quiet = False
    _applied(tracker, name, recording)
    return recording.result


def _record(key: tuple, build, tracker: Tracker, context: str, fingerprint: dict):
    """Build for real, recording the state before and after (None: not replayable)."""
    result, recording = record_build(build, context, after=key[1], fingerprint=fingerprint)
    _recordings[key] = recording
    if recording is None:
        tracker.other_writes = True
        return result
    tracker.other_writes = False  # the build's own writes are what the recording holds
    _applied(tracker, key[0], recording)
    return result


def record_build(build, context: str, *, after: tuple = (), fingerprint: dict | None = None):
    """(what `build()` returns, the Recording of what it wrote), the Recording None when the
    build had a side effect a replay would not reproduce: a file removed, a mail sent, a setting
    or the language changed, a table added or one without a primary key written."""
    before, files_before, mails_before = _dump(), _files(settings.MEDIA_ROOT), _mails()
    result = build()
    rows_after, files_after = _dump(), _files(settings.MEDIA_ROOT)
    tables = _diff(before, rows_after)
    if (set(files_before) - set(files_after) or _mails() != mails_before or _context() != context
            or any(change.key is None for change in tables.values())
            or set(rows_after) != set(before)):
        return result, None
    return result, Recording(
        after=after, context=context, fingerprint=fingerprint or {}, tables=tables,
        files={n: c for n, c in files_after.items() if files_before.get(n) != c}, result=result,
    )


def _applied(tracker: Tracker, name: str, recording: Recording) -> None:
    """A build that wrote nothing (the reference data, which migrations already load) leaves the
    database as it was: later recordings need not depend on whether it ran before them."""
    if recording.tables or recording.files:
        tracker.applied.append(name)
