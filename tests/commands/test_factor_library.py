"""`import_factors` and `export_factors`: the library moves between installations."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from footprint.models import EmissionFactor

pytestmark = pytest.mark.django_db

HEADER = ("code,name_zh,name_en,category,value,numerator_unit,denominator_unit,gas,region,"
          "data_year,source,published,notes\n")


def test_dry_run_prints_and_changes_nothing_then_the_import_does(reference_data, tmp_path, capsys):
    path = tmp_path / "lib.csv"
    path.write_text(HEADER + "MAT-PP,聚丙烯,polypropylene,material,1.98,kg CO2e,kg,CO2e,CN,2022,某数据库,,\n"
                    "CN-GRID-2023,全国电力平均二氧化碳排放因子,China national grid average electricity,"
                    "electricity,0.5310,kg CO2,kWh,CO2,CN,2023,新来源,2026-02,\n", encoding="utf-8")
    before = EmissionFactor.objects.count()
    call_command("import_factors", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "new      MAT-PP" in out and "version  CN-GRID-2023 v1 → v2 (value, source, published, notes)" in out
    assert "1 new, 1 new version(s), 0 unchanged, 0 rejected" in out
    assert EmissionFactor.objects.count() == before
    call_command("import_factors", str(path))
    assert EmissionFactor.objects.count() == before + 2
    assert EmissionFactor.objects.get(code="CN-GRID-2023", is_current=True).value == Decimal("0.5310")


def test_rejected_rows_fail_the_command_and_import_nothing(reference_data, tmp_path, capsys):
    path = tmp_path / "lib.csv"
    path.write_text(HEADER + "MAT-PP,聚丙烯,,material,1.98,kg CO2e,kg,CO2e,CN,2022,某数据库,,\n"
                    "MAT-X,坏,,material,1.0,kg CO2e,kWh,CO2e,CN,2022,某数据库,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 row\\(s\\) rejected; nothing was imported"):
        call_command("import_factors", str(path))
    assert "rejected lib.csv 第 3 行，列 denominator_unit" in capsys.readouterr().err
    assert not EmissionFactor.objects.filter(code="MAT-PP").exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_is_all_unchanged(reference_data, tmp_path, capsys, suffix):
    path = tmp_path / f"library{suffix}"
    call_command("export_factors", str(path))
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == (["library-fuels.csv", "library.csv"] if suffix == ".csv" else ["library.xlsx"])
    capsys.readouterr()
    call_command("import_factors", *(str(tmp_path / name) for name in written), "--dry-run")
    count = EmissionFactor.objects.filter(is_current=True).count()
    assert f"0 new, 0 new version(s), {count} unchanged, 0 rejected" in capsys.readouterr().out
