"""Reference data as versioned data, present after `migrate`.

1. GWP values become editions (GwpSetVersion): the values an installation has are version 1 of
   their set; AR6 version 2 corrects SF₆ from 24,300 to 25,200 (IPCC AR6 WG1 Table 7.SM.7).
2. Every study is pinned to an edition: issued and superseded studies to version 1 (the values
   they were computed and signed with); the others to the current version, with a
   StudyGwpChange row and one history line when that moves them.
3. A fresh database gets the GWP editions and the starter factor library, so that `migrate`
   followed by `import_study` never computes silent zeros.

Self-contained on purpose: a migration must not change when the application code does. The
editions it knows are listed here; later corrections come with migrations of their own.
"""

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

from django.db import migrations
from django.utils import timezone

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"
KNOWN_EDITIONS = (("AR4", 1), ("AR5", 1), ("AR6", 1), ("AR6", 2))
FROZEN = ("issued", "superseded")
_YEAR_SUFFIX = re.compile(r"-(19|20)\d\d$")


def _editions():
    data = json.loads((REFERENCE / "gwp_sets.json").read_text(encoding="utf-8"))
    by_key = {(e["gwp_set"], e["version"]): e for e in data["editions"]}
    values = {}
    out = []
    for key in KNOWN_EDITIONS:
        edition = by_key[key]
        if "values" in edition:
            current = dict(edition["values"])
        else:
            current = {**values[(key[0], key[1] - 1)], **edition["changes"]}
        values[key] = current
        out.append((edition, current))
    return out


def _gas_names():
    names = {}
    with open(REFERENCE / "gwp_100.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            gas = {"CH2FCF3": "HFC-134a"}.get(row["formula"], row["formula"])
            names[gas] = row["gas"]
    return names


def gwp_editions(apps):
    GwpSetVersion = apps.get_model("footprint", "GwpSetVersion")
    GwpValue = apps.get_model("footprint", "GwpValue")
    names = _gas_names()
    for edition, values in _editions():
        version, _ = GwpSetVersion.objects.get_or_create(
            gwp_set=edition["gwp_set"], version=edition["version"],
            defaults={"source": edition["source"], "reason": edition.get("reason", ""),
                      "reason_en": edition.get("reason_en", ""), "is_current": False},
        )
        if edition["version"] == 1:
            # An upgraded installation: the values it has are what its studies used.
            GwpValue.objects.filter(gwp_set=edition["gwp_set"], set_version__isnull=True).update(
                set_version=version
            )
        have = set(GwpValue.objects.filter(set_version=version).values_list("gas", flat=True))
        for gas, value in values.items():
            if gas not in have:
                GwpValue.objects.create(set_version=version, gwp_set=edition["gwp_set"], gas=gas,
                                        value=Decimal(value), name=names.get(gas, ""))
    for gwp_set in {e[0] for e in KNOWN_EDITIONS}:
        newest = GwpSetVersion.objects.filter(gwp_set=gwp_set).order_by("-version").first()
        GwpSetVersion.objects.filter(gwp_set=gwp_set).update(is_current=False)
        GwpSetVersion.objects.filter(pk=newest.pk).update(is_current=True)


def pin_studies(apps):
    GwpSetVersion = apps.get_model("footprint", "GwpSetVersion")
    Study = apps.get_model("footprint", "Study")
    HistoricalStudy = apps.get_model("footprint", "HistoricalStudy")
    StudyGwpChange = apps.get_model("footprint", "StudyGwpChange")
    first = {v.gwp_set: v for v in GwpSetVersion.objects.filter(version=1)}
    current = {v.gwp_set: v for v in GwpSetVersion.objects.filter(is_current=True)}
    now = timezone.now()
    for study in Study.objects.filter(gwp_version__isnull=True):
        if study.status in FROZEN:
            Study.objects.filter(pk=study.pk).update(gwp_version=first[study.gwp_set])
            continue
        target = current[study.gwp_set]
        Study.objects.filter(pk=study.pk).update(gwp_version=target)
        if target.pk == first[study.gwp_set].pk:
            continue
        StudyGwpChange.objects.create(study=study, from_version=first[study.gwp_set], to_version=target)
        # One history line: "GWP 值版次 AR6 v1 → AR6 v2". The earlier records carry no version,
        # so the line before the move is written as version 1.
        last = HistoricalStudy.objects.filter(id=study.pk).order_by("-history_date", "-history_id").first()
        if last is None:
            continue
        HistoricalStudy.objects.filter(pk=last.pk).update(gwp_version=first[study.gwp_set])
        last.pk = None
        last.history_id = None
        last.history_date = now
        last.history_type = "~"
        last.history_user = None
        last.history_change_reason = target.reason
        last.gwp_version = target
        last.save()


def starter_library(apps):
    EmissionFactor = apps.get_model("footprint", "EmissionFactor")
    known = set(EmissionFactor.objects.values_list("code", flat=True))
    with open(REFERENCE / "emission_factors_cn.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["code"] in known:
                continue
            EmissionFactor.objects.create(
                code=row["code"], version=1, family=_YEAR_SUFFIX.sub("", row["code"]),
                is_current=True, name_zh=row["name_zh"], name_en=row["name_en"],
                category=row["category"], value=Decimal(row["value"]),
                unit=f"{row['numerator_unit'].split()[0]}/{row['denominator_unit']}",
                gas=row["gas"], region=row["region"], year=int(row["data_year"]),
                source=row["source"], published=row["published"], notes=row["notes"],
            )
    with open(REFERENCE / "fuel_defaults_cn.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["code"] in known:
                continue
            EmissionFactor.objects.create(
                code=row["code"], version=1, family=_YEAR_SUFFIX.sub("", row["code"]),
                is_current=True, name_zh=row["name_zh"], name_en=row["name_en"], category="fuel",
                value=None, ncv=f"{row['ncv_value']} {row['ncv_unit']}",
                carbon_content=f"{row['carbon_content_tC_per_TJ']} t/TJ",
                oxidation_rate=Decimal(row["oxidation_rate"]), unit="kg/kg", gas="CO2", region="CN",
                year=None, source=row["source"], notes=row["notes"],
            )


def record_history(apps, model_name, reason):
    """Reference rows made here get their "created" history record, as rows made by the
    application do (django-simple-history's signals do not run in migrations)."""
    model = apps.get_model("footprint", model_name)
    historical = apps.get_model("footprint", f"Historical{model_name}")
    have = set(historical.objects.values_list("id", flat=True))
    fields = [f.attname for f in model._meta.concrete_fields]
    now = timezone.now()
    historical.objects.bulk_create(
        historical(**{name: getattr(obj, name) for name in fields}, history_date=now,
                   history_type="+", history_change_reason=reason)
        for obj in model.objects.exclude(id__in=have)
    )


def forward(apps, schema_editor):
    gwp_editions(apps)
    pin_studies(apps)
    starter_library(apps)
    for name in ("GwpSetVersion", "GwpValue", "EmissionFactor"):
        record_history(apps, name, "migration 0004: reference data")


class Migration(migrations.Migration):
    dependencies = [("footprint", "0003_gwp_set_versions")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
