"""footprint's migrations: the models need none, and a fresh database runs the one squashed
migration, which gives what the 19 it replaces give (docs/deployment.md, "Migrations")."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

from .migrated_database import SQUASHED

ROOT = Path(__file__).resolve().parents[1]
OLD_LEAF = ("footprint", "0019_background_job_preview")
_FILES = sorted(p.stem for p in (ROOT / "footprint" / "migrations").glob("00*.py") if p.stem != SQUASHED[1])
OLD_FILES = [name for name in _FILES if name <= OLD_LEAF[1]]  # the 19 the squash replaces
LATER = [name for name in _FILES if name > OLD_LEAF[1]]  # made since, on top of the squashed one


def test_the_models_need_no_new_migration(db):
    # exits 1 (SystemExit) when the models and the migrations' state differ
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_a_fresh_database_runs_the_squashed_migration_which_replaces_the_19_old_ones():
    loader = MigrationLoader(None)  # no database: nothing applied, as on a fresh one
    plan = [key for key in loader.graph.forwards_plan(SQUASHED) if key[0] == "footprint"]
    assert plan == [SQUASHED]
    leaf = ("footprint", LATER[-1]) if LATER else SQUASHED
    assert loader.graph.leaf_nodes("footprint") == [leaf]
    assert [key for key in loader.graph.forwards_plan(leaf) if key[0] == "footprint"] == [
        SQUASHED, *(("footprint", name) for name in LATER)]
    replaces = loader.disk_migrations[SQUASHED].replaces
    assert len(OLD_FILES) == 19 and sorted(name for _, name in replaces) == OLD_FILES
    assert {app for app, _ in replaces} == {"footprint"}
    # in the old chain's order (0016 comes before 0015 there)
    old = MigrationLoader(None, replace_migrations=False)
    assert replaces == [key for key in old.graph.forwards_plan(OLD_LEAF) if key[0] == "footprint"]


def _models(state):
    """Each footprint model as its migrations leave it: fields in column order, options."""
    return {name: ([(field_name, field.deconstruct()[1:]) for field_name, field in model.fields.items()],
                   model.options, model.bases, [(n, m.deconstruct()) for n, m in model.managers])
            for (app, name), model in state.models.items() if app == "footprint"}


def test_the_squashed_migration_leaves_the_state_of_the_old_chain_field_by_field_in_column_order():
    old = MigrationLoader(None, replace_migrations=False).project_state(OLD_LEAF)
    new = MigrationLoader(None).project_state(SQUASHED)
    old_models, new_models = _models(old), _models(new)
    assert sorted(new_models) == sorted(old_models) and len(new_models) == 42
    for name, model in old_models.items():
        assert new_models[name] == model, name


def _self_references_last(sql: str) -> str:
    """Django's SQLite table rebuild (any AddField or AlterField but the simplest) moves a
    foreign key to the table itself to the last column; PostgreSQL keeps the column where it
    was added. So footprint_study.supersedes_id ends the old chain's SQLite table, not the new
    one's, until the next rebuild of footprint_study."""
    match = re.fullmatch(r'CREATE TABLE "(\w+)" \((.*)\)', sql or "", re.S)
    if not match:
        return sql
    table, body = match.groups()
    parts, depth, start = [], 0, 0
    for i, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    columns = [p for p in parts if not p.startswith("CONSTRAINT")]
    own = [c for c in columns if f'REFERENCES "{table}" ' in c]
    rest = [c for c in columns if c not in own]
    constraints = [p for p in parts if p.startswith("CONSTRAINT")]
    return f'CREATE TABLE "{table}" ({", ".join(rest + own + constraints)})'


def test_the_helper_moves_only_a_self_reference_to_the_end():
    sql = ('CREATE TABLE "t" ("id" integer, "up_id" bigint REFERENCES "t" ("id"), '
           '"n" decimal(5, 2) CHECK ("n" >= 0), CONSTRAINT "c" CHECK ("n" > 0))')
    assert _self_references_last(sql) == ('CREATE TABLE "t" ("id" integer, "n" decimal(5, 2) CHECK ("n" >= 0), '
                                          '"up_id" bigint REFERENCES "t" ("id"), CONSTRAINT "c" CHECK ("n" > 0))')


# The comparison below migrates two databases (some 17 s of CPU on a slow core) to prove what
# only its inputs decide: the 20 migration files (frozen history), its helper and Django's
# version (a later migration is applied to both databases alike: not an input). It runs
# whenever those change, and otherwise holds to the digest of what it proved.
PROVEN = "93706002570160be805da68494a775423a9325e1ae2df89a3b3ec58dc0f300be"


def _comparison_inputs() -> str:
    import hashlib

    import django

    digest = hashlib.sha256(django.get_version().encode())
    for name in [*OLD_FILES, SQUASHED[1]]:
        digest.update((ROOT / "footprint" / "migrations" / f"{name}.py").read_bytes())
    digest.update((ROOT / "tests" / "migrated_database.py").read_bytes())
    return digest.hexdigest()


def test_a_fresh_database_has_the_schema_and_reference_rows_of_the_old_chain(tmp_path):
    """Two new SQLite files: the old chain then today's `migrate` (an installation made before
    the squash), and the squashed migration. Same tables, indexes, rows and keys."""
    inputs = _comparison_inputs()
    if inputs == PROVEN:
        return  # proven for exactly these files and this Django
    runs = {chain: subprocess.Popen([sys.executable, str(ROOT / "tests" / "migrated_database.py"),
                                     str(tmp_path / f"{chain}.sqlite3"), *flags],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for chain, flags in (("old-chain", ["--old-chain"]), ("squashed", []))}
    contents = {}
    for chain, run in runs.items():
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
        contents[chain] = json.loads(out)
    old, new = contents["old-chain"], contents["squashed"]
    for found in (old, new):
        found["sqlite_master"] = [[*row[:3], _self_references_last(row[3])] for row in found["sqlite_master"]]
    assert old.keys() == new.keys()
    for key in old:
        assert new[key] == old[key], key
    assert len(old["footprint_gwpvalue"]) == 28 and len(old["footprint_emissionfactor"]) == 12
    assert old["footprint_migrations"] == sorted([*OLD_FILES, SQUASHED[1], *LATER])
    assert inputs == PROVEN, f"the comparison holds for these inputs: set PROVEN = {inputs!r}"


@pytest.mark.parametrize("sql", [None, "CREATE INDEX x ON t (a)"])
def test_the_helper_leaves_anything_but_a_table_alone(sql):
    assert _self_references_last(sql) == sql
