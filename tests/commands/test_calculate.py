"""`manage.py calculate` on the seed study: figures from its own data, exactly the rows that
do not follow flagged."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_results_json(demo):
    doc = json.loads(run("calculate", "202508175GHG", "--format", "json"))
    assert doc["report_number"] == "202508175GHG" and doc["gwp_set"] == "AR5"
    lv, hv = doc["products"]
    # hand-computed: Σ quantity × factor ÷ output (diesel factor 3.14512249 kg/kg)
    assert lv["total_kgco2e"] == pytest.approx(180.2004569 + 10.155 + 0.7332128 + 10.542 + 11.2215704, abs=1e-6)
    assert hv["total_kgco2e"] == pytest.approx(172.4511729 + 12.7450098 + 1.8781 + 16.1379979 + 23.2835084, abs=1e-6)
    assert [s["stage"] for s in lv["stages"]][:3] == ["raw_material_acquisition", "raw_material_transport", "production"]
    assert sum(s["share"] for s in lv["stages"]) == pytest.approx(1.0)
    # the printed results that do not follow: both products' raw-material, production and end-of-life rows
    for product in (lv, hv):
        flagged = sorted(c["activity"] for c in product["checks"] if c["code"] == "claimed_mismatch")
        assert flagged == [0, 2, 4]
        suggested = {c["activity"]: c["suggested_factor"] for c in product["checks"] if c["code"] == "claimed_mismatch"}
        assert suggested == {0: "CN-GRID-2021", 2: None, 4: "CN-GRID-2021"}
        assert not [c for c in product["checks"] if c["severity"] == "error"]
    assert hv["activities"][2]["deviation"] == pytest.approx(2.385 / 1.8781 - 1, rel=1e-6)


def test_table_format_is_readable(demo):
    text = run("calculate", "202508175GHG", "--format", "table")
    assert "212.852" in text and "226.496" in text
    assert "claimed_mismatch" in text


def test_unknown_report_number_is_an_error(db):
    with pytest.raises(CommandError, match="NOPE"):
        run("calculate", "NOPE")
