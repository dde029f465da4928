"""A fresh database never gives silent zeros: `migrate` brings the reference data, and the
commands refuse or fail loudly when something cannot be resolved."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from footprint.models import ActivityRecord, GwpSetVersion, GwpValue, Study
from footprint.services.interchange.importing import ImportRejected, import_file

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "footprint" / "fixtures" / "demo"


def _manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_migrate_then_import_then_calculate_gives_the_recomputed_totals(tmp_path):
    # its own SQLite file: the state of a new installation, whatever the test database is
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    assert _manage("migrate", "-v0", env=env).returncode == 0
    imported = _manage("import_study", str(DEMO / "202508175GHG.json"), env=env)
    assert imported.returncode == 0, imported.stderr
    calculated = _manage("calculate", "202508175GHG", env=env)
    assert calculated.returncode == 0, calculated.stderr
    assert "212.852" in calculated.stdout and "226.496" in calculated.stdout
    assert "gwp_missing" not in calculated.stdout + calculated.stderr


def test_calculate_exits_non_zero_with_the_errors_on_stderr(demo, capsys):
    seed = Study.objects.get(report_number="202508175GHG")
    # kWh of electricity entered as t*km: no conversion to the factor's kWh
    ActivityRecord.objects.filter(stage__study_product__study=seed, position=0).update(unit="t*km")
    with pytest.raises(CommandError, match="2 error"):
        call_command("calculate", "202508175GHG")
    err = capsys.readouterr().err
    assert err.count("unit_incompatible") == 2 and "ERROR LV [activity 0]" in err


def test_import_refuses_a_gwp_set_this_installation_does_not_have(db):
    GwpValue.objects.filter(set_version__gwp_set="AR5").delete()
    GwpSetVersion.objects.filter(gwp_set="AR5").delete()
    with pytest.raises(ImportRejected) as refused:
        import_file("seed.json", (DEMO / "202508175GHG.json").read_bytes())
    [problem] = refused.value.problems
    assert problem.location == "gwp_set" and "AR5" in problem.message and "migrate" in problem.message
    assert not Study.objects.exists()


def test_import_refuses_a_gas_its_gwp_set_has_no_value_for_and_names_the_row(db):
    GwpValue.objects.filter(set_version__gwp_set="AR6", set_version__is_current=True, gas="SF6").delete()
    with pytest.raises(ImportRejected) as refused:
        import_file("DEMO-2.json", (DEMO / "DEMO-2.json").read_bytes())
    [problem] = refused.value.problems
    assert problem.location == "products[0].activities[3]"
    assert "DEMO-SF6-DIRECT" in problem.message and "SF6" in problem.message
    assert not Study.objects.exists()
