"""The audit trail of one study, in words: who changed what, when, from which value to which.

django-simple-history records every save of companies, products, studies, products in a study,
stages, activities, team members and factors. This module gathers the records that concern one
study (including rows deleted since, found through the history of their parents) and turns
consecutive records of the same row into field-by-field changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from ...choices import Stage
from ...models import (
    ActivityRecord,
    Company,
    DataRequest,
    DataRequestRow,
    EmissionFactor,
    EvidenceFile,
    LifecycleStage,
    Product,
    Study,
    StudyClaim,
    StudyProduct,
    VerificationTeamMember,
)
from .. import formatting as F
from ..report_prose.translation import passage_labels

# A bulk creation (an import) of more rows than this at once is shown as one entry.
GROUP_CREATIONS_OVER = 3
_SKIP_FIELDS = {"updated_at", "created_at", "issued_snapshot", "family"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    user: str
    action: str  # "created", "changed", "deleted"
    object_type: str
    object_label: str
    changes: tuple[FieldChange, ...] = ()
    count: int = 1  # > 1 for a grouped bulk creation

    @property
    def action_label(self) -> str:
        return {"created": pgettext("history action", "新建"), "changed": pgettext("history action", "修改"),
                "deleted": pgettext("history action", "删除")}[self.action]


_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _fmt(field: models.Field | None, value) -> str:
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return F.plain(value)  # as stored, without the column's padding (docs/numbers.md)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


class _Labels:
    """Labels for rows and foreign keys without one query per record."""

    def __init__(self):
        self.cache: dict[tuple[type, int], str] = {}

    def fk(self, model: type[models.Model], pk) -> str:
        if pk is None:
            return "—"
        key = (model, pk)
        if key not in self.cache:
            obj = model._default_manager.filter(pk=pk).first()
            if obj is None:
                self.cache[key] = f"#{pk}"
            elif model is EmissionFactor:
                # by code and version, as its own entries: a factor's name may be its licence's
                self.cache[key] = f"{obj.code} v{obj.version}"
            else:
                self.cache[key] = str(obj)
        return self.cache[key]


def _stage_place(record, sp_codes: dict[int, str]) -> str:
    stage = dict(LifecycleStage._meta.get_field("stage").flatchoices).get(record.stage, record.stage)
    return f"{sp_codes.get(record.study_product_id, '')} / {stage}".strip(" /")


def _label(record, labels: _Labels, sp_codes: dict[int, str],
           stage_places: dict[int, str] | None = None) -> str:
    model = record.instance_type
    if model is Study:
        return record.report_number
    if model is StudyProduct:
        return sp_codes.get(record.id) or labels.fk(Product, record.product_id)
    if model is LifecycleStage:
        return _stage_place(record, sp_codes)
    if model is ActivityRecord:
        # "LV / 生产 / 生产用电": the same activity name is often in several products
        place = (stage_places or {}).get(record.stage_id)
        return f"{place} / {record.name}" if place else record.name
    if model is VerificationTeamMember:
        return record.name
    if model is StudyClaim:
        subject = record.factor_code or " ".join(
            t for t in (sp_codes.get(record.study_product_id, ""), record.stage) if t)
        return f"{record.place}: {subject}".strip(": ")
    if model is DataRequest:
        return f"#{record.id} {record.title}"
    if model is DataRequestRow:
        # "#3 / LV / 生产 / 生产用电"
        stage = dict(Stage.choices).get(record.stage, record.stage)
        return f"#{record.request_id} / {sp_codes.get(record.study_product_id, '')} / {stage} / {record.name}"
    if model is Company:
        return record.name
    if model is Product:
        return f"{record.code} {record.name}"
    if model is EmissionFactor:
        return f"{record.code} v{record.version}"
    if model is EvidenceFile:
        return record.original_name
    return str(record.id)


def _changes(new, old, labels: _Labels) -> tuple[FieldChange, ...]:
    model = new.instance_type
    out = []
    for field in model._meta.concrete_fields:
        if field.name in _SKIP_FIELDS or field.primary_key:
            continue
        attname = field.attname
        a, b = getattr(old, attname, None), getattr(new, attname, None)
        if a == b:
            continue
        if field.name == "translations":
            out.extend(_translation_changes(str(field.verbose_name), a or {}, b or {}))
            continue
        if field.is_relation:
            a_text, b_text = labels.fk(field.related_model, a), labels.fk(field.related_model, b)
        else:
            a_text, b_text = _fmt(field, a), _fmt(field, b)
        out.append(FieldChange(str(field.verbose_name), a_text, b_text))
    return tuple(out)


def _records(study: Study, *, for_licensee: bool) -> list:
    """Every history record that concerns the study, of every model. Not `for_licensee` (a
    company's contact): without the records of factors whose licence forbids redistribution,
    whose fields are the licence's (services/reference/licences.py)."""
    hist = {m: m.history.model for m in (Study, StudyProduct, LifecycleStage, ActivityRecord,
                                         VerificationTeamMember, StudyClaim, Company, Product,
                                         EmissionFactor, DataRequest, DataRequestRow,
                                         EvidenceFile)}
    sp_ids = set(hist[StudyProduct].objects.filter(study_id=study.pk).values_list("id", flat=True))
    product_ids = set(
        hist[StudyProduct].objects.filter(study_id=study.pk).values_list("product_id", flat=True)
    )
    stage_ids = set(
        hist[LifecycleStage].objects.filter(study_product_id__in=sp_ids).values_list("id", flat=True)
    )
    activity_qs = hist[ActivityRecord].objects.filter(stage_id__in=stage_ids)
    factor_ids = set(activity_qs.values_list("factor_id", flat=True))
    if not for_licensee:
        factor_ids -= set(EmissionFactor.objects.filter(id__in=factor_ids, redistribution_allowed=False)
                          .values_list("id", flat=True))
    querysets = [
        hist[Study].objects.filter(id=study.pk),
        hist[StudyProduct].objects.filter(study_id=study.pk),
        hist[LifecycleStage].objects.filter(id__in=stage_ids),
        activity_qs,
        hist[VerificationTeamMember].objects.filter(study_id=study.pk),
        hist[StudyClaim].objects.filter(study_id=study.pk),
        hist[Company].objects.filter(id=study.company_id),
        hist[Product].objects.filter(id__in=product_ids),
        hist[EmissionFactor].objects.filter(id__in=factor_ids),
        # the data requests' every step: sent, submitted, accepted, rejected (issue 15)
        hist[DataRequest].objects.filter(study_id=study.pk),
        hist[DataRequestRow].objects.filter(
            request_id__in=set(hist[DataRequest].objects.filter(study_id=study.pk).values_list("id", flat=True))),
        hist[EvidenceFile].objects.filter(study_id=study.pk),
    ]
    records = []
    for qs in querysets:
        records += list(qs.select_related("history_user").order_by("history_date", "history_id"))
    return records


def study_history(study: Study, *, for_licensee: bool) -> list[HistoryEntry]:
    """The study's audit trail, newest first, as the reader may have it (`for_licensee`:
    access.sees_licensed_factors)."""
    labels = _Labels()
    records = _records(study, for_licensee=for_licensee)
    product_codes = dict(
        Product.history.model.objects.filter(
            id__in={r.product_id for r in records if r.instance_type is StudyProduct}
        ).values_list("id", "code")
    )
    sp_codes = {r.id: product_codes.get(r.product_id, "") for r in records
                if r.instance_type is StudyProduct}
    stage_places = {r.id: _stage_place(r, sp_codes) for r in records if r.instance_type is LifecycleStage}
    previous: dict[tuple[type, int], object] = {}
    entries: list[HistoryEntry] = []
    creations: dict[tuple, list] = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        model = record.instance_type
        key = (model, record.id)
        user = record.history_user.display_name if record.history_user else _("系统")
        action = _ACTIONS.get(record.history_type, "changed")
        if action == "changed":
            old = previous.get(key)
            changes = _changes(record, old, labels) if old is not None else ()
            if old is None or changes:
                entries.append(HistoryEntry(record.history_date, user, action,
                                            str(model._meta.verbose_name),
                                            _label(record, labels, sp_codes, stage_places), changes))
        elif action == "created":
            group = (record.history_date.replace(microsecond=0), user, model)
            creations[group].append(record)
        else:
            entries.append(HistoryEntry(record.history_date, user, action,
                                        str(model._meta.verbose_name),
                                        _label(record, labels, sp_codes, stage_places)))
        previous[key] = record
    for (_when, user, model), group in creations.items():
        if len(group) > GROUP_CREATIONS_OVER:
            names = pgettext("list separator", "、").join(_label(r, labels, sp_codes, stage_places) for r in group[:5])
            more = "…" if len(group) > 5 else ""
            entries.append(HistoryEntry(
                group[0].history_date, user, "created", str(model._meta.verbose_name_plural),
                ngettext("%(count)s 条：%(names)s", "%(count)s 条：%(names)s", len(group))
                % {"count": len(group), "names": names + more},
                count=len(group),
            ))
        else:
            for r in group:
                entries.append(HistoryEntry(
                    r.history_date, user, "created", str(model._meta.verbose_name),
                    _label(r, labels, sp_codes, stage_places),
                    _initial_values(r, labels) if model in (Study, ActivityRecord) else (),
                ))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _initial_values(record, labels: _Labels) -> tuple[FieldChange, ...]:
    """For a single new activity or study, the values it was created with."""
    model = record.instance_type
    wanted = {
        ActivityRecord: ("name", "quantity", "unit", "factor", "allocation"),
        Study: ("report_number", "title", "status"),
    }[model]
    out = []
    for name in wanted:
        field = model._meta.get_field(name)
        value = getattr(record, field.attname)
        text = labels.fk(field.related_model, value) if field.is_relation else _fmt(field, value)
        out.append(FieldChange(str(field.verbose_name), "", text))
    return tuple(out)


def _translation_changes(label: str, old: dict, new: dict) -> list[FieldChange]:
    """One line per translated passage or text that changed, not two copies of the whole
    wording: "报告译文 · en · 生产用电: — → Production electricity"."""
    out = []
    for language in sorted(set(old) | set(new)):
        for kind in ("texts", "terms"):
            a = (old.get(language) or {}).get(kind) or {}
            b = (new.get(language) or {}).get(kind) or {}
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    name = passage_labels().get(key, key) if kind == "texts" else key
                    out.append(FieldChange(f"{label} · {language} · {name}", _fmt(None, a.get(key)),
                                           _fmt(None, b.get(key))))
    return out
