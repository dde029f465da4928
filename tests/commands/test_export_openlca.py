"""export_openlca STUDY FILE: the package on disk, read back with olca-schema."""

from io import StringIO

import olca_schema as o
import pytest
from django.core.management import CommandError, call_command
from olca_schema.zipio import ZipReader


def test_export_openlca_writes_the_package(demo, tmp_path):
    path = tmp_path / "seed.zip"
    out = StringIO()
    call_command("export_openlca", "202508175GHG", str(path), stdout=out)
    call_command("export_openlca", "202508175GHG", str(tmp_path / "en.zip"), "--lang", "en", stdout=StringIO())
    with ZipReader(tmp_path / "en.zip") as reader:
        assert {p.category for p in reader.read_each(o.Process)} == {
            "202508175GHG/Life cycle stages", "202508175GHG/Products", "Emission factors"}
    assert f"wrote {path}" in out.getvalue()
    with ZipReader(path) as reader:
        names = {p.name for p in reader.read_each(o.Process)}
        (method,) = list(reader.read_each(o.ImpactMethod))
    assert {"低压成套开关设备 (LV)", "低压成套开关设备 (LV) – 生产", "柴油 [CN-DIESEL v1]"} <= names
    assert method.name == "PCF GWP100 (IPCC AR5 v1)"
    with pytest.raises(CommandError, match="no study with report number NOPE"):
        call_command("export_openlca", "NOPE", str(tmp_path / "x.zip"), stdout=StringIO())
